ALTER TABLE public.users DROP COLUMN legacy_flag;
