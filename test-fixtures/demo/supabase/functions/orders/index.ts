// Edge function: the signed-in user's latest orders.
import { createClient } from 'npm:@supabase/supabase-js@2';

Deno.serve(async (req: Request) => {
  const supabase = createClient(Deno.env.get('SUPABASE_URL')!, Deno.env.get('SUPABASE_ANON_KEY')!, {
    global: { headers: { Authorization: req.headers.get('Authorization') ?? '' } },
  });

  const { data, error } = await supabase
    .from('orders')
    .select('id, status, total_cents, currency, created_at')
    .order('created_at', { ascending: false })
    .limit(20);

  if (error) return new Response(JSON.stringify({ error: error.message }), { status: 500 });
  const orders = data.map((o) => ({ ...o, total: o.total_cents / 100 }));
  return new Response(JSON.stringify(orders), { headers: { 'Content-Type': 'application/json' } });
});
