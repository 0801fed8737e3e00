-- Cross-check cases: drops and renames (breaking changes for running code). Format: docs/crosscheck.md.

-- case: drop-column
-- expect: dangerous
-- rules: drop-column
-- peers: sq ban_drop_column; pgls banDropColumn; sm remove_column
-- why: running application code that still selects or writes the column fails at once
SET lock_timeout = '2s';
ALTER TABLE accounts DROP COLUMN notes;
-- ^^^

-- case: drop-column-cascade
-- expect: dangerous
-- rules: drop-column
-- peers: sq ban_drop_column err; sq alter_table_drop_column_err
-- why: CASCADE also drops the dependent view silently
SET lock_timeout = '2s';
ALTER TABLE accounts DROP COLUMN email CASCADE;
-- ^^^

-- case: drop-columns-two
-- expect: dangerous
-- rules: drop-column
-- peers: sm remove_columns, remove_timestamps
-- why: both columns disappear under running code
SET lock_timeout = '2s';
ALTER TABLE orders DROP COLUMN coupon, DROP COLUMN note;
-- ^^^

-- case: drop-column-reference
-- expect: dangerous
-- rules: drop-column
-- peers: sm remove_reference, remove_belongs_to
-- why: the FK column and its constraint go; ACCESS EXCLUSIVE on accounts too for the FK
SET lock_timeout = '2s';
ALTER TABLE orders DROP COLUMN account_id;
-- ^^^

-- case: drop-table
-- expect: dangerous
-- rules: drop-table
-- peers: sq ban_drop_table; pgls banDropTable
-- why: data loss; running code fails
DROP TABLE IF EXISTS billing.invoices;
-- ^^^

-- case: drop-table-created-here
-- expect: safe
-- peers: sq prefer_robust_stmt_part_6_ok (drop in migration)
-- why: dropping a table this migration created loses nothing and blocks nobody
CREATE TABLE scratch_import (id bigint);
DROP TABLE scratch_import;

-- case: drop-database
-- expect: dangerous
-- rules: ban-drop-database
-- peers: sq ban_drop_database; pgls banDropDatabase
-- why: irreversible loss of a whole database
DROP DATABASE IF EXISTS analytics;
-- ^^^

-- case: drop-schema
-- expect: dangerous
-- rules: *
-- peers: pgls banDropSchema
-- why: drops every object in it (with CASCADE) or fails; data loss either way
SET lock_timeout = '2s';
DROP SCHEMA billing CASCADE;
-- ^^^

-- case: truncate
-- expect: dangerous
-- rules: truncate
-- peers: pgls banTruncate; pgls requireStatementTimeout/truncate
-- why: deletes all rows under ACCESS EXCLUSIVE
TRUNCATE events;
-- ^^^

-- case: truncate-cascade
-- expect: dangerous
-- rules: truncate
-- peers: sq ban_truncate_cascade err; pgls banTruncateCascade
-- why: CASCADE also empties every table referencing accounts (orders)
TRUNCATE accounts CASCADE;
-- ^^^

-- case: truncate-multiple
-- expect: dangerous
-- rules: truncate
-- peers: sq ban_truncate_cascade ok
-- why: still erases all rows of both tables
-- disagree: squawk's ban-truncate-cascade accepts TRUNCATE without CASCADE; it is data loss on existing tables all the same
TRUNCATE events, billing.invoices;
-- ^^^

-- case: truncate-new-table
-- expect: safe
-- peers: pgls banTruncate
-- why: truncating a table created in this migration loses nothing
-- disagree: pgls bans every TRUNCATE
CREATE TABLE staging_rows (id bigint);
TRUNCATE staging_rows;

-- case: rename-column
-- expect: dangerous
-- rules: rename-column
-- peers: sq renaming_column; pgls renamingColumn; sm rename_column
-- why: running code still uses the old name
SET lock_timeout = '2s';
ALTER TABLE accounts RENAME COLUMN name TO full_name;
-- ^^^

-- case: rename-table
-- expect: dangerous
-- rules: rename-table
-- peers: sq renaming_table; pgls renamingTable; sm rename_table
-- why: running code still uses the old name
SET lock_timeout = '2s';
ALTER TABLE orders RENAME TO purchases_old;
-- ^^^

-- case: rename-schema
-- expect: dangerous
-- rules: *
-- peers: sm rename_schema
-- why: every qualified reference to billing.* in running code breaks
SET lock_timeout = '2s';
ALTER SCHEMA billing RENAME TO invoicing;
-- ^^^

-- case: rename-enum-value
-- expect: dangerous
-- rules: *
-- peers: sm rename_enum_value; pgls avoidAlterEnumAddValue/valid_rename_value (clean)
-- why: code writing the old label fails with "invalid input value for enum"
-- disagree: pgls treats RENAME VALUE as a valid alternative; it breaks running code that writes the old value
ALTER TYPE order_state RENAME VALUE 'shipped' TO 'dispatched';
-- ^^^

-- case: rename-table-created-here
-- expect: safe
-- peers: sq renaming_table
-- why: nothing uses a table created in this migration yet
-- disagree: squawk flags every rename
CREATE TABLE tmp_plans (id bigint);
ALTER TABLE tmp_plans RENAME TO plans;

-- case: drop-trigger
-- expect: safe
-- peers: pgls banDropTrigger
-- why: SHARE ROW EXCLUSIVE for an instant, catalog-only; whether the trigger's logic is needed is a product question
-- disagree: pgls bans DROP TRIGGER; no lock or data risk
SET lock_timeout = '2s'; SET statement_timeout = '10s';
DROP TRIGGER accounts_touch ON accounts;

-- case: drop-view
-- expect: safe
-- peers: (none; complements drop-table)
-- why: dropping a view is catalog-only; no data is lost
SET lock_timeout = '2s'; SET statement_timeout = '10s';
DROP VIEW IF EXISTS active_accounts;

-- case: drop-column-if-exists-new-column
-- expect: safe
-- peers: sq alter_table_drop_column_ok
-- why: the column was added in this same migration; nothing uses it yet
BEGIN;
SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN tmp_flag boolean;
ALTER TABLE accounts DROP COLUMN IF EXISTS tmp_flag CASCADE;
COMMIT;
