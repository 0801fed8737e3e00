// Batched, resumable, throttled backfills as one PL/pgSQL DO statement that commits after every batch.
//
// Why a DO block: runners wrap a migration file in a transaction (or send it as one implicit-transaction
// batch), and a backfill must commit batch by batch. A DO block may COMMIT (PG 11+) only when it is not
// inside a transaction block, so the backfill is the only statement of its file and the file runs
// outside a transaction (the runner's directive, or a one-statement file, which Supabase, Prisma and
// golang-migrate send on its own). A procedure would need CREATE + CALL: two statements, which some
// runners would again send as one implicit transaction.
//
// Shape (the brief's pattern): keyset batches on the primary key (or a unique NOT NULL key), each batch
// `SELECT key ... ORDER BY key LIMIT n FOR UPDATE SKIP LOCKED` feeding an UPDATE, then COMMIT; a progress
// row (migration, last key, rows done, total) so a rerun resumes; pg_sleep between batches, longer when
// the batch was slow or sessions are waiting on locks; a second pass without SKIP LOCKED that picks up
// rows that were locked during the first. Pure text generation.
import type { TableStats } from '@pg-preflight/shared';
import { quoteIdent, quoteLiteral, quoteQualified } from './sqltext';

export interface BackfillSpec {
  /** Schema-qualified table, e.g. "public.users". */
  table: string;
  /** The key column used for keyset batches (single-column primary key or unique NOT NULL key). */
  key: string;
  /** SQL type of the key (for the DECLARE), e.g. "bigint". */
  keyType: string;
  /** The SET list of the UPDATE, in terms of the table's columns, e.g. "email_new = email::text". */
  set: string;
  /** A condition that is true for rows that still need the backfill, e.g. "email_new IS DISTINCT FROM email::text". */
  pending: string;
  /** Name recorded in the progress table (the step file name). */
  job: string;
  batchSize: number;
  /** Seconds to sleep between batches, at least. */
  pause: number;
  /** Statement giving the lock timeout each batch uses, e.g. "5s". */
  lockTimeout: string;
  /**
   * The migration's own UPDATE or DELETE, run in batches: `set` is its SET list (UPDATE) and `pending`
   * its WHERE condition. One pass that waits for row locks: the statement need not be idempotent, so no
   * row may be visited twice (the keyset and the committed progress row see to that across reruns).
   */
  dml?: { verb: 'UPDATE' | 'DELETE'; alias?: string };
}

/** Where progress rows live: a schema of its own, so it never shows up in an exposed API schema. */
export const PROGRESS_SCHEMA = 'preflight';
export const PROGRESS_TABLE = `${PROGRESS_SCHEMA}.backfill_progress`;

/**
 * A batch size from the table's row width: small rows 5-10k, wide or JSON rows 500-2k. Uses the stats
 * (table bytes / rows) when known, else the column types.
 */
export function chooseBatchSize(stats: TableStats | undefined, columnTypes: string[]): { size: number; why: string } {
  const wideType = columnTypes.some((t) => /^(json|jsonb|xml|bytea|tsvector)\b/i.test(t) || /\[\]$/.test(t));
  const textish = columnTypes.filter((t) => /^(text|varchar|character varying|citext)\b/i.test(t) && !/\(\d{1,3}\)/.test(t)).length;
  if (stats && stats.rows > 0 && stats.tableBytes > 0) {
    const width = Math.round(stats.tableBytes / stats.rows);
    if (width >= 2000) return { size: 500, why: `rows average ${width} bytes (wide): 500 per batch` };
    if (width >= 1000 || (wideType && width >= 500)) return { size: 1000, why: `rows average ${width} bytes: 1000 per batch` };
    if (width >= 400 || wideType)
      return { size: 2000, why: `rows average ${width} bytes${wideType ? ' with JSON/array columns' : ''}: 2000 per batch` };
    if (width >= 150) return { size: 5000, why: `rows average ${width} bytes: 5000 per batch` };
    return { size: 10000, why: `rows average ${width} bytes (narrow): 10000 per batch` };
  }
  if (wideType) return { size: 1000, why: 'row width unknown, the table has JSON/binary/array columns: 1000 per batch' };
  if (textish >= 3) return { size: 2000, why: 'row width unknown, several unbounded text columns: 2000 per batch' };
  return { size: 5000, why: 'row width unknown, narrow column types: 5000 per batch' };
}

/** The DO statement (one statement, no trailing newline). */
export function backfillStatement(s: BackfillSpec): string {
  const t = quoteQualified(s.table);
  const k = quoteIdent(s.key);
  const job = quoteLiteral(s.job);
  const regclass = quoteLiteral(t);
  // The user's own statement keeps the names its SET list and WHERE clause use for the table.
  const alias = s.dml ? (s.dml.alias ? quoteIdent(s.dml.alias) : undefined) : 'b';
  const from = alias ? `${t} ${s.dml ? 'AS ' : ''}${alias}` : t;
  const row = alias ?? t;
  // The tool's own backfill updates the table by its name; the user's statement keeps its alias.
  const [target, targetRow] = s.dml ? [from, row] : [t, t];
  const change =
    s.dml?.verb === 'DELETE'
      ? `DELETE FROM ${target}
        USING batch WHERE ${targetRow}.${k} = batch.pgpf_key`
      : `UPDATE ${target} SET ${s.set}
        FROM batch WHERE ${targetRow}.${k} = batch.pgpf_key`;
  const batchCte = (lockClause: string) => `WITH batch AS (
        SELECT ${row}.${k} AS pgpf_key FROM ${from}
        WHERE (pgpf_last_key IS NULL OR ${row}.${k} > pgpf_last_key) AND (${s.pending})
        ORDER BY ${row}.${k}
        LIMIT pgpf_batch_size
        ${lockClause}
      ), done AS (
        ${change}
        RETURNING batch.pgpf_key
      )
      SELECT count(*), (array_agg(done.pgpf_key ORDER BY done.pgpf_key DESC))[1] INTO pgpf_n, pgpf_batch_last FROM done;`;
  const passes = s.dml ? 1 : 2;
  const work = s.dml
    ? `-- One pass in key order, waiting for row locks (bounded by lock_timeout): every row at most once.
    ${batchCte('FOR UPDATE')}`
    : `IF pgpf_pass = 1 THEN
      -- Pass 1: rows in key order, skipping rows other sessions hold locked (pass 2 picks them up).
      ${batchCte('FOR UPDATE SKIP LOCKED')}
    ELSE
      -- Pass 2: what pass 1 skipped, waiting for row locks (bounded by lock_timeout).
      ${batchCte('FOR UPDATE')}
    END IF;`;
  return `DO $backfill$
DECLARE
  pgpf_job         constant text := ${job};
  -- Override per session without editing the file: SET preflight.batch_size = '1000';
  pgpf_batch_size  int := coalesce(nullif(current_setting('preflight.batch_size', true), '')::int, ${s.batchSize});
  -- Run at most this many batches per invocation (0: until done), e.g. to spread the work over several runs.
  pgpf_max_batches int := coalesce(nullif(current_setting('preflight.max_batches', true), '')::int, 0);
  pgpf_pause       float8 := coalesce(nullif(current_setting('preflight.pause', true), '')::float8, ${s.pause});
  pgpf_last_key    ${s.keyType};
  pgpf_last_text   text;
  pgpf_pass        int;
  pgpf_batch_last  ${s.keyType};
  pgpf_n           bigint;
  pgpf_batches     int := 0;
  pgpf_started     timestamptz;
  pgpf_waiting     int;
BEGIN
  CREATE SCHEMA IF NOT EXISTS ${PROGRESS_SCHEMA};
  CREATE TABLE IF NOT EXISTS ${PROGRESS_TABLE} (
    migration   text PRIMARY KEY,
    last_key    text,
    pass        int NOT NULL DEFAULT 1,
    rows_done   bigint NOT NULL DEFAULT 0,
    total       bigint,
    started_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
  );
  INSERT INTO ${PROGRESS_TABLE} (migration, total)
  SELECT pgpf_job, greatest(c.reltuples, 0)::bigint FROM pg_class c WHERE c.oid = ${regclass}::regclass
  ON CONFLICT (migration) DO NOTHING;
  COMMIT;

  LOOP
    SELECT p.last_key, p.pass INTO pgpf_last_text, pgpf_pass FROM ${PROGRESS_TABLE} p WHERE p.migration = pgpf_job;
    EXIT WHEN pgpf_pass > ${passes};
    pgpf_last_key := pgpf_last_text;
    PERFORM set_config('lock_timeout', ${quoteLiteral(s.lockTimeout)}, true);
    pgpf_started := clock_timestamp();
    ${work}
    IF pgpf_n = 0 THEN
      -- This pass is done: start the next one from the beginning.
      UPDATE ${PROGRESS_TABLE} SET pass = pass + 1, last_key = NULL, updated_at = now(),
        finished_at = CASE WHEN pass = ${passes} THEN now() END
      WHERE migration = pgpf_job;
      COMMIT;
      CONTINUE;
    END IF;
    UPDATE ${PROGRESS_TABLE} SET last_key = pgpf_batch_last::text, rows_done = rows_done + pgpf_n, updated_at = now()
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
$backfill$;`;
}

/** Comment lines: how to watch, verify and resume the backfill. */
export function backfillNotes(s: BackfillSpec, remainingQuery: string, extraChecks: string[] = []): string[] {
  const t = quoteQualified(s.table);
  return [
    `Batches of ${s.batchSize} rows on ${t} keyed by ${s.key}, one transaction each (COMMIT inside the DO block, PG 11+),`,
    ...(s.dml
      ? [
          `one pass in key order that waits for row locks, so each row is changed at most once. The batches are not`,
          `atomic with the schema steps, and a row inserted meanwhile is included when its key is above the last batch.`,
        ]
      : [`FOR UPDATE SKIP LOCKED in pass 1, then pass 2 without SKIP LOCKED for the rows that were locked.`]),
    `Resumable: progress is in ${PROGRESS_TABLE} (migration = ${quoteLiteral(s.job)}); rerun this file after a failure`,
    `or a kill and it continues after the last committed batch. Tune without editing: SET preflight.batch_size,`,
    `preflight.pause (seconds) and preflight.max_batches (stop after N batches) in the session first.`,
    `The DO block runs as one statement: make sure no statement_timeout cuts it off (SET statement_timeout = 0 for this session).`,
    '',
    'Progress:',
    `  SELECT migration, pass, last_key, rows_done, total, updated_at, finished_at FROM ${PROGRESS_TABLE} WHERE migration = ${quoteLiteral(s.job)};`,
    s.dml ? 'Completion check (must return true before the next step):' : 'Completion check (must return 0 before the next step):',
    `  ${remainingQuery}`,
    ...extraChecks.map((c) => `  ${c}`),
    'Lock monitoring while it runs:',
    `  SELECT pid, state, wait_event_type, wait_event, now() - xact_start AS xact_age, left(query, 60) AS query FROM pg_stat_activity WHERE datname = current_database() AND (wait_event_type = 'Lock' OR state = 'idle in transaction');`,
    `  SELECT l.pid, l.mode, l.granted, a.query FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.relation = ${quoteLiteral(t)}::regclass;`,
    '  SELECT pid, pg_blocking_pids(pid) AS blocked_by, left(query, 60) AS query FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0;',
    `To stop it: SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE 'DO $backfill$%'; (committed batches stay; rerun to resume).`,
  ];
}
