ALTER TABLE users ALTER COLUMN email TYPE varchar(200);
-- ^^^ type-change-breaks-view
-- The view's WHERE clause uses status too.
ALTER TABLE users ALTER COLUMN status TYPE varchar(20);
-- ^^^ type-change-breaks-view
-- SELECT * reads every column.
ALTER TABLE orders ALTER COLUMN note TYPE text;
-- ^^^ type-change-breaks-view
-- A view created earlier in this file counts as well.
CREATE VIEW user_scores AS SELECT id, score FROM users;
ALTER TABLE users ALTER COLUMN score TYPE numeric(12,2);
-- ^^^ type-change-breaks-view
-- Without CASCADE only the view named is gone (here the DROP itself would fail on order_amounts).
DROP VIEW recent_orders;
ALTER TABLE orders ALTER COLUMN amount TYPE bigint;
-- ^^^ type-change-breaks-view
