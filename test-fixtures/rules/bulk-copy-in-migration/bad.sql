-- Copies of large existing tables, each one statement inside the migration.
CREATE TABLE orders_archive (LIKE orders);
INSERT INTO orders_archive SELECT * FROM orders;
-- ^^^ bulk-copy-in-migration
CREATE TABLE users_copy AS SELECT * FROM users;
-- ^^^ bulk-copy-in-migration
CREATE MATERIALIZED VIEW order_totals AS SELECT user_id, sum(amount) AS total FROM orders GROUP BY user_id;
-- ^^^ bulk-copy-in-migration
SELECT id, email INTO users_emails FROM users WHERE email IS NOT NULL;
-- ^^^ bulk-copy-in-migration
-- 20k rows: still a warning.
INSERT INTO orders_archive (id) SELECT id FROM audit_log;
-- ^^^ bulk-copy-in-migration
