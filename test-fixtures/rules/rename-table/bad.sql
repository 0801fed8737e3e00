SET lock_timeout = '5s';
ALTER TABLE orders RENAME TO purchases;
-- ^^^ rename-table
ALTER TABLE public.users SET SCHEMA archive;
-- ^^^ rename-table
