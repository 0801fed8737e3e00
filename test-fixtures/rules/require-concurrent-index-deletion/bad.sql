SET lock_timeout = '5s';
DROP INDEX orders_status_idx;
-- ^^^ require-concurrent-index-deletion
DROP INDEX IF EXISTS public.users_email_idx,
  small_lookup_code_idx;
-- ^^^ require-concurrent-index-deletion
-- An index the schema does not know: its table is unknown, the lock is not.
DROP INDEX legacy_idx;
-- ^^^ require-concurrent-index-deletion
