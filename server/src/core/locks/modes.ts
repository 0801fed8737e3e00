// PostgreSQL's table-level lock modes: strength order, the conflict table from the docs
// (https://www.postgresql.org/docs/current/explicit-locking.html) and what each one makes wait.
import { LOCK_MODES, type BlockedOperation, type LockMode } from '../types';

export function lockStrength(mode: LockMode): number {
  return LOCK_MODES.indexOf(mode);
}

/** PostgreSQL's conflict table: which requested modes each held mode conflicts with. */
const CONFLICTS: Record<LockMode, readonly LockMode[]> = {
  AccessShareLock: ['AccessExclusiveLock'],
  RowShareLock: ['ExclusiveLock', 'AccessExclusiveLock'],
  RowExclusiveLock: ['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareUpdateExclusiveLock: ['ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareLock: ['RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareRowExclusiveLock: [
    'RowExclusiveLock',
    'ShareUpdateExclusiveLock',
    'ShareLock',
    'ShareRowExclusiveLock',
    'ExclusiveLock',
    'AccessExclusiveLock',
  ],
  ExclusiveLock: [
    'RowShareLock',
    'RowExclusiveLock',
    'ShareUpdateExclusiveLock',
    'ShareLock',
    'ShareRowExclusiveLock',
    'ExclusiveLock',
    'AccessExclusiveLock',
  ],
  AccessExclusiveLock: LOCK_MODES,
};

export function conflicts(held: LockMode, requested: LockMode): boolean {
  return CONFLICTS[held].includes(requested);
}

/**
 * Ordinary traffic a held lock makes wait. SELECT takes AccessShareLock, INSERT/UPDATE/DELETE take
 * RowExclusiveLock; "DDL" stands for other schema changes, VACUUM/autovacuum and CREATE INDEX
 * CONCURRENTLY, which all take at least ShareUpdateExclusiveLock.
 */
export function blockedBy(mode: LockMode): BlockedOperation[] {
  const blocked: BlockedOperation[] = [];
  if (conflicts(mode, 'AccessShareLock')) blocked.push('SELECT');
  if (conflicts(mode, 'RowExclusiveLock')) blocked.push('INSERT', 'UPDATE', 'DELETE');
  if (conflicts(mode, 'ShareUpdateExclusiveLock')) blocked.push('DDL');
  return blocked;
}

/** Blocks reads or writes of ordinary traffic (not just other DDL). */
export function blocksTraffic(mode: LockMode): boolean {
  return conflicts(mode, 'RowExclusiveLock');
}

/** Eight modes, asked for in every lock message: each title is built once. */
const titles = new Map<string, string>();

/** "AccessExclusiveLock" -> "ACCESS EXCLUSIVE", as the docs write it in prose. */
export function modeTitle(mode: LockMode): string {
  let title = titles.get(mode);
  if (title === undefined) {
    title = mode
      .replace(/Lock$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toUpperCase();
    titles.set(mode, title);
  }
  return title;
}
