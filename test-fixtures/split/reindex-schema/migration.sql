BEGIN;
ALTER TABLE public.accounts ADD COLUMN seats integer;
COMMIT;
-- REINDEX SCHEMA refuses to run inside a transaction block: the step holding it must not be wrapped.
REINDEX SCHEMA public;
