// How a lock is shown: what it makes wait, the work it does under the lock, and which locks make the
// Lock Analysis Table. One wording for the CLI's reports, the plan document, hovers and the MCP server.
import { lockStrength } from '../locks/modes';
import type { LineIndex } from '../syntax/text';
import type { Analysis, BlockedOperation, LockEstimate } from '../types';

/** "reads, writes, DDL": the traffic a lock makes wait, in words. */
export function blocksWords(blocks: readonly BlockedOperation[]): string {
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

/** One row of the Lock Analysis Table. */
export interface LockRow {
  /** 1-based line of the statement. */
  line: number;
  statementIndex: number;
  label: string;
  lock: LockEstimate;
}

const SHARE_UPDATE_EXCLUSIVE = lockStrength('ShareUpdateExclusiveLock');

/** A lock the Lock Analysis Table shows: on an existing table, SHARE UPDATE EXCLUSIVE or stronger. */
export function isTableRow(l: LockEstimate): boolean {
  return !l.newTable && lockStrength(l.mode) >= SHARE_UPDATE_EXCLUSIVE;
}

/**
 * The Lock Analysis Table of one file: every statement lock on an existing table (not one created
 * earlier in the migration set) at SHARE UPDATE EXCLUSIVE or stronger, in statement order.
 */
export function lockTableRows(analysis: Analysis, lines: LineIndex): LockRow[] {
  const rows: LockRow[] = [];
  analysis.statements.forEach((st, i) => {
    let line = -1;
    for (const l of st.locks) {
      if (!isTableRow(l)) continue;
      if (line < 0) line = lines.positionAt(st.span.start).line + 1;
      rows.push({ line, statementIndex: i, label: st.label, lock: l });
    }
  });
  return rows;
}
