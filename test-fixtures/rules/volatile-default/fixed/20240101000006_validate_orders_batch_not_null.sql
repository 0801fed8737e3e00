-- pg-preflight: follow-up to 20240101000000_fixture.sql (deploy after it)
-- - validate CHECK orders_batch_not_null
-- - SET NOT NULL on public.orders.batch using the validated CHECK, then drop the CHECK
-- Runs in one transaction (BEGIN ... COMMIT below).
-- Why it is safe: VALIDATE CONSTRAINT scans under SHARE UPDATE EXCLUSIVE: reads and writes continue; with a valid CHECK (col IS NOT NULL), SET NOT NULL skips the scan (PG 12+): ACCESS EXCLUSIVE, briefly
-- Deploy: after 20240101000005_check_orders_batch.sql has succeeded
-- Reverse (in this order):
--   ALTER TABLE public.orders ALTER COLUMN batch DROP NOT NULL;
--   nothing to undo (a validated constraint stays valid); to remove it: ALTER TABLE public.orders DROP CONSTRAINT orders_batch_not_null;
--
-- If rows violate the constraint, VALIDATE fails and changes nothing: fix the rows and rerun.

BEGIN;
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = 0;  -- VALIDATE scans without blocking traffic; do not cut it off

ALTER TABLE public.orders VALIDATE CONSTRAINT orders_batch_not_null;

ALTER TABLE public.orders ALTER COLUMN batch SET NOT NULL;
ALTER TABLE public.orders DROP CONSTRAINT orders_batch_not_null;

COMMIT;
