ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
CREATE TABLE invoices (id bigint PRIMARY KEY, amount int);
ALTER TABLE invoices ADD CONSTRAINT invoices_amount_positive CHECK (amount > 0);
