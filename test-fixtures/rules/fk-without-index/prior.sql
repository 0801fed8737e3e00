CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE INDEX orders_amount_user_id_idx ON orders (amount, user_id);
