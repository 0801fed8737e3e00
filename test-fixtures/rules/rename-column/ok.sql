SET lock_timeout = '5s';
-- A table created in this migration is new and empty: nothing uses its columns yet.
CREATE TABLE invoices (id bigint PRIMARY KEY, memo text);
ALTER TABLE invoices RENAME COLUMN memo TO note;
-- A column added earlier in this same migration is not used by any deployed code yet.
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users RENAME COLUMN nickname TO display_name;
-- Renaming a constraint or an index does not change what queries write.
ALTER TABLE users RENAME CONSTRAINT users_pkey TO users_pk;
ALTER INDEX orders_pkey RENAME TO orders_pk;
