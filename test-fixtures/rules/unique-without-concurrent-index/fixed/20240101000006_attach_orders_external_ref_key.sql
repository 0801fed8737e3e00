-- pg-preflight: follow-up to 20240101000000_fixture.sql (deploy after it)
-- - attach orders_external_ref_key as the unique constraint of public.orders
-- Runs in one transaction (BEGIN ... COMMIT below).
-- Why it is safe: ADD CONSTRAINT ... USING INDEX reuses the index built concurrently: ACCESS EXCLUSIVE, briefly
-- Deploy: after 20240101000005_index_orders_external_ref_key.sql has succeeded
-- Reverse: ALTER TABLE public.orders DROP CONSTRAINT orders_external_ref_key;  -- drops the index too

BEGIN;
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30s';

ALTER TABLE public.orders ADD CONSTRAINT orders_external_ref_key UNIQUE USING INDEX orders_external_ref_key;

COMMIT;
