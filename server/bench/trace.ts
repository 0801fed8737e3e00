// `npm run bench:trace`: how long the dry run takes on the embedded engine (PGlite) for a 50-statement
// migration whose folder holds an earlier migration of 12 tables.
//
//   cold, CLI, no cache   a fresh `pg-preflight trace` process with PG_PREFLIGHT_CACHE_DIR=off: PGlite runs
//                         initdb (what the very first run on a machine costs)
//   cold, CLI             a fresh process with the cached data directory (every later CLI run)
//   cold, in-process      the first trace in a process (the language server's first "Verify locks"): start
//                         from the cached data directory, replay, trace
//   warm                  the same file traced again in the same process: the engine and the replayed schema
//                         are reused (the language server after an edit). Goal: under 1 s.
//   warm, next file       another file of the same folder traced after the first (only the new earlier file
//                         is replayed)
// The CLI rows run bin/pg-preflight.js, which sets V8's --liftoff-only for one-shot commands (no
// background TurboFan compile of the WASM); the in-process rows use V8's defaults, as the language
// server does: its first trace pays for TurboFan compiling PGlite in the background, later ones gain.
// Prints a table and writes .bench/trace.json (gitignored). Figures only, no assertions.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadParser } from '../src/core/syntax/parse';
import { PgliteHost, runTrace } from '../src/trace';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'server/bin/pg-preflight.js');
const RUNS = Number(process.env.PG_PREFLIGHT_BENCH_RUNS ?? 5);
const COLD_RUNS = Number(process.env.PG_PREFLIGHT_BENCH_COLD_RUNS ?? 3);
const GOAL_MS = 1000;

const TABLES = 12;

/** The earlier migration: TABLES tables with keys, foreign keys, indexes, a view. */
export function earlierMigration(): string {
  const out: string[] = [
    'CREATE TABLE public.accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now());',
  ];
  for (let i = 1; i < TABLES; i++) {
    out.push(
      `CREATE TABLE public.t${i} (id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES public.accounts (id), name varchar(100) NOT NULL, amount integer, status text NOT NULL DEFAULT 'new', payload jsonb, created_at timestamptz NOT NULL DEFAULT now());`,
      `CREATE INDEX t${i}_account_id_idx ON public.t${i} (account_id);`,
    );
  }
  out.push("CREATE VIEW public.recent_accounts AS SELECT id, email FROM public.accounts WHERE created_at > now() - interval '7 days';");
  return out.join('\n') + '\n';
}

/** A 50-statement migration: the usual mix of column, index, constraint, type and data changes. */
export function traceMigration(tag = ''): string {
  const forms = [
    (i: number) => `ALTER TABLE public.t${i} ADD COLUMN note${tag} text;`,
    (i: number) => `ALTER TABLE public.t${i} ADD COLUMN score${tag} integer DEFAULT 0;`,
    (i: number) => `CREATE INDEX t${i}_status${tag}_idx ON public.t${i} (status);`,
    (i: number) => `ALTER TABLE public.t${i} ADD CONSTRAINT t${i}_amount${tag}_chk CHECK (amount >= 0) NOT VALID;`,
    (i: number) => `ALTER TABLE public.t${i} VALIDATE CONSTRAINT t${i}_amount${tag}_chk;`,
    (i: number) => `UPDATE public.t${i} SET score${tag} = 1 WHERE score${tag} IS NULL;`,
    (i: number) => `ALTER TABLE public.t${i} ALTER COLUMN amount TYPE bigint;`,
    (i: number) => `ALTER TABLE public.t${i} ALTER COLUMN name TYPE text;`,
    (i: number) => `COMMENT ON COLUMN public.t${i}.payload IS 'raw event';`,
    (i: number) => `CREATE TABLE public.n${i}${tag} (id bigserial PRIMARY KEY, t_id bigint NOT NULL REFERENCES public.t${i} (id), v text);`,
  ];
  const out: string[] = ["SET lock_timeout = '5s';", "SET statement_timeout = '30s';"];
  for (let k = 0; out.length < 50; k++) out.push(forms[k % forms.length](1 + (Math.floor(k / forms.length) % (TABLES - 1))));
  return out.join('\n') + '\n';
}

function stats(xs: number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-preflight-bench-trace-'));
  const migrations = path.join(dir, 'migrations');
  fs.mkdirSync(migrations);
  fs.writeFileSync(path.join(migrations, '001_schema.sql'), earlierMigration());
  fs.writeFileSync(path.join(migrations, '002_changes.sql'), traceMigration());
  fs.writeFileSync(path.join(migrations, '003_more.sql'), traceMigration('_b'));
  const earlier = { path: 'migrations/001_schema.sql', text: earlierMigration() };
  const text = traceMigration();
  const statements = text.trim().split('\n').length;
  const rows: { name: string; runs: number[]; detail?: string }[] = [];

  // CLI processes: spawn the real binary (exit code 0 = traced, no disagreement).
  const cli = (env: Record<string, string>): number => {
    const t = performance.now();
    const r = spawnSync(process.execPath, [CLI, 'trace', 'migrations/002_changes.sql', '--format', 'json'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`trace exited ${r.status}: ${r.stderr}\n${r.stdout.slice(0, 2000)}`);
    return ms;
  };
  const cacheDir = path.join(dir, 'cache');
  cli({ PG_PREFLIGHT_CACHE_DIR: cacheDir }); // fills the data directory cache
  // In-process: the language server's view.
  process.env.PG_PREFLIGHT_CACHE_DIR = cacheDir;
  await loadParser();
  const host = new PgliteHost();
  let t = performance.now();
  const first = await runTrace({ text, path: 'migrations/002_changes.sql', priorFiles: [earlier] }, { host });
  const coldMs = performance.now() - t;
  if (first.disagreements.length || first.failedStatement !== undefined)
    throw new Error(`unexpected result: ${JSON.stringify(first.disagreements)} ${first.statements.find((s) => s.error)?.error?.message}`);
  rows.push({
    name: 'cold, in-process (first trace)',
    runs: [coldMs],
    detail: `start ${fmt(first.timings.startMs)}, replay ${fmt(first.timings.replayMs)}, trace ${fmt(first.timings.traceMs)}`,
  });
  const warm: number[] = [];
  let last = first;
  for (let i = 0; i < RUNS; i++) {
    t = performance.now();
    // An edit: the text differs a little each time (a comment), as in the editor.
    last = await runTrace({ text: `-- edit ${i}\n${text}`, path: 'migrations/002_changes.sql', priorFiles: [earlier] }, { host });
    warm.push(performance.now() - t);
  }
  rows.push({ name: 'warm (same folder, after an edit)', runs: warm, detail: `trace ${fmt(last.timings.traceMs)} of it` });
  const next: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    // Alternate between the two files: each switch extends or shortens the replayed base.
    t = performance.now();
    await runTrace(
      { text: traceMigration('_b'), path: 'migrations/003_more.sql', priorFiles: [earlier, { path: 'migrations/002_changes.sql', text }] },
      { host },
    );
    next.push(performance.now() - t);
    await runTrace({ text, path: 'migrations/002_changes.sql', priorFiles: [earlier] }, { host });
  }
  rows.push({ name: 'warm, next file (replays one more file)', runs: next, detail: 'only the added earlier file is replayed' });
  await host.close();

  // CLI processes last, so the in-process figures are not taken right after a burst of child processes.
  rows.push({
    name: 'cold, CLI, no cache (initdb)',
    runs: Array.from({ length: COLD_RUNS }, () => cli({ PG_PREFLIGHT_CACHE_DIR: 'off' })),
  });
  rows.push({
    name: 'cold, CLI (cached data dir)',
    runs: Array.from({ length: COLD_RUNS }, () => cli({ PG_PREFLIGHT_CACHE_DIR: cacheDir })),
  });
  const traced = last.statements.filter((s) => s.traced).length;
  console.log(
    `pg-preflight trace on PGlite: a ${statements}-statement migration (${traced} traced), an earlier migration of ${TABLES} tables`,
  );
  console.log(`${os.cpus().length} CPU(s), node ${process.version}, ${RUNS} warm runs, ${COLD_RUNS} cold runs\n`);
  const w = Math.max(...rows.map((r) => r.name.length));
  console.log(`${'case'.padEnd(w)} | median   | min      | max`);
  for (const r of rows) {
    const s = stats(r.runs);
    console.log(
      `${r.name.padEnd(w)} | ${fmt(s.median).padEnd(8)} | ${fmt(s.min).padEnd(8)} | ${fmt(s.max)}${r.detail ? `   (${r.detail})` : ''}`,
    );
  }
  const warmMedian = stats(warm).median;
  console.log(`\nGoal: a warm trace under ${fmt(GOAL_MS)}: ${warmMedian < GOAL_MS ? 'met' : 'NOT met'} (median ${fmt(warmMedian)}).`);
  const outDir = path.join(ROOT, '.bench');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(
    path.join(outDir, 'trace.json'),
    JSON.stringify({ date: new Date().toISOString(), statements, traced, rows: rows.map((r) => ({ ...r, ...stats(r.runs) })) }, null, 2) +
      '\n',
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
