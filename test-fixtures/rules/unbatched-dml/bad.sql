SET lock_timeout = '5s';
UPDATE orders SET status = 'archived';
-- ^^^ unbatched-dml
DELETE FROM audit_log WHERE at < now() - interval '90 days';
-- ^^^ unbatched-dml
BEGIN;
ALTER TABLE users ADD COLUMN active boolean;
UPDATE users SET active = true WHERE status = 'active';
-- ^^^ unbatched-dml
COMMIT;
UPDATE small_lookup SET label = upper(label);
-- ^^^ unbatched-dml
-- A range of a column that is not a key can hold most of the table.
UPDATE orders SET status = 'new' WHERE created_at BETWEEN '2020-01-01' AND '2024-01-01';
-- ^^^ unbatched-dml
-- Bounded on one side only: every row above it.
UPDATE orders SET status = 'new' WHERE id > 1000;
-- ^^^ unbatched-dml
-- A table of unknown size (no statistics): a note, most such tables are small.
UPDATE app_settings SET value = 'on' WHERE key = 'feature_x';
-- ^^^ unbatched-dml
