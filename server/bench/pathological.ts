// Inputs that used to take minutes (issue 10): each at two sizes, in-process, so superlinear growth shows
// (2x the input should take ~2x the time). Run by `npm run bench` after the CLI figures, or alone:
// node server/dist/bench/pathological.js. Figures only, no assertions (robustness.test.ts counts the work).
import { performance } from 'node:perf_hooks';
import { DEFAULT_SETTINGS } from '@pg-preflight/shared';
import { analyze } from '../src/core/analyze';
import { planSplit, planToMarkdown } from '../src/core/fixes';
import { loadParser } from '../src/core/syntax/parse';
import { generateMigration } from './bench';

export const CASES: { name: string; make: (n: number) => string; n: number; split?: boolean }[] = [
  { name: "'/*' x n (unterminated nested comment)", make: (n) => '/*'.repeat(n), n: 100_000 },
  { name: "SELECT 1 + '/*' x n + '*/' x n", make: (n) => `SELECT 1 ${'/*'.repeat(n)}${'*/'.repeat(n)};`, n: 50_000 },
  { name: "SELECT 1 '*/' x n", make: (n) => `SELECT 1 ${'*/'.repeat(n)};`, n: 100_000 },
  { name: "SELECT 1 '+-' x n 1 (operator run)", make: (n) => `SELECT 1 ${'+-'.repeat(n)} 1;`, n: 100_000 },
  { name: "SELECT 'NOT ' x n true (deep AST)", make: (n) => `SELECT ${'NOT '.repeat(n)}true;`, n: 50_000 },
  { name: "SELECT '(' x n 1 ')' x n", make: (n) => `SELECT ${'('.repeat(n)}1${')'.repeat(n)};`, n: 5_000 },
  { name: 'n x SELECT $a$x$a$; (dollar quotes)', make: (n) => 'SELECT $a$x$a$;\n'.repeat(n), n: 20_000 },
  { name: 'one line of n statements', make: (n) => 'SELECT 1;'.repeat(n), n: 20_000 },
  { name: 'identifier of n chars', make: (n) => `CREATE TABLE ${'a'.repeat(n)} (id int);`, n: 1_000_000 },
  {
    name: 'ALTER TABLE with n subcommands',
    make: (n) => `ALTER TABLE t ${Array.from({ length: n }, (_, i) => `ADD COLUMN c${i} int`).join(', ')};`,
    n: 4_000,
  },
  { name: 'generated migration, n statements: analyze + split + plan', make: (n) => generateMigration(n, `p${n}`), n: 5_000, split: true },
];

function time(text: string, split: boolean): { analyzeMs: number; splitMs?: number } {
  const input = { text, path: 'migrations/0001_bench.sql', settings: DEFAULT_SETTINGS };
  let t = performance.now();
  const a = analyze(input);
  const analyzeMs = performance.now() - t;
  if (!split) return { analyzeMs };
  t = performance.now();
  const plan = planSplit(input, a);
  planToMarkdown(input, plan, a);
  return { analyzeMs, splitMs: performance.now() - t };
}

export async function pathological(write: (s: string) => void): Promise<void> {
  await loadParser();
  write('\npathological inputs (in-process analyze(); for the last row also planSplit + planToMarkdown; 2n/n near 2 = linear):\n');
  const h = 'input                                                      |        n | chars n  | ms at n  | ms at 2n | 2n/n';
  write(`${h}\n${h.replace(/[^|]/g, '-')}\n`);
  for (const c of CASES) {
    const one = c.make(c.n);
    const two = c.make(2 * c.n);
    time(c.make(Math.max(1, c.n >> 4)), !!c.split); // warm the JIT
    const a = time(one, !!c.split);
    const b = time(two, !!c.split);
    const ms = (r: { analyzeMs: number; splitMs?: number }) => r.analyzeMs + (r.splitMs ?? 0);
    write(
      `${c.name.padEnd(58)} | ${String(c.n).padStart(8)} | ${String(one.length).padStart(8)} | ${ms(a).toFixed(0).padStart(8)} | ${ms(b).toFixed(0).padStart(8)} | ${(ms(b) / Math.max(1, ms(a))).toFixed(1)}\n`,
    );
  }
}

if (require.main === module) {
  pathological((s) => process.stdout.write(s)).catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  });
}
