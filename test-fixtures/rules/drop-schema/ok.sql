SET lock_timeout = '5s';
-- A schema created in this migration has no users yet.
CREATE SCHEMA scratch_import;
CREATE TABLE scratch_import.rows (id bigint);
DROP SCHEMA scratch_import CASCADE;
-- An empty schema goes quietly without CASCADE (with a table left in it, the drop fails and rolls back).
DROP SCHEMA archive_2020;
