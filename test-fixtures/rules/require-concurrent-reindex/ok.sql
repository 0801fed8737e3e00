REINDEX INDEX CONCURRENTLY users_pkey;
REINDEX (CONCURRENTLY, VERBOSE) TABLE public.orders;
-- A table created in this migration is empty: a plain REINDEX is harmless.
CREATE TABLE invoices (id bigint PRIMARY KEY, order_id bigint);
CREATE INDEX invoices_order_id_idx ON invoices (order_id);
REINDEX INDEX invoices_order_id_idx;
REINDEX TABLE invoices;
REINDEX SCHEMA CONCURRENTLY public;
