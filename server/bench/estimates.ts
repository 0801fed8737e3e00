// `npm run bench:estimates`: how close the lock duration estimates (server/src/core/estimate.ts) come to
// what PostgreSQL 15 really takes, on this machine. Figures only, no assertions (docs/estimates.md).
//
// Starts a throwaway PostgreSQL (server/test/support/postgres.ts), builds users (1M rows) and orders
// (3M rows, user_id -> users), VACUUM ANALYZEs them and takes a snapshot with the collector
// (collectStats, as `pg-preflight stats` does). For each statement it asks analyze() for the estimate
// (the longest lock of the statement), times the statement RUNS times (performance.now() around the
// query after a CHECKPOINT, like psql's \timing) and prints estimate, median measured, their ratio and
// the spread of the ratios (geometric mean, max/min); then the same with the speed factor calibrated
// from this run (the geometric mean: `throughput.speedFactor` in .pg-preflight.json).
//
// PG_PREFLIGHT_BENCH_SCALE=0.1 builds tables a tenth of the size for a quick run; PG_PREFLIGHT_BENCH_RUNS
// sets the runs per statement (default 3). PG_PREFLIGHT_BENCH_FROM=.bench/estimates.json re-estimates a
// saved run (same snapshot and timings) without a database, to compare model changes.
// Writes .bench/estimates.json.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DEFAULT_SETTINGS, type Settings, type StatsSnapshot } from '@pg-preflight/shared';
import { collectStats } from '@pg-preflight/shared/dist/collect';
import { analyze } from '../src/core/analyze';
import { loadParser } from '../src/core/syntax/parse';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../test/support/postgres';

const SCALE = Number(process.env.PG_PREFLIGHT_BENCH_SCALE ?? 1);
const RUNS = Math.max(1, Number(process.env.PG_PREFLIGHT_BENCH_RUNS ?? 3));
const USERS = Math.round(1_000_000 * SCALE);
const ORDERS = Math.round(3_000_000 * SCALE);
const BATCH = 500_000;

interface Case {
  label: string;
  /** Run before each timed statement, untimed (and given to analyze() as the statements before it). */
  setup?: string;
  sql: string;
  /** Run after each timed statement, untimed, to put the table back. */
  reset?: string;
}

const CASES: Case[] = [
  {
    label: 'ADD FOREIGN KEY orders -> users',
    sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)',
    reset: 'ALTER TABLE orders DROP CONSTRAINT orders_user_fk',
  },
  {
    label: 'VALIDATE CONSTRAINT (the FK)',
    setup: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID',
    sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk',
    reset: 'ALTER TABLE orders DROP CONSTRAINT orders_user_fk',
  },
  { label: 'CREATE INDEX (int)', sql: 'CREATE INDEX orders_amount_idx ON orders (amount)', reset: 'DROP INDEX orders_amount_idx' },
  { label: 'CREATE INDEX (text)', sql: 'CREATE INDEX users_email_idx ON users (email)', reset: 'DROP INDEX users_email_idx' },
  {
    label: 'CREATE INDEX (expression, 2 values)',
    sql: "CREATE INDEX orders_paid_idx ON orders ((status = 'paid'))",
    reset: 'DROP INDEX orders_paid_idx',
  },
  {
    label: 'CREATE INDEX CONCURRENTLY (bigint)',
    sql: 'CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id)',
    reset: 'DROP INDEX orders_user_idx',
  },
  {
    label: 'SET NOT NULL',
    sql: 'ALTER TABLE orders ALTER COLUMN amount SET NOT NULL',
    reset: 'ALTER TABLE orders ALTER COLUMN amount DROP NOT NULL',
  },
  {
    label: 'ADD CHECK',
    sql: 'ALTER TABLE orders ADD CONSTRAINT orders_amount_check CHECK (amount >= 0)',
    reset: 'ALTER TABLE orders DROP CONSTRAINT orders_amount_check',
  },
  {
    label: 'VALIDATE CHECK',
    setup: 'ALTER TABLE orders ADD CONSTRAINT orders_amount_check CHECK (amount >= 0) NOT VALID',
    sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_check',
    reset: 'ALTER TABLE orders DROP CONSTRAINT orders_amount_check',
  },
  {
    label: 'ALTER TYPE int -> bigint (rewrite)',
    sql: 'ALTER TABLE orders ALTER COLUMN amount TYPE bigint',
    reset: 'ALTER TABLE orders ALTER COLUMN amount TYPE int',
  },
  {
    label: 'ADD COLUMN volatile default (rewrite)',
    sql: 'ALTER TABLE orders ADD COLUMN r float8 DEFAULT random()',
    reset: 'ALTER TABLE orders DROP COLUMN r',
  },
  { label: 'VACUUM FULL', sql: 'VACUUM FULL orders' },
  { label: 'CLUSTER', sql: 'CLUSTER orders USING orders_pkey' },
];

async function build(db: Client): Promise<void> {
  await db.query(`CREATE TABLE users (
    id bigint PRIMARY KEY,
    email text NOT NULL,
    name text NOT NULL,
    bio text,
    country int NOT NULL,
    created_at timestamptz NOT NULL
  )`);
  await db.query(`CREATE TABLE orders (
    id bigint PRIMARY KEY,
    user_id bigint NOT NULL,
    amount int,
    status text NOT NULL,
    created_at timestamptz NOT NULL
  )`);
  for (let from = 1; from <= USERS; from += BATCH) {
    await db.query(`INSERT INTO users
      SELECT g, 'user' || ((g * 2654435761) % 1000000007)::text || '@example.com', 'Name ' || md5(g::text)::varchar(10),
             repeat(md5((g * 7)::text), 4), g % 200, timestamptz '2020-01-01' + g * interval '1 minute'
      FROM generate_series(${from}::bigint, ${Math.min(USERS, from + BATCH - 1)}::bigint) g`);
  }
  for (let from = 1; from <= ORDERS; from += BATCH) {
    await db.query(`INSERT INTO orders
      SELECT g, 1 + (g * 7919) % ${USERS}, (g * 31) % 100000, CASE WHEN g % 3 = 0 THEN 'pending' ELSE 'paid' END,
             timestamptz '2021-01-01' + g * interval '10 seconds'
      FROM generate_series(${from}::bigint, ${Math.min(ORDERS, from + BATCH - 1)}::bigint) g`);
  }
  await db.query('VACUUM ANALYZE users');
  await db.query('VACUUM ANALYZE orders');
  await db.query('CHECKPOINT');
}

async function timeOnce(db: Client, c: Case): Promise<number> {
  if (c.setup) await db.query(c.setup);
  await db.query('CHECKPOINT');
  const t0 = performance.now();
  await db.query(c.sql);
  const s = (performance.now() - t0) / 1000;
  if (c.reset) await db.query(c.reset);
  return s;
}

/** The statement's estimate: the longest lock analyze() gives it (after the case's setup statement). */
export function estimateOf(c: Case, snapshot: StatsSnapshot, settings: Settings): number | undefined {
  const text = c.setup ? `${c.setup};\n${c.sql};\n` : `${c.sql};\n`;
  const a = analyze({ text, stats: snapshot, settings, pgVersion: 15 });
  const st = a.statements[a.statements.length - 1];
  const secs = st.locks.map((l) => l.estimatedSeconds).filter((s): s is number => s !== undefined);
  return secs.length ? Math.max(...secs) : undefined;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const geomean = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);

interface Row {
  label: string;
  measured: number[];
}

function report(rows: Row[], snapshot: StatsSnapshot, settings: Settings, title: string): number {
  process.stdout.write(`\n${title}\n`);
  process.stdout.write(`${'operation'.padEnd(40)} | estimate s | measured s (median) | estimate/measured\n`);
  process.stdout.write(`${'-'.repeat(40)}-|------------|---------------------|------------------\n`);
  const ratios: number[] = [];
  for (const r of rows) {
    const c = CASES.find((k) => k.label === r.label)!;
    const est = estimateOf(c, snapshot, settings);
    const m = median(r.measured);
    const ratio = est === undefined ? NaN : est / m;
    if (Number.isFinite(ratio) && ratio > 0) ratios.push(ratio);
    process.stdout.write(
      `${r.label.padEnd(40)} | ${(est === undefined ? '?' : est.toFixed(2)).padStart(10)} | ${m.toFixed(2).padStart(19)} | ${ratio.toFixed(2).padStart(17)}\n`,
    );
  }
  const g = geomean(ratios);
  const spreadUp = Math.max(...ratios) / g;
  const spreadDown = g / Math.min(...ratios);
  process.stdout.write(
    `ratios: geometric mean ${g.toFixed(2)}, max/min ${(Math.max(...ratios) / Math.min(...ratios)).toFixed(2)}, ` +
      `furthest from the mean ${Math.max(spreadUp, spreadDown).toFixed(2)}x, lowest ${Math.min(...ratios).toFixed(2)}, highest ${Math.max(...ratios).toFixed(2)}\n`,
  );
  return g;
}

function printAll(rows: Row[], snapshot: StatsSnapshot): void {
  const g = report(rows, snapshot, DEFAULT_SETTINGS, 'with the default constants:');
  const calibrated: Settings = { ...DEFAULT_SETTINGS, throughput: { ...DEFAULT_SETTINGS.throughput, speedFactor: g } };
  report(rows, snapshot, calibrated, `calibrated from this run: "throughput": { "speedFactor": ${+g.toFixed(2)} }`);
}

async function main(): Promise<void> {
  await loadParser();
  const from = process.env.PG_PREFLIGHT_BENCH_FROM;
  if (from) {
    const saved = JSON.parse(fs.readFileSync(from, 'utf8')) as { snapshot: StatsSnapshot; rows: Row[]; loadavg: number[] };
    process.stdout.write(`re-estimating ${from} (load average then ${saved.loadavg.map((l) => l.toFixed(2)).join(' ')})\n`);
    printAll(saved.rows, saved.snapshot);
    return;
  }
  process.stdout.write('starting a throwaway PostgreSQL cluster...\n');
  let pg: ThrowawayPostgres;
  try {
    pg = await startThrowawayPostgres();
  } catch (err) {
    process.stderr.write(`bench:estimates needs the PostgreSQL server binaries: ${(err as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  const client = new Client({ connectionString: pg.url });
  await client.connect();
  try {
    const version = String((await client.query('SHOW server_version')).rows[0].server_version);
    const settings: Record<string, string> = {};
    for (const name of [
      'shared_buffers',
      'work_mem',
      'hash_mem_multiplier',
      'maintenance_work_mem',
      'max_parallel_maintenance_workers',
      'max_parallel_workers_per_gather',
      'fsync',
    ]) {
      settings[name] = String((await client.query(`SHOW ${name}`)).rows[0][name]);
    }
    const load = () =>
      os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ');
    process.stdout.write(
      `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GB; load average ${load()}\n`,
    );
    process.stdout.write(
      `PostgreSQL ${version}; ${Object.entries(settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}\n`,
    );
    const t0 = performance.now();
    await build(client);
    const sizes = (
      await client.query(`SELECT relname, reltuples::bigint AS rows, pg_table_size(oid) AS t, pg_total_relation_size(oid) AS tot
      FROM pg_class WHERE relname IN ('users', 'orders') ORDER BY relname DESC`)
    ).rows;
    for (const s of sizes)
      process.stdout.write(
        `${s.relname}: ${Number(s.rows).toLocaleString('en-US')} rows, pg_table_size ${(Number(s.t) / 1e6).toFixed(0)} MB, total ${(Number(s.tot) / 1e6).toFixed(0)} MB\n`,
      );
    process.stdout.write(`built in ${((performance.now() - t0) / 1000).toFixed(0)} s; ${RUNS} runs per statement\n`);
    const snapshot = await collectStats(pg.url, { statementTimeoutMs: 120_000 });
    const rows: Row[] = [];
    for (const c of CASES) {
      const measured: number[] = [];
      for (let i = 0; i < RUNS; i++) measured.push(await timeOnce(client, c));
      process.stdout.write(`  ${c.label.padEnd(40)} ${measured.map((s) => s.toFixed(2)).join(', ')} s (load ${load()})\n`);
      rows.push({ label: c.label, measured });
    }
    const loadavg = os.loadavg();
    process.stdout.write(`load average after: ${load()}\n`);
    printAll(rows, snapshot);
    const dir = path.resolve(__dirname, '../../../.bench');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'estimates.json'),
      JSON.stringify({ date: new Date().toISOString(), scale: SCALE, postgres: { version, settings }, loadavg, rows, snapshot }, null, 2) +
        '\n',
    );
    process.stdout.write(`written to ${path.relative(process.cwd(), path.join(dir, 'estimates.json'))}\n`);
  } finally {
    await client.end().catch(() => undefined);
    await pg.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
