BEGIN;
ALTER TYPE payment_state ADD VALUE 'refunded';
UPDATE payments SET state = 'refunded' WHERE id = 42;
-- ^^^ enum-value-used-in-transaction
ALTER TABLE payments ALTER COLUMN state SET DEFAULT 'refunded'::payment_state;
-- ^^^ enum-value-used-in-transaction
COMMIT;

BEGIN;
ALTER TYPE public.mood ADD VALUE IF NOT EXISTS 'curious' BEFORE 'happy';
CREATE TABLE reactions (
  id bigint PRIMARY KEY,
  mood public.mood NOT NULL CHECK (mood <> 'curious')
-- ^^^ enum-value-used-in-transaction
);
INSERT INTO reactions (id, mood) SELECT id, 'curious' FROM users LIMIT 1;
-- ^^^ enum-value-used-in-transaction
COMMIT;
