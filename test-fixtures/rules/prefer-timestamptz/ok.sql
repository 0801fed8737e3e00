CREATE TABLE sessions (
  id bigint PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamp(3) with time zone,
  -- Dates and times of day have no instant to lose.
  day date,
  opens_at time
);
ALTER TABLE orders ADD COLUMN shipped_at timestamptz;
-- Moving away from timestamp is what the rule asks for.
ALTER TABLE users ALTER COLUMN created_at TYPE timestamptz;
