-- Lock corpus (pg-preflight): statement forms observed on real PostgreSQL (15 via initdb, 18 via
-- PGlite, and the majors whose official binaries the root package.json declares: pg11, pg12, ...;
-- see lock-corpus-versions.test.ts) against test-fixtures/locks/schema.sql. server/test/support/observe.ts reads this file.
--
-- Format: each form starts with a line `-- form: <kebab-name>`, then optional directive lines,
-- then the statement(s) of the form (usually one). Directives:
--   -- setup: <sql>       run before the form, in the same transaction, not observed (one line each).
--                         Keep setups rare: a lock the setup already holds in the same mode on the
--                         same relation cannot be told apart from the form's (see observe.ts).
--   -- min-pg: <major>    skip on engines older than this major version. Required wherever the syntax or
--                         feature is newer than PostgreSQL 11: on the older majors that are installed,
--                         lock-corpus-versions.test.ts checks that the server refuses the form (and
--                         that the model says so), which is what makes "from PG N" a tested claim.
--   -- no-transaction     the form cannot run in a transaction block (CONCURRENTLY, VACUUM, ...):
--                         on a server it runs in a fresh database cloned from the fixture and is
--                         sampled from a second connection; PGlite (one connection) cannot trace it.
--   -- hold: <sql>        no-transaction forms only: another connection runs this in an open
--                         transaction, so the form has to wait (and its locks can be sampled). Each
--                         hold line gets its own connection; the observer releases a holder after
--                         it has seen the form blocked by it (pg_blocking_pids) for a few samples,
--                         so several holds can stop the form in several phases, one after another.
--                         (Setups of no-transaction forms run in the form's own fresh database and
--                         are committed; a bulk INSERT there makes the phases long enough to sample.)
--   -- expect-error       the form fails on the fixture; the observer records the error message.

-- ===================================================================== CREATE TABLE
-- form: create-table
CREATE TABLE public.new_table (id bigint PRIMARY KEY, name text NOT NULL);

-- form: create-table-fk
CREATE TABLE public.user_notes (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES public.users (id), body text);

-- form: create-table-check-unique
CREATE TABLE public.coupons (id int PRIMARY KEY, code text UNIQUE, pct int CHECK (pct BETWEEN 0 AND 100));

-- form: create-table-like
CREATE TABLE public.users_copy (LIKE public.users INCLUDING ALL);

-- form: create-table-as
CREATE TABLE public.users_snapshot AS SELECT id, email FROM public.users;

-- form: create-table-generated-stored
-- min-pg: 12
CREATE TABLE public.prices (net numeric, gross numeric GENERATED ALWAYS AS (net * 1.2) STORED);

-- form: create-table-partition-of
CREATE TABLE public.events_2030 PARTITION OF public.events FOR VALUES FROM ('2030-01-01 00:00+00') TO ('2031-01-01 00:00+00');

-- ===================================================================== ADD COLUMN
-- form: add-column-nullable
ALTER TABLE public.users ADD COLUMN nickname text;

-- form: add-column-if-not-exists-existing
ALTER TABLE public.users ADD COLUMN IF NOT EXISTS email varchar(100);

-- form: add-column-constant-default
ALTER TABLE public.users ADD COLUMN points int DEFAULT 0;

-- form: add-column-stable-default-now
ALTER TABLE public.users ADD COLUMN seen_at timestamptz DEFAULT now();

-- form: add-column-enum-default
ALTER TABLE public.orders ADD COLUMN state public.user_status DEFAULT 'active';

-- form: add-column-stable-default-statement-timestamp
ALTER TABLE public.users ADD COLUMN seen_at timestamptz DEFAULT statement_timestamp();

-- form: add-column-volatile-default-random
ALTER TABLE public.users ADD COLUMN r double precision DEFAULT random();

-- form: add-column-volatile-default-clock-timestamp
ALTER TABLE public.users ADD COLUMN touched_at timestamptz DEFAULT clock_timestamp();

-- form: add-column-volatile-default-gen-random-uuid
-- min-pg: 13
ALTER TABLE public.users ADD COLUMN uuid uuid DEFAULT gen_random_uuid();

-- form: add-column-serial
ALTER TABLE public.audit ADD COLUMN seq serial;

-- form: add-column-bigserial
ALTER TABLE public.audit ADD COLUMN seq bigserial;

-- form: add-column-identity
ALTER TABLE public.audit ADD COLUMN ident bigint GENERATED ALWAYS AS IDENTITY;

-- form: add-column-generated-stored
-- min-pg: 12
ALTER TABLE public.users ADD COLUMN score2 numeric GENERATED ALWAYS AS (score * 2) STORED;

-- form: add-column-generated-virtual
-- min-pg: 18
ALTER TABLE public.users ADD COLUMN score3 numeric GENERATED ALWAYS AS (score * 3) VIRTUAL;

-- form: add-column-not-null-no-default
-- expect-error
ALTER TABLE public.users ADD COLUMN must text NOT NULL;

-- form: add-column-not-null-constant-default
ALTER TABLE public.users ADD COLUMN flag boolean NOT NULL DEFAULT false;

-- form: add-column-references
ALTER TABLE public.orders ADD COLUMN referrer_id bigint REFERENCES public.users (id);

-- form: add-column-references-with-default
ALTER TABLE public.orders ADD COLUMN referrer_id bigint DEFAULT 1 REFERENCES public.users (id);

-- form: add-column-check
ALTER TABLE public.users ADD COLUMN rating int CHECK (rating BETWEEN 1 AND 5);

-- form: add-column-unique
ALTER TABLE public.users ADD COLUMN handle text UNIQUE;

-- form: add-column-primary-key
ALTER TABLE public.audit ADD COLUMN audit_pk bigserial PRIMARY KEY;

-- ===================================================================== DROP / RENAME / SCHEMA / OWNER
-- form: drop-column
ALTER TABLE public.users DROP COLUMN bio;

-- form: drop-column-indexed
ALTER TABLE public.users DROP COLUMN age;

-- form: drop-column-used-by-view
-- expect-error
ALTER TABLE public.users DROP COLUMN name;

-- form: rename-column
ALTER TABLE public.users RENAME COLUMN bio TO biography;

-- form: rename-table
ALTER TABLE public.audit RENAME TO audit_log;

-- form: rename-index
ALTER INDEX public.users_created_at_idx RENAME TO users_created_idx;

-- form: rename-constraint
ALTER TABLE public.users RENAME CONSTRAINT users_email_not_null TO users_email_present;

-- form: set-schema
-- setup: CREATE SCHEMA archive
ALTER TABLE public.audit SET SCHEMA archive;

-- form: owner-to
-- setup: CREATE ROLE pgpf_corpus_owner
ALTER TABLE public.users OWNER TO pgpf_corpus_owner;

-- ===================================================================== ALTER COLUMN TYPE
-- form: alter-type-varchar-widen
ALTER TABLE public.users ALTER COLUMN email TYPE varchar(200);

-- form: alter-type-varchar-to-unbounded
ALTER TABLE public.users ALTER COLUMN email TYPE varchar;

-- form: alter-type-varchar-to-text
ALTER TABLE public.users ALTER COLUMN email TYPE text;

-- form: alter-type-varchar-shrink
ALTER TABLE public.users ALTER COLUMN email TYPE varchar(50);

-- form: alter-type-numeric-precision-widen
ALTER TABLE public.users ALTER COLUMN score TYPE numeric(12,2);

-- form: alter-type-numeric-scale-change
ALTER TABLE public.users ALTER COLUMN score TYPE numeric(10,4);

-- form: alter-type-numeric-to-unconstrained
ALTER TABLE public.users ALTER COLUMN score TYPE numeric;

-- form: alter-type-int-to-bigint
ALTER TABLE public.users ALTER COLUMN age TYPE bigint;

-- form: alter-type-text-to-int-using
ALTER TABLE public.users ALTER COLUMN code TYPE int USING code::int;

-- form: alter-type-text-to-varchar
ALTER TABLE public.users ALTER COLUMN bio TYPE varchar(500);

-- form: alter-type-timestamp-to-timestamptz-utc
-- setup: SET LOCAL TimeZone = 'UTC'
ALTER TABLE public.users ALTER COLUMN created_at TYPE timestamptz;

-- form: alter-type-timestamp-to-timestamptz-non-utc
-- setup: SET LOCAL TimeZone = 'Europe/Paris'
ALTER TABLE public.users ALTER COLUMN created_at TYPE timestamptz;

-- form: alter-type-timestamp-precision-raise
ALTER TABLE public.users ALTER COLUMN last_seen TYPE timestamp(6);

-- form: alter-type-timestamp-precision-remove
ALTER TABLE public.users ALTER COLUMN last_seen TYPE timestamp;

-- form: alter-type-timestamp-precision-lower
ALTER TABLE public.users ALTER COLUMN last_seen TYPE timestamp(1);

-- form: alter-type-timestamptz-precision-raise
ALTER TABLE public.users ALTER COLUMN seen_tz TYPE timestamptz(6);

-- form: alter-type-timestamptz-precision-remove
ALTER TABLE public.users ALTER COLUMN seen_tz TYPE timestamptz;

-- form: alter-type-time-precision-raise
ALTER TABLE public.users ALTER COLUMN starts TYPE time(5);

-- form: alter-type-time-precision-remove
ALTER TABLE public.users ALTER COLUMN starts TYPE time;

-- form: alter-type-time-precision-lower
ALTER TABLE public.users ALTER COLUMN starts TYPE time(0);

-- form: alter-type-interval-precision-raise
ALTER TABLE public.users ALTER COLUMN period TYPE interval(6);

-- form: alter-type-interval-precision-remove
ALTER TABLE public.users ALTER COLUMN period TYPE interval;

-- form: alter-type-interval-precision-lower
ALTER TABLE public.users ALTER COLUMN period TYPE interval(0);

-- form: alter-type-varchar-to-text-using-itself
ALTER TABLE public.users ALTER COLUMN email TYPE text USING email::text;

-- form: alter-type-varchar-widen-using-column
ALTER TABLE public.users ALTER COLUMN email TYPE varchar(150) USING email;

-- form: alter-type-varchar-widen-using-other-cast
ALTER TABLE public.users ALTER COLUMN email TYPE varchar(150) USING email::text;

-- form: alter-type-json-to-jsonb
ALTER TABLE public.users ALTER COLUMN data TYPE jsonb;

-- form: alter-type-column-used-by-view
-- expect-error
ALTER TABLE public.users ALTER COLUMN name TYPE varchar(200);

-- ===================================================================== NOT NULL / DEFAULT
-- form: set-not-null
ALTER TABLE public.users ALTER COLUMN status SET NOT NULL;

-- form: set-not-null-with-valid-check
ALTER TABLE public.accounts ALTER COLUMN balance SET NOT NULL;

-- form: set-not-null-without-check
ALTER TABLE public.accounts ALTER COLUMN region SET NOT NULL;

-- form: drop-not-null
ALTER TABLE public.accounts ALTER COLUMN owner DROP NOT NULL;

-- form: set-default
ALTER TABLE public.users ALTER COLUMN status SET DEFAULT 'active';

-- form: drop-default
ALTER TABLE public.users ALTER COLUMN created_at DROP DEFAULT;

-- form: add-identity-to-column
ALTER TABLE public.accounts ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;

-- ===================================================================== ADD CONSTRAINT
-- form: add-fk
ALTER TABLE public.orders ADD CONSTRAINT orders_user_fk2 FOREIGN KEY (user_id) REFERENCES public.users (id);

-- form: add-fk-not-valid
ALTER TABLE public.orders ADD CONSTRAINT orders_user_fk2 FOREIGN KEY (user_id) REFERENCES public.users (id) NOT VALID;

-- form: add-check
ALTER TABLE public.users ADD CONSTRAINT users_score_positive CHECK (score >= 0);

-- form: add-check-not-valid
ALTER TABLE public.users ADD CONSTRAINT users_score_positive CHECK (score >= 0) NOT VALID;

-- form: add-unique
ALTER TABLE public.users ADD CONSTRAINT users_email_key UNIQUE (email);

-- form: add-unique-using-index
-- setup: CREATE UNIQUE INDEX users_email_uidx ON public.users (email)
ALTER TABLE public.users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_uidx;

-- form: add-primary-key
ALTER TABLE public.audit ADD CONSTRAINT audit_pkey PRIMARY KEY (id);

-- form: add-primary-key-using-index
-- setup: CREATE UNIQUE INDEX audit_id_uidx ON public.audit (id)
ALTER TABLE public.audit ADD CONSTRAINT audit_pkey PRIMARY KEY USING INDEX audit_id_uidx;

-- form: add-primary-key-using-index-nullable
ALTER TABLE public.pk_nullable ADD CONSTRAINT pk_nullable_pkey PRIMARY KEY USING INDEX pk_nullable_id_uidx;

-- form: add-primary-key-using-index-nullable-with-check
ALTER TABLE public.pk_nullable ADD CONSTRAINT pk_nullable_pkey PRIMARY KEY USING INDEX pk_nullable_code_uidx;

-- form: add-exclude-btree
ALTER TABLE public.users ADD CONSTRAINT users_id_excl EXCLUDE USING btree (id WITH =);

-- form: add-not-null-constraint-not-valid
-- min-pg: 18
ALTER TABLE public.users ADD CONSTRAINT users_email_nn NOT NULL email NOT VALID;

-- form: add-unique-not-valid-refused
-- expect-error
ALTER TABLE public.users ADD CONSTRAINT users_email_key UNIQUE (email) NOT VALID;

-- form: validate-check
ALTER TABLE public.users VALIDATE CONSTRAINT users_email_not_null;

-- form: validate-fk
ALTER TABLE public.audit VALIDATE CONSTRAINT audit_user_id_fkey;

-- form: drop-constraint-check
ALTER TABLE public.users DROP CONSTRAINT users_email_not_null;

-- form: drop-constraint-fk
ALTER TABLE public.orders DROP CONSTRAINT orders_user_id_fkey;

-- form: alter-constraint-deferrable
ALTER TABLE public.orders ALTER CONSTRAINT orders_user_id_fkey DEFERRABLE INITIALLY DEFERRED;

-- ===================================================================== INDEXES
-- form: create-index
CREATE INDEX users_name_idx ON public.users (name);

-- form: create-unique-index
CREATE UNIQUE INDEX users_email_uidx ON public.users (email);

-- form: create-index-if-not-exists-existing
CREATE INDEX IF NOT EXISTS users_email_idx ON public.users (email);

-- form: create-index-partitioned
CREATE INDEX events_kind_idx ON public.events (kind);

-- form: create-index-concurrently
-- no-transaction
-- setup: INSERT INTO public.users (email, name, status, age, code) SELECT 'bulk' || g || '@example.com', 'bulk ' || g, 'active', g % 90, g::text FROM generate_series(1, 100000) AS g
-- hold: LOCK TABLE public.users IN ROW EXCLUSIVE MODE
-- hold: SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM public.audit
CREATE INDEX CONCURRENTLY users_name_idx ON public.users (name);

-- form: create-unique-index-concurrently
-- no-transaction
-- setup: INSERT INTO public.users (email, name, status, age, code) SELECT 'bulk' || g || '@example.com', 'bulk ' || g, 'active', g % 90, g::text FROM generate_series(1, 100000) AS g
-- hold: LOCK TABLE public.users IN ROW EXCLUSIVE MODE
CREATE UNIQUE INDEX CONCURRENTLY users_email_uidx ON public.users (email);

-- form: drop-index
DROP INDEX public.users_created_at_idx;

-- form: drop-index-concurrently
-- no-transaction
-- hold: LOCK TABLE public.users IN ACCESS SHARE MODE
DROP INDEX CONCURRENTLY public.users_created_at_idx;

-- form: reindex-index
REINDEX INDEX public.users_created_at_idx;

-- form: reindex-table
REINDEX TABLE public.users;

-- form: reindex-index-concurrently
-- no-transaction
-- min-pg: 12
-- setup: INSERT INTO public.users (email, name, status, age, code) SELECT 'bulk' || g || '@example.com', 'bulk ' || g, 'active', g % 90, g::text FROM generate_series(1, 100000) AS g
-- hold: LOCK TABLE public.users IN ROW EXCLUSIVE MODE
REINDEX INDEX CONCURRENTLY public.users_created_at_idx;

-- form: reindex-table-concurrently
-- no-transaction
-- min-pg: 12
-- setup: INSERT INTO public.users (email, name, status, age, code) SELECT 'bulk' || g || '@example.com', 'bulk ' || g, 'active', g % 90, g::text FROM generate_series(1, 100000) AS g
-- hold: LOCK TABLE public.users IN ROW EXCLUSIVE MODE
REINDEX TABLE CONCURRENTLY public.users;

-- ===================================================================== MAINTENANCE
-- form: cluster-using
CLUSTER public.users USING users_pkey;

-- form: cluster-clustered-index
CLUSTER public.orders;

-- form: vacuum-full
-- no-transaction
-- setup: INSERT INTO public.users (email, name, status, age, code) SELECT 'bulk' || g || '@example.com', 'bulk ' || g, 'active', g % 90, g::text FROM generate_series(1, 100000) AS g
-- hold: LOCK TABLE public.users IN ACCESS SHARE MODE
VACUUM FULL public.users;

-- form: vacuum
-- no-transaction
-- hold: LOCK TABLE public.users IN SHARE UPDATE EXCLUSIVE MODE
VACUUM public.users;

-- form: vacuum-analyze
-- no-transaction
-- hold: LOCK TABLE public.users IN SHARE UPDATE EXCLUSIVE MODE
VACUUM (ANALYZE) public.users;

-- form: analyze
ANALYZE public.users;

-- form: truncate
TRUNCATE public.audit;

-- form: truncate-referenced-cascade
TRUNCATE public.users CASCADE;

-- form: truncate-referenced-refused
-- expect-error
TRUNCATE public.users;

-- form: drop-table
DROP TABLE public.accounts;

-- form: drop-table-with-fk
DROP TABLE public.orders;

-- form: drop-table-fk-to-renamed
-- (the rename commits first: in one transaction its own ACCESS EXCLUSIVE on users would hide the DROP's)
-- no-transaction
-- setup: ALTER TABLE public.users RENAME TO users_renamed
-- hold: SELECT count(*) FROM public.users_renamed
-- hold: SELECT count(*) FROM public.orders
DROP TABLE public.orders;

-- form: drop-table-referenced-cascade
DROP TABLE public.users CASCADE;

-- form: drop-view
DROP VIEW public.active_users;

-- form: drop-materialized-view
DROP MATERIALIZED VIEW public.user_stats;

-- ===================================================================== LOCK TABLE
-- form: lock-access-share
LOCK TABLE public.users IN ACCESS SHARE MODE;

-- form: lock-row-share
LOCK TABLE public.users IN ROW SHARE MODE;

-- form: lock-row-exclusive
LOCK TABLE public.users IN ROW EXCLUSIVE MODE;

-- form: lock-share-update-exclusive
LOCK TABLE public.users IN SHARE UPDATE EXCLUSIVE MODE;

-- form: lock-share
LOCK TABLE public.users IN SHARE MODE;

-- form: lock-share-row-exclusive
LOCK TABLE public.users IN SHARE ROW EXCLUSIVE MODE;

-- form: lock-exclusive
LOCK TABLE public.users IN EXCLUSIVE MODE;

-- form: lock-access-exclusive
LOCK TABLE public.users IN ACCESS EXCLUSIVE MODE;

-- form: lock-default-mode
LOCK TABLE public.users;

-- form: lock-partitioned
LOCK TABLE public.events IN SHARE MODE;

-- form: lock-view
LOCK TABLE public.active_users IN ACCESS EXCLUSIVE MODE;

-- ===================================================================== TRIGGERS / RLS / POLICIES
-- form: disable-trigger
ALTER TABLE public.users DISABLE TRIGGER users_audit;

-- form: enable-trigger
ALTER TABLE public.users ENABLE TRIGGER users_audit;

-- form: disable-trigger-all
ALTER TABLE public.orders DISABLE TRIGGER ALL;

-- form: create-trigger
CREATE TRIGGER orders_touch BEFORE UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION public.audit_users();

-- form: drop-trigger
DROP TRIGGER users_audit ON public.users;

-- form: enable-row-level-security
ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;

-- form: create-policy
CREATE POLICY users_active ON public.users FOR SELECT USING (status = 'active');

-- ===================================================================== STORAGE / OPTIONS
-- form: set-fillfactor
ALTER TABLE public.users SET (fillfactor = 70);

-- form: set-autovacuum-enabled
ALTER TABLE public.users SET (autovacuum_enabled = false);

-- form: reset-storage-parameter
ALTER TABLE public.users RESET (fillfactor);

-- form: set-statistics
ALTER TABLE public.users ALTER COLUMN email SET STATISTICS 500;

-- form: set-column-n-distinct
ALTER TABLE public.users ALTER COLUMN status SET (n_distinct = 2);

-- form: set-storage
ALTER TABLE public.users ALTER COLUMN bio SET STORAGE EXTERNAL;

-- form: set-unlogged
ALTER TABLE public.audit SET UNLOGGED;

-- form: set-logged
ALTER TABLE public.cache SET LOGGED;

-- form: set-access-method
-- min-pg: 15
ALTER TABLE public.users SET ACCESS METHOD heap;

-- form: set-tablespace-same
ALTER TABLE public.users SET TABLESPACE pg_default;

-- form: replica-identity-full
ALTER TABLE public.users REPLICA IDENTITY FULL;

-- form: replica-identity-using-index
ALTER TABLE public.users REPLICA IDENTITY USING INDEX users_pkey;

-- form: cluster-on
ALTER TABLE public.users CLUSTER ON users_pkey;

-- ===================================================================== PARTITIONS
-- form: attach-partition
ALTER TABLE public.events ATTACH PARTITION public.events_2025 FOR VALUES FROM ('2025-01-01 00:00+00') TO ('2026-01-01 00:00+00');

-- form: attach-partition-with-matching-check
ALTER TABLE public.events ATTACH PARTITION public.events_2026 FOR VALUES FROM ('2026-01-01 00:00+00') TO ('2027-01-01 00:00+00');

-- form: attach-partition-no-index
ALTER TABLE public.metrics ATTACH PARTITION public.metrics_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- form: attach-partition-no-index-with-matching-check
ALTER TABLE public.metrics ATTACH PARTITION public.metrics_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

-- form: create-index-on-partitioned-without-indexes
CREATE INDEX metrics_at_idx ON public.metrics (at);

-- form: detach-partition
ALTER TABLE public.events DETACH PARTITION public.events_2024;

-- form: detach-partition-concurrently
-- no-transaction
-- min-pg: 14
-- hold: LOCK TABLE ONLY public.events IN SHARE UPDATE EXCLUSIVE MODE
-- hold: LOCK TABLE public.events_2024 IN ACCESS SHARE MODE
ALTER TABLE public.events DETACH PARTITION public.events_2024 CONCURRENTLY;

-- ===================================================================== VIEWS / MATVIEWS
-- form: refresh-materialized-view
REFRESH MATERIALIZED VIEW public.user_stats;

-- form: refresh-materialized-view-concurrently
REFRESH MATERIALIZED VIEW CONCURRENTLY public.user_stats;

-- form: create-view
CREATE VIEW public.disabled_users AS SELECT id, email FROM public.users WHERE status = 'disabled';

-- form: create-or-replace-view
CREATE OR REPLACE VIEW public.active_users AS SELECT id, name, status, email FROM public.users WHERE status = 'active';

-- form: create-materialized-view
CREATE MATERIALIZED VIEW public.order_totals AS SELECT user_id, sum(amount) AS total FROM public.orders GROUP BY user_id;

-- ===================================================================== COMMENTS / PRIVILEGES / STATISTICS
-- form: comment-on-table
COMMENT ON TABLE public.users IS 'application users';

-- form: comment-on-column
COMMENT ON COLUMN public.users.email IS 'login e-mail';

-- form: grant
GRANT SELECT ON public.users TO PUBLIC;

-- form: revoke
REVOKE SELECT ON public.users FROM PUBLIC;

-- form: create-statistics
CREATE STATISTICS public.users_status_score (dependencies) ON status, score FROM public.users;

-- ===================================================================== TYPES / FUNCTIONS / SEQUENCES
-- form: alter-type-add-value
-- min-pg: 12
ALTER TYPE public.user_status ADD VALUE 'banned';

-- form: alter-type-rename-value
ALTER TYPE public.user_status RENAME VALUE 'disabled' TO 'inactive';

-- form: create-type-enum
CREATE TYPE public.priority AS ENUM ('low', 'high');

-- form: create-function
CREATE FUNCTION public.add_one(i int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT i + 1 $$;

-- form: create-sequence
CREATE SEQUENCE public.ticket_seq;

-- form: alter-sequence-restart
ALTER SEQUENCE public.invoice_seq RESTART WITH 1000;

-- form: alter-sequence-increment
ALTER SEQUENCE public.invoice_seq INCREMENT BY 10;

-- form: nextval
SELECT nextval('public.invoice_seq');

-- ===================================================================== DML
-- form: select
SELECT count(*) FROM public.users WHERE id < 10;

-- form: select-for-update
SELECT id FROM public.users WHERE id = 1 FOR UPDATE;

-- form: select-for-share
SELECT id FROM public.users WHERE id = 1 FOR SHARE;

-- form: select-view
SELECT count(*) FROM public.active_users;

-- form: insert
INSERT INTO public.orders (user_id, amount, note) VALUES (1, 10, 'new');

-- form: update
UPDATE public.users SET name = 'renamed' WHERE id = 1;

-- form: update-no-trigger-table
UPDATE public.accounts SET balance = balance + 1 WHERE id = 1;

-- form: delete
DELETE FROM public.audit WHERE id < 10;

-- form: delete-referenced
DELETE FROM public.orders WHERE id < 10;

-- form: copy-from-stdin-like-insert-select
INSERT INTO public.audit (id, action) SELECT id + 1000, 'copy' FROM public.users;

-- ===================================================================== PL/pgSQL
-- form: do-block-alter-table
DO $$
BEGIN
  ALTER TABLE public.users ADD COLUMN from_do int;
END
$$;

-- form: do-block-dynamic-create-index
DO $$
BEGIN
  EXECUTE 'CREATE INDEX users_bio_idx ON public.users (bio)';
END
$$;

-- ===================================================================== MULTI-STATEMENT
-- form: two-statements-add-column-then-index
ALTER TABLE public.users ADD COLUMN tenant_id bigint;
CREATE INDEX users_tenant_idx ON public.users (tenant_id);

-- ===================================================================== OBJECTS THAT BELONG TO A TABLE
-- (found by pg-preflight trace on PGlite: the model predicted no lock for these)
-- form: create-rule
CREATE RULE users_update_notify AS ON UPDATE TO public.users DO ALSO NOTIFY users_changed;

-- form: comment-on-constraint
COMMENT ON CONSTRAINT orders_user_id_fkey ON public.orders IS 'every order has a user';

-- form: comment-on-trigger
COMMENT ON TRIGGER users_audit ON public.users IS 'writes audit rows';

-- form: alter-sequence-owned-by
ALTER SEQUENCE public.invoice_seq OWNED BY public.orders.id;

-- form: create-publication-for-table
CREATE PUBLICATION orders_pub FOR TABLE public.orders;

-- form: alter-domain-add-check
-- setup: CREATE DOMAIN public.positive_int AS int
-- setup: CREATE TABLE public.domain_users (n public.positive_int)
-- setup: INSERT INTO public.domain_users SELECT g FROM generate_series(1, 50) AS g
ALTER DOMAIN public.positive_int ADD CONSTRAINT positive_int_positive CHECK (VALUE > 0);

-- ===================================================================== PARTITIONS AND INHERITANCE
-- (found by probing: the model predicted locks on the named table only.) Without ONLY, most ALTER
-- TABLE subcommands reach every partition and inheritance child, under the same lock and with the
-- same work; events is partitioned (events_2024), log_base has the inheritance child log_2024.
-- form: add-column-partitioned
ALTER TABLE public.events ADD COLUMN note text;

-- form: add-column-inherited
ALTER TABLE public.log_base ADD COLUMN note text;

-- form: add-column-volatile-default-inherited
ALTER TABLE public.log_base ADD COLUMN r double precision DEFAULT random();

-- form: drop-column-partitioned
ALTER TABLE public.events DROP COLUMN kind;

-- form: drop-column-inherited
ALTER TABLE public.log_base DROP COLUMN msg;

-- form: set-default-partitioned
ALTER TABLE public.events ALTER COLUMN kind SET DEFAULT 'seed';

-- form: set-default-only-partitioned
ALTER TABLE ONLY public.events ALTER COLUMN kind SET DEFAULT 'seed';

-- form: drop-default-inherited
ALTER TABLE public.log_base ALTER COLUMN msg DROP DEFAULT;

-- form: set-not-null-partitioned
ALTER TABLE public.events ALTER COLUMN kind SET NOT NULL;

-- form: set-not-null-inherited
ALTER TABLE public.log_base ALTER COLUMN msg SET NOT NULL;

-- form: drop-not-null-partitioned
ALTER TABLE public.events ALTER COLUMN id DROP NOT NULL;

-- form: drop-not-null-nullable-inherited
ALTER TABLE public.log_base ALTER COLUMN msg DROP NOT NULL;

-- form: alter-type-partitioned
ALTER TABLE public.events ALTER COLUMN kind TYPE varchar(10);

-- form: alter-type-inherited
ALTER TABLE public.log_base ALTER COLUMN msg TYPE varchar(20);

-- form: alter-type-to-text-inherited
ALTER TABLE public.log_base ALTER COLUMN msg TYPE text;

-- form: set-statistics-partitioned
ALTER TABLE public.events ALTER COLUMN kind SET STATISTICS 200;

-- form: set-storage-inherited
ALTER TABLE public.log_base ALTER COLUMN msg SET STORAGE EXTERNAL;

-- form: set-compression-partitioned
-- min-pg: 14
ALTER TABLE public.events ALTER COLUMN kind SET COMPRESSION pglz;

-- form: add-check-partitioned
ALTER TABLE public.events ADD CONSTRAINT events_kind_present CHECK (kind <> '');

-- form: add-check-inherited
ALTER TABLE public.log_base ADD CONSTRAINT log_base_msg_present CHECK (msg <> '');

-- form: add-check-not-valid-inherited
ALTER TABLE public.log_base ADD CONSTRAINT log_base_msg_present CHECK (msg <> '') NOT VALID;

-- form: add-check-no-inherit-inherited
ALTER TABLE public.log_base ADD CONSTRAINT log_base_msg_present CHECK (msg <> '') NO INHERIT;

-- form: add-unique-partitioned
ALTER TABLE public.events ADD CONSTRAINT events_id_created_at_key UNIQUE (id, created_at);

-- form: add-unique-inherited
ALTER TABLE public.log_base ADD CONSTRAINT log_base_id_key UNIQUE (id);

-- form: add-primary-key-partitioned
ALTER TABLE public.metrics ADD PRIMARY KEY (at);

-- form: add-primary-key-inherited
ALTER TABLE public.log_base ADD PRIMARY KEY (id);

-- form: add-fk-partitioned
ALTER TABLE public.events ADD CONSTRAINT events_id_fkey FOREIGN KEY (id) REFERENCES public.users (id);

-- form: add-fk-not-valid-inherited
ALTER TABLE public.log_base ADD CONSTRAINT log_base_id_fkey FOREIGN KEY (id) REFERENCES public.users (id) NOT VALID;

-- form: validate-partitioned
-- setup: ALTER TABLE public.metrics ADD CONSTRAINT metrics_value_nonneg CHECK (value >= 0) NOT VALID
ALTER TABLE public.metrics VALIDATE CONSTRAINT metrics_value_nonneg;

-- form: validate-inherited
ALTER TABLE public.log_base VALIDATE CONSTRAINT log_base_id_positive;

-- form: drop-constraint-inherited
ALTER TABLE public.log_base DROP CONSTRAINT log_base_id_positive;

-- form: rename-constraint-inherited
ALTER TABLE public.log_base RENAME CONSTRAINT log_base_id_positive TO log_base_id_ok;

-- form: rename-column-partitioned
ALTER TABLE public.events RENAME COLUMN kind TO category;

-- form: rename-column-inherited
ALTER TABLE public.log_base RENAME COLUMN msg TO message;

-- form: disable-trigger-partitioned
ALTER TABLE public.readings DISABLE TRIGGER readings_noop;

-- form: detach-partition-with-row-trigger
ALTER TABLE public.readings DETACH PARTITION public.readings_2024;

-- form: enable-row-level-security-inherited
ALTER TABLE public.log_base ENABLE ROW LEVEL SECURITY;

-- form: add-identity-partitioned
ALTER TABLE public.events ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;

-- form: inherit
ALTER TABLE public.log_loose INHERIT public.log_base;

-- form: no-inherit
ALTER TABLE public.log_2024 NO INHERIT public.log_base;

-- form: create-table-inherits
CREATE TABLE public.log_2025 () INHERITS (public.log_base);

-- form: create-trigger-partitioned
CREATE TRIGGER events_audit AFTER UPDATE ON public.events FOR EACH ROW EXECUTE FUNCTION public.noop_row();

-- form: create-statement-trigger-partitioned
CREATE TRIGGER events_audit AFTER UPDATE ON public.events FOR EACH STATEMENT EXECUTE FUNCTION public.noop_row();

-- form: create-index-only-partitioned
CREATE INDEX events_kind_idx ON ONLY public.events (kind);

-- form: alter-index-attach-partition
ALTER INDEX public.readings_value_idx ATTACH PARTITION public.readings_2024_value_idx;

-- form: truncate-partitioned
TRUNCATE public.events;

-- form: truncate-partition
TRUNCATE public.events_2024;

-- form: truncate-inherited
TRUNCATE public.log_base;

-- form: truncate-only-inherited
TRUNCATE ONLY public.log_base;

-- form: drop-table-partitioned
DROP TABLE public.events;

-- form: drop-table-partition
DROP TABLE public.events_2024;

-- form: drop-table-inherited-cascade
DROP TABLE public.log_base CASCADE;

-- form: drop-table-inherited-refused
-- expect-error
DROP TABLE public.log_base;

-- form: drop-index-partitioned
DROP INDEX public.events_created_at_idx;

-- form: analyze-partitioned
ANALYZE public.events;

-- form: analyze-inherited
ANALYZE public.log_base;

-- form: lock-inherited
LOCK TABLE public.log_base IN SHARE MODE;

-- form: lock-only-partitioned
LOCK TABLE ONLY public.events IN SHARE MODE;

-- form: select-partitioned
SELECT count(*) FROM public.events;

-- form: create-table-as-from-partitioned
CREATE TABLE public.events_copy AS SELECT * FROM public.events;

-- form: vacuum-full-partitioned
-- no-transaction
-- hold: LOCK TABLE public.events_2024 IN ACCESS SHARE MODE
VACUUM FULL public.events;

-- form: select-inherited
SELECT count(*) FROM public.log_base;

-- form: select-only-inherited
SELECT count(*) FROM ONLY public.log_base;

-- form: insert-partitioned
INSERT INTO public.events (id, created_at, kind) VALUES (1000, '2024-06-01 00:00+00', 'new');

-- form: update-partitioned
UPDATE public.events SET kind = 'changed' WHERE id = 1;

-- form: delete-inherited
DELETE FROM public.log_base WHERE id = 150;

-- ===================================================================== FOREIGN KEYS OF A CHANGED COLUMN
-- (found by probing.) A dropped column takes its foreign keys with it; a retyped one has them dropped
-- and added again (validated again when the column is rewritten), on either side of the key.
-- form: drop-column-fk
ALTER TABLE public.members DROP COLUMN team_id;

-- form: drop-column-referenced-cascade
ALTER TABLE public.teams DROP COLUMN id CASCADE;

-- form: drop-column-referenced-refused
-- expect-error
ALTER TABLE public.teams DROP COLUMN id;

-- form: drop-column-used-by-view-cascade
ALTER TABLE public.users DROP COLUMN name CASCADE;

-- form: drop-primary-key-referenced-cascade
ALTER TABLE public.teams DROP CONSTRAINT teams_pkey CASCADE;

-- form: drop-primary-key-referenced-refused
-- expect-error
ALTER TABLE public.teams DROP CONSTRAINT teams_pkey;

-- form: alter-type-fk-column-int-to-bigint
ALTER TABLE public.members ALTER COLUMN team_id TYPE bigint;

-- form: alter-type-referenced-int-to-bigint
ALTER TABLE public.teams ALTER COLUMN id TYPE bigint;

-- form: alter-type-fk-column-varchar-widen
ALTER TABLE public.members ALTER COLUMN team_code TYPE varchar(20);

-- form: alter-type-referenced-varchar-widen
ALTER TABLE public.teams ALTER COLUMN code TYPE varchar(20);

-- form: delete-referenced-on-delete-cascade
DELETE FROM public.teams WHERE id = 1;

-- ===================================================================== DEPENDENT OBJECTS AND THE REST
-- (found by probing.)
-- form: drop-type-cascade
DROP TYPE public.user_status CASCADE;

-- form: drop-type-refused
-- expect-error
DROP TYPE public.user_status;

-- form: drop-function-cascade
DROP FUNCTION public.audit_users() CASCADE;

-- form: drop-function-refused
-- expect-error
DROP FUNCTION public.audit_users();

-- form: drop-statistics
DROP STATISTICS public.accounts_region_owner;

-- form: drop-sequence-used-by-default-cascade
DROP SEQUENCE public.orders_id_seq CASCADE;

-- form: drop-sequence-used-by-default-refused
-- expect-error
DROP SEQUENCE public.orders_id_seq;

-- form: drop-identity-sequence-refused
-- expect-error
DROP SEQUENCE public.users_id_seq CASCADE;

-- form: set-expression
-- min-pg: 17
-- setup: DO $$ BEGIN IF current_setting('server_version_num')::int >= 120000 THEN EXECUTE 'ALTER TABLE public.users ADD COLUMN score2 numeric GENERATED ALWAYS AS (score * 2) STORED'; END IF; END $$
ALTER TABLE public.users ALTER COLUMN score2 SET EXPRESSION AS (score * 3);

-- form: refresh-materialized-view-with-no-data
REFRESH MATERIALIZED VIEW public.user_stats WITH NO DATA;

-- form: insert-on-conflict-do-update
INSERT INTO public.users (id, email) VALUES (1, 'first@example.com') ON CONFLICT (id) DO UPDATE SET email = excluded.email;

-- form: merge-update
-- min-pg: 15
MERGE INTO public.orders o USING public.users u ON o.user_id = u.id WHEN MATCHED THEN UPDATE SET amount = 1;

-- form: merge-insert-without-fk-column
-- min-pg: 15
MERGE INTO public.orders o USING (SELECT 1 AS a) s ON false WHEN NOT MATCHED THEN INSERT (amount) VALUES (s.a);

-- form: select-sql-function
CREATE FUNCTION public.order_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM public.orders';
SELECT public.order_count();

-- ===================================================================== SUBCOMMANDS THE LOCK TABLE DECIDED
-- Each ALTER TABLE subcommand reachable from SQL has a form (alter-table-locks.test.ts checks it), so
-- its row in server/src/core/locks/alter-table.ts is confirmed on every major.
-- form: drop-expression-if-exists
-- min-pg: 13
ALTER TABLE public.users ALTER COLUMN bio DROP EXPRESSION IF EXISTS;

-- form: set-identity-increment
ALTER TABLE public.users ALTER COLUMN id SET INCREMENT BY 2;

-- form: drop-identity
ALTER TABLE public.users ALTER COLUMN id DROP IDENTITY;

-- form: disable-row-level-security
ALTER TABLE public.users DISABLE ROW LEVEL SECURITY;

-- form: force-row-level-security
ALTER TABLE public.users FORCE ROW LEVEL SECURITY;

-- form: no-force-row-level-security
ALTER TABLE public.users NO FORCE ROW LEVEL SECURITY;

-- form: set-without-oids
ALTER TABLE public.users SET WITHOUT OIDS;

-- form: enable-always-trigger
ALTER TABLE public.users ENABLE ALWAYS TRIGGER users_audit;

-- form: enable-replica-trigger
ALTER TABLE public.users ENABLE REPLICA TRIGGER users_audit;

-- form: enable-trigger-all
ALTER TABLE public.orders ENABLE TRIGGER ALL;

-- form: enable-trigger-user
ALTER TABLE public.users ENABLE TRIGGER USER;

-- form: disable-trigger-user
ALTER TABLE public.users DISABLE TRIGGER USER;

-- form: disable-rule
ALTER TABLE public.tags DISABLE RULE tags_notify;

-- form: enable-rule
ALTER TABLE public.tags ENABLE RULE tags_notify;

-- form: enable-replica-rule
ALTER TABLE public.tags ENABLE REPLICA RULE tags_notify;

-- form: enable-always-rule
ALTER TABLE public.tags ENABLE ALWAYS RULE tags_notify;

-- form: of-type
ALTER TABLE public.loose_pairs OF public.pair;

-- form: not-of
ALTER TABLE public.pairs NOT OF;

-- form: foreign-table-options
ALTER FOREIGN TABLE public.remote_items OPTIONS (ADD note 'x');

-- form: foreign-table-column-options
ALTER FOREIGN TABLE public.remote_items ALTER COLUMN name OPTIONS (ADD note 'x');

-- form: reset-column-options
ALTER TABLE public.users ALTER COLUMN age RESET (n_distinct);

-- form: set-without-cluster
ALTER TABLE public.orders SET WITHOUT CLUSTER;

-- ===================================================================== CASCADES, DEFAULT PARTITIONS, NAME RESOLUTION (issue 13)
-- form: drop-schema-cascade
DROP SCHEMA doomed CASCADE;

-- form: drop-schema
-- expect-error
DROP SCHEMA doomed;

-- form: delete-cascade-chain
DELETE FROM public.chain_a WHERE id = 1;

-- form: explain-analyze-delete-cascade
EXPLAIN ANALYZE DELETE FROM public.chain_a WHERE id = 1;

-- form: insert-fk-to-partitioned
-- min-pg: 12
-- setup: CREATE TABLE public.shops (id int, region text REFERENCES public.regions (code))
INSERT INTO public.shops VALUES (1, 'eu'), (2, 'us');

-- form: delete-referenced-partitioned
-- min-pg: 12
-- setup: CREATE TABLE public.shops (id int, region text REFERENCES public.regions (code))
DELETE FROM public.regions;

-- form: delete-referenced-partition
-- min-pg: 12
-- setup: CREATE TABLE public.shops (id int, region text REFERENCES public.regions (code))
DELETE FROM public.regions_eu;

-- form: drop-function-cascade-check-index
DROP FUNCTION public.is_even(int) CASCADE;

-- form: drop-function-used
-- expect-error
DROP FUNCTION public.is_even(int);

-- form: drop-type-cascade-view
DROP TYPE public.mood CASCADE;

-- form: drop-type-cascade-typed-table
DROP TYPE public.point2 CASCADE;

-- form: drop-type-used-by-view
-- expect-error
DROP TYPE public.mood;

-- form: create-partition-with-default
CREATE TABLE public.sales_jp PARTITION OF public.sales FOR VALUES IN ('jp');

-- form: attach-partition-with-default
ALTER TABLE public.sales ATTACH PARTITION public.sales_us FOR VALUES IN ('us');

-- form: detach-partition-with-default
ALTER TABLE public.sales DETACH PARTITION public.sales_eu;

-- form: detach-default-partition
ALTER TABLE public.sales DETACH PARTITION public.sales_other;

-- form: select-for-update-of-alias
SELECT u.id FROM public.users u JOIN public.orders o ON o.user_id = u.id WHERE u.id = 1 FOR UPDATE OF u;

-- form: select-for-update-subquery-where
SELECT id FROM public.users WHERE id IN (SELECT user_id FROM public.orders) FOR UPDATE;

-- form: select-for-update-subquery-from
SELECT * FROM (SELECT id FROM public.users) s FOR UPDATE;

-- form: alter-type-add-attribute-cascade
ALTER TYPE public.pair ADD ATTRIBUTE c int CASCADE;

-- form: alter-type-add-attribute
-- expect-error
ALTER TYPE public.pair ADD ATTRIBUTE c int;

-- ===================================================================== STATEMENTS AND REWRITES FOUND MISSED (issue 13)
-- form: analyze-database
ANALYZE;

-- form: alter-domain-validate
-- setup: CREATE TABLE public.dom_t (n public.plain_text)
-- setup: INSERT INTO public.dom_t SELECT g::text FROM generate_series(1, 50) AS g
-- setup: ALTER DOMAIN public.plain_text ADD CONSTRAINT plain_text_short CHECK (length(VALUE) < 10) NOT VALID
ALTER DOMAIN public.plain_text VALIDATE CONSTRAINT plain_text_short;

-- form: explain-update
EXPLAIN UPDATE public.orders SET amount = 1 WHERE id = 1;

-- form: explain-analyze-update
EXPLAIN ANALYZE UPDATE public.orders SET amount = 1 WHERE id = 1;

-- form: explain-select
EXPLAIN SELECT * FROM public.users;

-- form: select-into
SELECT id, email INTO public.users_ids FROM public.users;

-- form: create-policy-subquery
CREATE POLICY orders_own ON public.orders USING (user_id IN (SELECT id FROM public.users WHERE status = 'active'));

-- form: create-function-begin-atomic
-- min-pg: 14
CREATE FUNCTION public.count_users() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM public.users; END;

-- form: writable-cte
WITH d AS (DELETE FROM public.audit WHERE id < 0 RETURNING user_id) UPDATE public.tags SET label = 'x' WHERE id IN (SELECT user_id FROM d);

-- form: writable-cte-from-sibling-cte
-- A batch of the split's backfill: the UPDATE's FROM batch names the sibling CTE, not a table.
WITH batch AS (SELECT id FROM public.orders ORDER BY id LIMIT 10 FOR UPDATE SKIP LOCKED), done AS (UPDATE public.orders SET note = note FROM batch WHERE public.orders.id = batch.id RETURNING 1) SELECT count(*) FROM done;

-- form: do-block-reads-system-catalogs
-- Unqualified pg_class and pg_stat_activity are pg_catalog's, not public tables.
DO $$
DECLARE n bigint;
BEGIN
  SELECT count(*) INTO n FROM pg_stat_activity WHERE wait_event_type = 'Lock';
  SELECT greatest(c.reltuples, 0)::bigint INTO n FROM pg_class c WHERE c.oid = 'public.orders'::regclass;
  UPDATE public.orders SET note = note WHERE id = 1;
END
$$;

-- form: user-catalog-table
ALTER TABLE public.tags SET (user_catalog_table = true);

-- form: alter-sequence-owned-by-none
ALTER SEQUENCE public.orders_id_seq OWNED BY NONE;

-- form: alter-sequence-identity
ALTER SEQUENCE public.users_id_seq RESTART WITH 5000;

-- form: alter-sequence-serial-as-int
ALTER SEQUENCE public.orders_id_seq AS int;

-- form: add-column-domain-check
ALTER TABLE public.tags ADD COLUMN p public.positive;

-- form: add-column-domain-no-check
ALTER TABLE public.tags ADD COLUMN p public.plain_text;

-- form: add-column-default-plpgsql
ALTER TABLE public.tags ADD COLUMN p int DEFAULT public.plpgsql_one();

-- form: add-column-default-sql-random
ALTER TABLE public.tags ADD COLUMN p double precision DEFAULT public.sql_random();

-- form: add-column-default-volatile-sql-constant
ALTER TABLE public.tags ADD COLUMN p int DEFAULT public.sql_one();

-- form: add-column-default-immutable-sql
ALTER TABLE public.tags ADD COLUMN p int DEFAULT public.sql_one_immutable();

-- form: alter-type-using-identity
ALTER TABLE public.users ALTER COLUMN code TYPE text USING code;

-- form: alter-type-same-enum-using
ALTER TABLE public.users ALTER COLUMN kind TYPE public.user_status USING kind;


-- ===================================================================== SET search_path (issue 13)
-- form: search-path-app-first
SET search_path = app, public;
ALTER TABLE users ADD COLUMN nickname text;

-- form: search-path-falls-through
SET search_path = app, public;
ALTER TABLE orders ADD COLUMN note2 text;

-- form: search-path-set-local
SET LOCAL search_path TO app;
CREATE INDEX ON users (name);

-- form: search-path-user-and-literal
SET search_path = "$user", 'app', public;
TRUNCATE users;

-- form: search-path-reset
SET search_path = app;
RESET search_path;
ALTER TABLE users ADD COLUMN nickname2 text;

-- form: search-path-create-in-first
SET search_path = app, public;
CREATE TABLE orders (id int);
INSERT INTO orders SELECT id FROM public.orders;

-- form: search-path-drop-unqualified
SET search_path = app, public;
DROP TABLE users;

-- ===================================================================== type changes that keep the data (issue 13)
-- form: alter-type-text-to-domain-no-check
ALTER TABLE public.users ALTER COLUMN bio TYPE public.plain_text;

-- form: alter-type-text-to-domain-check
ALTER TABLE public.users ALTER COLUMN code TYPE public.positive USING code::int;

-- form: truncate-after-rewrite
ALTER TABLE public.tags ALTER COLUMN label TYPE varchar(20);
TRUNCATE public.tags;

-- form: truncate-created-in-transaction
CREATE TABLE public.scratch (id int);
INSERT INTO public.scratch SELECT generate_series(1, 100);
TRUNCATE public.scratch;

-- form: search-path-set-config
SELECT set_config('search_path', 'app, public', false);
ALTER TABLE users ADD COLUMN nickname3 text;

-- form: search-path-set-config-local-quoted
SELECT pg_catalog.set_config('search_path', '"app", public', true);
CREATE INDEX ON users (name);
