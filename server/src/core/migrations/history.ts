// The database's applied migrations (the snapshot's appliedMigrations) as the ordering rules read them:
// which history belongs to a file's runner, whether a version was applied, the newest applied version.
import type { AppliedHistory, AppliedMigration, RunnerId, StatsSnapshot } from '@pg-preflight/shared';
import { compareVersions, migrationVersion } from './naming';

/**
 * The history of the file's runner; for a file no runner claims ('plain'), the only history there is.
 * Drizzle's is never used: it keys migrations by journal time, not by the file name's version.
 */
export function historyFor(stats: StatsSnapshot | undefined, runner: RunnerId): AppliedHistory | undefined {
  const usable = (stats?.appliedMigrations ?? []).filter((h) => h.runner !== 'drizzle' && h.entries.length > 0);
  return usable.find((h) => h.runner === runner) ?? (runner === 'plain' && usable.length === 1 ? usable[0] : undefined);
}

/** A version as the file names write it ('1.2' for Flyway's 1_2), or undefined when it is not one. */
export function appliedVersion(e: AppliedMigration): string | undefined {
  const v = e.version.replace(/_/g, '.');
  return /^\d+(\.\d+)*$/.test(v) ? v : migrationVersion(e.name ?? '');
}

export function newestApplied(h: AppliedHistory): AppliedMigration | undefined {
  let best: AppliedMigration | undefined;
  for (const e of h.entries) {
    const v = appliedVersion(e);
    if (v && (!best || compareVersions(v, appliedVersion(best)!) > 0)) best = e;
  }
  return best;
}

export function belowBaseline(h: AppliedHistory, version: string): boolean {
  return h.baseline !== undefined && /^\d+(\.\d+)*$/.test(h.baseline) && compareVersions(version, h.baseline) <= 0;
}

/** The entry recording `version`, if the history has one. */
export function appliedEntry(h: AppliedHistory, version: string): AppliedMigration | undefined {
  return h.entries.find((e) => {
    const v = appliedVersion(e);
    return v !== undefined && compareVersions(v, version) === 0;
  });
}

/** Where the history was read, for messages: "supabase_migrations.schema_migrations". */
export function historyLabel(h: AppliedHistory, stats: StatsSnapshot | undefined): string {
  return `${h.table}${stats?.source ? ` on ${stats.source}` : ''}`;
}
