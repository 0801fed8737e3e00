-- migrate:up
-- Adds a nickname and an index for the status filter.

SET lock_timeout = '5s';
SET statement_timeout = '30s';
ALTER TABLE users ADD COLUMN nickname text;
-- ^^^ missing-lock-timeout
CREATE INDEX orders_status_idx ON orders (status);
ALTER TABLE small_lookup ADD COLUMN sort_order int;
