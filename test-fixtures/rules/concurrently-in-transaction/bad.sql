-- migrate:up
-- dbmate runs this file in one transaction: none of the statements below can run in it.
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
-- ^^^ concurrently-in-transaction
ALTER TABLE users ADD COLUMN nickname text;
VACUUM (ANALYZE) audit_log;
-- ^^^ concurrently-in-transaction
BEGIN;
REINDEX INDEX CONCURRENTLY users_pkey;
-- ^^^ concurrently-in-transaction
COMMIT;

-- migrate:down
ALTER TABLE users DROP COLUMN nickname;
