SET lock_timeout = '5s';
-- ^^^ unique-without-concurrent-index
-- ^^^ unique-without-concurrent-index
ALTER TABLE orders ADD COLUMN external_ref text;
-- ^^^ unique-without-concurrent-index
ALTER TABLE small_lookup ADD CONSTRAINT small_lookup_code_excl EXCLUDE USING btree (code WITH =);
-- ^^^ unique-without-concurrent-index
