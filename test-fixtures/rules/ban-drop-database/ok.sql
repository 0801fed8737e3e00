-- Other database-level statements change settings, not data.
ALTER DATABASE postgres SET timezone TO 'UTC';
COMMENT ON DATABASE postgres IS 'main database';
DROP SCHEMA IF EXISTS scratch;
