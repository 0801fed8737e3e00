-- migrate:up
-- dbmate runs this file in one transaction: none of the statements below can run in it.
-- ^^^ concurrently-in-transaction
ALTER TABLE users ADD COLUMN nickname text;
-- ^^^ concurrently-in-transaction
BEGIN;
-- ^^^ concurrently-in-transaction
COMMIT;

-- migrate:down
ALTER TABLE users DROP COLUMN nickname;
