-- Brief changes to the same table, settings and comments: nothing waits longer than the first statement.
BEGIN;
SET lock_timeout = '5s';
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD COLUMN bio text;
COMMENT ON COLUMN users.bio IS 'shown on the profile page';
RESET lock_timeout;
COMMIT;

-- Outside a transaction block each statement commits, releasing its lock.
ALTER TABLE users ADD COLUMN locale text;
UPDATE users SET locale = 'en' WHERE id < 1000;

-- A table created in this transaction is new and empty.
BEGIN;
CREATE TABLE invoices (id bigint PRIMARY KEY, order_id bigint, amount int);
ALTER TABLE invoices ADD COLUMN issued_at timestamptz;
CREATE INDEX invoices_order_id_idx ON invoices (order_id);
INSERT INTO invoices (id, order_id, amount) VALUES (1, 1, 10);
COMMIT;

-- Under a lock_timeout, a lock on another table that no reader or writer conflicts with (SHARE UPDATE EXCLUSIVE).
BEGIN;
SET lock_timeout = '5s';
ALTER TABLE orders ADD COLUMN source text;
ALTER TABLE audit_log SET (autovacuum_vacuum_scale_factor = 0.01);
COMMIT;

-- Slow work first, the ACCESS EXCLUSIVE change last.
BEGIN;
UPDATE small_lookup SET label = upper(label);
ALTER TABLE small_lookup ADD COLUMN hidden boolean;
COMMIT;

-- A few literal rows into the table just altered.
BEGIN;
ALTER TABLE small_lookup ADD COLUMN sort_order int;
INSERT INTO small_lookup (id, code, label, sort_order) VALUES (41, 'new', 'New', 41);
COMMIT;
