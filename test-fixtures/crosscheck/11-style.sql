-- Cross-check cases: type choices the peers lint. Format: docs/crosscheck.md.
-- These are design advice, not migration risks: expected clean of warnings (an info/hint is fine).

-- case: style-int-id
-- expect: safe
-- peers: sq prefer_bigint_over_int err; pgls preferBigintOverInt, preferBigInt
-- why: a new table with an integer column: no lock, rewrite or failure today
-- disagree: squawk and pgls flag it; overflow at 2^31 is a capacity concern for review, not a migration danger
CREATE TABLE t_int (id integer);

-- case: style-smallint
-- expect: safe
-- peers: sq prefer_bigint_over_smallint err; pgls preferBigintOverSmallint
-- why: design choice
-- disagree: squawk and pgls flag it
CREATE TABLE t_small (age smallint);

-- case: style-serial
-- expect: safe
-- peers: sq prefer_identity err; pgls preferIdentity
-- why: serial on a new table works; identity is the modern spelling
-- disagree: squawk and pgls flag it
CREATE TABLE t_serial (id serial);

-- case: style-bigserial
-- expect: safe
-- peers: pgls preferIdentity/bigserial
-- why: as above
CREATE TABLE t_bigserial (id bigserial);

-- case: style-identity
-- expect: safe
-- peers: sq prefer_identity ok
-- why: recommended spelling
CREATE TABLE t_identity (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);

-- case: style-json-column
-- expect: safe
-- peers: eu E3 bad; pgls preferJsonb; eu test_creates_table_with_json_column
-- why: json stores text verbatim; a design choice, no migration risk
-- disagree: eugene and pgls flag json
CREATE TABLE t_json (id bigint, data json);

-- case: style-jsonb-column
-- expect: safe
-- peers: eu E3 good
-- why: recommended
CREATE TABLE t_jsonb (id bigint, data jsonb);

-- case: style-char-column
-- expect: safe
-- peers: sq ban_char_field; pgls banCharField
-- why: char(n) pads with spaces; a design choice
-- disagree: squawk and pgls ban char; no migration risk
CREATE TABLE t_char (code char(3));

-- case: style-bpchar
-- expect: safe
-- peers: pgls banCharField/bpchar
-- why: as above
CREATE TABLE t_bpchar (code bpchar(5));

-- case: style-char-add-column
-- expect: safe
-- peers: sq alter_table_err; pgls banCharField/alter_table
-- why: adding a nullable char column is catalog-only
-- disagree: squawk and pgls ban char
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ADD COLUMN country_code character(2);

-- case: style-varchar-text
-- expect: safe
-- peers: sq creating_table_with_var_char_and_text_okay; pgls banCharField/varchar_valid
-- why: fine
CREATE TABLE t_text (alpha varchar(100) NOT NULL, beta text NOT NULL);

-- case: style-varchar-create-table
-- expect: safe
-- peers: sq prefer_text_field create_table_with_varchar_err
-- why: a varchar(n) column on a new table; widening it later is catalog-only
-- disagree: squawk's prefer-text-field flags it
CREATE TABLE t_varchar (alpha varchar(100) NOT NULL);

-- case: style-timestamp
-- expect: safe
-- peers: sq prefer_timestamptz create_table_with_timestamp_err
-- why: timestamp without time zone is a design choice; risky only when the app mixes zones
-- disagree: squawk flags it; no migration risk
CREATE TABLE t_ts (created_ts timestamp);

-- case: style-timestamptz
-- expect: safe
-- peers: sq create_table_with_time_zone_ok
-- why: fine
CREATE TABLE t_tstz (created_ts timestamptz, other timestamp with time zone);

-- case: style-unqualified-table
-- expect: safe
-- peers: sq require_table_schema create_table_err (opt-in)
-- why: search_path decides the schema; opt-in style rule in squawk
CREATE TABLE my_table (id int8);

-- case: style-create-table-not-robust
-- expect: safe
-- peers: sq prefer_robust_stmts create_table_err
-- why: a plain CREATE TABLE of a new name is safe; re-runnability is the runner's job
-- disagree: squawk wants IF NOT EXISTS
CREATE TABLE core_bar (id bigint PRIMARY KEY, bravo text NOT NULL);

-- case: style-temp-table-on-commit-drop
-- expect: safe
-- peers: sq create_temp_table_on_commit_drop_ok
-- why: a temporary table inside the transaction
BEGIN;
CREATE TEMP TABLE test_table (id int) ON COMMIT DROP;
COMMIT;

-- case: style-text-with-check-length
-- expect: safe
-- peers: sq create_table_with_text_ok
-- why: new table, constraint on the new table
BEGIN;
CREATE TABLE core_baz (id bigint PRIMARY KEY, bravo text NOT NULL);
ALTER TABLE core_baz ADD CONSTRAINT text_size CHECK (length(bravo) <= 100);
COMMIT;
