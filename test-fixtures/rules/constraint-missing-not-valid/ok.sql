ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
CREATE TABLE invoices (id bigint PRIMARY KEY, amount int);
ALTER TABLE invoices ADD CONSTRAINT invoices_amount_positive CHECK (amount > 0);
-- A foreign key from a table created (and not filled) earlier in this file validates nothing: the table is empty.
CREATE TABLE comments (id bigint PRIMARY KEY, user_id bigint);
ALTER TABLE comments ADD CONSTRAINT comments_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
-- A few literal rows do not make the validation long either.
CREATE TABLE tags (id bigint PRIMARY KEY, user_id bigint);
INSERT INTO tags (id, user_id) VALUES (1, 1);
ALTER TABLE tags ADD CONSTRAINT tags_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
-- An inline REFERENCES without a default: the column is all NULL, so PostgreSQL checks no row.
ALTER TABLE orders ADD COLUMN coupon_owner_id bigint REFERENCES users (id);
-- An inline CHECK on a table created in this file checks nothing.
ALTER TABLE invoices ADD COLUMN tax int CHECK (tax >= 0);
