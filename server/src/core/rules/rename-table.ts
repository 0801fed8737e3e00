// ALTER TABLE ... RENAME TO (or SET SCHEMA) on an existing table: every query and every deployed app
// version that uses the old name fails the moment the migration commits.
import { qualify, rangeVarName } from '../syntax/ast';
import { removedNames, reportRollback } from './app-references-removed-name';
import { describeLock } from './helpers';
import type { Rule, StatementView } from './rule';

export const renameTable: Rule = {
  id: 'rename-table',
  title: 'Renaming a table (RENAME TO, SET SCHEMA) breaks every query and deployed app version that uses the old name',
  defaultSeverity: 'warning',
  check(ctx) {
    for (const r of removedNames(ctx)) {
      if (r.kind !== 'rename-table') continue;
      if (r.rollback) {
        reportRollback(ctx, r, `Renaming ${r.table} back to ${r.newName}`, `Roll the app back first: code that uses ${r.table} breaks`);
        continue;
      }
      // The documented safe way: the same migration leaves a view under the old name.
      if (compatibilityViewAfter(ctx.statements, r.statementIndex, r.table)) continue;
      const change = r.setSchema ? `SET SCHEMA moves ${r.table} to ${r.newName}` : `RENAME TO renames ${r.table} to ${r.newName}`;
      const lock = r.lock ? ` It takes ${describeLock(r.lock)}, briefly.` : '';
      ctx.report({
        statementIndex: r.statementIndex,
        span: r.span,
        message: `${change}: every query and every deployed app version that still uses ${r.table} breaks.${lock} Rename in steps: rename it and, in the same migration, create a view named ${r.table} (SELECT * FROM ${r.newName}) so old code keeps working; move the app to the new name; drop the view later`,
        help: 'A simple SELECT * view over one table is automatically updatable, so old code can keep writing through it.',
        locks: r.lock ? [r.lock] : undefined,
      });
    }
  },
};

/** A CREATE VIEW named `table` later in the file: old code keeps working through it. */
function compatibilityViewAfter(statements: readonly StatementView[], index: number, table: string): boolean {
  return statements.some((st) => {
    if (st.index <= index) return false;
    const { kind, node } = st;
    return kind === 'ViewStmt' && qualify(rangeVarName(node.view)) === table;
  });
}
