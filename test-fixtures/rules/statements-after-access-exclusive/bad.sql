-- A backfill in the same transaction: users stays locked for every row it updates.
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
UPDATE users SET nickname = name WHERE nickname IS NULL;
-- ^^^ statements-after-access-exclusive
ALTER TABLE users ADD COLUMN bio text;
DELETE FROM audit_log WHERE at < now() - interval '1 year';
COMMIT;

-- An index build on another table while small_lookup is locked.
BEGIN;
ALTER TABLE small_lookup ADD COLUMN sort_order int;
CREATE INDEX orders_status_idx ON orders (status);
-- ^^^ statements-after-access-exclusive
COMMIT;

-- Waiting for another table's lock, with no lock_timeout, while orders is locked.
BEGIN;
ALTER TABLE orders DROP COLUMN note;
ALTER TABLE audit_log
  ADD COLUMN request_id uuid;
-- ^^^ statements-after-access-exclusive
COMMIT;
