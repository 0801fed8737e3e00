// Two migration files with the same version: typically two branches that each generated a migration at
// the same counter (0042_...) or timestamp. Runners then apply only one of them, fail on the second, or
// apply them in an order that differs between machines.
import { compareVersions } from '../migrations/runners';
import { popName } from '../migrations/naming';
import type { Rule } from './rule';
import { migrationFile, topOfFile } from './migration-out-of-order';

export const duplicateMigrationVersion: Rule = {
  id: 'duplicate-migration-version',
  title: 'Another migration file has the same version',
  defaultSeverity: 'error',
  migrationOnly: true,
  check(ctx) {
    const self = migrationFile(ctx.path);
    // Prisma (a folder per migration holding migration.sql) keys a migration by its whole folder name and
    // applies folders in name order: 20240101000000_index_01 and 20240101000000_index_02 are two migrations.
    if (!self || self.folderStyle || ctx.runner.id === 'prisma') return;
    const same = ctx.siblingNames
      .map(migrationFile)
      .filter(
        (s): s is NonNullable<typeof s> =>
          !!s && s.key !== self.key && s.kind === self.kind && compareVersions(s.version, self.version) === 0,
      )
      // pop/popx pick one file per version and database: a .postgres. file and the generic one are one migration.
      .filter((s) => ctx.runner.id !== 'pop' || popName(s.key)?.dialect === popName(self.key)?.dialect);
    if (same.length === 0) return;
    ctx.report({
      span: topOfFile(ctx.text),
      message: `Version ${self.version} is also used by ${same.map((s) => s.key).join(', ')}: the runner applies only one of them, refuses to run, or runs them in an order that differs between machines. Give this file a new version that sorts after every existing migration`,
    });
  },
};
