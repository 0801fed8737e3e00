-- Cross-check cases: ADD COLUMN. Format: docs/crosscheck.md. Tables are large (stats.json) unless created here.

-- case: add-column-nullable
-- expect: safe
-- peers: sq adding-field-with-default docs_example_ok; pgls addingFieldWithDefault/no_default; eu E9 good
-- why: a nullable column without default is a catalog-only change; ACCESS EXCLUSIVE for milliseconds, timeouts set
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN nickname text;

-- case: add-column-constant-default
-- expect: safe
-- peers: sq default_str_ok; sm add_column default (safe); pgls non_volatile_default
-- why: since PG 11 a non-volatile default is stored in pg_attribute (atthasmissing): no rewrite
-- disagree: pgls flags any default when no version is given; on PG 11+ it is catalog-only
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN tier text DEFAULT 'free';

-- case: add-column-integer-default
-- expect: safe
-- peers: sq docs_example_ok_post_pg_11; pgls addingFieldWithDefault/basic
-- why: constant default, PG 11+: no rewrite
-- disagree: pgls flags it
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE orders ADD COLUMN priority integer DEFAULT 0;

-- case: add-column-constant-default-pg10
-- expect: dangerous
-- rules: add-column-rewrites-table, volatile-default
-- pg: 10
-- peers: sq docs_example_error_on_pg_11
-- why: before PG 11 any non-null default rewrites the whole table under ACCESS EXCLUSIVE
SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN priority integer DEFAULT 0;
-- ^^^

-- case: add-column-bool-default
-- expect: safe
-- peers: sq default_bool_ok
-- why: constant default: catalog-only on PG 11+
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN verified boolean DEFAULT false;

-- case: add-column-jsonb-default-cast
-- expect: safe
-- peers: sq default_jsonb_ok
-- why: '{}'::jsonb folds to a constant: catalog-only
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN prefs jsonb DEFAULT '{}'::jsonb;

-- case: add-column-enum-default
-- expect: safe
-- peers: sq default_enum_ok
-- why: an enum literal is a constant (enum_in is stable, folded at ALTER time): no rewrite
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN last_state order_state DEFAULT 'new';

-- case: add-column-empty-array-default
-- expect: safe
-- peers: sq default_empty_array_ok
-- why: ARRAY[]::bigint[] is a constant expression: no rewrite
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN friend_ids bigint[] DEFAULT ARRAY[]::bigint[];

-- case: add-column-text-array-default
-- expect: safe
-- peers: sq default_empty_array_ok
-- why: an array literal cast is constant
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN labels text[] DEFAULT ARRAY['a', 'b']::text[];

-- case: add-column-arith-default
-- expect: safe
-- peers: sq add_numbers_ok
-- why: 2 + 2 is immutable, folded once
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE orders ADD COLUMN quota integer DEFAULT 2 + 2;

-- case: add-column-now-default
-- expect: safe
-- peers: sq default_func_now_ok; pgls volatile_default; sm default_callable (now is an expression)
-- why: now() is STABLE: evaluated once at ALTER time and stored as the missing value; no rewrite
-- disagree: pgls and strong_migrations flag now(); PostgreSQL stores one value, no rewrite (verified: relfilenode unchanged)
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN imported_at timestamptz DEFAULT now();

-- case: add-column-current-timestamp-default
-- expect: safe
-- peers: sq default_func_current_timestamp_ok
-- why: CURRENT_TIMESTAMP is stable: no rewrite
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN synced_at timestamptz DEFAULT current_timestamp;

-- case: add-column-now-minus-interval-default
-- expect: safe
-- peers: sq default_with_const_bin_expr
-- why: now() - interval is stable: no rewrite, and NOT NULL is satisfied by the stored default
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN stats_at timestamptz NOT NULL DEFAULT now() - interval '100 years';

-- case: add-column-random-default
-- expect: dangerous
-- rules: volatile-default, add-column-rewrites-table
-- peers: sq default_volatile_func_err; sm default_callable
-- why: random() is volatile: every row gets its own value, the table is rewritten under ACCESS EXCLUSIVE
SET lock_timeout = '2s';
ALTER TABLE accounts ADD COLUMN lucky float8 DEFAULT random();
-- ^^^

-- case: add-column-uuid-default
-- expect: dangerous
-- rules: volatile-default, add-column-rewrites-table
-- peers: sq default_uuid_error; sm default_uuid
-- why: gen_random_uuid() is volatile: full rewrite under ACCESS EXCLUSIVE
SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
-- ^^^

-- case: add-column-uuid-default-multi-subcommand
-- expect: dangerous
-- rules: volatile-default, add-column-rewrites-table
-- peers: sq default_uuid_error_multi_stmt
-- why: the volatile default in the second subcommand still rewrites the table
SET lock_timeout = '2s';
ALTER TABLE orders ALTER COLUMN coupon SET DEFAULT 'none', ADD COLUMN trace_id uuid DEFAULT gen_random_uuid();
-- ^^^

-- case: add-column-clock-timestamp-default
-- expect: dangerous
-- rules: volatile-default, add-column-rewrites-table
-- peers: sq default_volatile_func_err; sm default_callable
-- why: clock_timestamp() is volatile: rewrite
SET lock_timeout = '2s';
ALTER TABLE events ADD COLUMN recorded_at timestamptz DEFAULT clock_timestamp();
-- ^^^

-- case: add-column-unknown-function-default
-- expect: dangerous
-- rules: volatile-default, add-column-rewrites-table
-- peers: sq arbitrary_func_err
-- why: a function created without a volatility marker is VOLATILE: the default rewrites the table
CREATE FUNCTION make_token() RETURNS text LANGUAGE sql AS $$ SELECT md5(random()::text) $$;
SET lock_timeout = '2s';
ALTER TABLE accounts ADD COLUMN token text DEFAULT make_token();
-- ^^^

-- case: add-column-immutable-function-default
-- expect: safe
-- peers: sq arbitrary_func_err
-- why: a function declared IMMUTABLE is evaluated once: catalog-only
-- disagree: squawk flags every function it does not know; this one is declared IMMUTABLE in the same file
CREATE FUNCTION default_limit() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 100 $$;
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN max_items integer DEFAULT default_limit();

-- case: add-column-nextval-default
-- expect: dangerous
-- rules: volatile-default, add-column-rewrites-table
-- peers: eu E11; pgls addSerialColumn
-- why: nextval() is volatile: each row draws a value, full rewrite
CREATE SEQUENCE accounts_seq_no;
SET lock_timeout = '2s';
ALTER TABLE accounts ADD COLUMN seq_no bigint DEFAULT nextval('accounts_seq_no');
-- ^^^

-- case: add-column-serial
-- expect: dangerous
-- rules: add-column-rewrites-table, volatile-default
-- peers: eu E11; pgls addSerialColumn/basic; sm serial
-- why: serial is a nextval() default: the table is rewritten under ACCESS EXCLUSIVE
SET lock_timeout = '2s';
ALTER TABLE events ADD COLUMN seq serial;
-- ^^^

-- case: add-column-bigserial
-- expect: dangerous
-- rules: add-column-rewrites-table, volatile-default
-- peers: eu E11; pgls addSerialColumn/bigserial; sm bigserial
-- why: as serial: rewrite
SET lock_timeout = '2s';
ALTER TABLE events ADD COLUMN big_seq bigserial;
-- ^^^

-- case: add-column-smallserial
-- expect: dangerous
-- rules: add-column-rewrites-table, volatile-default
-- peers: pgls addSerialColumn/smallserial
-- why: as serial: rewrite
SET lock_timeout = '2s';
ALTER TABLE events ADD COLUMN small_seq smallserial;
-- ^^^

-- case: add-column-identity
-- expect: dangerous
-- rules: add-column-rewrites-table, volatile-default
-- peers: eu test_alter_table_generated_always_column (not flagged)
-- why: an identity column fills every existing row from its sequence: full rewrite (verified on PG 15: relfilenode changes)
-- disagree: eugene treats ADD COLUMN ... GENERATED ALWAYS AS IDENTITY as safe; PostgreSQL rewrites the table
SET lock_timeout = '2s';
ALTER TABLE events ADD COLUMN row_id bigint GENERATED ALWAYS AS IDENTITY;
-- ^^^

-- case: add-column-generated-stored
-- expect: dangerous
-- rules: add-column-rewrites-table, volatile-default
-- peers: sq generated_stored_err; pgls generated_column, addSerialColumn/generated_stored; eu E11; sm generated_stored
-- why: a stored generated column is computed for every row: rewrite under ACCESS EXCLUSIVE
SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN total_x2 bigint GENERATED ALWAYS AS (total * 2) STORED;
-- ^^^

-- case: add-column-generated-stored-not-null
-- expect: dangerous
-- rules: add-column-rewrites-table, volatile-default
-- peers: sq generated_stored_not_null_ok (adding-required-field quiet, adding-field-with-default fires)
-- why: still a stored generated column: rewrite
SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN total_x3 bigint GENERATED ALWAYS AS (total * 3) STORED NOT NULL;
-- ^^^

-- case: add-column-not-null-no-default
-- expect: dangerous
-- rules: add-column-not-null-without-default
-- fails: yes
-- peers: sq adding_required_field not_null_without_default; pgls addingRequiredField/basic; sm default_not_null
-- why: existing rows would be NULL: the ALTER fails on any populated table
ALTER TABLE accounts ADD COLUMN country text NOT NULL;
-- ^^^

-- case: add-column-not-null-with-default
-- expect: safe
-- peers: sq not_null_with_default; pgls addingRequiredField/with_default; sq adding_field_that_is_not_nullable_in_version_11
-- why: PG 11+: constant default satisfies NOT NULL with no rewrite and no scan
-- disagree: strong_migrations flags add_column default + null: false (Rails splits it); on PG 11+ it is catalog-only
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN is_admin boolean NOT NULL DEFAULT false;

-- case: add-column-not-null-default-then-drop-default
-- expect: safe
-- peers: sq adding_field_that_is_not_nullable
-- why: NOT NULL DEFAULT then DROP DEFAULT: both catalog-only on PG 11+
BEGIN;
SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s';
ALTER TABLE orders ADD COLUMN weight integer NOT NULL DEFAULT 0;
ALTER TABLE orders ALTER COLUMN weight DROP DEFAULT;
COMMIT;

-- case: add-column-default-null
-- expect: safe
-- peers: sm default_null
-- why: DEFAULT NULL is no default at all: catalog-only
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN referrer text DEFAULT NULL;

-- case: add-column-json
-- expect: safe
-- peers: sm json; eu E3 test_adding_json_column
-- why: adding a json column is catalog-only; json vs jsonb is a design choice, not a migration risk
-- disagree: eugene and strong_migrations flag json (no equality operator); not a lock, rewrite or failure risk
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN raw_payload json;

-- case: add-column-primary-key
-- expect: dangerous
-- rules: add-column-not-null-without-default, require-concurrent-index-creation, unique-without-concurrent-index
-- fails: yes
-- peers: sq serial_primary_key (adding-primary-key); pgls addingPrimaryKeyConstraint/serial_column; sm primary_key
-- why: a PK column without default fails on a populated table (NULLs); with a default it would build a unique index under ACCESS EXCLUSIVE
ALTER TABLE events ADD COLUMN pk bigint PRIMARY KEY;
-- ^^^

-- case: add-column-serial-primary-key
-- expect: dangerous
-- rules: add-column-rewrites-table, volatile-default, unique-without-concurrent-index, require-concurrent-index-creation
-- peers: sq serial_primary_key; pgls addingPrimaryKeyConstraint/serial_column
-- why: rewrite to fill the serial, then a unique index build, all under ACCESS EXCLUSIVE
SET lock_timeout = '2s';
ALTER TABLE events ADD COLUMN event_no serial PRIMARY KEY;
-- ^^^

-- case: add-column-unique
-- expect: dangerous
-- rules: unique-without-concurrent-index, require-concurrent-index-creation
-- peers: sq unique_constraint_inline_add_column_unique_err
-- why: UNIQUE builds an index on the large table under ACCESS EXCLUSIVE (all rows scanned, even if NULL)
SET lock_timeout = '2s';
ALTER TABLE accounts ADD COLUMN slug text UNIQUE;
-- ^^^

-- case: add-column-named-unique
-- expect: dangerous
-- rules: unique-without-concurrent-index, require-concurrent-index-creation
-- peers: sq unique_constraint_inline_add_column_err
-- why: as above, with a named constraint
SET lock_timeout = '2s';
ALTER TABLE accounts ADD COLUMN slug2 text CONSTRAINT accounts_slug2_key UNIQUE;
-- ^^^

-- case: add-column-references
-- expect: dangerous
-- rules: fk-without-index
-- peers: sq add_column_references_lock; sm add_reference foreign_key
-- why: the new key has no index on events: every DELETE on accounts scans events. The ADD COLUMN itself takes SHARE ROW EXCLUSIVE on accounts only briefly: without a default the column is all NULL and PostgreSQL marks the key valid without checking a row (lock corpus add-column-references, PG 11-18)
-- disagree: squawk and strong_migrations say the inline REFERENCES validates every row; PostgreSQL skips that validation for a column without a default
SET lock_timeout = '2s';
ALTER TABLE events ADD COLUMN owner_id bigint REFERENCES accounts (id);
-- ^^^

-- case: add-column-references-with-default
-- expect: dangerous
-- rules: constraint-missing-not-valid
-- peers: sq add_column_references_lock; sm add_reference foreign_key
-- why: with a default every row gets a value, so PostgreSQL checks each against accounts while it holds ACCESS EXCLUSIVE on events and SHARE ROW EXCLUSIVE on accounts (lock corpus add-column-references-with-default)
SET lock_timeout = '2s';
ALTER TABLE events ADD COLUMN owner_id bigint DEFAULT 1 REFERENCES accounts (id);
-- ^^^

-- case: add-column-check
-- expect: dangerous
-- rules: constraint-missing-not-valid
-- peers: eu test_add_column_with_constraint_to_existing_table
-- why: a CHECK added with the column is validated against every row while ACCESS EXCLUSIVE is held
SET lock_timeout = '2s';
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS credit bigint CONSTRAINT credit_check CHECK (credit IS NULL OR (credit IS NOT NULL AND org_id IS NOT NULL));
-- ^^^

-- case: add-column-without-lock-timeout
-- expect: dangerous
-- rules: missing-lock-timeout
-- peers: eu E9; pgls lockTimeoutWarning/basic; sq require-timeout-settings err_missing_lock_timeout
-- why: ACCESS EXCLUSIVE queues behind any long query on a busy table and blocks every later query meanwhile
ALTER TABLE accounts ADD COLUMN bio text;
-- ^^^

-- case: add-column-with-set-local-lock-timeout
-- expect: safe
-- peers: pgls lockTimeoutWarning/valid_with_timeout; eu E9 good
-- why: SET LOCAL lock_timeout in the transaction bounds the wait
BEGIN;
SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN bio2 text;
COMMIT;

-- case: add-column-with-session-lock-timeout
-- expect: safe
-- peers: pgls lockTimeoutWarning/timeout_set_variant; sq ok_both_timeouts_present_casing
-- why: session-level SET lock_timeout (any case) applies too
SET Lock_Timeout = '1s'; SET Statement_Timeout = '5s';
ALTER TABLE orders ADD COLUMN gift boolean;

-- case: add-column-timeout-set-after
-- expect: dangerous
-- rules: missing-lock-timeout
-- peers: sq err_timeouts_after_ddl
-- why: a timeout set after the ALTER does not bound the ALTER's wait
ALTER TABLE accounts ADD COLUMN bio3 text;
-- ^^^
SET lock_timeout = '1s';
SET statement_timeout = '5s';

-- case: add-column-custom-guc-not-timeout
-- expect: dangerous
-- rules: missing-lock-timeout
-- peers: sq err_timeouts_using_schema
-- why: foo.lock_timeout is a custom variable, not the server's lock_timeout
SET foo.lock_timeout = '1s';
ALTER TABLE accounts ADD COLUMN bio4 text;
-- ^^^

-- case: add-column-timeout-reset-by-commit
-- expect: dangerous
-- rules: missing-lock-timeout
-- peers: pgls requireStatementTimeout/reset_after_commit
-- why: SET LOCAL ends with its transaction; the later ALTER runs without a lock_timeout
BEGIN;
SET LOCAL lock_timeout = '2s';
COMMIT;
ALTER TABLE accounts ADD COLUMN bio5 text;
-- ^^^

-- case: add-column-varchar
-- expect: safe
-- peers: sq prefer-text-field adding_column_non_text_err
-- why: a varchar(256) column is catalog-only; widening it later is catalog-only too
-- disagree: squawk's prefer-text-field flags varchar(n); it is a style preference, not a migration risk
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN title varchar(256) NULL;

-- case: add-column-default-then-backfill
-- expect: safe
-- peers: sq docs_example_ok
-- why: ADD COLUMN then SET DEFAULT: both catalog-only
BEGIN;
SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s';
ALTER TABLE orders ADD COLUMN discount integer;
ALTER TABLE orders ALTER COLUMN discount SET DEFAULT 10;
COMMIT;
