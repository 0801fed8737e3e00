ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_fk FOREIGN KEY (actor) REFERENCES users (id) NOT VALID;
-- ^^^ fk-without-index
CREATE TABLE invoices (
  id bigint PRIMARY KEY,
  order_id bigint REFERENCES orders (id),
-- ^^^ fk-without-index
  user_id bigint,
  CONSTRAINT invoices_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
-- ^^^ fk-without-index
);
ALTER TABLE users ADD COLUMN lookup_id bigint REFERENCES small_lookup (id);
-- ^^^ fk-without-index
-- An index that starts with another column does not serve lookups by order_id.
CREATE TABLE refunds (id bigint PRIMARY KEY, order_id bigint, amount int);
CREATE INDEX refunds_amount_order_idx ON refunds (amount, order_id);
ALTER TABLE refunds ADD CONSTRAINT refunds_order_fk FOREIGN KEY (order_id) REFERENCES orders (id);
-- ^^^ fk-without-index
-- A partial index finds only the rows its WHERE covers: the lookups of a DELETE on orders need them all.
CREATE TABLE shipments (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id), shipped boolean);
-- ^^^ fk-without-index
CREATE INDEX shipments_open_order_idx ON shipments (order_id) WHERE NOT shipped;
