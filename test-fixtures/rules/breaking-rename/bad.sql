SET lock_timeout = '5s';
ALTER SCHEMA billing RENAME TO invoicing;
-- ^^^ breaking-rename
ALTER TYPE order_state RENAME VALUE 'shipped' TO 'dispatched';
-- ^^^ breaking-rename
