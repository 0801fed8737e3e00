-- migrate:up
-- Adds a nickname and an index for the status filter.

ALTER TABLE users ADD COLUMN nickname text;
-- ^^^ missing-lock-timeout
CREATE INDEX orders_status_idx ON orders (status);
ALTER TABLE small_lookup ADD COLUMN sort_order int;
