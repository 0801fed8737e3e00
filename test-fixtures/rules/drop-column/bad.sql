SET lock_timeout = '5s';
ALTER TABLE orders DROP COLUMN note;
-- ^^^ drop-column
ALTER TABLE public.users
  DROP COLUMN IF EXISTS data CASCADE,
-- ^^^ drop-column
  DROP status;
-- ^^^ drop-column
