-- A USING clause states the conversion on purpose.
ALTER TABLE users ALTER COLUMN email TYPE integer USING NULLIF(email, '')::integer;
ALTER TABLE users ALTER COLUMN score TYPE numeric(10,1) USING round(score, 1);
ALTER TABLE orders ALTER COLUMN created_at TYPE date USING created_at::date;
-- Widening and string conversions keep every value.
ALTER TABLE orders ALTER COLUMN note TYPE varchar(200);
ALTER TABLE orders ALTER COLUMN status TYPE text;
ALTER TABLE orders ALTER COLUMN amount TYPE bigint;
ALTER TABLE users ALTER COLUMN org_id TYPE numeric;
ALTER TABLE users ALTER COLUMN name TYPE varchar;
ALTER TABLE users ALTER COLUMN created_at TYPE timestamptz;
ALTER TABLE users ALTER COLUMN data TYPE jsonb;
ALTER TABLE small_lookup ALTER COLUMN id TYPE text;
-- The type set earlier in this file counts: integer -> bigint widens.
ALTER TABLE small_lookup ALTER COLUMN label TYPE integer USING length(label);
ALTER TABLE small_lookup ALTER COLUMN label TYPE bigint;
-- A table created in this file is empty: narrowing loses nothing.
CREATE TABLE invoices (amount numeric(10,2), note text);
ALTER TABLE invoices ALTER COLUMN amount TYPE numeric(10,0);
ALTER TABLE invoices ALTER COLUMN note TYPE varchar(20);
-- The old type is unknown (no stats, not created here): stay quiet.
ALTER TABLE legacy_items ALTER COLUMN code TYPE integer;
