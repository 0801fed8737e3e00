SET lock_timeout = '5s';
-- The index is built beforehand with CREATE UNIQUE INDEX CONCURRENTLY (in its own migration); adopting it is brief.
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_pkey PRIMARY KEY USING INDEX audit_log_at_actor_idx;
-- Constraints that build no index.
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
ALTER TABLE orders ADD COLUMN external_ref text;
-- A table created in this migration is new and empty.
CREATE TABLE invoices (id bigint, order_id bigint, period tstzrange);
ALTER TABLE invoices ADD PRIMARY KEY (id);
ALTER TABLE invoices ADD CONSTRAINT invoices_order_key UNIQUE (order_id);
ALTER TABLE invoices ADD COLUMN code text UNIQUE;
