// The cross-check: cases written from the behaviours the peers' test suites check (squawk,
// postgres-language-server, eugene, strong_migrations), each decided by PostgreSQL's own behaviour.
// This module reads the cases (test-fixtures/crosscheck/*.sql), scores pg-preflight (analyze()) and
// squawk's native binary on them, and formats the table. Format and rules: docs/crosscheck.md.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { normalizeSettings, validateStatsSnapshot, type StatsSnapshot } from '@pg-preflight/shared';
import { analyze } from '../../src/core/analyze';
import { LineIndex } from '../../src/core/syntax/text';
import { REPO } from './fixtures';

export const CROSSCHECK = path.join(REPO, 'test-fixtures/crosscheck');
export const SQUAWK_NATIVE = path.join(REPO, 'node_modules/@squawk-cli/linux-x64/bin/squawk');
export const SQUAWK_PACKAGE = '@squawk-cli/linux-x64';

export type Expect = 'dangerous' | 'safe';

export interface CrossCase {
  id: string;
  file: string;
  /** 1-based line of the `-- case:` header in its file. */
  line: number;
  expect: Expect;
  /** pg-preflight rule ids that count as catching a dangerous case ("*": any rule). */
  rules: string[];
  peers: string;
  why: string;
  /** Where we decide differently from a peer, and why. */
  disagree?: string;
  pgVersion: number;
  /** The SQL fails on the populated schema (the danger is the failure); the execution test expects an error. */
  fails: boolean;
  /** Virtual file path (runner detection); default a plain migrations/ folder, no transaction wrapping. */
  path: string;
  /** The case body: header comments and SQL, analysed as one migration file. */
  text: string;
  /** 0-based lines of `text` whose statement must carry the finding (dangerous cases). */
  markedLines: number[];
}

const HEADER = /^--\s*(case|expect|rules|peers|why|disagree|pg|fails|path):\s*(.*)$/;
const DEFAULT_PATH = 'migrations/20240101000000_crosscheck.sql';

/** Parses one fixture file into cases. Throws on a malformed case (the fixtures are ours). */
export function parseCases(file: string, text: string): CrossCase[] {
  const lines = text.split(/\r?\n/);
  const starts: number[] = [];
  lines.forEach((l, i) => {
    if (/^--\s*case:/.test(l)) starts.push(i);
  });
  const out: CrossCase[] = [];
  starts.forEach((start, k) => {
    const end = k + 1 < starts.length ? starts[k + 1] : lines.length;
    const body = lines.slice(start, end);
    const meta: Record<string, string> = {};
    for (const l of body) {
      const m = HEADER.exec(l);
      if (m) meta[m[1]] = m[2].trim();
    }
    const where = `${file}:${start + 1}`;
    const expect = meta.expect as Expect;
    if (expect !== 'dangerous' && expect !== 'safe') throw new Error(`${where}: expect must be dangerous or safe`);
    if (!meta.peers || !meta.why) throw new Error(`${where}: a case needs peers: and why:`);
    const markedLines: number[] = [];
    body.forEach((l, i) => {
      if (!/^\s*--\s*\^\^\^/.test(l)) return;
      let j = i - 1;
      while (j >= 0 && /^\s*--/.test(body[j])) j--;
      markedLines.push(j);
    });
    if (expect === 'dangerous' && markedLines.length === 0) throw new Error(`${where}: a dangerous case marks its statement with "-- ^^^"`);
    if (expect === 'dangerous' && !meta.rules) throw new Error(`${where}: a dangerous case lists the rules: that count`);
    out.push({
      id: meta.case,
      file,
      line: start + 1,
      expect,
      rules: (meta.rules ?? '').split(/[\s,]+/).filter(Boolean),
      peers: meta.peers,
      why: meta.why,
      disagree: meta.disagree,
      pgVersion: meta.pg ? Number(meta.pg) : 15,
      fails: meta.fails === 'yes',
      path: meta.path ?? DEFAULT_PATH,
      text: body.join('\n') + '\n',
      markedLines,
    });
  });
  return out;
}

export function loadCases(): CrossCase[] {
  const files = fs
    .readdirSync(CROSSCHECK)
    .filter((f) => f.endsWith('.sql') && f !== 'schema.sql')
    .sort();
  const cases = files.flatMap((f) => parseCases(f, fs.readFileSync(path.join(CROSSCHECK, f), 'utf8')));
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.id)) throw new Error(`duplicate cross-check case id ${c.id}`);
    seen.add(c.id);
  }
  return cases;
}

export function loadCrossStats(): StatsSnapshot {
  const file = path.join(CROSSCHECK, 'stats.json');
  const v = validateStatsSnapshot(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!v.ok) throw new Error(`${file}: ${v.error}`);
  return v.snapshot;
}

/** What one tool said about one case. */
export interface Verdict {
  /** Dangerous: caught on the marked statement. Safe: no warning/error finding anywhere. */
  pass: boolean;
  /** The findings that decided it, "rule@line" (1-based line in the case body). */
  got: string[];
}

const BLOCKING = new Set(['error', 'warning']);
const TIMEOUT_RULES = new Set(['missing-lock-timeout', 'missing-statement-timeout']);
/**
 * Findings that say "set a timeout" or "make it re-runnable": they fire on nearly every DDL statement, so
 * for squawk they do not count as catching a specific danger (pg-preflight's own list is per case).
 */
export const SQUAWK_GENERIC = new Set([
  'require-lock-timeout',
  'require-statement-timeout',
  'require-timeout-settings',
  'prefer-robust-stmts',
]);

export function judgePreflight(c: CrossCase, stats: StatsSnapshot, settings = normalizeSettings({}).settings): Verdict {
  const a = analyze({ text: c.text, path: c.path, settings, stats, pgVersion: c.pgVersion });
  const idx = new LineIndex(c.text);
  const lineOf = (off: number) => idx.positionAt(off).line;
  const found = a.violations.filter((v) => BLOCKING.has(v.severity));
  const got = found.map((v) => `${v.rule}@${lineOf(v.span.start) + 1}`);
  if (c.expect === 'safe') return { pass: found.length === 0, got };
  // The marked statement's line range: a finding counts when it lies on that statement.
  const marked = a.statements.filter((s) =>
    c.markedLines.some((l) => lineOf(s.span.start) <= l && l <= lineOf(Math.max(s.span.start, s.span.end - 1))),
  );
  const onMarked = found.filter((v) => {
    const sIdx = v.statementIndex !== undefined ? a.statements[v.statementIndex] : undefined;
    const span = sIdx?.span ?? v.span;
    return marked.some((s) => span.start >= s.span.start && span.start < Math.max(s.span.end, s.span.start + 1));
  });
  // "*": any specific finding; the generic timeout findings count only when the case lists them.
  const counts = onMarked.filter((v) => c.rules.includes(v.rule) || (c.rules.includes('*') && !TIMEOUT_RULES.has(v.rule)));
  return { pass: counts.length > 0, got };
}

interface SquawkFinding {
  line: number;
  line_end?: number;
  level: string;
  rule_name: string;
}

/**
 * squawk's native binary on every case, one temp file each; throws with a clear message when it is absent.
 * `all`: squawk's default rule set as is. `specific`: the same run with SQUAWK_GENERIC findings ignored
 * (prefer-robust-stmts and the timeout rules fire on nearly every statement; this row compares the rest).
 */
export function judgeSquawkAll(cases: CrossCase[]): { all: Map<string, Verdict>; specific: Map<string, Verdict> } {
  if (!fs.existsSync(SQUAWK_NATIVE)) {
    throw new Error(
      `squawk's native binary is missing (${SQUAWK_NATIVE}): the cross-check compares against it; install the optional dependency ${SQUAWK_PACKAGE} (npm ci on linux-x64)`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgpf-crosscheck-'));
  const out = new Map<string, Verdict>();
  const specific = new Map<string, Verdict>();
  try {
    for (const c of cases) {
      const file = path.join(dir, `${c.id}.sql`);
      fs.writeFileSync(file, c.text);
      // The one wrapping-runner case (a Supabase path) tells squawk what pg-preflight reads from the path.
      const wrap = c.path !== DEFAULT_PATH ? ['--assume-in-transaction'] : [];
      const r = spawnSync(SQUAWK_NATIVE, ['--reporter', 'json', `--pg-version=${c.pgVersion}.0`, ...wrap, file], { encoding: 'utf8' });
      let findings: SquawkFinding[];
      try {
        findings = JSON.parse(r.stdout);
        if (!Array.isArray(findings)) throw new Error('not an array');
      } catch (err) {
        throw new Error(
          `squawk gave no JSON array for case ${c.id} (exit ${r.status}): ${(err as Error).message}: ${r.stderr.trim().slice(0, 300)}`,
        );
      }
      const got = findings.map((f) => `${f.rule_name}@${f.line + 1}`);
      if (c.expect === 'safe') {
        out.set(c.id, { pass: findings.length === 0, got });
        specific.set(c.id, { pass: findings.every((f) => SQUAWK_GENERIC.has(f.rule_name)), got });
        continue;
      }
      const generic = c.rules.includes('missing-lock-timeout') || c.rules.includes('missing-statement-timeout');
      const hit = findings.some((f) => {
        if (!generic && SQUAWK_GENERIC.has(f.rule_name)) return false;
        const from = f.line;
        const to = f.line_end ?? f.line;
        return c.markedLines.some((l) => statementCovers(c.text, l, from, to));
      });
      out.set(c.id, { pass: hit, got });
      specific.set(c.id, { pass: hit, got });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { all: out, specific };
}

/** squawk reports a range of lines; it hits the marked statement when the range overlaps the statement's lines. */
function statementCovers(text: string, markedLine: number, from: number, to: number): boolean {
  const lines = text.split('\n');
  // The marked statement runs from the line after the previous ';' (or comment block) to markedLine.
  let start = markedLine;
  while (start > 0 && !/;\s*(--.*)?$/.test(lines[start - 1]) && !/^\s*--/.test(lines[start - 1])) start--;
  return from <= markedLine && to >= start;
}

export interface Score {
  dangerous: number;
  caught: number;
  safe: number;
  clean: number;
}

export function score(cases: CrossCase[], verdicts: Map<string, Verdict>): Score {
  const s: Score = { dangerous: 0, caught: 0, safe: 0, clean: 0 };
  for (const c of cases) {
    const v = verdicts.get(c.id);
    if (c.expect === 'dangerous') {
      s.dangerous++;
      if (v?.pass) s.caught++;
    } else {
      s.safe++;
      if (v?.pass) s.clean++;
    }
  }
  return s;
}

export const pct = (n: number, d: number) => (d === 0 ? 0 : Math.floor((1000 * n) / d) / 10);

/** The figures and every pg-preflight miss, as printed by the test and `npm run crosscheck`. */
export function report(
  cases: CrossCase[],
  pre: Map<string, Verdict>,
  squawk?: { all: Map<string, Verdict>; specific: Map<string, Verdict> },
): string {
  const p = score(cases, pre);
  const out: string[] = [];
  out.push(`cross-check: ${cases.length} cases (${p.dangerous} dangerous, ${p.safe} safe)`);
  out.push(`  tool                  dangerous caught      safe kept clean`);
  const row = (name: string, s: Score) =>
    `  ${name.padEnd(21)} ${`${pct(s.caught, s.dangerous)}% (${s.caught}/${s.dangerous})`.padEnd(21)} ${pct(s.clean, s.safe)}% (${s.clean}/${s.safe})`;
  out.push(row('pg-preflight', p));
  if (squawk) {
    out.push(row('squawk (defaults)', score(cases, squawk.all)));
    out.push(row('squawk (specific)', score(cases, squawk.specific)));
  }
  const misses = cases.filter((c) => !pre.get(c.id)?.pass);
  if (misses.length) {
    out.push('', `pg-preflight misses (${misses.length}):`);
    for (const c of misses) {
      const got = pre.get(c.id)?.got ?? [];
      const exp = c.expect === 'dangerous' ? `dangerous (${c.rules.join('|')})` : 'safe';
      out.push(`  ${c.file}:${c.line} ${c.id}: expected ${exp}; got ${got.length ? got.join(', ') : 'nothing'}`);
    }
  }
  return out.join('\n');
}
