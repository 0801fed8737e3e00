-- pg-preflight: follow-up to 20240101000000_fixture.sql (deploy after it)
-- - attach users_email_key as the unique constraint of public.users
-- Runs in one transaction (BEGIN ... COMMIT below).
-- Why it is safe: ADD CONSTRAINT ... USING INDEX reuses the index built concurrently: ACCESS EXCLUSIVE, briefly
-- Deploy: after 20240101000001_index_users_email_key.sql has succeeded
-- Reverse: ALTER TABLE public.users DROP CONSTRAINT users_email_key;  -- drops the index too

BEGIN;
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30s';

ALTER TABLE public.users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;

COMMIT;
