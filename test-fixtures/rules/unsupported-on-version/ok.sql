-- The forms PostgreSQL 11 has.
REINDEX INDEX users_pkey;
ALTER TABLE events DETACH PARTITION events_2023;
ALTER TABLE orders ADD CONSTRAINT orders_status_not_null CHECK (status IS NOT NULL) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_status_not_null;
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
