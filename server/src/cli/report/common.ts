// What every reporter reads: the checked files with their analyses, plus helpers that all formats
// share (the lock analysis rows, counts, risk words). Reporters are pure functions of
// (results, options) -> string; positions are converted only through core/syntax/text.ts LineIndex.
import { lockTableRows, type LockRow } from '../../core/present/locks';
import type { LineIndex } from '../../core/syntax/text';
import type { Analysis, Severity, Violation } from '../../core/types';

export { blocksWords, workWords, type LockRow } from '../../core/present/locks';
export { riskLevel, riskWords, worstRisk } from '../../core/present/risk';

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

/** The Lock Analysis Table of one checked file (core/present/locks.ts). */
export function lockRows(r: FileResult): LockRow[] {
  return lockTableRows(r.analysis, r.lines);
}
