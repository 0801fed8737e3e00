-- Nothing large is copied.
CREATE TABLE lookup_copy AS SELECT * FROM small_lookup;
CREATE MATERIALIZED VIEW order_totals AS SELECT user_id, sum(amount) AS total FROM orders GROUP BY user_id WITH NO DATA;
CREATE TABLE orders_shape AS SELECT * FROM orders WITH NO DATA;
CREATE TABLE orders_archive (LIKE orders);
-- One bounded batch.
INSERT INTO orders_archive SELECT * FROM orders WHERE id > 0 ORDER BY id LIMIT 5000;
-- Literal rows, and a copy out of a table created in this migration.
INSERT INTO orders_archive (id) VALUES (1), (2);
CREATE TABLE staging (id bigint);
INSERT INTO orders_archive (id) SELECT id FROM staging;
