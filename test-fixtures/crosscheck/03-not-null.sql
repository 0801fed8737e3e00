-- Cross-check cases: SET/DROP NOT NULL. Format: docs/crosscheck.md.

-- case: set-not-null
-- expect: dangerous
-- rules: set-not-null-without-check
-- peers: sq set_not_null, pg12_without_validated_check_err; pgls addingNotNullField; eu E2; sm change_column_null basic
-- why: SET NOT NULL scans the whole table under ACCESS EXCLUSIVE
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;
-- ^^^

-- case: set-not-null-alembic
-- expect: dangerous
-- rules: set-not-null-without-check
-- peers: sq regression_gh_issue_519
-- why: the scan happens whatever follows in the transaction
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN name SET NOT NULL;
-- ^^^
CREATE TABLE IF NOT EXISTS alembic_version (version_num varchar(32) NOT NULL);
UPDATE alembic_version SET version_num = 'b' WHERE alembic_version.version_num = 'a';
COMMIT;

-- case: set-not-null-after-validated-check-pg15
-- expect: safe
-- peers: sq regression_gh_issue_628_pg16_with_validated_check_ok; eu E2 good; sm change_column_null constraint
-- why: PG 12+ skips the scan when a validated CHECK (col IS NOT NULL) exists
BEGIN;
SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s';
ALTER TABLE accounts ADD CONSTRAINT accounts_status_nn CHECK (status IS NOT NULL) NOT VALID;
COMMIT;
ALTER TABLE accounts VALIDATE CONSTRAINT accounts_status_nn;
BEGIN;
SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s';
ALTER TABLE accounts ALTER COLUMN status SET NOT NULL;
ALTER TABLE accounts DROP CONSTRAINT accounts_status_nn;
COMMIT;

-- case: set-not-null-after-validated-check-pg12
-- expect: safe
-- pg: 12
-- peers: sq regression_gh_issue_628_pg12_with_validated_check_ok
-- why: the scan skip exists since PG 12
BEGIN;
SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s';
ALTER TABLE orders ADD CONSTRAINT orders_status_nn CHECK (status IS NOT NULL) NOT VALID;
COMMIT;
ALTER TABLE orders VALIDATE CONSTRAINT orders_status_nn;
BEGIN;
SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s';
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;
ALTER TABLE orders DROP CONSTRAINT orders_status_nn;
COMMIT;

-- case: set-not-null-after-validated-check-pg11
-- expect: dangerous
-- rules: set-not-null-without-check
-- pg: 11
-- peers: sq regression_gh_issue_628_pg11_with_validated_check_err, pg11_cross_migration_validate_then_set_not_null_err
-- why: PG 11 does not use the CHECK: SET NOT NULL still scans under ACCESS EXCLUSIVE
ALTER TABLE orders ADD CONSTRAINT orders_note_nn CHECK (note IS NOT NULL) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_note_nn;
SET lock_timeout = '2s';
ALTER TABLE orders ALTER COLUMN note SET NOT NULL;
-- ^^^

-- case: set-not-null-with-unvalidated-check
-- expect: dangerous
-- rules: set-not-null-without-check
-- peers: sq pg12_with_check_but_not_validated_err; sm constraint_unvalidated
-- why: a NOT VALID check does not prove the column: full scan
SET lock_timeout = '2s';
ALTER TABLE accounts ADD CONSTRAINT accounts_code_nn CHECK (code IS NOT NULL) NOT VALID;
ALTER TABLE accounts ALTER COLUMN code SET NOT NULL;
-- ^^^

-- case: set-not-null-check-on-other-column
-- expect: dangerous
-- rules: set-not-null-without-check
-- peers: sq pg12_with_different_column_validated_err
-- why: the validated check is on another column
ALTER TABLE accounts ADD CONSTRAINT accounts_name_nn2 CHECK (name IS NOT NULL) NOT VALID;
ALTER TABLE accounts VALIDATE CONSTRAINT accounts_name_nn2;
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN org_id SET NOT NULL;
-- ^^^

-- case: set-not-null-on-new-table
-- expect: safe
-- peers: eu test_sets_column_to_not_null_on_new_table
-- why: new empty table
CREATE TABLE authors2 (id bigint PRIMARY KEY, name text);
ALTER TABLE authors2 ALTER COLUMN name SET NOT NULL;

-- case: set-not-null-two-statements
-- expect: dangerous
-- rules: set-not-null-without-check
-- peers: eu W12 bad; pgls multipleAlterTable/basic
-- why: each SET NOT NULL scans; two statements take the lock twice
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;
-- ^^^
ALTER TABLE accounts ALTER COLUMN name SET NOT NULL;

-- case: drop-not-null
-- expect: safe
-- peers: sq ban_drop_not_null err; pgls banDropNotNull
-- why: DROP NOT NULL is catalog-only; it can break code that assumes non-null values, but it is reversible and takes no long lock
-- disagree: squawk and pgls ban it as a breaking change; it only widens what the column accepts
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE orders ALTER COLUMN total DROP NOT NULL;

-- case: change-column-null-with-default-update
-- expect: dangerous
-- rules: set-not-null-without-check, unbatched-dml
-- peers: sm change_column_null default (backfill then SET NOT NULL)
-- why: the unbatched UPDATE rewrites every row, then SET NOT NULL scans under ACCESS EXCLUSIVE
BEGIN;
UPDATE accounts SET notes = '' WHERE notes IS NULL;
SET LOCAL lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN notes SET NOT NULL;
-- ^^^
COMMIT;
