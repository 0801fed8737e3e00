ALTER TABLE public.legacy_audit ADD COLUMN id uuid DEFAULT gen_random_uuid();
