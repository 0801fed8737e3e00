// `npm run bench:throughput`: measures the three throughput constants that estimate.ts uses to turn
// table sizes into lock durations (shared/src/settings.ts Throughput, documented in docs/estimates.md).
//
// Starts a throwaway PostgreSQL cluster (server/test/support/postgres.ts), fills a table of roughly
// 400 MB, VACUUM ANALYZEs it and times, with performance.now() around each query (psql's \timing):
//   scan        ALTER TABLE ... ADD CONSTRAINT ... CHECK (...)  and  ALTER COLUMN ... SET NOT NULL
//   rewrite     ALTER COLUMN ... TYPE bigint on an int column
//   index build CREATE INDEX on an int column and on a text column
// MB is 1,000,000 bytes of pg_table_size (scans, index builds) or pg_total_relation_size (rewrites),
// measured just before the statement, exactly as estimateSeconds() divides them. Each case runs twice
// and the lower MB/s is kept (the estimate should err towards a longer lock).
//
// Prints figures, never asserts on them. Also writes .bench/throughput.json.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DEFAULT_SETTINGS, type Throughput } from '@pg-preflight/shared';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../test/support/postgres';

const MB = 1_000_000;
/** The measured constants (speedFactor is a calibration on top of them, not measured here). */
type Rates = Omit<Throughput, 'speedFactor'>;
const RUNS = 2;
/** Rows per batch when filling the table; batches keep each INSERT's memory and WAL bounded. */
const BATCH = 1_000_000;
const TARGET_MB = Number(process.env.PG_PREFLIGHT_BENCH_TABLE_MB ?? 400);

interface Sample {
  kind: keyof Rates;
  label: string;
  sql: string;
  bytes: number;
  seconds: number;
  mbps: number;
  /** Printed and saved, but not used for the suggested constant. */
  informational?: boolean;
}

async function sizeOf(db: Client, table: string, total: boolean): Promise<number> {
  const fn = total ? 'pg_total_relation_size' : 'pg_table_size';
  const r = await db.query(`SELECT ${fn}($1::regclass)::bigint AS n`, [table]);
  return Number(r.rows[0].n);
}

async function timed(db: Client, sql: string): Promise<number> {
  // Dirty buffers left by the previous step are written now, not during the timed statement.
  await db.query('CHECKPOINT');
  const t0 = performance.now();
  await db.query(sql);
  return (performance.now() - t0) / 1000;
}

async function measure(
  db: Client,
  kind: keyof Rates,
  label: string,
  sql: string,
  opts: { total?: boolean; reset?: string; informational?: boolean } = {},
): Promise<Sample> {
  const bytes = await sizeOf(db, 'bench', opts.total ?? false);
  const seconds = await timed(db, sql);
  if (opts.reset) await db.query(opts.reset);
  const s: Sample = { kind, label, sql, bytes, seconds, mbps: bytes / MB / seconds, informational: opts.informational };
  process.stdout.write(
    `  ${(opts.informational ? `(${label})` : label).padEnd(38)} ${(bytes / MB).toFixed(0).padStart(5)} MB  ${seconds.toFixed(2).padStart(7)} s  ${s.mbps.toFixed(0).padStart(6)} MB/s\n`,
  );
  return s;
}

async function fillTable(db: Client): Promise<void> {
  await db.query(`CREATE TABLE bench (
    id bigint PRIMARY KEY,
    account_id int NOT NULL,
    status int,
    quantity int,
    priority int,
    score int,
    email text,
    note text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz
  )`);
  // Size a sample first, then insert enough rows for TARGET_MB of pg_table_size.
  const insert = (from: number, to: number) =>
    db.query(`INSERT INTO bench
      SELECT g, (g * 7919) % 100000, g % 5, (g * 31) % 1000, g % 3, (g * 13) % 10007,
             'user' || ((g * 2654435761) % 100000000)::text || '@example.com',
             CASE WHEN g % 4 = 0 THEN NULL ELSE md5(g::text) END,
             timestamptz '2020-01-01' + g * interval '1 second',
             CASE WHEN g % 2 = 0 THEN timestamptz '2024-01-01' + g * interval '1 second' END
      FROM generate_series(${from}::bigint, ${to}::bigint) g`);
  await insert(1, 100_000);
  const sample = await sizeOf(db, 'bench', false);
  const rows = Math.round((TARGET_MB * MB * 100_000) / sample);
  for (let from = 100_001; from <= rows; from += BATCH) await insert(from, Math.min(rows, from + BATCH - 1));
  await db.query('VACUUM ANALYZE bench');
  await db.query('CHECKPOINT');
}

function lower(samples: Sample[], kind: keyof Rates): number {
  return Math.min(...samples.filter((s) => s.kind === kind && !s.informational).map((s) => s.mbps));
}

/** Rounds down to 2 significant figures, then to a multiple of 5 above 100: a conservative, readable constant. */
function suggest(mbps: number): number {
  const mag = 10 ** Math.max(0, Math.floor(Math.log10(mbps)) - 1);
  let v = Math.floor(mbps / mag) * mag;
  if (v >= 100) v = Math.floor(v / 5) * 5;
  return Math.max(1, v);
}

async function main(): Promise<void> {
  const started = new Date();
  process.stdout.write('starting a throwaway PostgreSQL cluster...\n');
  let pg: ThrowawayPostgres;
  try {
    pg = await startThrowawayPostgres();
  } catch (err) {
    process.stderr.write(`bench:throughput needs the PostgreSQL server binaries: ${(err as Error).message}\n`);
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
      'maintenance_work_mem',
      'work_mem',
      'max_parallel_maintenance_workers',
      'fsync',
      'full_page_writes',
      'wal_level',
    ]) {
      settings[name] = String((await client.query(`SHOW ${name}`)).rows[0][name]);
    }
    process.stdout.write(
      `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GB; load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n`,
    );
    process.stdout.write(
      `PostgreSQL ${version}; ${Object.entries(settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}\n`,
    );
    process.stdout.write(`filling a ~${TARGET_MB} MB table...\n`);
    const t0 = performance.now();
    await fillTable(client);
    const rows = Number((await client.query('SELECT count(*) AS n FROM bench')).rows[0].n);
    const tableBytes = await sizeOf(client, 'bench', false);
    const totalBytes = await sizeOf(client, 'bench', true);
    process.stdout.write(
      `bench: ${rows.toLocaleString('en-US')} rows, pg_table_size ${(tableBytes / MB).toFixed(0)} MB, ` +
        `pg_total_relation_size ${(totalBytes / MB).toFixed(0)} MB (filled in ${((performance.now() - t0) / 1000).toFixed(0)} s)\n\n`,
    );

    const samples: Sample[] = [];
    process.stdout.write('scan under lock (pg_table_size):\n');
    for (let i = 0; i < RUNS; i++) {
      samples.push(
        await measure(
          client,
          'scanMBps',
          `ADD CONSTRAINT CHECK #${i + 1}`,
          'ALTER TABLE bench ADD CONSTRAINT bench_quantity_check CHECK (quantity >= 0 AND quantity < 100000)',
          { reset: 'ALTER TABLE bench DROP CONSTRAINT bench_quantity_check' },
        ),
      );
    }
    for (let i = 0; i < RUNS; i++) {
      samples.push(
        await measure(client, 'scanMBps', `SET NOT NULL #${i + 1}`, 'ALTER TABLE bench ALTER COLUMN score SET NOT NULL', {
          reset: 'ALTER TABLE bench ALTER COLUMN score DROP NOT NULL',
        }),
      );
    }
    process.stdout.write('rewrite (pg_total_relation_size, includes the primary key):\n');
    // Two different int columns so both runs do the same int -> bigint rewrite.
    const rewriteColumns = ['status', 'priority'];
    for (let i = 0; i < RUNS; i++) {
      samples.push(
        await measure(
          client,
          'rewriteMBps',
          `ALTER COLUMN ${rewriteColumns[i % 2]} TYPE bigint #${i + 1}`,
          `ALTER TABLE bench ALTER COLUMN ${rewriteColumns[i % 2]} TYPE bigint`,
          { total: true },
        ),
      );
    }
    await client.query('VACUUM ANALYZE bench');
    process.stdout.write('index build (pg_table_size):\n');
    for (let i = 0; i < RUNS; i++) {
      samples.push(
        await measure(
          client,
          'indexBuildMBps',
          `CREATE INDEX (account_id int) #${i + 1}`,
          'CREATE INDEX bench_account_idx ON bench (account_id)',
          { reset: 'DROP INDEX bench_account_idx' },
        ),
      );
    }
    for (let i = 0; i < RUNS; i++) {
      samples.push(
        await measure(client, 'indexBuildMBps', `CREATE INDEX (email text) #${i + 1}`, 'CREATE INDEX bench_email_idx ON bench (email)', {
          reset: 'DROP INDEX bench_email_idx',
        }),
      );
    }
    // The cluster uses the C collation; production databases mostly sort text with a linguistic one,
    // which costs more per comparison. Shown for docs/estimates.md, not used for the constant.
    const icu = (await client.query(`SELECT 1 FROM pg_collation WHERE collname = 'en-US-x-icu'`)).rowCount;
    if (icu) {
      for (let i = 0; i < RUNS; i++) {
        samples.push(
          await measure(
            client,
            'indexBuildMBps',
            `CREATE INDEX (email, en-US ICU) #${i + 1}`,
            'CREATE INDEX bench_email_icu_idx ON bench (email COLLATE "en-US-x-icu")',
            { reset: 'DROP INDEX bench_email_icu_idx', informational: true },
          ),
        );
      }
    }

    const measured: Rates = {
      scanMBps: lower(samples, 'scanMBps'),
      rewriteMBps: lower(samples, 'rewriteMBps'),
      indexBuildMBps: lower(samples, 'indexBuildMBps'),
    };
    const suggested: Rates = {
      scanMBps: suggest(measured.scanMBps),
      rewriteMBps: suggest(measured.rewriteMBps),
      indexBuildMBps: suggest(measured.indexBuildMBps),
    };
    const defaults = DEFAULT_SETTINGS.throughput;
    process.stdout.write('(parenthesised rows are informational and not used for the constants)\n');
    process.stdout.write('\nconstant        | lower of runs MB/s | suggested | current default | measured/default\n');
    process.stdout.write('----------------|--------------------|-----------|-----------------|-----------------\n');
    for (const k of Object.keys(measured) as (keyof Rates)[]) {
      process.stdout.write(
        `${k.padEnd(15)} | ${measured[k].toFixed(1).padStart(18)} | ${String(suggested[k]).padStart(9)} | ${String(defaults[k]).padStart(15)} | ${(measured[k] / defaults[k]).toFixed(2).padStart(15)}x\n`,
      );
    }
    process.stdout.write(`\nsuggested .pg-preflight.json: ${JSON.stringify({ throughput: suggested })}\n`);

    const out = {
      date: started.toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        memoryGB: Math.round(os.totalmem() / 2 ** 30),
        platform: `${os.platform()} ${os.release()}`,
        loadavgAfter: os.loadavg(),
      },
      postgres: { version, settings },
      table: { rows, tableBytes, totalBytes },
      samples: samples.map(({ kind, label, bytes, seconds, mbps, informational }) => ({
        kind,
        label,
        bytes,
        seconds,
        mbps,
        informational: !!informational,
      })),
      measured,
      suggested,
      defaults,
    };
    const dir = path.resolve(__dirname, '../../../.bench');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'throughput.json'), JSON.stringify(out, null, 2) + '\n');
    process.stdout.write(`written to ${path.relative(process.cwd(), path.join(dir, 'throughput.json'))}\n`);
  } finally {
    await client.end().catch(() => undefined);
    await pg.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
