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

-- A lock_timeout bounds the wait for a second table's ACCESS EXCLUSIVE, but orders stays blocked while
-- it lasts, and an application transaction taking the two tables in the other order deadlocks with it.
BEGIN;
SET lock_timeout = '5s';
ALTER TABLE orders ADD COLUMN source text;
ALTER TABLE audit_log ADD COLUMN source text;
-- ^^^ statements-after-access-exclusive
COMMIT;

-- A plain SELECT that scans the table it holds: every query on users waits for the count.
BEGIN;
SET lock_timeout = '5s';
ALTER TABLE users ADD COLUMN referrer text;
SELECT count(*) FROM users;
-- ^^^ statements-after-access-exclusive
COMMIT;
