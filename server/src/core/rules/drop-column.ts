// DROP COLUMN on an existing table: the data is gone for good, and every query and deployed app version
// that still reads or writes the column fails.
import { removedNames, reportRollback } from './app-references-removed-name';
import { describeLock } from './helpers';
import type { Rule } from './rule';

export const dropColumn: Rule = {
  id: 'drop-column',
  title: 'DROP COLUMN deletes data and breaks code that still uses the column',
  defaultSeverity: 'warning',
  check(ctx) {
    for (const r of removedNames(ctx)) {
      if (r.kind !== 'drop-column' || !r.column) continue;
      if (r.rollback) {
        reportRollback(
          ctx,
          r,
          `DROP COLUMN ${r.table}.${r.column}`,
          'Its values written since are lost: keep a backup before rolling back',
        );
        continue;
      }
      const views = ctx.catalog.viewsReadingColumn(r.table, r.column);
      const cascade = r.cascade
        ? ` CASCADE also drops everything that depends on the column (views, constraints, indexes${views.length ? `: ${views.join(', ')}` : ''}).`
        : '';
      const lock = r.lock ? ` It takes ${describeLock(r.lock)}, briefly: the column is only marked dropped.` : '';
      ctx.report({
        statementIndex: r.statementIndex,
        span: r.span,
        message: `DROP COLUMN ${r.table}.${r.column} deletes its data for good and breaks every query and deployed app version that still reads or writes it.${cascade}${lock} Stop using the column in the app and deploy that first; drop it in a later migration`,
        help: 'This is the contract step of expand/contract. Once no deployed code uses the column, suppress with a reason: -- pg-preflight-ignore drop-column: <why it is unused>',
        locks: r.lock ? [r.lock] : undefined,
      });
    }
  },
};
