// What every reporter reads: the checked files with their analyses, plus helpers that all formats
// share (the lock analysis rows, counts, risk words). Reporters are pure functions of
// (results, options) -> string; positions are converted only through core/syntax/text.ts LineIndex.
import { lockStrength } from '../../core/locks/modes';
import type { LineIndex } from '../../core/syntax/text';
import type { Analysis, BlockedOperation, LockEstimate, Severity, Violation } from '../../core/types';

export interface FileResult {
  /** Path as shown to the user: relative to the working directory, forward slashes. */
  path: string;
  text: string;
  /** Built once per file; the one converter of offsets to line/character. */
  lines: LineIndex;
  analysis: Analysis;
}

export interface ReportOptions {
  /** ANSI colours (text format only). */
  color?: boolean;
  /** The pg-preflight version, for tool metadata. */
  toolVersion?: string;
}

export type FailOn = 'error' | 'warning' | 'never';
export const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'never'];

export const SEVERITY_RANK: Record<Severity, number> = { hint: 0, info: 1, warning: 2, error: 3 };

/** Whether a run with these results fails under --fail-on. */
export function failsOn(results: FileResult[], failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  const min = SEVERITY_RANK[failOn];
  return results.some((r) => r.analysis.violations.some((v) => SEVERITY_RANK[v.severity] >= min));
}

export interface Counts {
  error: number;
  warning: number;
  info: number;
  hint: number;
}

export function countSeverities(violations: Violation[]): Counts {
  const c: Counts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const v of violations) c[v.severity]++;
  return c;
}

export function totalCounts(results: FileResult[]): Counts {
  const c: Counts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const r of results) for (const v of r.analysis.violations) c[v.severity]++;
  return c;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** 1-3 low, 4-6 medium, 7-8 high, 9-10 critical. */
export function riskLevel(score: number): 'low' | 'medium' | 'high' | 'critical' {
  if (score <= 3) return 'low';
  if (score <= 6) return 'medium';
  if (score <= 8) return 'high';
  return 'critical';
}

/** One row of the Lock Analysis Table. */
export interface LockRow {
  /** 1-based line of the statement. */
  line: number;
  statementIndex: number;
  label: string;
  lock: LockEstimate;
}

const SHARE_UPDATE_EXCLUSIVE = lockStrength('ShareUpdateExclusiveLock');

/**
 * The Lock Analysis Table of one file: every statement lock on an existing table (not one created
 * earlier in the migration set) at SHARE UPDATE EXCLUSIVE or stronger, in statement order.
 */
export function lockRows(r: FileResult): LockRow[] {
  const rows: LockRow[] = [];
  r.analysis.statements.forEach((st, i) => {
    let line = -1;
    for (const l of st.locks) {
      if (l.newTable || lockStrength(l.mode) < SHARE_UPDATE_EXCLUSIVE) continue;
      if (line < 0) line = r.lines.positionAt(st.span.start).line + 1;
      rows.push({ line, statementIndex: i, label: st.label, lock: l });
    }
  });
  return rows;
}

/** "reads, writes, DDL": the traffic a lock makes wait, in words. */
export function blocksWords(blocks: BlockedOperation[]): string {
  const words: string[] = [];
  if (blocks.includes('SELECT')) words.push('reads');
  if (blocks.includes('INSERT') || blocks.includes('UPDATE') || blocks.includes('DELETE')) words.push('writes');
  if (blocks.includes('DDL')) words.push('DDL');
  return words.join(', ') || 'nothing';
}

/** "rewrite", "index build", "scan", "truncate" or "-" (catalog only). */
export function workWords(l: LockEstimate): string {
  if (l.emptiesTable) return 'truncate';
  if (l.rewrite) return 'rewrite';
  if (l.indexBuild) return 'index build';
  if (l.scan) return 'scan';
  return '-';
}
