-- pg-preflight: follow-up to 20240101000000_fixture.sql (deploy after it)
-- - backfill public.orders.batch in batches of 5000 (rows average 215 bytes: 5000 per batch)
-- Runs outside a transaction (no BEGIN), as the statement requires.
-- Locks:
--   public.orders: ROW EXCLUSIVE per batch (plus row locks on one batch of rows until its COMMIT); blocks only SHARE and stronger table locks, not reads or writes
-- Why it is safe: each batch locks only its own rows (ROW EXCLUSIVE on the table) and commits; no table lock blocks reads or writes
-- Deploy: after 20240101000000_fixture.sql has succeeded
-- Reverse: nothing to reverse on its own: the values are dropped with the column if the expand step is reversed
--
-- Batches of 5000 rows on public.orders keyed by id, one transaction each (COMMIT inside the DO block, PG 11+),
-- FOR UPDATE SKIP LOCKED in pass 1, then pass 2 without SKIP LOCKED for the rows that were locked.
-- Resumable: progress is in preflight.backfill_progress (migration = '20240101000004_backfill_orders_batch'); rerun this file after a failure
-- or a kill and it continues after the last committed batch. Tune without editing: SET preflight.batch_size,
-- preflight.pause (seconds) and preflight.max_batches (stop after N batches) in the session first.
-- The DO block runs as one statement: make sure no statement_timeout cuts it off (SET statement_timeout = 0 for this session).
--
-- Progress:
--   SELECT migration, pass, last_key, rows_done, total, updated_at, finished_at FROM preflight.backfill_progress WHERE migration = '20240101000004_backfill_orders_batch';
-- Completion check (must return 0 before the next step):
--   SELECT count(*) FROM public.orders WHERE batch IS NULL;
-- Lock monitoring while it runs:
--   SELECT pid, state, wait_event_type, wait_event, now() - xact_start AS xact_age, left(query, 60) AS query FROM pg_stat_activity WHERE datname = current_database() AND (wait_event_type = 'Lock' OR state = 'idle in transaction');
--   SELECT l.pid, l.mode, l.granted, a.query FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.relation = 'public.orders'::regclass;
--   SELECT pid, pg_blocking_pids(pid) AS blocked_by, left(query, 60) AS query FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0;
-- To stop it: SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE 'DO $backfill$%'; (committed batches stay; rerun to resume).

DO $backfill$
DECLARE
  pgpf_job         constant text := '20240101000004_backfill_orders_batch';
  -- Override per session without editing the file: SET preflight.batch_size = '1000';
  pgpf_batch_size  int := coalesce(nullif(current_setting('preflight.batch_size', true), '')::int, 5000);
  -- Run at most this many batches per invocation (0: until done), e.g. to spread the work over several runs.
  pgpf_max_batches int := coalesce(nullif(current_setting('preflight.max_batches', true), '')::int, 0);
  pgpf_pause       float8 := coalesce(nullif(current_setting('preflight.pause', true), '')::float8, 0.05);
  pgpf_last_key    int8;
  pgpf_last_text   text;
  pgpf_pass        int;
  pgpf_batch_last  int8;
  pgpf_n           bigint;
  pgpf_batches     int := 0;
  pgpf_started     timestamptz;
  pgpf_waiting     int;
BEGIN
  CREATE SCHEMA IF NOT EXISTS preflight;
  CREATE TABLE IF NOT EXISTS preflight.backfill_progress (
    migration   text PRIMARY KEY,
    last_key    text,
    pass        int NOT NULL DEFAULT 1,
    rows_done   bigint NOT NULL DEFAULT 0,
    total       bigint,
    started_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
  );
  INSERT INTO preflight.backfill_progress (migration, total)
  SELECT pgpf_job, greatest(c.reltuples, 0)::bigint FROM pg_class c WHERE c.oid = 'public.orders'::regclass
  ON CONFLICT (migration) DO NOTHING;
  COMMIT;

  LOOP
    SELECT p.last_key, p.pass INTO pgpf_last_text, pgpf_pass FROM preflight.backfill_progress p WHERE p.migration = pgpf_job;
    EXIT WHEN pgpf_pass > 2;
    pgpf_last_key := pgpf_last_text;
    PERFORM set_config('lock_timeout', '5s', true);
    pgpf_started := clock_timestamp();
    IF pgpf_pass = 1 THEN
      -- Pass 1: rows in key order, skipping rows other sessions hold locked (pass 2 picks them up).
      WITH batch AS (
        SELECT b.id AS pgpf_key FROM public.orders b
        WHERE (pgpf_last_key IS NULL OR b.id > pgpf_last_key) AND (batch IS NULL)
        ORDER BY b.id
        LIMIT pgpf_batch_size
        FOR UPDATE SKIP LOCKED
      ), done AS (
        UPDATE public.orders SET batch = now()::text || random()::text
        FROM batch WHERE public.orders.id = batch.pgpf_key
        RETURNING batch.pgpf_key
      )
      SELECT count(*), (array_agg(done.pgpf_key ORDER BY done.pgpf_key DESC))[1] INTO pgpf_n, pgpf_batch_last FROM done;
    ELSE
      -- Pass 2: what pass 1 skipped, waiting for row locks (bounded by lock_timeout).
      WITH batch AS (
        SELECT b.id AS pgpf_key FROM public.orders b
        WHERE (pgpf_last_key IS NULL OR b.id > pgpf_last_key) AND (batch IS NULL)
        ORDER BY b.id
        LIMIT pgpf_batch_size
        FOR UPDATE
      ), done AS (
        UPDATE public.orders SET batch = now()::text || random()::text
        FROM batch WHERE public.orders.id = batch.pgpf_key
        RETURNING batch.pgpf_key
      )
      SELECT count(*), (array_agg(done.pgpf_key ORDER BY done.pgpf_key DESC))[1] INTO pgpf_n, pgpf_batch_last FROM done;
    END IF;
    IF pgpf_n = 0 THEN
      -- This pass is done: start the next one from the beginning.
      UPDATE preflight.backfill_progress SET pass = pass + 1, last_key = NULL, updated_at = now(),
        finished_at = CASE WHEN pass = 2 THEN now() END
      WHERE migration = pgpf_job;
      COMMIT;
      CONTINUE;
    END IF;
    UPDATE preflight.backfill_progress SET last_key = pgpf_batch_last::text, rows_done = rows_done + pgpf_n, updated_at = now()
    WHERE migration = pgpf_job;
    COMMIT;
    pgpf_batches := pgpf_batches + 1;
    EXIT WHEN pgpf_max_batches > 0 AND pgpf_batches >= pgpf_max_batches;
    -- Throttle: sleep at least the base pause, as long as the batch took when it was slow, and twice
    -- that while other sessions wait on locks.
    SELECT count(*) INTO pgpf_waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database();
    PERFORM pg_sleep(least(5, greatest(pgpf_pause, extract(epoch FROM clock_timestamp() - pgpf_started)) * CASE WHEN pgpf_waiting > 0 THEN 2 ELSE 1 END));
  END LOOP;
END
$backfill$;
