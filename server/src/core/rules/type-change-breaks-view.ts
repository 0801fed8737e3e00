// ALTER COLUMN ... TYPE on a column a view reads: PostgreSQL refuses ("cannot alter type of a column used by
// a view or rule"). The lock model finds the views (lockInfo.fails); this rule points at the column.
import { qualify, rangeVarName, type Node } from '../syntax/ast';
import type { Rule } from './rule';

export const typeChangeBreaksView: Rule = {
  id: 'type-change-breaks-view',
  title: 'ALTER COLUMN ... TYPE on a column that a view uses fails',
  defaultSeverity: 'error',
  check(ctx) {
    for (const st of ctx.statements) {
      const fails = st.lockInfo.fails;
      const { kind, node } = st;
      if (!fails || kind !== 'AlterTableStmt' || !/\bview\b/.test(fails)) continue;
      const table = qualify(rangeVarName(node.relation));
      const typeChanges: Node[] = (node.cmds ?? [])
        .map((c: Node) => c?.AlterTableCmd ?? {})
        .filter((cmd: Node) => cmd.subtype === 'AT_AlterColumnType' && cmd.name);
      if (typeChanges.length === 0) continue;
      // The model names the column it found a view on; point there, or at the statement if it names none.
      const named = typeChanges.filter((cmd) => fails.includes(`${table}.${cmd.name}:`));
      for (const cmd of named.length ? named : [undefined]) {
        const loc = cmd?.def?.ColumnDef?.location;
        ctx.report({
          statementIndex: st.index,
          span: cmd && typeof loc === 'number' ? ctx.spanAt(st.index, loc, String(cmd.name).length) : st.span,
          message: `ALTER COLUMN ${cmd?.name ?? '...'} TYPE fails, ${fails}. PostgreSQL stops with "cannot alter type of a column used by a view or rule"; run DROP VIEW, the type change and CREATE VIEW in one transaction, and restore the view's grants`,
        });
      }
    }
  },
};
