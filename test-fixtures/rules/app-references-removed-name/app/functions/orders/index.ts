import { createClient } from 'npm:@supabase/supabase-js@2';

const supabase = createClient(Deno.env.get('SUPABASE_URL')!, Deno.env.get('SUPABASE_ANON_KEY')!);

export async function listOrders(userId: number) {
  // The old note column and the audit_log table are mentioned in this comment only.
  const { data } = await supabase.from('orders').select('id, amount, note').eq('user_id', userId);
  return (data ?? []).map((o) => ({ id: o.id, text: o.note, discount: o.coupon }));
}

export const help = 'Lists the orders of a user, with the total of each';
export const invoices = await supabase.from('invoices').select('id, number');
export const mode = 'express-shipping';
