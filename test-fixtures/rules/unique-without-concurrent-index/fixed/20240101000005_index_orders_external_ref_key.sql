-- pg-preflight: follow-up to 20240101000000_fixture.sql (deploy after it)
-- - build unique index orders_external_ref_key on public.orders CONCURRENTLY
-- Runs outside a transaction (no BEGIN), as the statement requires.
-- Why it is safe: CREATE UNIQUE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE: reads and writes continue
-- Deploy: after 20240101000000_fixture.sql has succeeded
-- Reverse: DROP INDEX CONCURRENTLY IF EXISTS public.orders_external_ref_key;
--
-- If the build fails or is cancelled it leaves an INVALID index public.orders_external_ref_key, and IF NOT EXISTS would then skip it silently:
-- check with SELECT indexrelid::regclass FROM pg_index WHERE NOT indisvalid; then DROP INDEX CONCURRENTLY IF EXISTS public.orders_external_ref_key; and rerun this file.
-- Duplicate values make the build fail (and leave the INVALID index): remove the duplicates first.

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_external_ref_key ON public.orders (external_ref);
