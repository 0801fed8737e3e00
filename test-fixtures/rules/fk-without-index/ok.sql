-- The referencing column already leads an index (earlier migration).
ALTER TABLE orders ADD CONSTRAINT orders_user_fk2 FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
-- The primary key leads with the foreign key column.
CREATE TABLE order_items (order_id bigint REFERENCES orders (id), line int, PRIMARY KEY (order_id, line));
CREATE TABLE user_settings (user_id bigint PRIMARY KEY REFERENCES users (id), theme text);
-- A unique constraint covers it.
CREATE TABLE profiles (id bigint PRIMARY KEY, user_id bigint UNIQUE REFERENCES users (id));
-- Composite key: an index whose leading columns are the key columns in another order.
CREATE TABLE shipments (id bigint PRIMARY KEY, order_id bigint, line int, carrier text,
  FOREIGN KEY (order_id, line) REFERENCES order_items (order_id, line));
CREATE INDEX shipments_line_order_idx ON shipments (line, order_id, carrier);
-- Indexes created later in the same file count, unnamed ones too.
ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_fk FOREIGN KEY (actor) REFERENCES users (id) NOT VALID;
CREATE TABLE coupons (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id), user_id bigint REFERENCES users (id));
CREATE INDEX ON coupons (order_id);
CREATE INDEX ON coupons (user_id);
-- A table that is gone by the end of the file.
CREATE TABLE scratch (id bigint, user_id bigint REFERENCES users (id));
DROP TABLE scratch;
-- The index for audit_log_actor_fk above: created later in this same file, it counts.
CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_log_actor_idx ON audit_log (actor);
