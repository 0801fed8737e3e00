BEGIN;
ALTER TABLE orders ADD FOREIGN KEY (account_id) REFERENCES accounts (id);
CREATE INDEX ON orders (account_id);
COMMIT;
