SET lock_timeout = '5s';
ALTER TABLE orders DROP COLUMN note;
-- ^^^ app-references-removed-name
ALTER TABLE users RENAME COLUMN name TO full_name;
-- ^^^ app-references-removed-name
DROP TABLE audit_log;
-- ^^^ app-references-removed-name
ALTER TABLE small_lookup RENAME TO lookups;
-- ^^^ app-references-removed-name
-- Only a member access in a file that uses the table: maybe another object's field, so a warning.
ALTER TABLE orders DROP COLUMN coupon;
-- ^^^ app-references-removed-name
-- A name string in a file that uses users in SQL text only: it may list another table's fields.
ALTER TABLE users DROP COLUMN nickname;
-- ^^^ app-references-removed-name
-- Only `shipments.carrier` in code (a variable called like the table): a possible use, a warning.
ALTER TABLE shipments DROP COLUMN carrier;
-- ^^^ app-references-removed-name
