SET lock_timeout = '5s';
-- Constant and stable defaults are stored once in the catalog on PG 11+: no rewrite.
ALTER TABLE users ADD COLUMN is_admin boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN joined_at timestamptz DEFAULT now();
ALTER TABLE orders ADD COLUMN currency text DEFAULT 'EUR';
ALTER TABLE orders ADD COLUMN imported_at timestamptz DEFAULT CURRENT_TIMESTAMP;
-- The safe sequence: add without a default, then SET DEFAULT (new rows only, catalog-only).
ALTER TABLE users ADD COLUMN api_token uuid;
ALTER TABLE users ALTER COLUMN api_token SET DEFAULT gen_random_uuid();
-- A table created in this migration is empty and unseen.
CREATE TABLE invoices (id bigint PRIMARY KEY);
ALTER TABLE invoices ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
-- A function declared STABLE (or IMMUTABLE) is evaluated once: catalog-only.
CREATE FUNCTION default_region() RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'eu' $$;
ALTER TABLE users ADD COLUMN region text DEFAULT default_region();
-- statement_timestamp() is STABLE, like now().
ALTER TABLE orders ADD COLUMN seen_at timestamptz DEFAULT statement_timestamp();
