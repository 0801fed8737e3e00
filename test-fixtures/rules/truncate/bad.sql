SET lock_timeout = '5s';
TRUNCATE audit_log;
-- ^^^ truncate
TRUNCATE TABLE users CASCADE;
-- ^^^ truncate
