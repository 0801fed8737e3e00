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
-- Raising or removing a fractional-second precision is catalog-only (timestamp_support, time_support, interval_support).
ALTER TABLE visits ALTER COLUMN seen_at TYPE timestamp(6);
ALTER TABLE visits ALTER COLUMN seen_at TYPE timestamp;
ALTER TABLE visits ALTER COLUMN seen_tz TYPE timestamptz;
ALTER TABLE visits ALTER COLUMN starts TYPE time(6);
ALTER TABLE visits ALTER COLUMN period TYPE interval(6);
-- A USING that is the column itself, bare or cast to the new type, builds the same conversion as no USING.
ALTER TABLE users ALTER COLUMN email TYPE varchar(300) USING email;
ALTER TABLE users ALTER COLUMN email TYPE text USING "email"::text;
-- text -> citext is binary coercible, and handle has no index to rebuild.
ALTER TABLE visits ALTER COLUMN handle TYPE citext;
