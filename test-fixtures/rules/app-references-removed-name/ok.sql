SET lock_timeout = '5s';
-- No application file uses these columns (misc.ts has a variable "score" and a string "status",
-- but it never touches the users or orders table).
ALTER TABLE users DROP COLUMN score;
ALTER TABLE orders RENAME COLUMN status TO state;
-- A table created in this migration: orders/index.ts mentions "note", but not for this table.
CREATE TABLE drafts (id bigint PRIMARY KEY, note text);
ALTER TABLE drafts DROP COLUMN note;
DROP TABLE drafts;
-- refunds.sql names reason and amount only as refunds' columns (refunds.reason, r2.amount).
ALTER TABLE payments DROP COLUMN reason, DROP COLUMN amount;
-- orders/index.ts says "total" in a sentence, not in a query.
ALTER TABLE orders DROP COLUMN total;
-- invoices is dropped and created again in this file: the app's uses are of the new table.
DROP TABLE invoices;
CREATE TABLE invoices (id bigint PRIMARY KEY, number text);
-- The seed naming legacy_code is data of an older version (20230101000000_seed.sql).
ALTER TABLE orders DROP COLUMN legacy_code;
-- refunds.sql: channel only in an INSERT INTO refunds and inside a string literal; "refunds" only as a
-- table (JOIN refunds, refunds.payment_id).
ALTER TABLE payments DROP COLUMN channel, DROP COLUMN refunds;
-- 'express-shipping' is a word, not a list of names.
ALTER TABLE orders DROP COLUMN shipping;
-- analytics.sql names only analytics.sessions, another schema's table.
ALTER TABLE sessions DROP COLUMN token;
