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
