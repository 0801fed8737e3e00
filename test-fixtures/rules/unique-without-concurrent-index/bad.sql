SET lock_timeout = '5s';
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
-- ^^^ unique-without-concurrent-index
ALTER TABLE audit_log
  ADD PRIMARY KEY (at, actor);
-- ^^^ unique-without-concurrent-index
ALTER TABLE orders ADD COLUMN external_ref text UNIQUE;
-- ^^^ unique-without-concurrent-index
ALTER TABLE small_lookup ADD CONSTRAINT small_lookup_code_excl EXCLUDE USING btree (code WITH =);
-- ^^^ unique-without-concurrent-index
