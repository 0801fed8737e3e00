-- Outside a transaction block, ADD VALUE commits on its own: the value is usable right after.
ALTER TYPE payment_state ADD VALUE 'refunded';
UPDATE payments SET state = 'refunded' WHERE id = 42;

-- Committed in between: the next transaction sees it.
BEGIN;
ALTER TYPE payment_state ADD VALUE 'disputed';
COMMIT;
BEGIN;
UPDATE payments SET state = 'disputed' WHERE id = 43;
COMMIT;

-- In the same transaction, but other literals only.
BEGIN;
ALTER TYPE payment_state ADD VALUE 'chargeback';
UPDATE payments SET state = 'refunded' WHERE id = 44;
COMMIT;

-- A type created in the same transaction: its new values are safe to use at once.
BEGIN;
CREATE TYPE priority AS ENUM ('low', 'high');
ALTER TYPE priority ADD VALUE 'urgent';
CREATE TABLE tickets (id bigint PRIMARY KEY, priority priority NOT NULL DEFAULT 'urgent');
COMMIT;

-- RENAME VALUE adds no uncommitted value.
BEGIN;
ALTER TYPE payment_state RENAME VALUE 'chargeback' TO 'charged_back';
UPDATE payments SET state = 'charged_back' WHERE id = 45;
COMMIT;
