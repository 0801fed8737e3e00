-- A value added to an enum cannot be used before its transaction commits (PG 12+), and PG 11 refuses
-- ADD VALUE in a transaction block at all: the split commits in between.
ALTER TYPE public.payment_state ADD VALUE 'refunded';
UPDATE public.payments SET state = 'refunded' WHERE id = 42;
ALTER TABLE public.payments ALTER COLUMN state SET DEFAULT 'refunded'::public.payment_state;
