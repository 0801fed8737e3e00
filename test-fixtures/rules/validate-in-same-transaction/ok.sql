-- Without a transaction block each statement commits on its own: the ADD's lock is gone before VALIDATE.
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;
-- Separate transactions.
BEGIN;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_fk FOREIGN KEY (actor) REFERENCES users (id) NOT VALID;
COMMIT;
BEGIN;
ALTER TABLE audit_log VALIDATE CONSTRAINT audit_log_actor_fk;
COMMIT;
-- A constraint added by an earlier migration.
BEGIN;
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;
COMMIT;
-- A table created in this migration is new and empty.
BEGIN;
CREATE TABLE invoices (id bigint PRIMARY KEY, amount int);
ALTER TABLE invoices ADD CONSTRAINT invoices_amount_positive CHECK (amount > 0) NOT VALID;
ALTER TABLE invoices VALIDATE CONSTRAINT invoices_amount_positive;
COMMIT;
-- Same name on another table.
BEGIN;
ALTER TABLE small_lookup ADD CONSTRAINT code_present CHECK (code IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT code_present;
COMMIT;
