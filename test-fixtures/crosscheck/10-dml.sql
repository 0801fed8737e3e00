-- Cross-check cases: data changes in migrations. Format: docs/crosscheck.md.

-- case: update-without-where
-- expect: dangerous
-- rules: unbatched-dml
-- peers: pgls banUpdateWithoutWhere
-- why: one UPDATE of 8M rows: row locks on all, long transaction, table bloat
UPDATE accounts SET status = 'active';
-- ^^^

-- case: delete-without-where
-- expect: dangerous
-- rules: unbatched-dml
-- peers: pgls banDeleteWithoutWhere
-- why: deletes every row of a 30M-row table in one transaction
DELETE FROM events;
-- ^^^

-- case: update-with-where-one-row
-- expect: safe
-- peers: pgls banUpdateWithoutWhere/valid_with_where
-- why: touches one row by primary key
UPDATE accounts SET status = 'closed' WHERE id = 1;

-- case: delete-with-where-one-row
-- expect: safe
-- peers: pgls banDeleteWithoutWhere/valid_with_where
-- why: deletes one row by primary key
DELETE FROM billing.invoices WHERE id = 3;

-- case: backfill-unbatched
-- expect: dangerous
-- rules: unbatched-dml
-- peers: eu E5 good (update prices set new_price = price); sm backfill advice
-- why: a whole-table backfill in one statement locks every row and holds one huge transaction
UPDATE orders SET coupon = 'none' WHERE coupon IS NULL;
-- ^^^

-- case: update-small-table
-- expect: safe
-- peers: pgls banUpdateWithoutWhere
-- why: a table created in this migration with a handful of rows
-- disagree: pgls bans every UPDATE without WHERE; on a tiny table it is instant
CREATE TABLE feature_flags (name text PRIMARY KEY, enabled boolean);
INSERT INTO feature_flags VALUES ('a', false), ('b', false);
UPDATE feature_flags SET enabled = true;

-- case: insert-values
-- expect: safe
-- peers: sq prefer_robust_stmts insert_ok
-- why: a few rows
INSERT INTO billing.invoices (id, account_id, amount, issued_on) VALUES (100, 1, 5, current_date);

-- case: insert-select-large
-- expect: dangerous
-- rules: unbatched-dml, *
-- peers: pgls requireStatementTimeout
-- why: copies 60M rows in one statement inside the migration
CREATE TABLE orders_archive (LIKE orders);
INSERT INTO orders_archive SELECT * FROM orders;
-- ^^^

-- case: duplicate-column-assignment
-- expect: dangerous
-- rules: *
-- fails: yes
-- peers: sq duplicate_assignment_err
-- why: PostgreSQL rejects "multiple assignments to same column"
UPDATE billing.invoices SET amount = 1, amount = 2 WHERE id = 1;
-- ^^^

-- case: duplicate-insert-column
-- expect: dangerous
-- rules: *
-- fails: yes
-- peers: sq insert_err
-- why: column specified more than once: the INSERT fails
INSERT INTO billing.invoices (id, id) VALUES (1, 2);
-- ^^^

-- case: duplicate-create-table-column
-- expect: dangerous
-- rules: *
-- fails: yes
-- peers: sq create_table_err
-- why: column specified more than once: CREATE TABLE fails
CREATE TABLE twins (a int, a text);
-- ^^^

-- case: duplicate-view-column
-- expect: dangerous
-- rules: *
-- fails: yes
-- peers: sq create_view_err, create_view_with_duplicate_target_aliases_err
-- why: duplicate column names: CREATE VIEW fails
CREATE VIEW twin_view AS SELECT 1 AS a, 2 AS a;
-- ^^^

-- case: distinct-assignments
-- expect: safe
-- peers: sq distinct_and_partial_assignments_ok
-- why: distinct columns, one row
UPDATE billing.invoices SET amount = 1, issued_on = current_date WHERE id = 2;

-- case: on-conflict-duplicate-update
-- expect: dangerous
-- rules: *
-- fails: yes
-- peers: sq conflict_update_err
-- why: multiple assignments to the same column in DO UPDATE: the statement fails
INSERT INTO billing.invoices (id, account_id) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET amount = 1, amount = 2;
-- ^^^

-- case: identifier-too-long
-- expect: dangerous
-- rules: *
-- peers: sq identifier_too_long create_table_long_name_err
-- why: PostgreSQL truncates names over 63 bytes: later references by the full name miss, and two long names can collide
CREATE TABLE table_very_long_very_long_very_long_very_long_very_long_very_long (id bigint);
-- ^^^

-- case: identifier-63-bytes
-- expect: safe
-- peers: sq exactly_63_bytes_ok
-- why: exactly 63 bytes is kept as is
CREATE TABLE table_very_long_very_long_very_long_very_long_very_long_very_lo (id bigint);
