-- migrate:up transaction:false
-- pg-preflight: follow-up to 20240101000000_fixture.sql (deploy after it)
-- - VACUUM, moved out of 20240101000000_fixture.sql
-- Runs outside a transaction ("-- migrate:up transaction:false"), as the statement requires.
-- Why it is safe: it cannot run inside a transaction block, so it is alone in its own file
-- Deploy: after 20240101000000_fixture.sql has succeeded
-- Reverse: nothing to reverse

VACUUM (ANALYZE) audit_log;

-- migrate:down
