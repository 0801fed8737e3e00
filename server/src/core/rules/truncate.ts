// TRUNCATE on an existing table: every row is gone for good, and ACCESS EXCLUSIVE is held until the
// migration commits. With CASCADE it also empties every table that references it, which the statement
// never names, so CASCADE is an error.
import { qualify, rangeVarName, type Node } from '../syntax/ast';
import type { Catalog } from '../schema/catalog';
import { formatCount } from '../estimate';
import { lockSentence } from './helpers';
import type { Rule } from './rule';

export const truncate: Rule = {
  id: 'truncate',
  title: 'TRUNCATE deletes every row of an existing table (and, with CASCADE, of every table referencing it)',
  defaultSeverity: 'warning',
  check(ctx) {
    for (const st of ctx.statements) {
      const { kind, node } = st;
      if (kind !== 'TruncateStmt') continue;
      const named = (node.relations ?? []).map((r: Node) => qualify(rangeVarName(r)));
      const locks = st.locks.filter((l) => l.emptiesTable && !l.newTable && named.includes(l.relation));
      if (locks.length === 0) continue;
      const cascade = node.behavior === 'DROP_CASCADE';
      const first = locks[0];
      const others = locks.slice(1).map((l) => `${l.relation}${l.rows !== undefined ? ` (${formatCount(l.rows)} rows)` : ''}`);
      const also = others.length ? ` It also empties ${others.join(', ')}.` : '';
      let cascadeText = '';
      if (cascade) {
        const extra = referencingClosure(ctx.catalog, named).filter((t) => !named.includes(t));
        cascadeText = ` CASCADE also empties every table with a foreign key to it, recursively${extra.length ? `: ${extra.map((t) => `${t}${rowsText(ctx.catalog, t)}`).join(', ')}` : ''}, tables this statement never names.`;
      }
      ctx.report({
        statementIndex: st.index,
        severity: cascade ? 'error' : undefined,
        message: `${lockSentence('TRUNCATE', first)} until its transaction commits, and deletes every row for good.${also}${cascadeText} Delete the rows in batches instead, or keep a copy first if the data may be needed`,
        help: 'TRUNCATE is not MVCC-safe: concurrent transactions that started before it see the table as empty.',
        locks,
      });
    }
  },
};

/** Tables that reference any of `tables` by foreign key, and the tables that reference those, and so on. */
function referencingClosure(catalog: Catalog, tables: string[]): string[] {
  const found = new Set(tables);
  let grew = true;
  while (grew) {
    grew = false;
    for (const t of catalog.tables.values()) {
      if (found.has(t.qualified)) continue;
      if (t.constraints.some((k) => k.type === 'f' && k.references && found.has(k.references))) {
        found.add(t.qualified);
        grew = true;
      }
    }
  }
  return [...found];
}

function rowsText(catalog: Catalog, table: string): string {
  const rows = catalog.table(table)?.stats?.rows;
  return rows !== undefined ? ` (${formatCount(rows)} rows)` : '';
}
