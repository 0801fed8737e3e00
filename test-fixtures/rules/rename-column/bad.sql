SET lock_timeout = '5s';
ALTER TABLE users RENAME COLUMN name TO full_name;
-- ^^^ rename-column
ALTER TABLE public.orders
  RENAME note TO comment;
-- ^^^ rename-column
