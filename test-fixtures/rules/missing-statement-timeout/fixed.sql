SET statement_timeout = '30s';
SET lock_timeout = '5s';
ALTER TABLE users ADD COLUMN nickname text;
CREATE INDEX orders_status_idx ON orders (status);
-- ^^^ missing-statement-timeout
ALTER TABLE users ALTER COLUMN status SET NOT NULL;
