-- migrate:up
-- None of these take a lock that blocks reads or writes of an existing table.
CREATE TABLE invoices (id bigint PRIMARY KEY, order_id bigint);
CREATE INDEX invoices_order_id_idx ON invoices (order_id);
ALTER TABLE invoices ADD COLUMN memo text;
UPDATE small_lookup SET label = 'x' WHERE id = 1;
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;
SELECT count(*) FROM orders;
-- EXCLUSIVE on a materialized view: readers go on, and a matview takes no writes.
REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;
-- From here on a lock_timeout guards every wait.
SELECT set_config('lock_timeout', '5s', false);
ALTER TABLE users ADD COLUMN nickname text;
CREATE INDEX orders_status_idx ON orders (status);
