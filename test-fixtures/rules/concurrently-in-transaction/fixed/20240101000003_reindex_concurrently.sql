-- migrate:up transaction:false
-- pg-preflight: follow-up to 20240101000000_fixture.sql (deploy after it)
-- - REINDEX CONCURRENTLY, moved out of 20240101000000_fixture.sql
-- Runs outside a transaction ("-- migrate:up transaction:false"), as the statement requires.
-- Why it is safe: the CONCURRENTLY form takes SHARE UPDATE EXCLUSIVE: reads and writes continue; it cannot run inside a transaction block, so it is alone in its own file
-- Deploy: after 20240101000000_fixture.sql has succeeded
-- Reverse: nothing to reverse
--
-- If it fails midway it can leave an INVALID index: drop it (DROP INDEX CONCURRENTLY) and rerun this file.

REINDEX INDEX CONCURRENTLY users_pkey;

-- migrate:down
