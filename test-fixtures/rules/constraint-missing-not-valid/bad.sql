ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);
-- ^^^ constraint-missing-not-valid
ALTER TABLE orders
  ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
-- ^^^ constraint-missing-not-valid
-- A new table filled from another one first: the validation reads every copied row.
CREATE TABLE order_copies (id bigint PRIMARY KEY, user_id bigint);
INSERT INTO order_copies SELECT id, user_id FROM orders;
ALTER TABLE order_copies ADD CONSTRAINT order_copies_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
-- ^^^ constraint-missing-not-valid
CREATE TABLE order_snapshot AS SELECT id, user_id FROM orders;
ALTER TABLE order_snapshot ADD CONSTRAINT order_snapshot_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
-- ^^^ constraint-missing-not-valid
