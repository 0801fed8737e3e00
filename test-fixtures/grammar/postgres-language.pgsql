CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);
create unique index concurrently if not exists users_email_idx on users (email);
DROP INDEX CONCURRENTLY orders_status_idx;
REINDEX INDEX CONCURRENTLY orders_pkey;
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT amount_positive CHECK (amount > 0) not   valid;
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;
SELECT 'CONCURRENTLY in a string', "NOT VALID" FROM not_valid_table, concurrently_log;
SELECT x.concurrently FROM t AS x WHERE NOT validated;
