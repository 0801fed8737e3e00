// `npm run bench:history` (and part of `npm run bench`): a whole migration history in one run, the case CI
// hits first. Generates histories of 100, 200, 400 and 800 migrations in two layouts (a flat Supabase
// folder, and Prisma's folder per migration), each file a few realistic statements that build on the
// earlier files, and times in the same run, interleaved round by round:
//
//   pg-preflight   node server/bin/pg-preflight.js check <folder> --format json --fail-on never (cwd: the project)
//   squawk         the native binary on the same files (--reporter json <files...>)
//   PGLS           postgres-language-server check <folder> (the native binary, when installed)
//   parse only     node server/dist/bench/parse-floor.js <files...>: node, libpg-query's WASM and one parse of
//                  every file, no analysis: the floor under pg-preflight's own work
//
// Wall time (median) and CPU time (user + sys, median; steadier than wall time on a loaded machine), the
// cost per file, and pg-preflight's ratio to squawk. Linear means the cost per file stays flat as the
// history doubles. Figures only, never assertions.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PARSE_FLOOR_SCRIPT, PGLS, SQUAWK } from './peers';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'server/bin/pg-preflight.js');
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
export const HISTORY_SIZES = [100, 200, 400, 800];

/** Migration i of a history: new tables, and changes to the tables of earlier migrations. */
export function historyMigration(i: number): string {
  const t = `t_${i}`;
  const out = [
    `create table ${t} (id bigint generated always as identity primary key, name text not null, created_at timestamptz not null default now());`,
  ];
  if (i > 1) {
    const prev = `t_${i - 1}`;
    out.push(`alter table ${prev} add column ${t}_id bigint references ${t} (id);`);
    out.push(`create index ${prev}_${t}_id_idx on ${prev} (${t}_id);`);
    if (i % 5 === 0) out.push(`alter table ${prev} alter column name type varchar(200);`);
    if (i % 7 === 0) out.push(`update ${prev} set name = trim(name) where name <> trim(name);`);
  }
  out.push(`comment on table ${t} is 'migration ${i}';`);
  return `${out.join('\n')}\n`;
}

interface Layout {
  name: string;
  /** Writes the history under `dir`; returns the folder to check and its files. */
  write(dir: string, count: number): { folder: string; files: string[] };
}

const LAYOUTS: Layout[] = [
  {
    name: 'Supabase (flat folder)',
    write(dir, count) {
      const folder = path.join(dir, 'supabase', 'migrations');
      fs.mkdirSync(folder, { recursive: true });
      const files: string[] = [];
      for (let i = 1; i <= count; i++) {
        const f = path.join(folder, `2024${String(i).padStart(10, '0')}_m${i}.sql`);
        fs.writeFileSync(f, historyMigration(i));
        files.push(f);
      }
      return { folder, files };
    },
  },
  {
    name: 'Prisma (folder per migration)',
    write(dir, count) {
      const folder = path.join(dir, 'prisma', 'migrations');
      const files: string[] = [];
      for (let i = 1; i <= count; i++) {
        const sub = path.join(folder, `2024${String(i).padStart(10, '0')}_m${i}`);
        fs.mkdirSync(sub, { recursive: true });
        const f = path.join(sub, 'migration.sql');
        fs.writeFileSync(f, historyMigration(i));
        files.push(f);
      }
      return { folder, files };
    },
  },
];

interface Sample {
  wallMs: number;
  cpuMs?: number;
  ok: boolean;
}

function run(cmd: string, args: string[], cwd: string, tmp: string): Sample {
  const timeFile = path.join(tmp, 'time.out');
  const [c, a] = TIME ? [TIME, ['-f', '%U %S', '-o', timeFile, cmd, ...args]] : [cmd, args];
  const t0 = performance.now();
  const r = spawnSync(c, a, { cwd, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const wallMs = performance.now() - t0;
  let cpuMs: number | undefined;
  if (TIME) {
    const m = /([\d.]+)\s+([\d.]+)\s*$/.exec(fs.readFileSync(timeFile, 'utf8').trim());
    if (m) cpuMs = (Number(m[1]) + Number(m[2])) * 1000;
  }
  return { wallMs, cpuMs, ok: !r.error && r.status !== null && r.status <= 1 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

export interface HistoryRow {
  layout: string;
  files: number;
  tools: Record<string, { wallMs: number; cpuMs?: number; failed: boolean } | undefined>;
}

export function benchHistory(runs = Number(process.env.PG_PREFLIGHT_BENCH_RUNS ?? 5), sizes = HISTORY_SIZES): HistoryRow[] {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgp-bench-history-'));
  const rows: HistoryRow[] = [];
  try {
    for (const layout of LAYOUTS) {
      for (const count of sizes) {
        const dir = path.join(tmp, `${layout.name.split(' ')[0].toLowerCase()}-${count}`);
        fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
        const { folder, files } = layout.write(dir, count);
        const tools: [string, string, string[], boolean][] = [
          ['pg-preflight', process.execPath, [CLI, 'check', folder, '--format', 'json', '--fail-on', 'never'], true],
          ['squawk', SQUAWK, ['--reporter', 'json', ...files], fs.existsSync(SQUAWK)],
          ['PGLS', PGLS, ['check', folder], fs.existsSync(PGLS)],
          ['parse only', process.execPath, [PARSE_FLOOR_SCRIPT, ...files], true],
        ];
        const samples = new Map<string, Sample[]>();
        for (let round = 0; round <= runs; round++) {
          for (const [name, cmd, args, present] of tools) {
            if (!present) continue;
            const s = run(cmd, args, dir, tmp);
            if (round === 0) continue; // warm-up: the page cache, not the tool
            samples.set(name, [...(samples.get(name) ?? []), s]);
          }
        }
        const row: HistoryRow = { layout: layout.name, files: count, tools: {} };
        for (const [name] of tools) {
          const s = samples.get(name);
          row.tools[name] = s
            ? {
                wallMs: median(s.map((x) => x.wallMs)),
                cpuMs: s.every((x) => x.cpuMs !== undefined) ? median(s.map((x) => x.cpuMs as number)) : undefined,
                failed: s.some((x) => !x.ok),
              }
            : undefined;
        }
        rows.push(row);
        process.stderr.write(`history: ${layout.name}, ${count} files done\n`);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return rows;
}

export function renderHistory(rows: HistoryRow[]): string {
  const f = (ms: number | undefined) => (ms === undefined ? 'n/a' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
  const lines = [
    '| layout | files | pg-preflight wall / CPU | per file (CPU) | squawk wall / CPU | PGLS wall / CPU | pg-preflight / squawk (CPU) | parse only wall / CPU | parse only / squawk (CPU) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const p = r.tools['pg-preflight'];
    const s = r.tools.squawk;
    const g = r.tools.PGLS;
    const cell = (t: HistoryRow['tools'][string]) => (t ? `${f(t.wallMs)} / ${f(t.cpuMs)}${t.failed ? ' (failed)' : ''}` : 'not installed');
    const floor = r.tools['parse only'];
    const toSquawk = (t: HistoryRow['tools'][string]) =>
      t?.cpuMs !== undefined && s?.cpuMs ? `${(t.cpuMs / s.cpuMs).toFixed(1)}x` : 'n/a';
    lines.push(
      `| ${r.layout} | ${r.files} | ${cell(p)} | ${p?.cpuMs !== undefined ? `${(p.cpuMs / r.files).toFixed(2)} ms` : 'n/a'} | ${cell(s)} | ${cell(g)} | ${toSquawk(p)} | ${cell(floor)} | ${toSquawk(floor)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  const rows = benchHistory();
  process.stdout.write(
    `\nA whole history in one run (median of ${process.env.PG_PREFLIGHT_BENCH_RUNS ?? 5}; load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')}):\n\n`,
  );
  process.stdout.write(renderHistory(rows));
}
