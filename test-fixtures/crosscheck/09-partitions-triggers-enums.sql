-- Cross-check cases: partitions, triggers, enums, sequences. Format: docs/crosscheck.md.

-- case: detach-partition
-- expect: dangerous
-- rules: detach-partition-concurrently
-- peers: sq detach_partition_missing_concurrently_err; pgls requireConcurrentDetachPartition
-- why: plain DETACH takes ACCESS EXCLUSIVE on the parent: every query on measurements waits
SET lock_timeout = '2s';
ALTER TABLE measurements DETACH PARTITION measurements_2023;
-- ^^^

-- case: detach-partition-concurrently
-- expect: safe
-- peers: sq detach_partition_concurrently_ok; pgls valid_concurrent
-- why: SHARE UPDATE EXCLUSIVE on the parent (PG 14+)
ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;

-- case: detach-partition-finalize
-- expect: safe
-- peers: sq detach_partition_finalize_ok
-- why: FINALIZE completes an interrupted concurrent detach: SHARE UPDATE EXCLUSIVE
-- fails: yes
ALTER TABLE measurements DETACH PARTITION measurements_2023 FINALIZE;

-- case: detach-partition-concurrently-pg13
-- expect: dangerous
-- rules: unsupported-on-version
-- pg: 13
-- peers: sq require-concurrent-partition-detach (version)
-- why: DETACH ... CONCURRENTLY exists from PG 14 only: a syntax error on 13
ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;
-- ^^^

-- case: attach-partition-no-check
-- expect: dangerous
-- rules: *
-- peers: pgls avoidAttachingPartition
-- why: ATTACH scans the new partition under ACCESS EXCLUSIVE on it to prove the bound (no matching CHECK exists)
SET lock_timeout = '2s';
ALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- ^^^

-- case: attach-partition-with-check
-- expect: safe
-- peers: pgls avoidAttachingPartition
-- why: a validated CHECK matching the bound lets ATTACH skip the scan; the parent only gets SHARE UPDATE EXCLUSIVE
-- disagree: pgls flags every ATTACH PARTITION; with a validated matching CHECK it is catalog-only
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE measurements_2024 ADD CONSTRAINT m2024_bound CHECK (at >= '2024-01-01' AND at < '2025-01-01') NOT VALID;
SET statement_timeout = 0;
ALTER TABLE measurements_2024 VALIDATE CONSTRAINT m2024_bound;
SET statement_timeout = '10s';
ALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- case: create-trigger
-- expect: safe
-- peers: pgls avoidCreateTrigger
-- why: CREATE TRIGGER takes SHARE ROW EXCLUSIVE for an instant (catalog-only); with timeouts set it is routine
-- disagree: pgls flags every trigger creation; the lock is brief
SET lock_timeout = '2s'; SET statement_timeout = '10s';
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- case: enable-trigger
-- expect: safe
-- peers: pgls avoidEnableDisableTrigger/basic
-- why: SHARE ROW EXCLUSIVE for an instant
-- disagree: pgls flags it; catalog-only
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts ENABLE TRIGGER accounts_touch;

-- case: disable-trigger
-- expect: safe
-- peers: pgls avoidEnableDisableTrigger/disable
-- why: SHARE ROW EXCLUSIVE for an instant
-- disagree: pgls flags it; catalog-only
SET lock_timeout = '2s'; SET statement_timeout = '10s';
ALTER TABLE accounts DISABLE TRIGGER accounts_touch;

-- case: create-enum
-- expect: safe
-- peers: eu W13; pgls creatingEnum
-- why: a new type locks nothing; enums are a design choice
-- disagree: eugene and pgls discourage enums; no migration risk
CREATE TYPE document_kind AS ENUM ('invoice', 'receipt', 'other');

-- case: create-enum-schema
-- expect: safe
-- peers: pgls creatingEnum/with_schema
-- why: as above
CREATE TYPE billing.invoice_status AS ENUM ('draft', 'sent', 'paid');

-- case: lookup-table-instead-of-enum
-- expect: safe
-- peers: eu W13 good; pgls creatingEnum/valid_lookup_table
-- why: new tables, a small insert
CREATE TABLE document_type (type_name text PRIMARY KEY);
INSERT INTO document_type VALUES ('invoice'), ('receipt'), ('other');
CREATE TABLE document (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, type text REFERENCES document_type (type_name));
CREATE INDEX document_type_idx ON document (type);

-- case: enum-add-value
-- expect: safe
-- peers: pgls avoidAlterEnumAddValue; sq require_enum_value_ordering err
-- why: ADD VALUE outside a transaction is catalog-only (EXCLUSIVE on the type only); order matters only if code sorts by it
-- disagree: pgls flags it and squawk wants BEFORE/AFTER; neither is a lock or failure risk on PG 12+
ALTER TYPE order_state ADD VALUE 'cancelled';

-- case: enum-add-value-if-not-exists
-- expect: safe
-- peers: sq err_add_value_if_not_exists_without_ordering
-- why: as above
ALTER TYPE order_state ADD VALUE IF NOT EXISTS 'refunded';

-- case: enum-add-value-after
-- expect: safe
-- peers: sq ok_add_value_after, ok_add_value_before
-- why: catalog-only
ALTER TYPE order_state ADD VALUE 'packed' AFTER 'paid';

-- case: enum-add-value-used-in-transaction
-- expect: dangerous
-- rules: enum-value-used-in-transaction
-- fails: yes
-- peers: sm (rename/enum tests); pgls avoidAlterEnumAddValue
-- why: a value added in a transaction cannot be used before COMMIT: "unsafe use of new value"
BEGIN;
ALTER TYPE order_state ADD VALUE 'lost';
UPDATE orders SET state = 'lost' WHERE id = 1;
-- ^^^
COMMIT;

-- case: enum-add-value-pg11-transaction
-- expect: dangerous
-- rules: unsupported-on-version, *
-- pg: 11
-- peers: pgls avoidAlterEnumAddValue
-- why: before PG 12 ALTER TYPE ... ADD VALUE cannot run inside a transaction block
BEGIN;
ALTER TYPE order_state ADD VALUE 'archived';
-- ^^^
COMMIT;

-- case: enum-rename-value
-- expect: dangerous
-- rules: *
-- peers: pgls valid_rename_value (clean); sm rename_enum_value (unsafe)
-- why: code sending the old value fails at once
-- disagree: pgls calls RENAME VALUE valid; it breaks running code
ALTER TYPE order_state RENAME VALUE 'new' TO 'created';
-- ^^^

-- case: alter-sequence-restart
-- expect: dangerous
-- rules: *
-- peers: (issue 12: ALTER SEQUENCE blocks nextval)
-- why: ALTER SEQUENCE takes SHARE ROW EXCLUSIVE on the sequence until commit, so every nextval() (ROW EXCLUSIVE) of inserting sessions waits; RESTART also collides with existing ids
ALTER SEQUENCE orders_id_seq RESTART WITH 1;
-- ^^^

-- case: identity-on-new-table
-- expect: safe
-- peers: sq prefer_identity ok; pgls preferIdentity/valid
-- why: identity column on a new table
CREATE TABLE clients (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text);

-- case: set-unlogged
-- expect: dangerous
-- rules: *
-- peers: sq default_uuid_error_multi_stmt (set logged subcommand)
-- why: SET UNLOGGED (like SET LOGGED) rewrites the table under ACCESS EXCLUSIVE
SET lock_timeout = '2s';
ALTER TABLE events SET UNLOGGED;
-- ^^^

-- case: set-statistics
-- expect: safe
-- peers: sq lock_kind_for_alter_table_variants
-- why: SET STATISTICS takes SHARE UPDATE EXCLUSIVE
ALTER TABLE orders ALTER COLUMN status SET STATISTICS 500;

-- case: enable-rls
-- expect: safe
-- peers: sq prefer_robust_stmts enable_row_level_security_err
-- why: ENABLE ROW LEVEL SECURITY is catalog-only (brief ACCESS EXCLUSIVE); a policy-less table then hides all rows from non-owners, but that is intended here on a new table
CREATE TABLE IF NOT EXISTS secrets (id bigint PRIMARY KEY);
ALTER TABLE secrets ENABLE ROW LEVEL SECURITY;
