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
-- An inline CHECK on a new column is checked against every existing row, like ADD CONSTRAINT.
ALTER TABLE orders ADD COLUMN discount int CHECK (discount IS NULL OR discount < amount);
-- ^^^ constraint-missing-not-valid
-- An inline REFERENCES with a default: every row now holds a value, checked against users.
ALTER TABLE orders ADD COLUMN referrer_id bigint DEFAULT 1 REFERENCES users (id);
-- ^^^ constraint-missing-not-valid
