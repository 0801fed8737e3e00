SET lock_timeout = '5s';
-- The safe sequence: CHECK NOT VALID, VALIDATE (writes continue), then SET NOT NULL skips the scan (PG 12+).
ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_email_nn;
-- Dropping NOT NULL scans nothing.
ALTER TABLE orders ALTER COLUMN user_id DROP NOT NULL;
-- A table created in this migration is empty and unseen.
CREATE TABLE invoices (id bigint PRIMARY KEY, number text);
ALTER TABLE invoices ALTER COLUMN number SET NOT NULL;
-- A primary key over a column that is already NOT NULL only reuses the index.
CREATE UNIQUE INDEX CONCURRENTLY small_lookup_id_key ON small_lookup (id);
ALTER TABLE small_lookup DROP CONSTRAINT small_lookup_pkey, ADD CONSTRAINT small_lookup_pkey PRIMARY KEY USING INDEX small_lookup_id_key;
