-- A migration that works on a test database and would stall production.
BEGIN;
SET lock_timeout = '10s';
CREATE TABLE public.notes (id bigint PRIMARY KEY, user_id bigint, body text);
CREATE INDEX users_email_idx ON public.users (email);
ALTER TABLE public.users ADD CONSTRAINT users_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts (id);
ALTER TABLE public.orders ADD CONSTRAINT orders_amount_check CHECK (amount >= 0), ALTER COLUMN status SET NOT NULL;
ALTER TABLE public.users ADD CONSTRAINT users_email_key UNIQUE (email);
ALTER TABLE public.users ALTER COLUMN score TYPE bigint;
ALTER TABLE public.users RENAME COLUMN name TO display_name;
ALTER TABLE public.orders ADD COLUMN ref uuid DEFAULT gen_random_uuid();
CREATE INDEX orders_ref_idx ON public.orders (ref);
ALTER TABLE public.users DROP COLUMN legacy;
COMMIT;
