-- No assignment cast: these fail outright.
ALTER TABLE users ALTER COLUMN email TYPE integer;
-- ^^^ type-change-without-using
ALTER TABLE users ALTER COLUMN data TYPE bigint;
-- ^^^ type-change-without-using
-- Even on a table created in this file: the cast is missing whatever the data.
CREATE TABLE invoices (ref text, paid_at timestamptz);
ALTER TABLE invoices ALTER COLUMN ref TYPE uuid;
-- ^^^ type-change-without-using

-- Assignment casts that narrow: data is rounded, cut or rejected.
ALTER TABLE users ALTER COLUMN score TYPE numeric(10,1);
-- ^^^ type-change-without-using
ALTER TABLE orders ALTER COLUMN note TYPE varchar(20);
-- ^^^ type-change-without-using
ALTER TABLE users ALTER COLUMN org_id TYPE integer;
-- ^^^ type-change-without-using
ALTER TABLE orders
  ALTER COLUMN created_at TYPE date;
-- ^^^ type-change-without-using
-- The type set earlier in this file counts: bigint after integer is fine, smallint is not.
ALTER TABLE orders ALTER COLUMN amount TYPE bigint, ALTER COLUMN status TYPE varchar(10);
-- ^^^ type-change-without-using
ALTER TABLE orders ALTER COLUMN amount TYPE smallint;
-- ^^^ type-change-without-using
