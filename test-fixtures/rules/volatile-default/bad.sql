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
