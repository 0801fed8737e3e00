-- pg-preflight: follow-up to 20240101000000_fixture.sql (deploy after it)
-- - validate CHECK orders_amount_positive
-- Runs in one transaction (BEGIN ... COMMIT below).
-- Why it is safe: VALIDATE CONSTRAINT scans under SHARE UPDATE EXCLUSIVE: reads and writes continue
-- Deploy: after 20240101000000_fixture.sql has succeeded
-- Reverse: nothing to undo (a validated constraint stays valid); to remove it: ALTER TABLE public.orders DROP CONSTRAINT orders_amount_positive;
--
-- If rows violate the constraint, VALIDATE fails and changes nothing: fix the rows and rerun.

BEGIN;
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = 0;  -- VALIDATE scans without blocking traffic; do not cut it off

ALTER TABLE public.orders VALIDATE CONSTRAINT orders_amount_positive;

COMMIT;
