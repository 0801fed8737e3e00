-- No view reads org_id or created_at of users.
ALTER TABLE users ALTER COLUMN org_id TYPE numeric;
ALTER TABLE users ALTER COLUMN created_at TYPE timestamptz;
-- The fix: drop the view, change the type, create the view again, in one migration.
DROP VIEW active_users;
ALTER TABLE users ALTER COLUMN email TYPE varchar(200);
CREATE VIEW active_users AS
  SELECT id, email, name FROM users WHERE status = 'active';
-- A table created in this migration, no view on it.
CREATE TABLE invoices (id bigint PRIMARY KEY, note varchar(20));
ALTER TABLE invoices ALTER COLUMN note TYPE text;
-- DROP ... CASCADE already dropped every view reading orders.amount (order_amounts, through recent_orders).
DROP VIEW recent_orders CASCADE;
ALTER TABLE orders ALTER COLUMN amount TYPE bigint;
