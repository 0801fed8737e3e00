SET lock_timeout = '5s';
-- A table created in this migration is new and empty.
CREATE TABLE invoices (id bigint PRIMARY KEY, memo text);
ALTER TABLE invoices DROP COLUMN memo;
-- A column added earlier in this same migration holds no data and no code uses it yet.
ALTER TABLE users ADD COLUMN tmp_flag boolean;
ALTER TABLE users DROP COLUMN tmp_flag;
-- Dropping a constraint or a default removes no data.
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;
ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;
