// How long each lock is held, from the lock model plus table sizes, and the file's risk score.
// The throughput constants come from `npm run bench:throughput` on real PostgreSQL (docs/estimates.md)
// and can be overridden in .pg-preflight.json. The formula is documented in docs/risk.md.
import type { Settings, TableStats, Throughput } from '@pg-preflight/shared';
import { writesPerSecond } from '@pg-preflight/shared';
import { blocksTraffic, lockStrength } from './locks/modes';
import type { LockEffect, LockEstimate } from './types';

const MB = 1_000_000;
/** Bytes an index entry costs beyond its key (index tuple header, item pointer, sort tuple), fitted on PG 15. */
const ENTRY_OVERHEAD = 20;
/** Bytes a hash join entry costs beyond its key (hash join tuple, bucket). */
const HASH_OVERHEAD = 40;
/** work_mem (4 MB) x hash_mem_multiplier (2, PG 15+): above this the hash is split into batches on disk. */
const HASH_MEMORY = 8 * 1024 * 1024;
/** Join work per entry byte relative to an index build's: in memory, and spilled (each side written and read back). */
const JOIN_IN_MEMORY = 0.15;
const JOIN_SPILLED = 1.2;
/** Width assumed for a key column without statistics. */
const DEFAULT_KEY_WIDTH = 8;

/** Distinct values of a column from pg_stats.n_distinct (negative: a fraction of the rows). */
function distinctOf(nDistinct: number, rows: number): number {
  return nDistinct < 0 ? -nDistinct * rows : nDistinct;
}

/**
 * The index build's keys as width and distinct values, or undefined when a key is not known well enough
 * (no statistics, an expression that is not a comparison): the caller then falls back to the table size.
 */
function keyShape(e: LockEffect, stats: TableStats): { width: number; distinct: number } | undefined {
  if (!e.indexKeys?.length) return undefined;
  let width = 0;
  let distinct = 1;
  for (const k of e.indexKeys) {
    if ('expression' in k) {
      if (k.expression !== 'boolean') return undefined;
      width += 1;
      distinct *= 2;
      continue;
    }
    const c = stats.columns.find((x) => x.name === k.column);
    if (typeof c?.avgWidth !== 'number' || typeof c.nDistinct !== 'number') return undefined;
    width += c.avgWidth;
    distinct *= Math.max(1, distinctOf(c.nDistinct, stats.rows));
  }
  return { width, distinct: Math.min(distinct, Math.max(1, stats.rows)) };
}

/**
 * An index build: one scan of the table plus sorting and writing one entry per row. Sorting few distinct
 * values takes fewer comparisons (down to 0.7 of the work for two values).
 */
function indexSeconds(stats: TableStats, key: { width: number; distinct: number }, t: Throughput): number {
  const rows = Math.max(0, stats.rows);
  const comparisons = 0.7 + 0.3 * Math.min(1, Math.log(Math.max(2, key.distinct)) / Math.log(Math.max(3, rows)));
  return stats.tableBytes / (t.scanMBps * MB) + (rows * (key.width + ENTRY_OVERHEAD) * comparisons) / (t.indexBuildMBps * MB);
}

/**
 * Foreign key validation: PostgreSQL anti-joins the referencing table against the referenced one (a hash
 * join, the smaller side hashed); both tables are scanned, and once the hash outgrows work_mem both sides
 * are written to batch files and read back.
 */
function joinSeconds(fk: TableStats, ref: TableStats, columns: string[], t: Throughput): number {
  let width = 0;
  for (const name of columns.length ? columns : ['']) {
    const w = fk.columns.find((c) => c.name === name)?.avgWidth;
    width += typeof w === 'number' ? w : DEFAULT_KEY_WIDTH;
  }
  const rows = Math.max(0, fk.rows) + Math.max(0, ref.rows);
  const hashed = Math.min(Math.max(0, fk.rows), Math.max(0, ref.rows)) * (width + HASH_OVERHEAD);
  const perByte = hashed > HASH_MEMORY ? JOIN_SPILLED : JOIN_IN_MEMORY;
  return (fk.tableBytes + ref.tableBytes) / (t.scanMBps * MB) + (rows * (width + ENTRY_OVERHEAD) * perByte) / (t.indexBuildMBps * MB);
}

/**
 * Seconds the lock is held by the work done under it; 0 for catalog-only changes; undefined when size is unknown.
 * `statsOf` looks up other tables (the other side of a foreign key's validation join).
 */
export function estimateSeconds(
  e: LockEffect,
  stats: TableStats | undefined,
  throughput: Throughput,
  statsOf?: (relation: string) => TableStats | undefined,
): number | undefined {
  if (e.emptiesTable) return 0;
  if (!e.rewrite && !e.scan && !e.indexBuild) return 0;
  const t = throughput;
  let seconds = 0;
  if (e.fkJoin && !e.rewrite && !e.indexBuild) {
    const fk = e.fkJoin.referencing === e.relation ? stats : statsOf?.(e.fkJoin.referencing);
    const ref = e.fkJoin.referenced === e.relation ? stats : statsOf?.(e.fkJoin.referenced);
    if (fk && ref) return joinSeconds(fk, ref, e.fkJoin.columns, t) / (t.speedFactor || 1);
  }
  if (!stats) return undefined;
  if (e.rewrite) seconds += stats.totalBytes / (t.rewriteMBps * MB);
  else if (e.indexBuild) {
    const key = keyShape(e, stats);
    // Without the keys' statistics (older snapshots, expressions): the table at twice the entry rate, which is
    // the table-size estimate of earlier versions at the default constants.
    seconds += key ? indexSeconds(stats, key, t) : stats.tableBytes / (2 * t.indexBuildMBps * MB);
  } else if (e.scan) seconds += stats.tableBytes / (t.scanMBps * MB);
  return seconds / (t.speedFactor || 1);
}

export function withEstimate(
  e: LockEffect,
  stats: TableStats | undefined,
  newTable: boolean,
  throughput: Throughput,
  statsOf?: (relation: string) => TableStats | undefined,
): LockEstimate {
  const out: LockEstimate = { ...e };
  if (newTable) {
    out.newTable = true;
    out.estimatedSeconds = 0;
    return out;
  }
  const s = estimateSeconds(e, stats, throughput, statsOf);
  if (s !== undefined) out.estimatedSeconds = s;
  if (stats) {
    out.rows = stats.rows;
    out.totalBytes = stats.totalBytes;
  }
  return out;
}

export interface RiskInput {
  /** The file's statements: their locks, and whether a lock_timeout guards them. */
  statements: readonly { locks: readonly LockEstimate[]; hasLockTimeout: boolean }[];
  destructive: number;
  failures: number;
  settings: Settings;
  stats: Map<string, TableStats>;
  capturedAt?: string;
}

/**
 * Risk 1..10 (docs/risk.md): 1 + the worst single lock's points + 2 per destructive change (max 4)
 * + 3 if a statement will fail, clamped to 1..10. A lock's points: mode (ACCESS EXCLUSIVE 3, other
 * write-blocking modes 2, SHARE UPDATE EXCLUSIVE 0.5, weaker 0), plus, for locks that block traffic,
 * duration (log10 of 1 + seconds times 1.5, at most 4; 1.5 when the work is size-bound and the size unknown), plus 1 when the table
 * is write-hot (>= 10 writes/s) and 1 when no lock_timeout guards it. New tables score 0.
 */
const SHARE_UPDATE_EXCLUSIVE = lockStrength('ShareUpdateExclusiveLock');

export function riskScore(input: RiskInput): number {
  let worst = 0;
  for (const st of input.statements)
    for (const l of st.locks) {
      if (l.newTable) continue;
      const blocks = blocksTraffic(l.mode);
      let points = l.mode === 'AccessExclusiveLock' ? 3 : blocks ? 2 : lockStrength(l.mode) >= SHARE_UPDATE_EXCLUSIVE ? 0.5 : 0;
      if (points === 0) continue;
      // Duration only matters for locks that make traffic wait; a long CONCURRENTLY build blocks only DDL.
      const sizeBound = l.rewrite || l.scan || l.indexBuild;
      if (blocks) {
        if (l.estimatedSeconds !== undefined) points += Math.min(4, Math.log10(1 + l.estimatedSeconds) * 1.5);
        else if (sizeBound) points += 1.5;
      }
      const t = input.stats.get(l.relation);
      const wps = t && input.capturedAt ? writesPerSecond(t, input.capturedAt) : undefined;
      if (wps !== undefined && wps >= 10 && blocks) points += 1;
      if (!st.hasLockTimeout && blocks) points += 1;
      worst = Math.max(worst, points);
    }
  const score = 1 + worst + Math.min(4, 2 * input.destructive) + (input.failures > 0 ? 3 : 0);
  return Math.max(1, Math.min(10, Math.round(score)));
}

/**
 * The longest of the locks `keep` accepts (then the one on the most rows), the first of equals: what a
 * stable sort by those keys would put first, in one pass without copies (it runs for every statement of
 * the file on every keystroke).
 */
export function longestLock(locks: readonly LockEstimate[], keep: (l: LockEstimate) => boolean): LockEstimate | undefined {
  let longest: LockEstimate | undefined;
  for (const l of locks) {
    if (!keep(l)) continue;
    if (!longest) longest = l;
    else {
      const d = (l.estimatedSeconds ?? 0) - (longest.estimatedSeconds ?? 0);
      if (d > 0 || (d === 0 && (l.rows ?? 0) > (longest.rows ?? 0))) longest = l;
    }
  }
  return longest;
}

/** "~45 s", "~6 min", "< 1 s"; "?" when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return '?';
  if (seconds < 1) return '< 1 s';
  if (seconds < 90) return `~${Math.round(seconds)} s`;
  if (seconds < 5400) return `~${Math.round(seconds / 60)} min`;
  return `~${(seconds / 3600).toFixed(1)} h`;
}

/** 41_000_000 -> "41M". */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${+(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${+(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${+(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} kB`;
  return `${n} B`;
}
