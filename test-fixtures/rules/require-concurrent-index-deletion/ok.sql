SET lock_timeout = '5s';
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
DROP INDEX CONCURRENTLY public.users_email_idx;
-- An index on a table created in this migration: the table is new and empty.
CREATE TABLE invoices (id bigint PRIMARY KEY, order_id bigint);
CREATE INDEX invoices_order_id_idx ON invoices (order_id);
DROP INDEX invoices_order_id_idx;
-- Dropping a table (not an index) is another rule's business.
DROP TABLE IF EXISTS invoices;
