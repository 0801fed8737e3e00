ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);
-- ^^^ constraint-missing-not-valid
ALTER TABLE orders
  ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
-- ^^^ constraint-missing-not-valid
