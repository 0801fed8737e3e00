CREATE TABLE events (
  id bigint PRIMARY KEY,
  payload json NOT NULL,
-- ^^^ prefer-jsonb
  tags json[]
-- ^^^ prefer-jsonb
);
ALTER TABLE orders ADD COLUMN metadata json;
-- ^^^ prefer-jsonb
ALTER TABLE audit_log ALTER COLUMN payload TYPE json;
-- ^^^ prefer-jsonb
