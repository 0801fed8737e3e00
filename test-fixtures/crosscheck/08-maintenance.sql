-- Cross-check cases: maintenance commands. Format: docs/crosscheck.md.

-- case: vacuum-full
-- expect: dangerous
-- rules: *
-- peers: pgls banVacuumFull; sq prefer_repack vacuum_full_err
-- why: VACUUM FULL rewrites the table under ACCESS EXCLUSIVE
SET lock_timeout = '2s';
VACUUM FULL accounts;
-- ^^^

-- case: vacuum-full-option-list
-- expect: dangerous
-- rules: *
-- peers: sq vacuum_full_option_list_err
-- why: same as VACUUM FULL
SET lock_timeout = '2s';
VACUUM (FULL, VERBOSE) orders;
-- ^^^

-- case: vacuum-full-false
-- expect: safe
-- peers: sq vacuum_full_false_option_list_ok, err_vacuum_full_false_uses_non_full_lock
-- why: FULL false is a plain VACUUM: SHARE UPDATE EXCLUSIVE, no blocking of reads or writes
VACUUM (FULL false) orders;

-- case: vacuum-plain
-- expect: safe
-- peers: pgls banVacuumFull/valid_regular_vacuum; sq vacuum_no_full_ok; pgls requireStatementTimeout/valid_regular_vacuum
-- why: SHARE UPDATE EXCLUSIVE
VACUUM accounts;

-- case: vacuum-analyze
-- expect: safe
-- peers: sq vacuum_analyze_ok
-- why: SHARE UPDATE EXCLUSIVE
VACUUM ANALYZE orders;

-- case: vacuum-freeze
-- expect: safe
-- peers: sq vacuum_freeze_ok
-- why: SHARE UPDATE EXCLUSIVE
VACUUM (FREEZE) events;

-- case: analyze-table
-- expect: safe
-- peers: sm add_index auto_analyze
-- why: ANALYZE takes SHARE UPDATE EXCLUSIVE and samples
ANALYZE accounts;

-- case: cluster-table
-- expect: dangerous
-- rules: *
-- peers: sq prefer_repack cluster_err
-- why: CLUSTER rewrites the table under ACCESS EXCLUSIVE
SET lock_timeout = '2s';
CLUSTER accounts USING accounts_pkey;
-- ^^^

-- case: cluster-no-table
-- expect: dangerous
-- rules: *
-- peers: sq cluster_no_path_err
-- why: re-clusters every previously clustered table, each under ACCESS EXCLUSIVE
SET lock_timeout = '2s';
CLUSTER;
-- ^^^

-- case: refresh-matview
-- expect: dangerous
-- rules: *
-- peers: pgls requireConcurrentRefreshMatview; pgls requireStatementTimeout/refresh_matview
-- why: a plain REFRESH holds ACCESS EXCLUSIVE on the view: every reader waits for the whole query
SET lock_timeout = '2s';
REFRESH MATERIALIZED VIEW account_totals;
-- ^^^

-- case: refresh-matview-concurrently
-- expect: safe
-- peers: pgls requireConcurrentRefreshMatview/valid_concurrent, concurrentRefreshMatviewLock
-- why: EXCLUSIVE lock: readers continue; needs the unique index, which exists
-- disagree: pgls's concurrentRefreshMatviewLock warns about the EXCLUSIVE lock; only other refreshes/writes (none on a matview) wait
REFRESH MATERIALIZED VIEW CONCURRENTLY account_totals;

-- case: refresh-matview-new
-- expect: safe
-- peers: pgls requireConcurrentRefreshMatview
-- why: a matview created in this migration has no readers yet
CREATE MATERIALIZED VIEW order_counts AS SELECT account_id, count(*) AS n FROM orders GROUP BY account_id WITH NO DATA;
REFRESH MATERIALIZED VIEW order_counts;

-- case: create-matview-with-data
-- expect: dangerous
-- rules: *
-- peers: pgls requireStatementTimeout (slow statements)
-- why: filling the matview scans 60M orders in the migration's transaction
CREATE MATERIALIZED VIEW order_totals AS SELECT account_id, sum(total) AS s FROM orders GROUP BY account_id;
-- ^^^

-- case: create-table-as-select
-- expect: dangerous
-- rules: *
-- peers: sq require_table_schema create_table_as (robustness)
-- why: CREATE TABLE AS copies a large table inside the migration: long statement, ACCESS SHARE held throughout
CREATE TABLE orders_copy AS SELECT * FROM orders;
-- ^^^
