-- Cross-check cases: transactions, timeouts, lock windows. Format: docs/crosscheck.md.

-- case: uncommitted-begin
-- expect: dangerous
-- rules: transaction-nesting, *
-- peers: sq uncommitted_transaction_err
-- why: the transaction stays open: its locks are held until the connection closes, or the runner's own COMMIT mismatches
BEGIN;
-- ^^^
CREATE TABLE ledger (id bigint);

-- case: uncommitted-start-transaction
-- expect: dangerous
-- rules: transaction-nesting, *
-- peers: sq start_transaction_uncommitted_err
-- why: as BEGIN
START TRANSACTION;
-- ^^^
CREATE TABLE ledger2 (id bigint);

-- case: uncommitted-begin-work
-- expect: dangerous
-- rules: transaction-nesting, *
-- peers: sq begin_work_uncommitted_err
-- why: as BEGIN
BEGIN WORK;
-- ^^^
CREATE TABLE ledger3 (id bigint);

-- case: uncommitted-last-of-two
-- expect: dangerous
-- rules: transaction-nesting, *
-- peers: sq multiple_transactions_last_uncommitted_err
-- why: the second transaction is left open
BEGIN;
CREATE TABLE ledger4 (id bigint);
COMMIT;
BEGIN;
-- ^^^
CREATE TABLE ledger5 (id bigint);

-- case: committed-transaction
-- expect: safe
-- peers: sq committed_transaction_ok; sq no_nesting_ok
-- why: closed transaction, new table
BEGIN;
CREATE TABLE ledger6 (id bigint);
COMMIT;

-- case: rolled-back-transaction
-- expect: safe
-- peers: sq rolled_back_transaction_ok
-- why: closed by ROLLBACK
BEGIN;
CREATE TABLE ledger7 (id bigint);
ROLLBACK;

-- case: two-transactions
-- expect: safe
-- peers: sq no_nesting_repeated_ok; pgls avoidWideLockWindow/valid_separate_transactions
-- why: two closed transactions, one after the other
BEGIN;
SELECT 1;
COMMIT;
BEGIN;
SELECT 2;
COMMIT;

-- case: begin-twice
-- expect: dangerous
-- rules: transaction-nesting
-- peers: sq begin_repeated_err, nested_begin_only_last_uncommitted_err; pgls transactionNesting
-- why: the second BEGIN is ignored with a warning; the first COMMIT ends the outer transaction, so the author's grouping is wrong
BEGIN;
BEGIN;
-- ^^^
SELECT 1;
COMMIT;

-- case: commit-twice
-- expect: dangerous
-- rules: transaction-nesting
-- peers: sq commit_repeated_err
-- why: the second COMMIT has no transaction; statements between run in autocommit, unlike the author intended
BEGIN;
SELECT 1;
COMMIT;
COMMIT;
-- ^^^

-- case: commit-in-wrapped-runner
-- expect: dangerous
-- rules: transaction-nesting
-- peers: sq commit_with_assume_in_transaction_err; pgls transactionNesting/commit
-- why: under a runner that wraps the file, a COMMIT ends its transaction early
-- path: supabase/migrations/20240101000000_crosscheck.sql
-- disagree: in a plain (unwrapped) file COMMIT without BEGIN is only a PostgreSQL warning; the case names a wrapping runner (Supabase)
SELECT 1;
COMMIT;
-- ^^^

-- case: wide-lock-window-two-tables
-- expect: dangerous
-- rules: statements-after-access-exclusive, *
-- peers: pgls avoidWideLockWindow/basic
-- why: ACCESS EXCLUSIVE on accounts is held while waiting for ACCESS EXCLUSIVE on orders: a deadlock-prone, long window
BEGIN;
SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN wide1 text;
ALTER TABLE orders ADD COLUMN wide2 text;
-- ^^^
COMMIT;

-- case: same-table-two-alters
-- expect: safe
-- peers: pgls avoidWideLockWindow/valid_same_table; eu W12 (multiple alters) / pgls multipleAlterTable
-- why: the second ALTER re-uses the lock already held: two catalog-only changes
-- disagree: eugene and pgls flag two ALTERs on one table; with catalog-only subcommands the window is milliseconds
BEGIN;
SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN c1 text;
ALTER TABLE accounts ADD COLUMN c2 text;
COMMIT;

-- case: alter-different-tables-autocommit
-- expect: safe
-- peers: pgls multipleAlterTable/valid_different_tables, valid_different_schemas
-- why: each statement autocommits: one short lock each
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN bio_x text;
ALTER TABLE billing.invoices ADD COLUMN memo text;

-- case: select-after-access-exclusive
-- expect: dangerous
-- rules: statements-after-access-exclusive
-- peers: eu E4 bad; pgls runningStatementWhileHoldingAccessExclusive/basic
-- why: count(*) scans 8M rows while ACCESS EXCLUSIVE blocks every query on accounts
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE accounts ADD COLUMN email2 text;
SELECT count(*) FROM accounts;
-- ^^^
COMMIT;

-- case: update-after-access-exclusive
-- expect: dangerous
-- rules: statements-after-access-exclusive, unbatched-dml
-- peers: pgls runningStatementWhileHoldingAccessExclusive/multiple_statements
-- why: a full-table UPDATE while holding ACCESS EXCLUSIVE: blocked reads for the whole update
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE accounts ADD COLUMN age integer;
UPDATE accounts SET age = 30;
-- ^^^
COMMIT;

-- case: create-index-after-alter
-- expect: dangerous
-- rules: statements-after-access-exclusive, require-concurrent-index-creation
-- peers: pgls runningStatementWhileHoldingAccessExclusive/create_index_after_alter
-- why: the index build runs while ACCESS EXCLUSIVE from the ALTER is held
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN total2 numeric(10,2);
CREATE INDEX orders_total2_idx ON orders (total2);
-- ^^^
COMMIT;

-- case: insert-one-row-after-alter
-- expect: safe
-- peers: pgls runningStatementWhileHoldingAccessExclusive/insert_after_alter
-- why: a one-row INSERT after the ALTER adds microseconds to the lock window
-- disagree: pgls flags any statement after ACCESS EXCLUSIVE; a single-row insert does not lengthen it measurably
BEGIN;
SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s';
ALTER TABLE billing.invoices ADD COLUMN isbn text;
INSERT INTO billing.invoices (id, account_id, amount, issued_on, isbn) VALUES (-1, 1, 0, current_date, 'x');
COMMIT;

-- case: statements-before-alter
-- expect: safe
-- peers: pgls runningStatementWhileHoldingAccessExclusive/valid_before_alter
-- why: the slow work ran before the lock was taken (the index is concurrent)
SELECT count(*) FROM accounts;
CREATE INDEX CONCURRENTLY accounts_score_idx ON accounts (score);

-- case: statements-on-new-table
-- expect: safe
-- peers: pgls runningStatementWhileHoldingAccessExclusive/valid_new_table; pgls lockTimeoutWarning/valid_new_table
-- why: the lock is on a table nobody else can see yet
BEGIN;
CREATE TABLE gadgets (id int PRIMARY KEY, name text);
ALTER TABLE gadgets ADD COLUMN price numeric(10,2);
SELECT count(*) FROM gadgets;
COMMIT;

-- case: create-index-without-lock-timeout
-- expect: dangerous
-- rules: missing-lock-timeout, require-concurrent-index-creation
-- peers: pgls lockTimeoutWarning/create_index_without_timeout; eu test_no_locktimeout_create_index
-- why: SHARE lock queued behind a long query blocks writers meanwhile
CREATE INDEX orders_status_idx ON orders (status);
-- ^^^

-- case: add-check-without-lock-timeout
-- expect: dangerous
-- rules: missing-lock-timeout, constraint-missing-not-valid
-- peers: eu test_locktimeout_alter_table_without_timeout
-- why: no lock_timeout and a validating scan
ALTER TABLE orders ADD CONSTRAINT orders_total_check2 CHECK (total > 0);
-- ^^^

-- case: create-type-no-timeout
-- expect: safe
-- peers: sq err_other_ddl_operations (require-timeout-settings on CREATE TYPE)
-- why: CREATE TYPE locks no existing relation
-- disagree: squawk wants timeouts before any DDL; a new type waits on nothing
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');

-- case: comment-on-no-timeout
-- expect: safe
-- peers: sq err_comment_on_explains_lock_impact
-- why: COMMENT ON COLUMN takes SHARE UPDATE EXCLUSIVE: no reader or writer waits on it
-- disagree: squawk requires timeouts before COMMENT ON; it conflicts only with other DDL/VACUUM
COMMENT ON COLUMN accounts.code IS 'an opaque id';

-- case: create-function-with-timeouts
-- expect: safe
-- peers: sq ok_other_ddl_with_timeouts
-- why: a new function locks no table
SET lock_timeout = '1s'; SET statement_timeout = '5s';
CREATE FUNCTION add_ints(integer, integer) RETURNS integer AS 'select $1 + $2;' LANGUAGE SQL IMMUTABLE;

-- case: select-only-no-timeout
-- expect: safe
-- peers: sq ok_no_ddl_operations
-- why: a read takes ACCESS SHARE only
SELECT id FROM billing.invoices WHERE id = 1;

-- case: lock-table-access-share
-- expect: safe
-- peers: sq err_lock_access_share_uses_correct_article
-- why: ACCESS SHARE conflicts only with ACCESS EXCLUSIVE
-- disagree: squawk asks for timeouts; an ACCESS SHARE lock waits only behind ACCESS EXCLUSIVE holders
BEGIN;
LOCK TABLE billing.invoices IN ACCESS SHARE MODE;
COMMIT;

-- case: lock-table-access-exclusive
-- expect: dangerous
-- rules: missing-lock-timeout, *
-- peers: sq lock_kind_for_explicit_lock_modes
-- why: explicit ACCESS EXCLUSIVE blocks every query until commit, and waits without a timeout
BEGIN;
LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE;
-- ^^^
UPDATE accounts SET status = 'x' WHERE id = 1;
COMMIT;

-- case: drop-table-no-statement-timeout
-- expect: dangerous
-- rules: drop-table, missing-lock-timeout
-- peers: pgls requireStatementTimeout/drop_table
-- why: dropping an existing table: data loss, ACCESS EXCLUSIVE without timeouts
DROP TABLE events;
-- ^^^

-- case: idle-in-transaction-timeout
-- expect: safe
-- peers: pgls requireIdleInTransactionTimeout
-- why: a migration runner does not idle inside its transaction; lock and statement timeouts bound the risk
-- disagree: pgls requires idle_in_transaction_session_timeout; with lock_timeout and statement_timeout set, nothing here idles
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN twitter text;
