-- Cross-check cases: constraints (FK, CHECK, UNIQUE, EXCLUDE, PRIMARY KEY). Format: docs/crosscheck.md.

-- case: fk-validated
-- expect: dangerous
-- rules: constraint-missing-not-valid
-- peers: sq adding_fk_err; pgls addingForeignKeyConstraint, constraintMissingNotValid; sm add_foreign_key basic
-- why: validation scans orders while SHARE ROW EXCLUSIVE blocks writes to orders and accounts
SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id);
-- ^^^

-- case: fk-not-valid-then-validate-separately
-- expect: safe
-- peers: sq adding_fk_not_valid_ok; sm add_foreign_key safe, validate_no_transaction; pgls with_not_valid
-- why: NOT VALID is instant; VALIDATE in its own transaction takes SHARE UPDATE EXCLUSIVE (writes continue)
BEGIN;
SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s';
ALTER TABLE orders ADD CONSTRAINT orders_account_fk1 FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
COMMIT;
ALTER TABLE orders VALIDATE CONSTRAINT orders_account_fk1;

-- case: fk-not-valid-validate-same-transaction
-- expect: dangerous
-- rules: validate-in-same-transaction
-- peers: sq not_valid_validate_transaction_err; sm validate_same_transaction; pgls requireSeparateConstraintValidation
-- why: in one transaction the NOT VALID's SHARE ROW EXCLUSIVE is still held during the validating scan
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE events ADD CONSTRAINT events_account_fk2 FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
ALTER TABLE events VALIDATE CONSTRAINT events_account_fk2;
-- ^^^
COMMIT;

-- case: check-not-valid-validate-same-transaction
-- expect: dangerous
-- rules: validate-in-same-transaction
-- peers: pgls requireSeparateConstraintValidation/basic; sm add_check_constraint validate_same_transaction
-- why: ACCESS EXCLUSIVE from ADD CONSTRAINT is held while VALIDATE scans the table
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;
-- ^^^
COMMIT;

-- case: check-not-valid-only
-- expect: safe
-- peers: pgls requireSeparateConstraintValidation/valid_no_validate; pgls avoidAddingExclusionConstraint/valid_non_exclusion
-- why: NOT VALID check: brief ACCESS EXCLUSIVE, no scan
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE orders ADD CONSTRAINT orders_total_pos CHECK (total > 0) NOT VALID;

-- case: check-validate-other-table
-- expect: safe
-- peers: pgls requireSeparateConstraintValidation/valid_different_tables
-- why: validating an older constraint of another table: SHARE UPDATE EXCLUSIVE, writes continue
-- disagree: none; note the table is different so the NOT VALID's lock on accounts does not cover orders
BEGIN;
SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s';
ALTER TABLE accounts ADD CONSTRAINT accounts_balance_pos CHECK (balance >= 0) NOT VALID;
COMMIT;
SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_qty_pos CHECK (qty > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_qty_pos;

-- case: check-validated
-- expect: dangerous
-- rules: constraint-missing-not-valid
-- peers: sq adding_check_constraint_err; pgls check_constraint; eu E1; sm add_check_constraint basic
-- why: a validated CHECK scans the whole table under ACCESS EXCLUSIVE
SET lock_timeout = '2s';
ALTER TABLE accounts ADD CONSTRAINT accounts_score_check CHECK (score >= 0);
-- ^^^

-- case: check-not-valid-validate-next-transaction
-- expect: safe
-- peers: sq adding_check_constraint_ok; eu E1 good; pgls valid_separate_transaction
-- why: VALIDATE in a later transaction takes SHARE UPDATE EXCLUSIVE only
BEGIN;
SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s';
ALTER TABLE accounts ADD CONSTRAINT accounts_name_nn CHECK (name IS NOT NULL) NOT VALID;
COMMIT;
ALTER TABLE accounts VALIDATE CONSTRAINT accounts_name_nn;

-- case: check-on-new-table
-- expect: safe
-- peers: sq new_table_with_transaction_ok; eu test_add_check_constraint_to_new_table; sm new_table
-- why: the table is created in the same transaction: empty and invisible to others
BEGIN;
CREATE TABLE coupons (id bigint PRIMARY KEY, pct integer NOT NULL);
ALTER TABLE coupons ADD CONSTRAINT coupons_pct CHECK (pct BETWEEN 0 AND 100);
COMMIT;

-- case: check-on-new-table-no-transaction
-- expect: safe
-- peers: sq new_table_assume_transaction_ok, regression_with_indexing_ok
-- why: created just before in the same file, no rows yet
CREATE TABLE vouchers (id bigint PRIMARY KEY, age integer NOT NULL);
ALTER TABLE vouchers ADD CONSTRAINT vouchers_age CHECK (age >= 25);

-- case: fk-on-new-table
-- expect: safe
-- peers: sq create_table_with_foreign_key_constraint, alter_table_foreign_key_in_transaction
-- why: new empty table: validation is instant; SHARE ROW EXCLUSIVE on accounts is brief
-- disagree: squawk flags ALTER TABLE ... ADD FOREIGN KEY after CREATE TABLE; the lock on accounts is held only for the instant validation
BEGIN;
SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s';
CREATE TABLE emails (id bigint PRIMARY KEY, account_id bigint NOT NULL);
ALTER TABLE emails ADD CONSTRAINT emails_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id);
CREATE INDEX emails_account_idx ON emails (account_id);
COMMIT;

-- case: fk-inline-create-table
-- expect: safe
-- peers: sq create_table_with_column_references
-- why: CREATE TABLE ... REFERENCES: brief SHARE ROW EXCLUSIVE on the referenced table, nothing to validate
SET lock_timeout = '2s'; SET statement_timeout = '10s';
CREATE TABLE phones (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE);
CREATE INDEX phones_account_idx ON phones (account_id);

-- case: fk-without-index-new-table
-- expect: dangerous
-- rules: fk-without-index
-- peers: eu E15 bad (partial index); sm add_reference (index expected)
-- why: without an index on the referencing column, each DELETE on accounts scans the new table
SET lock_timeout = '2s'; SET statement_timeout = '10s';
CREATE TABLE purchases (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id));
-- ^^^

-- case: fk-partial-index-does-not-serve
-- expect: dangerous
-- rules: fk-without-index
-- peers: eu E15 bad
-- why: a partial index cannot serve the FK lookups of deletes/updates on the referenced table
SET lock_timeout = '2s'; SET statement_timeout = '10s';
CREATE TABLE carts (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id));
-- ^^^
CREATE INDEX carts_account_idx ON carts (account_id) WHERE account_id = 1;

-- case: fk-with-index-new-table
-- expect: safe
-- peers: eu E15 good
-- why: the index on the referencing column serves the FK checks
SET lock_timeout = '2s'; SET statement_timeout = '10s';
CREATE TABLE wishlists (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id));
CREATE INDEX wishlists_account_idx ON wishlists (account_id);

-- case: unique-constraint
-- expect: dangerous
-- rules: unique-without-concurrent-index, require-concurrent-index-creation
-- peers: sq adding_unique_constraint_err; eu E7; sm add_unique_constraint basic
-- why: builds a unique index under ACCESS EXCLUSIVE: reads and writes blocked for the whole build
SET lock_timeout = '2s';
ALTER TABLE accounts ADD CONSTRAINT accounts_code_key UNIQUE (code);
-- ^^^

-- case: unique-using-index
-- expect: safe
-- peers: sq unique_constraint_ok, using_unique_index_ok; eu E7 good; sm using_index
-- why: the index was built CONCURRENTLY; attaching it is catalog-only (brief ACCESS EXCLUSIVE)
CREATE UNIQUE INDEX CONCURRENTLY accounts_handle_key_idx ON accounts (handle);
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD CONSTRAINT accounts_handle_key UNIQUE USING INDEX accounts_handle_key_idx;

-- case: unique-on-new-table
-- expect: safe
-- peers: sq unique_constraint_after_create_table; eu test_adding_unique_constraint_on_new_table; sm new_table
-- why: the table is empty and new
BEGIN;
CREATE TABLE products (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, sku text NOT NULL);
ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE (sku);
COMMIT;

-- case: exclusion-constraint
-- expect: dangerous
-- rules: *
-- peers: eu E8; pgls avoidAddingExclusionConstraint; sm add_exclusion_constraint
-- why: an exclusion constraint builds its index and checks all rows under ACCESS EXCLUSIVE; it cannot be NOT VALID
SET lock_timeout = '2s';
ALTER TABLE accounts ADD CONSTRAINT accounts_name_excl EXCLUDE USING gist (name WITH =);
-- ^^^

-- case: exclusion-on-new-table
-- expect: safe
-- peers: eu test_adding_exclusion_constraint_on_new_table; sm add_exclusion_constraint new_table
-- why: empty new table
CREATE TABLE bookings (id bigint PRIMARY KEY, room integer, during tstzrange);
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);

-- case: primary-key-plain
-- expect: dangerous
-- rules: unique-without-concurrent-index, require-concurrent-index-creation, set-not-null-without-check
-- peers: sq plain_primary_key; pgls addingPrimaryKeyConstraint/basic; eu test_add_pk_with_using_index
-- why: builds the PK index (and sets NOT NULL with a scan) under ACCESS EXCLUSIVE
SET lock_timeout = '2s';
ALTER TABLE events ADD PRIMARY KEY (id);
-- ^^^

-- case: primary-key-using-index-not-null-column
-- expect: safe
-- peers: sq okay_add_constraint, adding_using_index_ok; pgls using_index
-- why: with the index built concurrently and the column already NOT NULL, only catalog work remains
CREATE UNIQUE INDEX CONCURRENTLY billing_invoices_id2 ON billing.invoices (id);
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE billing.invoices DROP CONSTRAINT invoices_pkey, ADD CONSTRAINT invoices_pkey PRIMARY KEY USING INDEX billing_invoices_id2;

-- case: primary-key-using-index-nullable-column
-- expect: dangerous
-- rules: set-not-null-without-check, constraint-missing-not-valid
-- peers: eu W14 bad; eu test_add_pk_using_index
-- why: the column is nullable: PRIMARY KEY USING INDEX implies SET NOT NULL, a full scan under ACCESS EXCLUSIVE
CREATE UNIQUE INDEX CONCURRENTLY events_id_key ON events (id);
SET lock_timeout = '2s';
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_key;
-- ^^^

-- case: drop-constraint
-- expect: safe
-- peers: sq disallow_unique_constraint ok
-- why: dropping a constraint is catalog-only (brief ACCESS EXCLUSIVE)
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts DROP CONSTRAINT IF EXISTS accounts_dummy_check;

-- case: fk-not-valid-deferrable
-- expect: safe
-- peers: sq drop_before_add_foreign_key_ok
-- why: NOT VALID FK: no scan; the later VALIDATE runs outside the transaction
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_account_fk3;
ALTER TABLE orders ADD CONSTRAINT orders_account_fk3 FOREIGN KEY (account_id) REFERENCES accounts (id) DEFERRABLE INITIALLY DEFERRED NOT VALID;

-- case: fk-validate-no-transaction-file
-- expect: safe
-- peers: sq adding_fk_not_valid_ok
-- why: each statement autocommits: VALIDATE takes SHARE UPDATE EXCLUSIVE on events and ROW SHARE on accounts
SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_account_fk4 FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_account_fk4;
-- disagree: squawk's constraint-missing-not-valid flags VALIDATE after NOT VALID in one file even without a transaction (assume-in-transaction off); autocommitted it is safe

-- case: domain-add-constraint
-- expect: dangerous
-- rules: *
-- peers: sq ban_alter_domain_with_add_constraint err
-- why: ALTER DOMAIN ADD CONSTRAINT checks every column of the domain in every table (orders.qty), holding SHARE on them
SET lock_timeout = '2s';
ALTER DOMAIN positive_int ADD CONSTRAINT positive_int_check CHECK (VALUE > 0);
-- ^^^

-- case: domain-add-constraint-not-valid
-- expect: safe
-- peers: sq ban_alter_domain_with_add_constraint (not covered)
-- why: NOT VALID skips the scan of existing columns
-- disagree: squawk bans every ALTER DOMAIN ADD CONSTRAINT; NOT VALID checks only new values
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER DOMAIN short_code ADD CONSTRAINT short_code_len CHECK (length(VALUE) <= 8) NOT VALID;

-- case: domain-validate-constraint
-- expect: dangerous
-- rules: *
-- peers: sq ban_alter_domain_with_add_constraint ok (VALIDATE allowed)
-- why: VALIDATE CONSTRAINT on a domain scans every column using the domain (accounts.region), holding SHARE on accounts
-- disagree: squawk lists ALTER DOMAIN ... VALIDATE CONSTRAINT as ok; PostgreSQL scans every table using the domain under SHARE lock (blocks writes)
ALTER DOMAIN short_code ADD CONSTRAINT short_code_nonempty CHECK (VALUE <> '') NOT VALID;
ALTER DOMAIN short_code VALIDATE CONSTRAINT short_code_nonempty;
-- ^^^

-- case: domain-other-alters
-- expect: safe
-- peers: sq ban_alter_domain_with_add_constraint ok
-- why: renames, owner, default and DROP CONSTRAINT on a domain touch only the catalog
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER DOMAIN short_code SET DEFAULT 'xx';
ALTER DOMAIN short_code DROP CONSTRAINT IF EXISTS no_such_constraint;
ALTER DOMAIN positive_int RENAME TO positive_integer;

-- case: create-domain-with-check
-- expect: safe
-- peers: sq ban_create_domain_with_constraint err
-- why: creating a new domain locks nothing existing; the rule's concern (later ALTER DOMAIN scans) does not apply here
-- disagree: squawk bans CREATE DOMAIN ... CHECK; nothing uses the new domain yet
CREATE DOMAIN percent AS numeric(5,2) CHECK (VALUE BETWEEN 0 AND 100);

-- case: create-domain-plain
-- expect: safe
-- peers: sq ban_create_domain_with_constraint ok
-- why: a new type, no lock on any table
CREATE DOMAIN label_text AS text;
