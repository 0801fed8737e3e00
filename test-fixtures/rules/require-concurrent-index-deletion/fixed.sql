SET lock_timeout = '5s';
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
-- ^^^ require-concurrent-index-deletion
DROP INDEX CONCURRENTLY IF EXISTS public.users_email_idx;
DROP INDEX CONCURRENTLY IF EXISTS small_lookup_code_idx;
-- ^^^ require-concurrent-index-deletion
-- An index the schema does not know: its table is unknown, the lock is not.
DROP INDEX CONCURRENTLY IF EXISTS legacy_idx;
-- ^^^ require-concurrent-index-deletion
