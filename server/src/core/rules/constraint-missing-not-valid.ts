// ADD CONSTRAINT FOREIGN KEY / CHECK without NOT VALID validates every row under a lock that blocks writes
// (FK: SHARE ROW EXCLUSIVE on both tables; CHECK: ACCESS EXCLUSIVE).
import { qualify, rangeVarName, unwrap, type Node } from '../syntax/ast';
import { splitFix } from '../fixes/quick';
import { lockSentence, sizeScaledSeverity } from './helpers';
import type { Rule, RuleContext } from './rule';

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
        // A table this file created and has not filled is empty: validating reads nothing, and NOT VALID would
        // not shorten the lock on the referenced table either (Prisma writes CREATE TABLE, then ADD FOREIGN KEY).
        if (createdEmptyEarlier(ctx, st.index, qualify(rangeVarName(node.relation)))) continue;
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

/** Whether an earlier statement of this file created the table with CREATE TABLE and none since put rows in it. */
function createdEmptyEarlier(ctx: RuleContext, index: number, table: string): boolean {
  let empty = false;
  for (const st of ctx.statements) {
    if (st.index >= index) break;
    const [kind, node] = unwrap(st.ast);
    if (kind === 'CreateStmt' && qualify(rangeVarName(node.relation)) === table) empty = true;
    else if ((kind === 'CreateTableAsStmt' || (kind === 'SelectStmt' && node.intoClause)) && qualify(rangeVarName((node.into ?? node.intoClause)?.rel)) === table) empty = false;
    else if (kind === 'InsertStmt' && qualify(rangeVarName(node.relation)) === table && !node.selectStmt?.SelectStmt?.valuesLists) empty = false;
    else if (kind === 'CopyStmt' && node.is_from && qualify(rangeVarName(node.relation)) === table) empty = false;
  }
  return empty;
}
