SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders (user_id);
-- ^^^ require-concurrent-index-creation
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON public.users (email);
-- ^^^ require-concurrent-index-creation
CREATE INDEX CONCURRENTLY IF NOT EXISTS small_lookup_code_idx ON small_lookup (code);
-- ^^^ require-concurrent-index-creation
