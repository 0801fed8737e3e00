SET lock_timeout = '5s';
DROP TABLE audit_log;
-- ^^^ drop-table
DROP TABLE IF EXISTS public.small_lookup, users CASCADE;
-- ^^^ drop-table
