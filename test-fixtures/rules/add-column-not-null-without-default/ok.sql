-- A constant default fills existing rows from the catalog (PG 11+).
ALTER TABLE users ADD COLUMN country text NOT NULL DEFAULT 'unknown';
-- Identity, serial and generated columns fill every row themselves (add-column-rewrites-table covers their cost).
ALTER TABLE audit_log ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE small_lookup ADD COLUMN seq bigserial;
ALTER TABLE orders ADD COLUMN amount_cents bigint NOT NULL GENERATED ALWAYS AS (amount * 100) STORED;
-- Nullable: existing rows hold NULL.
ALTER TABLE orders ADD COLUMN shipped_at timestamptz;
-- A table created in this migration has no rows yet.
CREATE TABLE invoices (id bigint PRIMARY KEY);
ALTER TABLE invoices ADD COLUMN number text NOT NULL;
