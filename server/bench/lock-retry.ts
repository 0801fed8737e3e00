// `npm run bench:lock-retry`: what a lock wait costs the application, with no lock_timeout, with the
// safety header (lock_timeout = '5s', the migration rerun by hand after each failure) and with the
// lock-retry block (core/fixes/retry.ts: 500ms per attempt, jittered pauses, 20 attempts).
//
// On a throwaway PostgreSQL (server/test/support/postgres.ts: loopback, temp dir, stopped at the end):
// 8 application connections read and update rows of `users` by id in a loop; one long transaction
// holds ACCESS SHARE on `users` (a plain SELECT left open) for HOLD_SECONDS; one second in, the
// migration runs `ALTER TABLE users ADD COLUMN x int`, which needs ACCESS EXCLUSIVE. While it waits,
// every application query on the table queues behind it. Measured per scenario: the longest
// application query, the total time application queries spent over 100 ms, how the migration ended
// and when. Every loop is bounded (a scenario stops after HOLD_SECONDS + 20 s at the latest).
//
// Prints figures, never asserts on them. Also writes .bench/lock-retry.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { lockRetrySql } from '../src/core/fixes/retry';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../test/support/postgres';

const APP_CONNECTIONS = 8;
const ROWS = 100_000;
const HOLD_SECONDS = Number(process.env.PG_PREFLIGHT_BENCH_HOLD_S ?? 9);
const MIGRATION_AT_MS = 1_000;
const SCENARIO_CAP_MS = (HOLD_SECONDS + 20) * 1000;
/** The header scenario: how often the migration is rerun after a lock_timeout failure (a deploy retrying). */
const HEADER_RERUNS = 3;
const HEADER_RERUN_PAUSE_MS = 1_000;
const ALTER = 'ALTER TABLE users ADD COLUMN x int;';

type Mode = 'no timeout' | "header (lock_timeout = '5s')" | 'lock-retry block';

interface Result {
  mode: Mode;
  appQueries: number;
  longestStallMs: number;
  /** Sum over application queries of the time each spent beyond 100 ms. */
  stalledOver100msMs: number;
  queriesOver100ms: number;
  migration: string;
  migrationDoneMs: number | null;
  attempts: number;
  holderCommittedMs: number;
}

async function connect(url: string): Promise<Client> {
  const c = new Client({ connectionString: url, application_name: 'pg-preflight bench:lock-retry' });
  c.on('error', () => undefined);
  await c.connect();
  // A stalled bench must end by itself.
  await c.query(`SET statement_timeout = '${SCENARIO_CAP_MS}ms'`);
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function scenario(url: string, mode: Mode): Promise<Result> {
  const setup = await connect(url);
  await setup.query('DROP TABLE IF EXISTS users');
  await setup.query('CREATE TABLE users (id bigint PRIMARY KEY, email text, visits int NOT NULL DEFAULT 0)');
  await setup.query(`INSERT INTO users (id, email) SELECT g, 'user' || g || '@example.com' FROM generate_series(1, ${ROWS}) g`);
  await setup.query('VACUUM ANALYZE users');
  await setup.end();

  const apps = await Promise.all(Array.from({ length: APP_CONNECTIONS }, () => connect(url)));
  const holder = await connect(url);
  const migrator = await connect(url);
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  let stop = false;
  const latencies: number[] = [];

  const appLoop = async (c: Client, n: number) => {
    let i = 0;
    while (!stop && now() < SCENARIO_CAP_MS) {
      const id = 1 + ((n * 7919 + i * 104729) % ROWS);
      const start = performance.now();
      if (i % 2) await c.query('UPDATE users SET visits = visits + 1 WHERE id = $1', [id]);
      else await c.query('SELECT email, visits FROM users WHERE id = $1', [id]);
      latencies.push(performance.now() - start);
      i++;
    }
  };
  const appsDone = Promise.all(apps.map((c, n) => appLoop(c, n)));

  // The long transaction: a weak lock (ACCESS SHARE) held open, as a report or an idle session would.
  await holder.query('BEGIN');
  await holder.query('SELECT count(*) FROM users');
  let holderCommittedMs = 0;
  const holderDone = (async () => {
    await sleep(HOLD_SECONDS * 1000);
    await holder.query('COMMIT');
    holderCommittedMs = now();
  })();

  await sleep(MIGRATION_AT_MS);
  let migration = '';
  let attempts = 0;
  let migrationDoneMs: number | null = null;
  if (mode === 'no timeout') {
    attempts = 1;
    await migrator.query(ALTER);
    migration = 'applied';
    migrationDoneMs = now();
  } else if (mode === "header (lock_timeout = '5s')") {
    const failures: string[] = [];
    for (let run = 1; run <= 1 + HEADER_RERUNS; run++) {
      attempts = run;
      try {
        await migrator.query(`SET lock_timeout = '5s'`);
        await migrator.query(ALTER);
        migration = `${failures.length ? `failed at ${failures.join(', ')}, ` : ''}applied on run ${run}`;
        migrationDoneMs = now();
        break;
      } catch (err) {
        failures.push(`${(now() / 1000).toFixed(2)} s (${(err as Error).message})`);
        migration = `failed on every run: ${failures.join(', ')}`;
        await sleep(HEADER_RERUN_PAUSE_MS);
      }
    }
  } else {
    const notices: string[] = [];
    migrator.on('notice', (m) => notices.push(m.message ?? ''));
    try {
      await migrator.query(lockRetrySql(ALTER, 'ALTER TABLE ADD COLUMN'));
      migration = 'applied';
      migrationDoneMs = now();
    } catch (err) {
      migration = `failed (${(err as Error).message})`;
    }
    attempts = notices.length + 1;
  }

  await holderDone;
  await sleep(500);
  stop = true;
  await appsDone;
  for (const c of [...apps, holder, migrator]) await c.end();

  const over = latencies.filter((l) => l > 100);
  return {
    mode,
    appQueries: latencies.length,
    longestStallMs: Math.max(...latencies),
    stalledOver100msMs: over.reduce((s, l) => s + (l - 100), 0),
    queriesOver100ms: over.length,
    migration,
    migrationDoneMs,
    attempts,
    holderCommittedMs,
  };
}

async function main(): Promise<void> {
  let pg: ThrowawayPostgres | undefined;
  const results: Result[] = [];
  try {
    pg = await startThrowawayPostgres();
    console.log(
      `PostgreSQL ${pg.major} on 127.0.0.1:${pg.port}; ${APP_CONNECTIONS} app connections (reads and updates by id on ${ROWS} rows), a transaction holding ACCESS SHARE for ${HOLD_SECONDS} s, ${ALTER} at ${MIGRATION_AT_MS / 1000} s`,
    );
    for (const mode of ['no timeout', "header (lock_timeout = '5s')", 'lock-retry block'] as Mode[]) {
      const r = await scenario(pg.url, mode);
      results.push(r);
      console.log(
        `${r.mode.padEnd(30)} longest app query ${(r.longestStallMs / 1000).toFixed(2)} s; ${r.queriesOver100ms} queries over 100 ms, ${(r.stalledOver100msMs / 1000).toFixed(1)} s stalled in all; ` +
          `${r.appQueries} app queries; migration ${r.migration}${r.migrationDoneMs !== null ? ` at ${(r.migrationDoneMs / 1000).toFixed(2)} s` : ''} (${r.attempts} attempt${r.attempts === 1 ? '' : 's'}); holder committed at ${(r.holderCommittedMs / 1000).toFixed(2)} s`,
      );
    }
  } finally {
    await pg?.stop();
  }
  const out = path.join(process.cwd(), '.bench', 'lock-retry.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    JSON.stringify({ holdSeconds: HOLD_SECONDS, appConnections: APP_CONNECTIONS, rows: ROWS, results }, null, 2) + '\n',
  );
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

main().catch((err) => {
  console.error(`bench:lock-retry: ${(err as Error).message}`);
  process.exit(1);
});
