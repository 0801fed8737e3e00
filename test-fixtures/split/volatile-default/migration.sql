ALTER TABLE public.users ADD COLUMN api_key uuid NOT NULL DEFAULT gen_random_uuid();
