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
-- One slice of an id-range or keyset backfill: the key bounded on both sides, or a LIMIT subquery.
UPDATE orders SET status = 'new' WHERE id BETWEEN 1 AND 10000;
UPDATE orders SET status = 'new' WHERE id >= $1 AND id < $1 + 10000 AND status IS NULL;
UPDATE orders SET status = 'new' WHERE 10000 > id AND id > 0;
UPDATE orders SET status = 'new' WHERE id IN (SELECT id FROM orders WHERE id > $1 ORDER BY id LIMIT 1000);
DELETE FROM audit_log WHERE ctid IN (SELECT ctid FROM audit_log WHERE at < now() - interval '90 days' LIMIT 1000);
DELETE FROM audit_log WHERE ctid = ANY (ARRAY(SELECT ctid FROM audit_log WHERE at < now() - interval '90 days' LIMIT 1000));
