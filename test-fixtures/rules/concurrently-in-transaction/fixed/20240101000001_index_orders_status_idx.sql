-- migrate:up transaction:false
-- pg-preflight: follow-up to 20240101000000_fixture.sql (deploy after it)
-- - CREATE INDEX CONCURRENTLY, moved out of 20240101000000_fixture.sql
-- Runs outside a transaction ("-- migrate:up transaction:false"), as the statement requires.
-- Why it is safe: the CONCURRENTLY form takes SHARE UPDATE EXCLUSIVE: reads and writes continue; it cannot run inside a transaction block, so it is alone in its own file
-- Deploy: after 20240101000000_fixture.sql has succeeded
-- Reverse: DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
--
-- If the build fails or is cancelled it leaves an INVALID index orders_status_idx, and IF NOT EXISTS would then skip it silently:
-- check with SELECT indexrelid::regclass FROM pg_index WHERE NOT indisvalid; then DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx; and rerun this file.

CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);

-- migrate:down
