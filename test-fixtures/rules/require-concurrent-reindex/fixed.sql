REINDEX INDEX CONCURRENTLY users_pkey;
-- ^^^ require-concurrent-reindex
REINDEX TABLE CONCURRENTLY public.orders;
-- ^^^ require-concurrent-reindex
REINDEX (VERBOSE) TABLE CONCURRENTLY small_lookup;
-- ^^^ require-concurrent-reindex
REINDEX SCHEMA public;
-- ^^^ require-concurrent-reindex
REINDEX DATABASE app;
-- ^^^ require-concurrent-reindex
REINDEX SYSTEM;
-- ^^^ require-concurrent-reindex
