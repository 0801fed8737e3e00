import { supabase } from './client.ts';

export const codes = await supabase.from('small_lookup').select('code, label');
