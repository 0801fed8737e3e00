-- pg-preflight: follow-up to 20240101000000_fixture.sql (deploy after it)
-- - add CHECK (batch IS NOT NULL) NOT VALID
-- Runs in one transaction (BEGIN ... COMMIT below).
-- Why it is safe: NOT VALID skips the scan (ACCESS EXCLUSIVE, briefly); added only after the backfill, because a NOT VALID check still applies to every row an UPDATE touches
-- Deploy: after 20240101000004_backfill_orders_batch.sql has succeeded
-- Reverse: ALTER TABLE public.orders DROP CONSTRAINT IF EXISTS orders_batch_not_null;

BEGIN;
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30s';

ALTER TABLE public.orders ADD CONSTRAINT orders_batch_not_null CHECK (batch IS NOT NULL) NOT VALID;

COMMIT;
