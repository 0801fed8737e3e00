// DROP TABLE on an existing table: the table and all its rows are gone for good, and every query and
// deployed app version that still uses it fails. An error by default: irreversible data loss should
// need an explicit, reviewed override (a suppression comment with a reason).
import { formatCount } from '../estimate';
import { describeLock } from './helpers';
import { removedNames, reportRollback } from './app-references-removed-name';
import type { Rule, RuleContext } from './rule';

export const dropTable: Rule = {
  id: 'drop-table',
  title: 'DROP TABLE deletes the table and its data and breaks code that still uses it',
  defaultSeverity: 'error',
  check(ctx) {
    for (const r of removedNames(ctx)) {
      if (r.kind !== 'drop-table') continue;
      if (r.rollback) {
        reportRollback(ctx, r, `DROP TABLE ${r.table}`, 'Every row written to it since is lost: keep a backup before rolling back');
        continue;
      }
      const rows = r.lock?.rows !== undefined ? ` and its ${formatCount(r.lock.rows)} rows` : ' and every row in it';
      const dependents = referencingConstraints(ctx, r.table);
      const cascade = r.cascade
        ? ` CASCADE also drops the views and foreign keys that depend on it${dependents.length ? ` (${dependents.join(', ')})` : ''}.`
        : '';
      const lock = r.lock ? ` It takes ${describeLock(r.lock)}.` : '';
      ctx.report({
        statementIndex: r.statementIndex,
        span: r.span,
        message: `DROP TABLE ${r.table} deletes the table${rows} for good and breaks every query and deployed app version that still uses it.${cascade}${lock} Stop using it in the app and deploy first; keep a backup (or rename it aside) until you are sure`,
        help: 'When the drop is intended, suppress with a reason: -- pg-preflight-ignore drop-table: <why no code uses it and where the data went>',
        locks: r.lock ? [r.lock] : undefined,
      });
    }
  },
};

/** Foreign keys of other tables that point at the table, as "public.orders.orders_user_id_fkey". */
function referencingConstraints(ctx: RuleContext, table: string): string[] {
  const out: string[] = [];
  for (const t of ctx.catalog.tables.values()) {
    if (t.qualified === table) continue;
    for (const k of t.constraints) if (k.type === 'f' && k.references === table) out.push(`foreign key ${k.name} on ${t.qualified}`);
  }
  return out;
}
