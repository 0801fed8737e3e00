SET lock_timeout = '5s';
-- Adding a value breaks nothing.
ALTER TYPE order_state ADD VALUE IF NOT EXISTS 'dispatched';
-- Objects created in this migration have no users yet.
CREATE SCHEMA staging;
ALTER SCHEMA staging RENAME TO staging_v2;
CREATE TYPE ticket_state AS ENUM ('open', 'closed');
ALTER TYPE ticket_state RENAME VALUE 'closed' TO 'done';
