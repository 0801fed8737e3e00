-- migrate:up transaction:false
-- dbmate runs this file outside a transaction, so CONCURRENTLY and VACUUM work.
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
REINDEX TABLE CONCURRENTLY users;
VACUUM (ANALYZE) audit_log;
-- ANALYZE alone runs fine inside a transaction block.
BEGIN;
ANALYZE small_lookup;
CREATE INDEX small_lookup_code_idx ON small_lookup (code);
COMMIT;
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);

-- migrate:down
DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;
