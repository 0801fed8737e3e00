BEGIN;
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;
-- ^^^ validate-in-same-transaction
-- Unnamed: PostgreSQL names it audit_log_actor_fkey.
ALTER TABLE audit_log ADD FOREIGN KEY (actor) REFERENCES users (id) NOT VALID;
ALTER TABLE audit_log VALIDATE CONSTRAINT audit_log_actor_fkey;
-- ^^^ validate-in-same-transaction
COMMIT;
-- One statement is one transaction, even without BEGIN.
ALTER TABLE users
  ADD CONSTRAINT users_email_present CHECK (email IS NOT NULL) NOT VALID,
  VALIDATE CONSTRAINT users_email_present;
-- ^^^ validate-in-same-transaction
