CREATE TABLE sessions (
  id bigint PRIMARY KEY,
  started_at timestamp NOT NULL DEFAULT now(),
-- ^^^ prefer-timestamptz
  ended_at timestamp(3) without time zone
-- ^^^ prefer-timestamptz
);
ALTER TABLE orders ADD COLUMN shipped_at timestamp;
-- ^^^ prefer-timestamptz
ALTER TABLE audit_log ALTER COLUMN at TYPE timestamp without time zone;
-- ^^^ prefer-timestamptz
