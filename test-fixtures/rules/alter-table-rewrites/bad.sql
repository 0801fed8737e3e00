ALTER TABLE orders SET UNLOGGED;
-- ^^^ alter-table-rewrites
ALTER TABLE users SET TABLESPACE fast_disk;
-- ^^^ alter-table-rewrites
