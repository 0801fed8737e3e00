SET lock_timeout = '5s';
VACUUM FULL orders;
-- ^^^ blocking-maintenance
VACUUM (FULL, VERBOSE) small_lookup;
-- ^^^ blocking-maintenance
CLUSTER users USING users_pkey;
-- ^^^ blocking-maintenance
CLUSTER;
-- ^^^ blocking-maintenance
REFRESH MATERIALIZED VIEW order_totals;
-- ^^^ blocking-maintenance
