SET lock_timeout = '5s';
ALTER TABLE users ALTER COLUMN org_id TYPE integer;
-- ^^^ rewriting-type-change
ALTER TABLE public.orders
  ALTER COLUMN note TYPE varchar(20);
-- ^^^ rewriting-type-change
ALTER TABLE orders ALTER COLUMN amount TYPE bigint;
-- ^^^ rewriting-type-change
-- Two rewriting clauses in one statement: each is pointed at.
ALTER TABLE users ALTER COLUMN status TYPE varchar(100),
-- ^^^ rewriting-type-change
  ALTER COLUMN score SET DATA TYPE numeric(12, 4);
-- ^^^ rewriting-type-change
-- Only the second clause rewrites; the first (varchar -> text) is catalog-only and is not pointed at.
ALTER TABLE users ALTER COLUMN email TYPE text,
  ALTER COLUMN created_at TYPE date;
-- ^^^ rewriting-type-change
ALTER TABLE small_lookup ALTER COLUMN code TYPE integer USING code::integer;
-- ^^^ rewriting-type-change
-- Lowering a precision rounds every value.
ALTER TABLE visits ALTER COLUMN seen_at TYPE timestamp(0);
-- ^^^ rewriting-type-change
-- citext -> text keeps the rows, but the index on tag changes operator class and is rebuilt under the lock.
ALTER TABLE visits ALTER COLUMN tag TYPE text;
-- ^^^ rewriting-type-change
-- A cast to another type than the new one is a real conversion: text -> varchar(150) checks every value.
ALTER TABLE orders ALTER COLUMN note TYPE varchar(150) USING note::text;
-- ^^^ rewriting-type-change
-- The earlier migration declares title as text: the message names it instead of calling it unknown.
ALTER TABLE posts ALTER COLUMN title TYPE varchar(200);
-- ^^^ rewriting-type-change
