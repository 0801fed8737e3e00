// The database's migration history disagrees with the local files: a migration the database applied has
// no local file (drift: applied from another branch, or the file was deleted or renamed), or a file the
// database applied was edited afterwards (its checksum differs from the one the runner recorded; Prisma
// and Flyway record one, and refuse to go on or ask for a reset). The history is data in the statistics
// snapshot (appliedMigrations), read by `pg-preflight stats` or --database-url.
import { compareVersions } from '../migrations/naming';
import { flywayChecksum, prismaChecksumMatches } from '../migrations/checksums';
import { appliedEntry, appliedVersion, belowBaseline, historyFor, historyLabel, newestApplied } from '../migrations/history';
import type { Rule } from './rule';
import { migrationFile, topOfFile, type MigrationFile } from './migration-out-of-order';

const LISTED = 5;

export const migrationHistoryMismatch: Rule = {
  id: 'migration-history-mismatch',
  title: "The database's migration history disagrees with the local migration files",
  defaultSeverity: 'error',
  migrationOnly: true,
  check(ctx) {
    const self = migrationFile(ctx.path);
    if (!self || self.kind === 'down' || self.kind === 'U' || self.kind === 'R') return;
    const history = historyFor(ctx.stats, ctx.runner.id);
    if (!history) return;
    const where = historyLabel(history, ctx.stats);

    const entry = history.latestOnly ? undefined : appliedEntry(history, self.version);
    if (entry?.checksum !== undefined) {
      const changed =
        history.runner === 'prisma'
          ? !prismaChecksumMatches(ctx.text, entry.checksum)
          : history.runner === 'flyway'
            ? flywayChecksum(ctx.text) !== entry.checksum.trim()
            : false;
      if (changed) {
        ctx.report({
          span: topOfFile(ctx.text),
          message: `This file changed after the database applied it: ${where} records checksum ${entry.checksum} for ${entry.name ?? self.version}, and the file's is ${history.runner === 'prisma' ? 'different' : flywayChecksum(ctx.text)}. ${ctx.runner.title} refuses to migrate (or asks for a reset) until they agree; the database keeps the old version of this file`,
          help: 'Put the applied version back and make the change in a new migration. If the edit only changed comments or formatting on purpose, repair the recorded checksum with the runner (flyway repair; prisma migrate resolve).',
        });
      }
    }

    // Drift is a fact about the folder: reported once, on its newest migration.
    const local = ctx.migrationNames.map(migrationFile).filter((m): m is MigrationFile => !!m && m.kind === self.kind);
    if (local.some((m) => m.key !== self.key && compareVersions(m.version, self.version) > 0)) return;
    const has = (v: string) => local.some((m) => compareVersions(m.version, v) === 0);
    const entries = history.latestOnly ? [newestApplied(history)].filter((e) => !!e) : history.entries;
    const missing: string[] = [];
    for (const e of entries) {
      const v = appliedVersion(e!);
      if (v && !has(v) && !belowBaseline(history, v)) missing.push(!e!.name || e!.name.includes(v) ? (e!.name ?? v) : `${v} (${e!.name})`);
    }
    if (missing.length === 0) return;
    const shown = missing.slice(0, LISTED).join(', ') + (missing.length > LISTED ? ` and ${missing.length - LISTED} more` : '');
    ctx.report({
      span: topOfFile(ctx.text),
      message: `The database applied ${missing.length === 1 ? 'a migration' : `${missing.length} migrations`} with no file in this folder (${where}): ${shown}. A fresh database built from these files differs from it, and ${ctx.runner.title} may refuse to migrate; bring the missing file${missing.length === 1 ? '' : 's'} in (merge the branch that has ${missing.length === 1 ? 'it' : 'them'}) before adding migrations`,
      severity: 'warning',
      help: 'Typically another branch was deployed to this database first, or a migration file was renamed or deleted after it ran.',
    });
  },
};
