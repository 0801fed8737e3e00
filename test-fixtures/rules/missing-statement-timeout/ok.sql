SET lock_timeout = '5s';
-- A brief catalog-only change: nothing grows with the table.
ALTER TABLE users ADD COLUMN nickname text;
-- A 40-row table: the index builds in no time.
CREATE INDEX small_lookup_code_idx ON small_lookup (code);
-- A table created in this migration is empty.
CREATE TABLE invoices (id bigint PRIMARY KEY, order_id bigint);
CREATE INDEX invoices_order_id_idx ON invoices (order_id);
-- TRUNCATE swaps in an empty file: instant.
TRUNCATE audit_log;
-- A concurrent refresh runs long, but readers of the view go on meanwhile.
REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;
-- From here on a statement_timeout caps every statement.
SET statement_timeout = '30s';
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);
