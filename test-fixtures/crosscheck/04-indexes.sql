-- Cross-check cases: indexes. Format: docs/crosscheck.md.

-- case: create-index
-- expect: dangerous
-- rules: require-concurrent-index-creation
-- peers: sq adding_index_non_concurrently_err; pgls requireConcurrentIndexCreation; eu E6; sm add_index non_concurrently
-- why: CREATE INDEX holds SHARE: blocks all writes for the whole build
SET lock_timeout = '2s';
CREATE INDEX accounts_name_idx ON accounts (name);
-- ^^^

-- case: create-index-concurrently
-- expect: safe
-- peers: sq adding_index_concurrently_ok; pgls concurrent_valid; eu E6 good; sm concurrently
-- why: SHARE UPDATE EXCLUSIVE: reads and writes continue
CREATE INDEX CONCURRENTLY accounts_name_idx2 ON accounts (name);

-- case: create-index-concurrently-if-not-exists
-- expect: safe
-- peers: sq prefer_robust_stmt_part_3_ok; pgls preferRobustStmts/robust_statements
-- why: concurrent build, re-runnable
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_placed_idx ON orders (placed_at);

-- case: create-index-concurrently-unnamed
-- expect: safe
-- peers: sq create_index_concurrently_without_name_ok
-- why: concurrent build
CREATE INDEX CONCURRENTLY ON orders (status);

-- case: create-unique-index
-- expect: dangerous
-- rules: require-concurrent-index-creation, unique-without-concurrent-index
-- peers: sq adding_index_non_concurrently_err; eu E6
-- why: SHARE for the whole unique build
SET lock_timeout = '2s';
CREATE UNIQUE INDEX accounts_code_uidx ON accounts (code);
-- ^^^

-- case: create-index-multicolumn
-- expect: dangerous
-- rules: require-concurrent-index-creation
-- peers: sm add_index columns
-- why: non-concurrent build blocks writes (the column count is not the risk)
SET lock_timeout = '2s';
CREATE INDEX orders_multi_idx ON orders (account_id, status, placed_at, total);
-- ^^^

-- case: create-index-concurrently-multicolumn
-- expect: safe
-- peers: sm add_index columns ("more than three columns")
-- why: concurrent build: no write blocking
-- disagree: strong_migrations flags indexes over more than three columns as a design smell; no lock or rewrite risk
CREATE INDEX CONCURRENTLY orders_multi_idx2 ON orders (account_id, status, placed_at, total);

-- case: create-index-expression
-- expect: dangerous
-- rules: require-concurrent-index-creation
-- peers: sq adding_index_non_concurrently_err
-- why: an expression index builds under SHARE too
SET lock_timeout = '2s';
CREATE INDEX accounts_lower_email_idx ON accounts (lower(email));
-- ^^^

-- case: create-index-partial
-- expect: dangerous
-- rules: require-concurrent-index-creation
-- peers: eu E6
-- why: a partial index still scans the whole table under SHARE
SET lock_timeout = '2s';
CREATE INDEX orders_open_idx ON orders (placed_at) WHERE status = 'open';
-- ^^^

-- case: create-index-on-new-table
-- expect: safe
-- peers: sq new_table_ok; pgls new_table_valid, lockTimeoutWarning/valid_index_on_new_table; eu test_create_index_on_new_table; sm new_table
-- why: empty table created in the same transaction
BEGIN;
CREATE TABLE tenants_map (id serial NOT NULL PRIMARY KEY, tenant_id integer NULL);
CREATE INDEX tenants_map_tenant_idx ON tenants_map (tenant_id);
COMMIT;

-- case: create-index-on-new-table-no-transaction
-- expect: safe
-- peers: sq new_table_in_assume_transaction_ok
-- why: new empty table
CREATE TABLE labels (id serial PRIMARY KEY, name text);
CREATE INDEX labels_name_idx ON labels (name);

-- case: create-index-concurrently-in-transaction
-- expect: dangerous
-- rules: concurrently-in-transaction
-- fails: yes
-- peers: sq ban_concurrent_index_creation_in_transaction_err; pgls banConcurrentIndexCreationInTransaction
-- why: CREATE INDEX CONCURRENTLY cannot run inside a transaction block: the migration fails
BEGIN;
CREATE INDEX CONCURRENTLY orders_coupon_idx ON orders (coupon);
-- ^^^
COMMIT;

-- case: create-index-concurrently-then-commit-begin
-- expect: safe
-- peers: sq assuming_in_transaction_ok_also
-- why: the COMMIT/BEGIN around it leaves it outside a transaction block (a plain runner)
CREATE UNIQUE INDEX CONCURRENTLY orders_id_coupon_key ON orders (id, coupon);
BEGIN;
SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s';
ALTER TABLE orders ADD CONSTRAINT orders_id_coupon_uniq UNIQUE USING INDEX orders_id_coupon_key;
COMMIT;

-- case: create-index-concurrently-in-batch-transaction
-- expect: dangerous
-- rules: concurrently-in-transaction
-- fails: yes
-- peers: sq assuming_in_transaction_err; pgls banConcurrentIndexCreationInTransaction/basic
-- why: inside a transaction block, whatever follows it: CONCURRENTLY fails
BEGIN;
CREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);
-- ^^^
SELECT 1;
COMMIT;

-- case: drop-index
-- expect: dangerous
-- rules: require-concurrent-index-deletion
-- peers: sq drop_index_missing_concurrently_err; pgls requireConcurrentIndexDeletion; sm remove_index concurrently
-- why: DROP INDEX takes ACCESS EXCLUSIVE on the table; it queues behind long queries and blocks everything
DROP INDEX IF EXISTS accounts_email_idx;
-- ^^^

-- case: drop-index-multiple
-- expect: dangerous
-- rules: require-concurrent-index-deletion
-- peers: sq fix_add_concurrently_multiple_indexes
-- why: ACCESS EXCLUSIVE on each table
DROP INDEX accounts_tag_idx, accounts_org_idx;
-- ^^^

-- case: drop-index-concurrently
-- expect: safe
-- peers: sq drop_index_concurrently_ok; pgls concurrent_valid, robust_statements
-- why: SHARE UPDATE EXCLUSIVE, waits for running transactions without blocking them
DROP INDEX CONCURRENTLY IF EXISTS orders_account_id_idx;

-- case: drop-index-concurrently-in-transaction
-- expect: dangerous
-- rules: concurrently-in-transaction
-- fails: yes
-- peers: sq (ban-concurrent-index-creation-in-transaction covers create only)
-- why: DROP INDEX CONCURRENTLY cannot run in a transaction block
BEGIN;
DROP INDEX CONCURRENTLY IF EXISTS accounts_email_idx;
-- ^^^
COMMIT;

-- case: drop-trigger-is-not-index
-- expect: safe
-- peers: sq regression_false_positive_drop_trigger_ok
-- why: DROP TRIGGER takes SHARE ROW EXCLUSIVE briefly; not an index drop
SET lock_timeout = '2s'; SET statement_timeout = '10s';
DROP TRIGGER IF EXISTS no_such_trigger ON orders;

-- case: reindex-index
-- expect: dangerous
-- rules: require-concurrent-reindex
-- peers: sq reindex_index_no_concurrently_err; pgls requireConcurrentReindex
-- why: REINDEX INDEX blocks writes to the table (SHARE) and reads using the index (ACCESS EXCLUSIVE on it)
REINDEX INDEX accounts_email_idx;
-- ^^^

-- case: reindex-table
-- expect: dangerous
-- rules: require-concurrent-reindex
-- peers: sq reindex_table_no_concurrently_err
-- why: rebuilds every index of the table under SHARE
REINDEX TABLE orders;
-- ^^^

-- case: reindex-schema
-- expect: dangerous
-- rules: require-concurrent-reindex
-- peers: sq reindex_schema_no_concurrently_err
-- why: every table of the schema, one after another, under SHARE
REINDEX SCHEMA billing;
-- ^^^

-- case: reindex-database
-- expect: dangerous
-- rules: require-concurrent-reindex
-- peers: sq reindex_database_no_concurrently_err
-- why: every index of the database
REINDEX DATABASE postgres;
-- ^^^

-- case: reindex-system
-- expect: dangerous
-- rules: require-concurrent-reindex, *
-- peers: sq reindex_system_ok
-- why: REINDEX SYSTEM locks the system catalogs: every session's catalog access waits
-- disagree: squawk treats REINDEX SYSTEM as ok (it cannot be CONCURRENTLY); it still blocks catalog access for its duration
REINDEX SYSTEM postgres;
-- ^^^

-- case: reindex-concurrently
-- expect: safe
-- peers: sq reindex_index_concurrently_ok; pgls valid_concurrent; pgls requireStatementTimeout/valid_concurrent_reindex
-- why: SHARE UPDATE EXCLUSIVE
REINDEX INDEX CONCURRENTLY accounts_email_idx;

-- case: reindex-table-concurrently
-- expect: safe
-- peers: sq reindex_table_concurrently_ok, reindex_options_concurrently_ok
-- why: SHARE UPDATE EXCLUSIVE
REINDEX (VERBOSE) TABLE CONCURRENTLY orders;

-- case: reindex-concurrently-false
-- expect: dangerous
-- rules: require-concurrent-reindex
-- peers: sq err_reindex_concurrently_false_uses_non_concurrent_lock
-- why: CONCURRENTLY false is a plain REINDEX
REINDEX (CONCURRENTLY false) INDEX accounts_tag_idx;
-- ^^^

-- case: reindex-concurrently-pg11
-- expect: dangerous
-- rules: unsupported-on-version
-- pg: 11
-- peers: sq require-concurrent-reindex (version)
-- why: REINDEX CONCURRENTLY exists only from PG 12: a syntax error on 11
REINDEX INDEX CONCURRENTLY accounts_email_idx;
-- ^^^
