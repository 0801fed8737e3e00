SET lock_timeout = '5s';
DROP SCHEMA billing CASCADE;
-- ^^^ drop-schema
DROP SCHEMA IF EXISTS legacy CASCADE;
-- ^^^ drop-schema
DROP SCHEMA reports;
-- ^^^ drop-schema
