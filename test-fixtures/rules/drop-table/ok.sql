SET lock_timeout = '5s';
-- Tables created in this migration are new and empty.
CREATE TABLE tmp_import (id bigint);
DROP TABLE tmp_import;
CREATE TABLE scratch AS SELECT 1 AS x;
DROP TABLE IF EXISTS scratch;
-- Views and indexes hold no data of their own.
DROP VIEW IF EXISTS recent_orders;
DROP INDEX IF EXISTS orders_status_idx;
