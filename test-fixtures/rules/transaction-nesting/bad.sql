-- migrate:up
SET lock_timeout = '5s';
BEGIN;
-- ^^^ transaction-nesting
ALTER TABLE users ADD COLUMN nickname text;
START TRANSACTION;
-- ^^^ transaction-nesting
ALTER TABLE users ADD COLUMN bio text;
COMMIT;
-- ^^^ transaction-nesting
