CREATE TABLE events (
  id bigint PRIMARY KEY,
  payload jsonb NOT NULL,
  json_schema_url text
);
ALTER TABLE orders ADD COLUMN metadata jsonb DEFAULT '{}';
-- Moving an existing json column to jsonb is what the rule asks for.
ALTER TABLE users ALTER COLUMN data TYPE jsonb;
-- Existing json columns (users.data in the stats) are not re-reported by unrelated changes.
ALTER TABLE users ADD COLUMN nickname text;
