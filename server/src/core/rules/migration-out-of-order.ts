// A migration whose version sorts before a sibling that already exists: typically a file from a branch
// that was created before another migration was merged. Runners that have applied the newer migration
// skip the older one or refuse to run (Supabase asks for --include-all; Flyway fails validation unless
// outOfOrder is on), and fresh databases run the two in a different order than production did.
//
// The core has no git history, so "already exists" is the caller's word: the rule compares this file
// with the siblingNames it is given and flags it when one of them has a higher version. Front ends pass
// the migrations that existed before this file (CI: the base branch's files; the editor: the other
// files of the folder), see docs/rules/migration-out-of-order.md.
import { compareVersions, flywayName, migrationDescription, migrationVersion, nextMigrationName } from '../migrations/naming';
import type { AppliedHistory } from '@pg-preflight/shared';
import { appliedEntry, appliedVersion, belowBaseline, historyFor, historyLabel, newestApplied } from '../migrations/history';
import type { Span } from '../types';
import type { Rule, RuleContext } from './rule';

export interface MigrationFile {
  /** The name that identifies the migration: the file name, or the folder name for <folder>/migration.sql (given either way). */
  key: string;
  version: string;
  /** Files that legitimately share a version with their counterpart: up vs down, Flyway V vs U. */
  kind: string;
  /** The descriptive part after the version, for suggesting a new name. */
  description: string;
  /** Prisma style: the migration is a folder holding migration.sql. */
  folderStyle: boolean;
}

/** Names seen before: every file of a folder reads every sibling's name, so a history of n files reads n² names. */
const parsedNames = new Map<string, MigrationFile | undefined>();

export function migrationFile(path: string | undefined): MigrationFile | undefined {
  if (!path) return undefined;
  if (parsedNames.has(path)) return parsedNames.get(path);
  if (parsedNames.size > 50_000) parsedNames.clear();
  const parsed = readMigrationFile(path);
  parsedNames.set(path, parsed);
  return parsed;
}

function readMigrationFile(path: string): MigrationFile | undefined {
  const parts = path.replace(/\\/g, '/').split('/').filter(Boolean);
  const folderStyle = parts[parts.length - 1] === 'migration.sql';
  const key = folderStyle ? (parts[parts.length - 2] ?? '') : (parts[parts.length - 1] ?? '');
  const version = migrationVersion(folderStyle ? `${key}/migration.sql` : key);
  if (!version) return undefined;
  const flyway = flywayName(key);
  const direction = /\.(up|down)\.sql$/i.exec(key);
  const kind = flyway ? flyway.kind : direction ? direction[1].toLowerCase() : 'sql';
  const description = migrationDescription(key) || 'migration';
  return { key, version, kind, description, folderStyle };
}

/** The first line of the file: file-level findings point there. */
export function topOfFile(text: string): Span {
  const nl = text.indexOf('\n');
  const end = nl < 0 ? text.length : nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
  return { start: 0, end };
}

export const migrationOutOfOrder: Rule = {
  id: 'migration-out-of-order',
  title: 'A migration sorts before a newer migration that already exists',
  defaultSeverity: 'warning',
  migrationOnly: true,
  check(ctx) {
    const self = migrationFile(ctx.path);
    if (!self) return;
    // The database's own history, when the snapshot has it, says what was applied: it wins over the siblings.
    const history = self.kind === 'down' || self.kind === 'U' || self.kind === 'R' ? undefined : historyFor(ctx.stats, ctx.runner.id);
    if (history) {
      checkAgainstHistory(ctx, self, history);
      return;
    }
    const newer = ctx.siblingNames
      .map(migrationFile)
      .filter((s): s is MigrationFile => !!s && s.key !== self.key && s.kind === self.kind && compareVersions(s.version, self.version) > 0)
      .sort((a, b) => compareVersions(b.version, a.version));
    if (newer.length === 0) return;
    const newest = newer[0];
    ctx.report({
      span: topOfFile(ctx.text),
      message: `Version ${self.version} sorts before ${newer.length === 1 ? '' : `${newer.length} existing migrations, the newest `}${newest.key}${newer.length === 1 ? ', which already exists' : ''}: databases that already ran ${newer.length === 1 ? 'it' : 'those'} skip this file or refuse to migrate, and fresh databases run them in a different order than production. Rename this file to sort last, e.g. ${suggestName(newest, self)}`,
      help: 'This happens when a branch created before another migration was merged adds its own migration. If this file really is old and already applied everywhere, the siblings passed in are not the ones that existed before it.',
    });
  },
};

function suggestName(newest: MigrationFile, self: MigrationFile): string {
  if (self.folderStyle) return `${nextMigrationName(newest.key, self.description).replace(/\.sql$/, '')}/migration.sql`;
  const name = nextMigrationName(newest.key, self.description);
  // nextMigrationName keeps .up.sql but not .down.sql.
  return self.kind === 'down' ? name.replace(/(\.up)?\.sql$/, '.down.sql') : name;
}

/**
 * A file the database has not applied that sorts before the newest version it has: the runner will run
 * it out of order (Flyway with outOfOrder, Supabase with --include-all) or refuse to migrate. A runner
 * that records only its newest version (golang-migrate) cannot say which older file ran, so there only
 * the newest local file is judged, and only when the database's version is no local file at all.
 */
function checkAgainstHistory(ctx: RuleContext, self: MigrationFile, history: AppliedHistory): void {
  const newest = newestApplied(history);
  const newestVersion = newest && appliedVersion(newest);
  if (!newest || !newestVersion || compareVersions(self.version, newestVersion) >= 0) return;
  const where = historyLabel(history, ctx.stats);
  const local = ctx.migrationNames.map(migrationFile).filter((m): m is MigrationFile => !!m && m.kind === self.kind);
  if (history.latestOnly) {
    if (local.some((m) => compareVersions(m.version, newestVersion) === 0)) return;
    if (local.some((m) => m.key !== self.key && compareVersions(m.version, self.version) > 0)) return;
  } else if (appliedEntry(history, self.version) || belowBaseline(history, self.version)) return;
  const applied = newest.name ?? newestVersion;
  const base = appliedAsFile(history, newest, newestVersion, self);
  const what = history.latestOnly
    ? `The database is at version ${newestVersion} (${where}; ${ctx.runner.title} records only its newest version), which sorts after this file and has no local file: if this file has not run there, ${ctx.runner.title} will never run it`
    : `Version ${self.version} was never applied to the database, which has already applied the newer ${applied} (${where}): ${ctx.runner.title} will run it out of order, skip it or refuse to migrate`;
  ctx.report({
    span: topOfFile(ctx.text),
    message: `${what}. Rename this file to sort last${base ? `, e.g. ${suggestName(base, self)}` : ''}`,
    help: 'Typically a branch created before another migration was deployed. The history comes from the statistics snapshot (pg-preflight stats) or --database-url.',
  });
}

/** The newest applied migration as a local file name would write it, to suggest the next name from. */
function appliedAsFile(history: AppliedHistory, e: { name?: string }, version: string, self: MigrationFile): MigrationFile | undefined {
  if (history.runner === 'prisma' && e.name) return migrationFile(`${e.name}/migration.sql`);
  if (history.runner === 'flyway' && e.name && flywayName(e.name)) return migrationFile(e.name);
  return migrationFile(`${version}_${self.description}${self.kind === 'up' ? '.up.sql' : '.sql'}`);
}
