SET lock_timeout = '5s';
ALTER TABLE users ADD COLUMN api_token uuid DEFAULT gen_random_uuid();
-- ^^^ volatile-default
ALTER TABLE orders
  ADD COLUMN shard double precision DEFAULT random();
-- ^^^ volatile-default
ALTER TABLE audit_log ADD COLUMN seen_at timestamptz NOT NULL DEFAULT clock_timestamp();
-- ^^^ volatile-default
-- The constant default is fine; the volatile one in the same statement is not.
ALTER TABLE small_lookup ADD COLUMN active boolean DEFAULT true,
  ADD COLUMN seq bigint DEFAULT nextval('small_lookup_seq');
-- ^^^ volatile-default
-- A function created without IMMUTABLE or STABLE is VOLATILE: the default rewrites the table.
CREATE FUNCTION make_token() RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN md5(random()::text); END $$;
ALTER TABLE users ADD COLUMN invite_token text DEFAULT make_token();
-- ^^^ volatile-default
-- Only the volatile call is named, and the whole expression is quoted.
ALTER TABLE orders ADD COLUMN batch text DEFAULT (now()::text || random()::text) NOT NULL;
-- ^^^ volatile-default
-- A function nobody has seen created: its volatility is unknown, and the finding says so.
ALTER TABLE orders ADD COLUMN ref text DEFAULT generate_unique_ref();
-- ^^^ volatile-default
