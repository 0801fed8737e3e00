-- Cross-check cases: ALTER COLUMN TYPE. Format: docs/crosscheck.md. Column types: schema.sql.

-- case: type-int-to-bigint
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: sq changing-column-type; pgls changingColumnType/basic; eu E5; sm change_column
-- why: integer -> bigint rewrites the table and its indexes under ACCESS EXCLUSIVE
SET lock_timeout = '2s';
ALTER TABLE orders ALTER COLUMN total TYPE bigint;
-- ^^^

-- case: type-varchar-to-text
-- expect: safe
-- peers: sm varchar_to_text; pgls safe_widening
-- why: varchar -> text is binary-coercible: catalog-only, indexes kept
-- disagree: squawk's changing-column-type flags every type change
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ALTER COLUMN website TYPE text;

-- case: type-varchar-to-text-using-cast
-- expect: safe
-- peers: sq changing_column_type err (USING "edits"::text)
-- why: USING col::text with a binary-coercible cast changes nothing: no rewrite (verified on PG 15)
-- disagree: squawk flags it; PostgreSQL keeps the relfilenode
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE orders ALTER COLUMN note TYPE text USING note::text;

-- case: type-varchar-increase-limit
-- expect: safe
-- peers: sm varchar_increase_limit, increase_limit_over_64, over_256; sq prefer_text_field increase_varchar_size_err
-- why: raising a varchar limit is catalog-only on PostgreSQL (the 64/256 thresholds are MySQL's)
-- disagree: squawk flags the varchar(n) and the type change; catalog-only on PostgreSQL
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ALTER COLUMN code TYPE varchar(300);

-- case: type-varchar-increase-limit-using
-- expect: safe
-- peers: sq increase_varchar_size_err (USING kind::varchar(1000))
-- why: the USING cast to the wider varchar is a no-op: catalog-only
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE orders ALTER COLUMN note TYPE varchar(1000) USING note::varchar(1000);

-- case: type-varchar-decrease-limit
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: sm varchar_decrease_limit
-- why: a shorter limit checks every row (full scan, table and indexes may be rewritten) under ACCESS EXCLUSIVE
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN code TYPE varchar(10);
-- ^^^

-- case: type-varchar-remove-limit
-- expect: safe
-- peers: sm varchar_remove_limit; pgls safe_widening (varchar)
-- why: varchar(n) -> varchar is binary-coercible
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ALTER COLUMN website TYPE varchar;

-- case: type-text-to-varchar-limit
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: sm text_to_varchar_limit
-- why: adding a limit must check every value: scan/rewrite under ACCESS EXCLUSIVE
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN notes TYPE varchar(20);
-- ^^^

-- case: type-text-to-varchar-no-limit
-- expect: safe
-- peers: sm text_to_varchar_no_limit
-- why: text -> varchar is binary-coercible
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ALTER COLUMN name TYPE varchar;

-- case: type-text-to-citext
-- expect: safe
-- peers: sm text_to_citext
-- why: text -> citext is binary-coercible (citext's cast is WITHOUT FUNCTION) and no index uses notes
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ALTER COLUMN notes TYPE citext;

-- case: type-varchar-to-citext
-- expect: safe
-- peers: sm varchar_to_citext
-- why: varchar -> citext is binary-coercible too, and code has no index to rebuild
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ALTER COLUMN code TYPE citext;

-- case: type-citext-indexed
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: sm citext_to_text_indexed, text_to_citext_indexed
-- why: the table is not rewritten, but the index on tag is rebuilt (collation/opclass changes) under ACCESS EXCLUSIVE
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN tag TYPE text;
-- ^^^

-- case: type-citext-to-text
-- expect: safe
-- peers: sm citext_to_text
-- why: binary-coercible, handle has no index
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ALTER COLUMN handle TYPE text;

-- case: type-citext-to-varchar-limit
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: sm citext_to_varchar_limit
-- why: a limit must be checked on every row
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN handle TYPE varchar(20);
-- ^^^

-- case: type-numeric-increase-precision
-- expect: safe
-- peers: sm decimal_increase_precision
-- why: numeric(12,2) -> numeric(16,2), same scale: catalog-only
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(16,2);

-- case: type-numeric-unconstrained
-- expect: safe
-- peers: sm decimal_unconstrained; pgls safe_widening (numeric)
-- why: numeric(p,s) -> numeric is catalog-only
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE billing.invoices ALTER COLUMN amount TYPE numeric;

-- case: type-numeric-decrease-precision
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: sm decimal_decrease_precision
-- why: fewer digits: every value re-checked, table rewritten
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(8,2);
-- ^^^

-- case: type-numeric-change-scale
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: sm decimal_change_scale
-- why: a different scale changes the stored values: rewrite
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(12,3);
-- ^^^

-- case: type-timestamp-precision-increase
-- expect: safe
-- peers: sm timestamp_increase_limit
-- why: timestamp(3) -> timestamp(6): catalog-only
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ALTER COLUMN seen_at TYPE timestamp(6);

-- case: type-timestamp-precision-remove
-- expect: safe
-- peers: sm timestamps
-- why: timestamp(3) -> timestamp: catalog-only
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ALTER COLUMN seen_at TYPE timestamp;

-- case: type-timestamp-precision-decrease
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: sm timestamp_decrease_limit
-- why: values are rounded: rewrite
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN seen_at TYPE timestamp(1);
-- ^^^

-- case: type-timestamptz-precision-increase
-- expect: safe
-- peers: sm timestamptz_increase_limit
-- why: catalog-only
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ALTER COLUMN seen_tz TYPE timestamptz(6);

-- case: type-timestamptz-precision-decrease
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: sm timestamptz_decrease_limit
-- why: rounding: rewrite
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN seen_tz TYPE timestamptz(0);
-- ^^^

-- case: type-time-precision-increase
-- expect: safe
-- peers: sm time_increase_precision
-- why: catalog-only
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ALTER COLUMN starts TYPE time(6);

-- case: type-time-precision-decrease
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: sm time_decrease_precision
-- why: rounding: rewrite
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN starts TYPE time(0);
-- ^^^

-- case: type-interval-precision-increase
-- expect: safe
-- peers: sm interval_increase_precision
-- why: catalog-only
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ALTER COLUMN period TYPE interval(6);

-- case: type-interval-precision-decrease
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: sm interval_decrease_precision
-- why: rounding: rewrite
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN period TYPE interval(0);
-- ^^^

-- case: type-timestamp-to-timestamptz
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: sm timestamps; sq prefer-timestamptz alter_table_with_timestamp_err
-- why: outside a UTC session timestamp -> timestamptz rewrites the table (PG 12+ skips it only when TimeZone is UTC)
SET lock_timeout = '2s'; SET TimeZone = 'Europe/Berlin';
ALTER TABLE accounts ALTER COLUMN created_at TYPE timestamptz;
-- ^^^

-- case: type-cidr-to-inet
-- expect: safe
-- peers: sm cidr_to_inet
-- why: cidr -> inet is binary-coercible
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ALTER COLUMN net TYPE inet;

-- case: type-inet-to-cidr
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: sm inet_to_cidr
-- why: inet -> cidr goes through a function: rewrite
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN ip TYPE cidr;
-- ^^^

-- case: type-json-to-jsonb
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: eu test_sets_new_data_type_to_column; sm change_column
-- why: json -> jsonb converts every value: rewrite
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN props TYPE jsonb USING props::jsonb;
-- ^^^

-- case: type-to-json
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: eu test_alter_to_json_type
-- why: jsonb -> json converts every value: rewrite
SET lock_timeout = '2s';
ALTER TABLE events ALTER COLUMN payload TYPE json;
-- ^^^

-- case: type-smallint-to-integer
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: eu E5; sq changing-column-type
-- why: a wider integer has another storage size: rewrite
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN small_score TYPE integer;
-- ^^^

-- case: type-change-in-separate-transaction
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: eu E10 good (the rewrite is still a rewrite)
-- why: moving it to its own transaction does not stop the rewrite
SET lock_timeout = '2s';
ALTER TABLE orders ALTER COLUMN total SET DATA TYPE bigint;
-- ^^^

-- case: type-text-to-varchar-then-text
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: sq changing_column_type another_err
-- why: text -> varchar(255) checks every row (scan); the second step back to text is catalog-only
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN name TYPE varchar(255) USING name::varchar(255);
-- ^^^
ALTER TABLE accounts ALTER COLUMN name TYPE text USING name::text;

-- case: type-change-with-view
-- expect: dangerous
-- rules: type-change-breaks-view
-- fails: yes
-- peers: sm change_column (dependent objects)
-- why: a view uses accounts.email: PostgreSQL refuses to alter the column type
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN email TYPE varchar(200);
-- ^^^

-- case: type-change-drop-view-cascade-first
-- expect: safe
-- peers: (issue 12 noise)
-- why: the dependent view was dropped first; varchar(100) -> varchar(200) is then catalog-only
BEGIN;
SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s';
DROP VIEW active_accounts CASCADE;
ALTER TABLE accounts ALTER COLUMN email TYPE varchar(200);
CREATE VIEW active_accounts AS SELECT id, email FROM accounts;
COMMIT;

-- case: type-change-needs-using
-- expect: dangerous
-- rules: type-change-without-using
-- fails: yes
-- peers: sm change_column
-- why: text -> integer has no implicit cast: the ALTER fails without USING
SET lock_timeout = '2s';
ALTER TABLE orders ALTER COLUMN coupon TYPE integer;
-- ^^^

-- case: type-enum-column-to-text
-- expect: dangerous
-- rules: rewriting-type-change
-- peers: sm change_column
-- why: enum -> text goes through an I/O conversion: rewrite
SET lock_timeout = '2s';
ALTER TABLE orders ALTER COLUMN state TYPE text;
-- ^^^

-- case: type-varbit-widen
-- expect: safe
-- peers: sm change_column (varbit)
-- why: bit varying(8) -> bit varying(64) is catalog-only
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ALTER COLUMN flags TYPE bit varying(64);
