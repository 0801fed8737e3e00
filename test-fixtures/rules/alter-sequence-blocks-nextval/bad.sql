ALTER SEQUENCE users_id_seq RESTART WITH 1000000;
-- ^^^ alter-sequence-blocks-nextval
SET lock_timeout = '5s';
BEGIN;
ALTER SEQUENCE public.users_id_seq INCREMENT BY 10;
-- ^^^ alter-sequence-blocks-nextval
ALTER TABLE users ADD COLUMN nickname text;
COMMIT;
