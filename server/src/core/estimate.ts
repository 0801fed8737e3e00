// How long each lock is held, from the lock model plus table sizes, and the file's risk score.
// The throughput constants come from `npm run bench:throughput` on real PostgreSQL (docs/estimates.md)
// and can be overridden in .pg-preflight.json. The formula is documented in docs/risk.md.
import type { Settings, TableStats, Throughput } from '@pg-preflight/shared';
import { writesPerSecond } from '@pg-preflight/shared';
import { blocksTraffic, lockStrength } from './locks/modes';
import type { LockEffect, LockEstimate } from './types';

const MB = 1_000_000;

/** Seconds the lock is held by the work done under it; 0 for catalog-only changes; undefined when size is unknown. */
export function estimateSeconds(e: LockEffect, stats: TableStats | undefined, throughput: Throughput): number | undefined {
  if (e.emptiesTable) return 0;
  if (!e.rewrite && !e.scan && !e.indexBuild) return 0;
  if (!stats) return undefined;
  let seconds = 0;
  if (e.rewrite) seconds += stats.totalBytes / (throughput.rewriteMBps * MB);
  else {
    if (e.scan && !e.indexBuild) seconds += stats.tableBytes / (throughput.scanMBps * MB);
    if (e.indexBuild) seconds += stats.tableBytes / (throughput.indexBuildMBps * MB);
  }
  return seconds / (throughput.speedFactor || 1);
}

export function withEstimate(e: LockEffect, stats: TableStats | undefined, newTable: boolean, throughput: Throughput): LockEstimate {
  const out: LockEstimate = { ...e };
  if (newTable) {
    out.newTable = true;
    out.estimatedSeconds = 0;
    return out;
  }
  const s = estimateSeconds(e, stats, throughput);
  if (s !== undefined) out.estimatedSeconds = s;
  if (stats) {
    out.rows = stats.rows;
    out.totalBytes = stats.totalBytes;
  }
  return out;
}

export interface RiskInput {
  locks: (LockEstimate & { statementHasLockTimeout: boolean })[];
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
export function riskScore(input: RiskInput): number {
  let worst = 0;
  for (const l of input.locks) {
    if (l.newTable) continue;
    const strength = lockStrength(l.mode);
    let points = l.mode === 'AccessExclusiveLock' ? 3 : blocksTraffic(l.mode) ? 2 : strength >= lockStrength('ShareUpdateExclusiveLock') ? 0.5 : 0;
    if (points === 0) continue;
    // Duration only matters for locks that make traffic wait; a long CONCURRENTLY build blocks only DDL.
    const sizeBound = l.rewrite || l.scan || l.indexBuild;
    if (blocksTraffic(l.mode)) {
      if (l.estimatedSeconds !== undefined) points += Math.min(4, Math.log10(1 + l.estimatedSeconds) * 1.5);
      else if (sizeBound) points += 1.5;
    }
    const t = input.stats.get(l.relation);
    const wps = t && input.capturedAt ? writesPerSecond(t, input.capturedAt) : undefined;
    if (wps !== undefined && wps >= 10 && blocksTraffic(l.mode)) points += 1;
    if (!l.statementHasLockTimeout && blocksTraffic(l.mode)) points += 1;
    worst = Math.max(worst, points);
  }
  const score = 1 + worst + Math.min(4, 2 * input.destructive) + (input.failures > 0 ? 3 : 0);
  return Math.max(1, Math.min(10, Math.round(score)));
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
