-- context.json assumes PostgreSQL 11.
REINDEX INDEX CONCURRENTLY users_pkey;
-- ^^^ unsupported-on-version
ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;
-- ^^^ unsupported-on-version
ALTER TABLE orders ADD CONSTRAINT orders_status_not_null NOT NULL status NOT VALID;
-- ^^^ unsupported-on-version
