// `npm run bench`: CLI wall time and memory of pg-preflight against squawk on generated migrations.
//
// Generates a 200-statement and a 5,000-statement migration (a realistic mix: CREATE TABLE, ADD
// COLUMN, CREATE INDEX, ADD CONSTRAINT, SET NOT NULL, UPDATE, comments, DO blocks, dollar-quoted
// PL/pgSQL functions, triggers) into a temp dir, one project per file (<tmp>/p<N>/migrations/...) so
// neither tool sees the other file as an earlier migration. pg-preflight runs with that project as its
// cwd, so its results do not depend on this repository (no .pg-preflight.json, no application sources
// to search for renamed names). Then, after one warm-up, runs each tool RUNS times per file, the runs
// interleaved round by round:
//
//   pg-preflight         node server/bin/pg-preflight.js check <file> --format json --fail-on never
//                        (the bin runs the CLI's bundle with its code cache, and libpg-query's WASM with
//                        V8's Liftoff only: see the bin and src/cli/bundle.ts)
//   squawk (native)      node_modules/@squawk-cli/linux-x64/bin/squawk --reporter json <file>
//   PGLS (native)        postgres-language-server check <file> (when its optional dependency is installed)
//   node -e 0 (bare)     the floor of any node-launched CLI
//   libpg-query parse    node server/dist/bench/parse-floor.js <file>: node, the parser's WASM and one parse of
//     only               the file, no analysis: what no change to pg-preflight's own work can go below
//
// The goals (the speed issue) are judged on these rows of the same run: 200 statements at most 2.5x the bare
// node, 5,000 statements at most 2x squawk's native binary, faster than PGLS and at most 100 MB peak RSS.
// squawk's native binary is installed by the root package.json as the optional dependency
// @squawk-cli/linux-x64 (the registry here serves no other platform's package). Elsewhere the binary is
// missing: squawk is then reported as not measured, and the bench still runs.
// `npx squawk-cli` (squawk-cli's node launcher, which spawns that same binary) would add ~90 ms per
// run on top: measured earlier on 200 statements, 102 ms through the launcher vs 13.5 ms native.
//
// squawk exits 1 when it reports anything; the exit code is ignored (squawk has no flag to turn it
// off), but its stdout must be a JSON array or the run counts as failed.
//
// Measurement: wall time is performance.now() around spawnSync in this process (resolution far below
// a millisecond; /usr/bin/time's %e has only 10 ms). Max RSS is /usr/bin/time -f %M, i.e. wait4()'s
// ru_maxrss: the peak resident set of the largest single process in the child's tree (for the npm
// shim that is max(node shim, native squawk), not their sum). Without /usr/bin/time, RSS is "n/a".
//
// Then the in-process breakdown: a fresh `node server/dist/bench/bench.js --inproc <file>` per run
// reports node boot, require() of the core, loadParser() (WASM), splitSql, libpg-query parse of every
// statement, the first analyze() (cold: parses) and warm analyze() calls (the per-statement parse cache
// is hit, so warm = analysis without parsing). Startup and analysis are thereby separated. It runs on
// INPROC_SIZES statements, up to 10,000, and prints analyze() per statement: flat when analysis is
// linear in the file (a rule that walks all earlier statements per statement shows as growth).
//
// Then the pathological inputs (pathological.ts): inputs that once took minutes, at n and 2n.
//
// Prints a table and writes .bench/results.json (gitignored). Figures only, no assertions.
// Environment: PG_PREFLIGHT_BENCH_RUNS (default 5), PG_PREFLIGHT_BENCH_WAIT_S (wait that long for the CLI
// to be built, default 0), PG_PREFLIGHT_BENCH_KEEP=1 (copy the generated migrations to .bench/).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathological } from './pathological';
import { PARSE_FLOOR_SCRIPT, PGLS, SQUAWK, SQUAWK_PACKAGE } from './peers';

const ROOT = path.resolve(__dirname, '../../..');
const RUNS = Number(process.env.PG_PREFLIGHT_BENCH_RUNS ?? 5);
const SIZES = [200, 5000];
/** In-process analyze() sizes: the CLI sizes and more, to show that analysis is linear. */
const INPROC_SIZES = [200, 1000, 2500, 5000, 10000];
const BASELINE = 'squawk (native)';
const BARE_NODE = 'node -e 0 (bare)';
const PARSE_FLOOR = 'libpg-query parse only';
const PGLS_NAME = 'PGLS (native)';
/** The goals of the speed issue, each judged against a row measured in the same run. */
const GOALS = { bareNodeRatio200: 2.5, squawkRatio5000: 2, maxRssMB5000: 100 };
const CLI = path.join(ROOT, 'server/bin/pg-preflight.js');
const CLI_MAIN = path.join(ROOT, 'server/dist/src/cli/main.js');
/** squawk's native binary, from the optional dependency @squawk-cli/linux-x64 (root package.json). */
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

// ---------------------------------------------------------------------------------------------
// Migration generator

/** `count` statements; every name carries `tag` so no two files share a statement text. */
export function generateMigration(count: number, tag: string): string {
  const out: string[] = [];
  let n = 0;
  const emit = (sql: string, comment?: string) => {
    if (n >= count) return;
    if (comment) out.push(comment);
    out.push(sql);
    n++;
  };
  const p = tag;
  out.push(`-- Benchmark migration ${tag}: ${count} statements, generated by server/bench/bench.ts.`);
  out.push(`-- A realistic mix of schema changes on new and existing tables.`);
  emit(`SET lock_timeout = '5s';`);
  emit(`SET statement_timeout = '30s';`);
  emit(
    `CREATE TABLE IF NOT EXISTS ${p}_accounts (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  name text NOT NULL,\n  created_at timestamptz NOT NULL DEFAULT now()\n);`,
  );
  for (let k = 0; n < count; k++) {
    const t = `${p}_orders_${k}`;
    const legacy = `public.${p}_legacy_${k % 7}`;
    emit(
      `CREATE TABLE ${t} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  account_id bigint NOT NULL,\n  email text,\n  status text NOT NULL DEFAULT 'new',\n  amount numeric(12, 2),\n  payload jsonb NOT NULL DEFAULT '{}'::jsonb,\n  created_at timestamptz NOT NULL DEFAULT now()\n);`,
      `\n-- ${t}: orders shard ${k}`,
    );
    emit(`COMMENT ON TABLE ${t} IS 'Orders, shard ${k}; it''s partitioned by hand';`);
    emit(`ALTER TABLE ${t} ADD COLUMN note text;`);
    emit(`ALTER TABLE ${t} ADD COLUMN score integer NOT NULL DEFAULT 0;`);
    emit(`CREATE INDEX ${t}_account_idx ON ${t} (account_id);`);
    emit(`ALTER TABLE ${t} ADD CONSTRAINT ${t}_amount_check CHECK (amount >= 0 AND amount < 1000000);`);
    emit(`ALTER TABLE ${t} ADD CONSTRAINT ${t}_account_fk FOREIGN KEY (account_id) REFERENCES ${p}_accounts (id);`);
    emit(`ALTER TABLE ${t} ALTER COLUMN email SET NOT NULL;`);
    emit(
      `CREATE OR REPLACE FUNCTION ${t}_touch() RETURNS trigger\nLANGUAGE plpgsql AS $fn$\nBEGIN\n  -- keep the row's timestamps honest; a ';' in a comment must not end the statement\n  NEW.created_at := coalesce(NEW.created_at, now());\n  IF NEW.status = 'closed' THEN\n    UPDATE ${p}_accounts SET name = name WHERE id = NEW.account_id;\n  END IF;\n  RETURN NEW;\nEND;\n$fn$;`,
      `/* trigger function for ${t}:\n   /* nested comment */ still a comment */`,
    );
    emit(`CREATE TRIGGER ${t}_touch BEFORE INSERT OR UPDATE ON ${t}\n  FOR EACH ROW EXECUTE FUNCTION ${t}_touch();`);
    // Changes to existing tables (not created in this file): the statements lock rules care about.
    emit(`ALTER TABLE ${legacy} ADD COLUMN flag_${k} boolean DEFAULT false;`, `-- backfill flag_${k} on ${legacy}`);
    emit(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${p}_legacy_flag_${k}_idx ON ${legacy} (flag_${k}) WHERE flag_${k};`);
    emit(`UPDATE ${legacy} SET flag_${k} = true WHERE id % 97 = ${k % 97} AND updated_at < now() - interval '30 days';`);
    emit(`ALTER TABLE ${legacy} ADD CONSTRAINT ${p}_legacy_flag_${k}_not_null CHECK (flag_${k} IS NOT NULL) NOT VALID;`);
    emit(`ALTER TABLE ${legacy} VALIDATE CONSTRAINT ${p}_legacy_flag_${k}_not_null;`);
    emit(`ALTER TABLE ${legacy} ALTER COLUMN flag_${k} SET NOT NULL;`);
    emit(`CREATE INDEX ${p}_legacy_created_${k}_idx ON ${legacy} (created_at DESC, id);`);
    emit(
      `DO $$\nDECLARE\n  missing integer;\nBEGIN\n  SELECT count(*) INTO missing FROM ${legacy} WHERE flag_${k} IS NULL;\n  IF missing > 0 THEN\n    RAISE NOTICE 'flag_${k}: % rows still null', missing;\n  END IF;\nEND\n$$;`,
    );
    emit(`ALTER TABLE ${legacy} ALTER COLUMN score_${k} TYPE bigint;`);
    emit(`ALTER TABLE ${legacy} RENAME COLUMN old_${k} TO legacy_${k};`);
    emit(`INSERT INTO ${p}_accounts (name) SELECT 'account ' || g FROM generate_series(1, ${10 + k}) g;`);
  }
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Child processes

interface RunResult {
  wallMs: number;
  rssKB?: number;
  status: number | null;
  stdoutBytes: number;
}

function runOnce(cmd: string, args: string[], tmp: string, cwd = ROOT): RunResult & { stdout: string; stderr: string } {
  const timeFile = path.join(tmp, 'time.out');
  const [c, a] = TIME ? [TIME, ['-f', '%e %M', '-o', timeFile, cmd, ...args]] : [cmd, args];
  const t0 = performance.now();
  const r = spawnSync(c, a, { cwd, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const wallMs = performance.now() - t0;
  if (r.error) throw r.error;
  let rssKB: number | undefined;
  if (TIME) {
    const line = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
    const m = /([\d.]+)\s+(\d+)$/.exec(line);
    if (m) rssKB = Number(m[2]);
  }
  return { wallMs, rssKB, status: r.status, stdoutBytes: Buffer.byteLength(r.stdout), stdout: r.stdout, stderr: r.stderr };
}

interface Tool {
  name: string;
  /** The command as a reader would type it; FILE stands for the migration. */
  display: string;
  cmd: string;
  args: (file: string) => string[];
  /** Working directory: pg-preflight runs in the generated project, squawk in the repo root. */
  inProject?: boolean;
  /** Number of findings in stdout, or an error message when the run did not do the work. */
  check: (r: { stdout: string; stderr: string; status: number | null }) => number | null | string;
}

function jsonArrayCount(stdout: string): number | string {
  try {
    const v = JSON.parse(stdout);
    if (Array.isArray(v)) return v.length;
    return 'stdout is not a JSON array';
  } catch (err) {
    return `stdout is not JSON: ${(err as Error).message}`;
  }
}

function countPreflightFindings(stdout: string): number | string {
  let v: unknown;
  try {
    v = JSON.parse(stdout);
  } catch (err) {
    return `stdout is not JSON: ${(err as Error).message}`;
  }
  // Count every `violations` / `findings` array, whatever the reporter's exact shape.
  let count = 0;
  let seen = false;
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(visit);
    if (!x || typeof x !== 'object') return;
    for (const [k, val] of Object.entries(x)) {
      if ((k === 'violations' || k === 'findings') && Array.isArray(val)) {
        seen = true;
        count += val.length;
      } else visit(val);
    }
  };
  visit(v);
  return seen ? count : 0;
}

/** The native squawk binary, or why it is not there. */
function squawkBinary(): { path: string } | { missing: string } {
  if (fs.existsSync(SQUAWK)) return { path: SQUAWK };
  const platform = `${process.platform}-${process.arch}`;
  return {
    missing:
      `${path.relative(ROOT, SQUAWK)} is not installed` +
      (platform === 'linux-x64'
        ? ` (run npm ci; it is an optional dependency of the root package.json)`
        : ` (${SQUAWK_PACKAGE} is installed on linux-x64 only; this is ${platform})`),
  };
}

function tools(): Tool[] {
  const list: Tool[] = [
    {
      name: 'pg-preflight',
      display: 'node server/bin/pg-preflight.js check FILE --format json --fail-on never',
      cmd: process.execPath,
      args: (f) => [CLI, 'check', f, '--format', 'json', '--fail-on', 'never'],
      inProject: true,
      check: (r) => (r.status !== 0 ? `exit ${r.status}: ${r.stderr.trim().slice(0, 300)}` : countPreflightFindings(r.stdout)),
    },
  ];
  const squawk = squawkBinary();
  const squawkCheck: Tool['check'] = (r) =>
    r.status !== 0 && r.status !== 1 ? `exit ${r.status}: ${r.stderr.trim().slice(0, 300)}` : jsonArrayCount(r.stdout);
  if ('path' in squawk) {
    list.push({
      name: BASELINE,
      display: `${path.relative(ROOT, squawk.path)} --reporter json FILE`,
      cmd: squawk.path,
      args: (f) => ['--reporter', 'json', f],
      check: squawkCheck,
    });
  }
  if (fs.existsSync(PGLS)) {
    list.push({
      name: PGLS_NAME,
      display: `${path.relative(ROOT, PGLS)} check FILE`,
      cmd: PGLS,
      args: (f) => ['check', f],
      // Exits 1 when it reports anything; its summary line says the file was checked.
      check: (r) =>
        r.status !== 0 && r.status !== 1
          ? `exit ${r.status}: ${r.stderr.trim().slice(0, 300)}`
          : /Checked 1 file/.test(r.stdout + r.stderr)
            ? null
            : 'no summary line',
    });
  }
  // The floors: a node that does nothing, and one that only loads libpg-query and parses the file.
  list.push(
    { name: BARE_NODE, display: 'node -e 0', cmd: process.execPath, args: () => ['-e', '0'], check: () => null },
    {
      name: PARSE_FLOOR,
      display: 'node server/dist/bench/parse-floor.js FILE',
      cmd: process.execPath,
      args: (f) => [PARSE_FLOOR_SCRIPT, f],
      check: (r) => (r.status !== 0 ? `exit ${r.status}: ${r.stderr.trim().slice(0, 300)}` : null),
    },
  );
  return list;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// ---------------------------------------------------------------------------------------------
// In-process breakdown (runs in a fresh child: `bench.js --inproc <file> <warmRuns>`)

interface InprocResult {
  bootMs: number;
  requireMs: number;
  loadParserMs: number;
  readMs: number;
  splitMs: number;
  parseMs: number;
  analyzeColdMs: number;
  analyzeWarmMs: number;
  stringifyMs: number;
  /** performance.now() when the work was done, i.e. ms since the process started. */
  endMs: number;
  /** Filled in by the parent: its wall time for the child minus endMs. Node waits at exit for V8's
   * background jobs, above all TurboFan recompiling libpg-query's WASM, so this is not ~0. */
  exitMs: number;
  wallMs: number;
  statements: number;
  violations: number;
  rssMB: number;
}

async function inproc(file: string, warmRuns: number): Promise<void> {
  const bootMs = performance.now(); // since this process started (performance.timeOrigin)
  let t = performance.now();
  const analyzeMod = await import('../src/core/analyze');
  const parseMod = await import('../src/core/syntax/parse');
  const splitMod = await import('../src/core/syntax/split');
  const libpg = await import('libpg-query');
  const requireMs = performance.now() - t;
  t = performance.now();
  await parseMod.loadParser();
  const loadParserMs = performance.now() - t;
  t = performance.now();
  const text = fs.readFileSync(file, 'utf8');
  const readMs = performance.now() - t;
  // Order matters: the raw parse goes first so analyze()'s first call still finds the cache cold.
  t = performance.now();
  const { statements } = splitMod.splitSql(text);
  const splitMs = performance.now() - t;
  t = performance.now();
  for (const s of statements) {
    if (s.kind === 'meta') continue;
    try {
      libpg.parseSync(s.text);
    } catch {
      // syntax errors cost the same; analyze() reports them
    }
  }
  const parseMs = performance.now() - t;
  t = performance.now();
  const first = analyzeMod.analyze({ text, path: file });
  const analyzeColdMs = performance.now() - t;
  const warm: number[] = [];
  for (let i = 0; i < warmRuns; i++) {
    t = performance.now();
    analyzeMod.analyze({ text, path: file });
    warm.push(performance.now() - t);
  }
  t = performance.now();
  JSON.stringify(first);
  const stringifyMs = performance.now() - t;
  const out: InprocResult = {
    bootMs,
    requireMs,
    loadParserMs,
    readMs,
    splitMs,
    parseMs,
    analyzeColdMs,
    analyzeWarmMs: median(warm),
    stringifyMs,
    endMs: 0,
    exitMs: 0,
    wallMs: 0,
    statements: first.statements.length,
    violations: first.violations.length,
    rssMB: process.memoryUsage().rss / 1e6,
  };
  out.endMs = performance.now();
  process.stdout.write(JSON.stringify(out));
}

// ---------------------------------------------------------------------------------------------

interface ToolSummary {
  file: string;
  statements: number;
  bytes: number;
  tool: string;
  command: string;
  runs: RunResult[];
  medianWallMs: number;
  maxRssMB?: number;
  /** null: the tool does not report its findings in a form counted here. */
  findings: number | null;
  error?: string;
}

async function waitForCli(): Promise<boolean> {
  const deadline = Date.now() + Number(process.env.PG_PREFLIGHT_BENCH_WAIT_S ?? 0) * 1000;
  for (;;) {
    if (fs.existsSync(CLI_MAIN)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 5000));
  }
}

const fmt = (n: number | undefined, digits = 0) => (n === undefined ? 'n/a' : n.toFixed(digits));

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-preflight-bench-'));
  try {
    const haveCli = await waitForCli();
    const files = SIZES.map((size) => {
      const project = path.join(tmp, `p${size}`);
      const dir = path.join(project, 'migrations');
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `bench_${size}.sql`);
      fs.writeFileSync(file, generateMigration(size, `b${size}`));
      return { size, file, project, bytes: fs.statSync(file).size };
    });
    const list = tools().filter((t) => !t.name.startsWith('pg-preflight') || haveCli);
    if (!haveCli) process.stdout.write(`note: ${path.relative(ROOT, CLI_MAIN)} is not built yet; pg-preflight CLI runs skipped\n`);
    const squawk = squawkBinary();
    if ('missing' in squawk) process.stdout.write(`note: squawk not measured: ${squawk.missing}\n`);
    const loadBefore = os.loadavg();
    process.stdout.write(
      `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, node ${process.version}, ` +
        `load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}\n` +
        `method: wall = performance.now() around spawnSync; RSS = ${TIME ? '/usr/bin/time -f %M (wait4 ru_maxrss, largest process of the tree)' : 'n/a (no /usr/bin/time)'}; ` +
        `1 warm-up + ${RUNS} runs, median\n\n`,
    );

    // Runs are interleaved (one run of every tool, then the next round) so that a burst of other work
    // on the machine hits every tool alike instead of skewing one tool's median.
    const summaries: ToolSummary[] = [];
    for (const f of files) {
      const active: { tool: Tool; args: string[]; cwd: string; s: ToolSummary }[] = [];
      for (const tool of list) {
        const args = tool.args(f.file);
        const cwd = tool.inProject ? f.project : ROOT;
        const warm = runOnce(tool.cmd, args, tmp, cwd);
        const checked = tool.check(warm);
        const s: ToolSummary = {
          file: path.basename(f.file),
          statements: f.size,
          bytes: f.bytes,
          tool: tool.name,
          command: tool.display.replace('FILE', path.basename(f.file)),
          runs: [],
          medianWallMs: NaN,
          findings: typeof checked === 'number' ? checked : null,
        };
        summaries.push(s);
        if (typeof checked === 'string') {
          s.error = checked;
          process.stdout.write(`${s.file} ${tool.name}: FAILED (${checked})\n`);
        } else active.push({ tool, args, cwd, s });
      }
      for (let i = 0; i < RUNS; i++) {
        for (const { tool, args, cwd, s } of active) {
          const r = runOnce(tool.cmd, args, tmp, cwd);
          s.runs.push({ wallMs: r.wallMs, rssKB: r.rssKB, status: r.status, stdoutBytes: r.stdoutBytes });
        }
      }
      for (const { s } of active) {
        s.medianWallMs = median(s.runs.map((r) => r.wallMs));
        const rss = s.runs.map((r) => r.rssKB).filter((x): x is number => x !== undefined);
        if (rss.length) s.maxRssMB = Math.max(...rss) / 1024;
      }
    }

    const ours = (file: string) => summaries.find((s) => s.file === file && s.tool === 'pg-preflight' && !s.error);
    const header = 'file           | stmts | tool                   | median wall ms | max RSS MB | findings | pg-preflight/this';
    process.stdout.write(`${header}\n${header.replace(/[^|]/g, '-')}\n`);
    for (const s of summaries) {
      const o = ours(s.file);
      const ratio = s.tool.startsWith('pg-preflight') ? '-' : o && !s.error ? `${(o.medianWallMs / s.medianWallMs).toFixed(2)}x` : 'n/a';
      process.stdout.write(
        `${s.file.padEnd(14)} | ${String(s.statements).padStart(5)} | ${s.tool.padEnd(22)} | ${(s.error ? 'FAILED' : fmt(s.medianWallMs, 1)).padStart(14)} | ${fmt(s.maxRssMB, 1).padStart(10)} | ${(s.findings === null ? 'n/a' : String(s.findings)).padStart(8)} | ${ratio}\n`,
      );
    }
    process.stdout.write('\n');
    const row = (file: string, tool: string) => summaries.find((x) => x.file === file && x.tool === tool && !x.error);
    const goals: { goal: string; value: number | undefined; limit: number; met: boolean }[] = [];
    const judge = (goal: string, value: number | undefined, limit: number) =>
      goals.push({ goal, value, limit, met: value !== undefined && value <= limit });
    const ratio = (a?: ToolSummary, b?: ToolSummary) => (a && b ? a.medianWallMs / b.medianWallMs : undefined);
    const f200 = path.basename(files[0].file);
    const f5000 = path.basename(files[1].file);
    judge(`${f200}: pg-preflight / bare node`, ratio(ours(f200), row(f200, BARE_NODE)), GOALS.bareNodeRatio200);
    judge(`${f5000}: pg-preflight / squawk`, ratio(ours(f5000), row(f5000, BASELINE)), GOALS.squawkRatio5000);
    judge(`${f5000}: pg-preflight / PGLS`, ratio(ours(f5000), row(f5000, PGLS_NAME)), 1);
    judge(`${f5000}: pg-preflight max RSS MB`, ours(f5000)?.maxRssMB, GOALS.maxRssMB5000);
    process.stdout.write('goals (the speed issue; ratios of medians in this run):\n');
    for (const g of goals)
      process.stdout.write(
        `  ${g.goal.padEnd(40)} ${g.value === undefined ? 'not measured' : g.value.toFixed(2).padStart(7)}  (goal <= ${g.limit}) ${g.value === undefined ? '' : g.met ? 'met' : 'not met'}\n`,
      );
    // What no change to the analysis can go below: node's start plus libpg-query's WASM and one parse.
    for (const f of [f200, f5000]) {
      const floor = row(f, PARSE_FLOOR);
      const o = ours(f);
      if (!floor || !o) continue;
      process.stdout.write(
        `  ${f}: the parse-only floor takes ${floor.medianWallMs.toFixed(1)} ms = ${ratio(floor, row(f, BARE_NODE))?.toFixed(2) ?? 'n/a'}x bare node, ` +
          `${ratio(floor, row(f, BASELINE))?.toFixed(2) ?? 'n/a'}x squawk; pg-preflight's own work above it ${(o.medianWallMs - floor.medianWallMs).toFixed(1)} ms\n`,
      );
    }

    // In-process breakdown, each run a fresh node process; more sizes than the CLI runs, to show linearity.
    const inprocFiles = INPROC_SIZES.map((size) => {
      const file = path.join(tmp, `inproc_${size}.sql`);
      fs.writeFileSync(file, generateMigration(size, `b${size}`));
      return { size, file };
    });
    process.stdout.write('\nin-process breakdown (fresh node per run, median of runs, ms; us/stmt = analyze() warm per statement):\n');
    const ih =
      'stmts | node boot | require core | loadParser (WASM) | split | libpg-query parse | analyze() cold | analyze() warm | us/stmt | JSON.stringify | exit wait | RSS MB';
    process.stdout.write(`${ih}\n${ih.replace(/[^|]/g, '-')}\n`);
    const inprocResults: Record<string, InprocResult & { runs: InprocResult[] }> = {};
    for (const f of inprocFiles) {
      const runs: InprocResult[] = [];
      // Enough warm calls on small files for the JIT to settle (else their per-statement figure is inflated).
      const warmRuns = Math.max(5, Math.ceil(10_000 / f.size));
      for (let i = 0; i < RUNS + 1; i++) {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, [__filename, '--inproc', f.file, String(warmRuns)], {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        const wallMs = performance.now() - t0;
        if (r.status !== 0) throw new Error(`in-process run failed: ${r.stderr}`);
        const res = JSON.parse(r.stdout) as InprocResult;
        res.wallMs = wallMs;
        res.exitMs = wallMs - res.endMs;
        if (i > 0) runs.push(res);
      }
      const med = {} as InprocResult;
      for (const k of Object.keys(runs[0]) as (keyof InprocResult)[]) med[k] = median(runs.map((r) => r[k]));
      inprocResults[path.basename(f.file)] = { ...med, runs };
      process.stdout.write(
        `${String(f.size).padStart(5)} | ${fmt(med.bootMs, 1).padStart(9)} | ${fmt(med.requireMs, 1).padStart(12)} | ${fmt(med.loadParserMs, 1).padStart(17)} | ${fmt(med.splitMs, 1).padStart(5)} | ${fmt(med.parseMs, 1).padStart(17)} | ${fmt(med.analyzeColdMs, 1).padStart(14)} | ${fmt(med.analyzeWarmMs, 1).padStart(14)} | ${fmt((med.analyzeWarmMs * 1000) / f.size, 1).padStart(7)} | ${fmt(med.stringifyMs, 1).padStart(14)} | ${fmt(med.exitMs, 1).padStart(9)} | ${fmt(med.rssMB, 1).padStart(6)}\n`,
      );
    }
    const perStatement = inprocFiles.map((f) => ({
      size: f.size,
      us: (inprocResults[path.basename(f.file)].analyzeWarmMs * 1000) / f.size,
    }));
    // From 1,000 statements up: on 200, per-file costs (JIT, catalog setup) still weigh on each statement.
    const first = perStatement.find((p) => p.size >= 1000) ?? perStatement[0];
    const last = perStatement[perStatement.length - 1];
    process.stdout.write(
      `linearity: analyze() warm per statement ${perStatement.map((p) => `${p.size}: ${p.us.toFixed(1)} us`).join(', ')}; ` +
        `${last.size} vs ${first.size} statements: ${(last.us / first.us).toFixed(2)}x per statement (1.0 = linear; 10x would be quadratic)\n`,
    );
    process.stdout.write(
      'node boot = process start to the first line of the script; require core = analyze/parse/split/libpg-query modules; ' +
        'libpg-query parse = parseSync of every statement, uncached; analyze() cold = first call (parses; JIT cold); ' +
        'warm = median of later calls (parse cache hit: rules, locks, catalog only); exit wait = child wall time after its last line\n',
    );
    await pathological((line) => process.stdout.write(line));
    process.stdout.write(
      `load average after: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n`,
    );

    const results = {
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        memoryGB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        loadavgBefore: loadBefore,
        loadavgAfter: os.loadavg(),
      },
      method: {
        runs: RUNS,
        warmup: 1,
        wall: 'performance.now() around spawnSync',
        rss: TIME ? '/usr/bin/time -f %M (wait4 ru_maxrss)' : null,
      },
      files: files.map((f) => ({ file: path.basename(f.file), statements: f.size, bytes: f.bytes })),
      cli: summaries,
      goals,
      inprocess: inprocResults,
    };
    const outDir = path.join(ROOT, '.bench');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
    if (process.env.PG_PREFLIGHT_BENCH_KEEP) {
      for (const f of files) fs.copyFileSync(f.file, path.join(outDir, path.basename(f.file)));
    }
    process.stdout.write(`written to .bench/results.json\n`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main !== module) {
  // imported (e.g. for generateMigration): do nothing
} else if (process.argv[2] === '--inproc') {
  inproc(process.argv[3], Number(process.argv[4] ?? 5)).catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  });
} else {
  main().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  });
}
