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
