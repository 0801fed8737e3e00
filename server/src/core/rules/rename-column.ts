// RENAME COLUMN on an existing table: every query and every deployed app version that uses the old
// name fails the moment the migration commits. The lock is brief; the breakage is not.
import { removedNames, reportRollback } from './app-references-removed-name';
import { describeLock } from './helpers';
import type { Rule } from './rule';

export const renameColumn: Rule = {
  id: 'rename-column',
  title: 'RENAME COLUMN breaks every query and deployed app version that uses the old name',
  defaultSeverity: 'warning',
  check(ctx) {
    for (const r of removedNames(ctx)) {
      if (r.kind !== 'rename-column') continue;
      if (r.rollback) {
        reportRollback(
          ctx,
          r,
          `Renaming ${r.table}.${r.column} back to ${r.newName}`,
          `Roll the app back first: code that uses "${r.column}" breaks`,
        );
        continue;
      }
      const lock = r.lock ? ` It takes ${describeLock(r.lock)}, briefly.` : '';
      ctx.report({
        statementIndex: r.statementIndex,
        span: r.span,
        message: `RENAME COLUMN ${r.table}.${r.column} TO ${r.newName} breaks every query and every deployed app version that still uses "${r.column}".${lock} Expand/contract instead: add ${r.newName}, keep both in sync with a trigger, move the app over, then drop ${r.column} in a later migration`,
        help: 'Renames are instant, but app code that is already deployed keeps sending the old name until every instance runs the new version.',
        locks: r.lock ? [r.lock] : undefined,
      });
    }
  },
};
