-- migrate:up transaction:false
-- The runner does not wrap this file, so the file manages its own transactions.
SET lock_timeout = '5s';
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
SAVEPOINT before_bio;
ALTER TABLE users ADD COLUMN bio text;
ROLLBACK TO SAVEPOINT before_bio;
RELEASE SAVEPOINT before_bio;
COMMIT;
BEGIN;
ALTER TABLE users ADD COLUMN bio text;
COMMIT;
