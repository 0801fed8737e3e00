// ADD CONSTRAINT FOREIGN KEY / CHECK without NOT VALID validates every row under a lock that blocks writes
// (FK: SHARE ROW EXCLUSIVE on both tables; CHECK: ACCESS EXCLUSIVE).
import { unwrap, type Node } from '../syntax/ast';
import { splitFix } from '../fixes/quick';
import { lockSentence, sizeScaledSeverity } from './helpers';
import type { Rule } from './rule';

export const constraintMissingNotValid: Rule = {
  id: 'constraint-missing-not-valid',
  title: 'ADD CONSTRAINT (FOREIGN KEY or CHECK) without NOT VALID scans the table under a blocking lock',
  defaultSeverity: 'warning',
  check(ctx) {
    for (const st of ctx.statements) {
      const [kind, node] = unwrap(st.ast);
      if (kind !== 'AlterTableStmt') continue;
      for (const c of node.cmds ?? []) {
        const cmd: Node = c?.AlterTableCmd ?? {};
        const con: Node | undefined = cmd.def?.Constraint;
        if (cmd.subtype !== 'AT_AddConstraint' || !con) continue;
        if (con.contype !== 'CONSTR_FOREIGN' && con.contype !== 'CONSTR_CHECK') continue;
        if (con.skip_validation) continue;
        const lock = st.locks.find((l) => l.scan && !l.newTable);
        if (!lock) continue;
        const severity = sizeScaledSeverity([lock], ctx.settings);
        if (!severity) continue;
        const what = con.contype === 'CONSTR_FOREIGN' ? 'FOREIGN KEY' : 'CHECK';
        ctx.report({
          statementIndex: st.index,
          span: ctx.spanAt(st.index, con.location, 10),
          severity,
          message: `ADD CONSTRAINT ${con.conname ?? ''} ${what} validates every row: ${lockSentence('it', lock).replace(/^it takes /, 'it holds ')}. Add it NOT VALID, then VALIDATE CONSTRAINT in a later migration (SHARE UPDATE EXCLUSIVE, writes continue)`.replace(/\s+/g, ' '),
          locks: st.locks.filter((l) => !l.newTable),
          fix: () => splitFix(ctx, st, 'not-valid', 'Add the constraint NOT VALID here and VALIDATE it in a new migration'),
        });
      }
    }
  },
};
