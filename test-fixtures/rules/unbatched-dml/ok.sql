SET lock_timeout = '5s';
-- A table created in this migration is new and empty.
CREATE TABLE invoices (id bigint PRIMARY KEY, status text);
INSERT INTO invoices VALUES (1, 'draft');
UPDATE invoices SET status = 'sent';
DELETE FROM invoices;
-- Rows pinned by the primary key: a few rows at most.
UPDATE users SET status = 'banned' WHERE id = 42;
DELETE FROM orders WHERE id IN (1, 2, 3) AND status = 'test';
-- One bounded batch, keyed on the primary key.
WITH batch AS (SELECT id FROM orders WHERE status IS NULL ORDER BY id LIMIT 5000 FOR UPDATE SKIP LOCKED)
UPDATE orders o SET status = 'new' FROM batch WHERE o.id = batch.id;
UPDATE orders SET status = 'new' WHERE id IN (SELECT id FROM orders WHERE status IS NULL ORDER BY id LIMIT 5000);
-- Inserts only add rows.
INSERT INTO small_lookup (id, code, label) VALUES (41, 'x', 'X');
