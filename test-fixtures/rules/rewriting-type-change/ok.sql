SET lock_timeout = '5s';
-- Binary-coercible changes keep the table file: no rewrite.
ALTER TABLE users ALTER COLUMN email TYPE varchar(200);
ALTER TABLE orders ALTER COLUMN note TYPE text;
ALTER TABLE users ALTER COLUMN score TYPE numeric(14,2);
ALTER TABLE users ALTER COLUMN created_at TYPE timestamptz;
ALTER TABLE users ALTER COLUMN name TYPE varchar;
-- A widening after an earlier change in this file: varchar(20) -> varchar(40) is still catalog-only.
ALTER TABLE small_lookup ALTER COLUMN label TYPE varchar(40);
-- A table created in this migration is empty and unseen.
CREATE TABLE invoices (id bigint PRIMARY KEY, amount integer);
ALTER TABLE invoices ALTER COLUMN amount TYPE bigint;
