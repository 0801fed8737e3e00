// Shared wording and size-scaled severity, so every rule names locks and sizes the same way.
import type { Settings } from '@pg-preflight/shared';
import { formatCount, formatDuration, longestLock } from '../estimate';
import { blocksTraffic, modeTitle } from '../locks/modes';
import type { LockEstimate, Severity } from '../types';

/**
 * Severity scaled by what the stats say: undefined (do not report) when every locked table is new in
 * this migration; error for large tables or locks longer than maxLockSeconds; hint for small tables with
 * sub-second locks; warning when the size is unknown or in between.
 */
export function sizeScaledSeverity(locks: LockEstimate[], settings: Settings): Severity | undefined {
  const existing = locks.filter((l) => !l.newTable);
  if (existing.length === 0) return undefined;
  let worst: Severity = 'hint';
  for (const l of existing) {
    if (l.rows === undefined) {
      worst = higher(worst, 'warning');
      continue;
    }
    const seconds = l.estimatedSeconds ?? 0;
    if (l.rows >= settings.largeTableRows || seconds > settings.maxLockSeconds) worst = higher(worst, 'error');
    else if (l.rows >= 1000 || seconds >= 0.1) worst = higher(worst, 'warning');
  }
  return worst;
}

const ORDER: Severity[] = ['hint', 'info', 'warning', 'error'];
export function higher(a: Severity, b: Severity): Severity {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

/** "SHARE lock on public.orders (41M rows, ~6 min)" */
export function describeLock(l: LockEstimate): string {
  const facts: string[] = [];
  if (l.newTable) facts.push('new table');
  else if (l.rows !== undefined) facts.push(`${formatCount(l.rows)} rows`);
  if (!l.newTable && l.estimatedSeconds !== undefined && (l.rewrite || l.scan || l.indexBuild))
    facts.push(formatDuration(l.estimatedSeconds));
  return `${modeTitle(l.mode)} lock on ${l.relation}${facts.length ? ` (${facts.join(', ')})` : ''}`;
}

/** "blocks SELECT/INSERT/UPDATE/DELETE" */
export function describeBlocks(l: LockEstimate): string {
  const traffic = l.blocks.filter((b) => b !== 'DDL');
  if (traffic.length === 0) return l.blocks.includes('DDL') ? 'blocks only other DDL and VACUUM' : 'blocks nothing but ACCESS EXCLUSIVE';
  return `blocks ${traffic.join('/')}`;
}

/** The strongest traffic-blocking lock of a statement on an existing table, if any. */
export function worstExistingLock(locks: readonly LockEstimate[]): LockEstimate | undefined {
  return longestLock(locks, (l) => !l.newTable && blocksTraffic(l.mode));
}

/**
 * "SHARE lock on public.orders": the lock named without its sizes and what it blocks. For findings
 * about something else than the lock itself (a missing timeout): the statement's own finding already
 * leads with lockSentence, and a statement tells its lock once.
 */
export function lockName(l: LockEstimate): string {
  return `${modeTitle(l.mode)} lock on ${l.relation}`;
}

/** "<LABEL> takes <lock> : <blocks>" — the standard first sentence of a lock finding. */
export function lockSentence(label: string, l: LockEstimate): string {
  return `${label} takes ${describeLock(l)}: ${describeBlocks(l)}`;
}
