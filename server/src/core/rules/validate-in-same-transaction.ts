// ADD CONSTRAINT ... NOT VALID followed by VALIDATE CONSTRAINT in the same transaction: the transaction
// keeps the ADD's lock until commit, so the validation scan runs under it and NOT VALID bought nothing.
import { columnRefs, qualify, rangeVarName, strings, type Node } from '../syntax/ast';
import { formatDuration } from '../estimate';
import { blocksTraffic } from '../locks/modes';
import { describeBlocks, describeLock, sizeScaledSeverity } from './helpers';
import { lineIndex } from './facts';
import type { Rule, RuleContext } from './rule';

export interface SameTransactionValidation {
  /** The VALIDATE CONSTRAINT statement. */
  statementIndex: number;
  /** The ADD CONSTRAINT ... NOT VALID statement (may be the same statement). */
  addedAt: number;
  table: string;
  constraint: string;
}

/** Every VALIDATE CONSTRAINT whose NOT VALID constraint was added in the same transaction. */
export function validationsInAddingTransaction(ctx: RuleContext): SameTransactionValidation[] {
  const added = new Map<string, { statementIndex: number; transactionId: number }>();
  const out: SameTransactionValidation[] = [];
  for (const st of ctx.statements) {
    const { kind, node } = st;
    if (kind !== 'AlterTableStmt' || node.objtype === 'OBJECT_INDEX') continue;
    const table = qualify(rangeVarName(node.relation));
    for (const c of node.cmds ?? []) {
      const cmd: Node = c?.AlterTableCmd ?? {};
      if (cmd.subtype === 'AT_AddConstraint' && cmd.def?.Constraint?.skip_validation) {
        const name = constraintName(rangeVarName(node.relation).name, cmd.def.Constraint);
        if (name) added.set(`${table}|${name}`, { statementIndex: st.index, transactionId: st.transactionId });
      } else if (cmd.subtype === 'AT_ValidateConstraint' && typeof cmd.name === 'string') {
        const add = added.get(`${table}|${cmd.name}`);
        // One statement is always one transaction, even outside a transaction block.
        if (add && (add.statementIndex === st.index || (add.transactionId >= 0 && add.transactionId === st.transactionId))) {
          out.push({ statementIndex: st.index, addedAt: add.statementIndex, table, constraint: cmd.name });
        }
      }
    }
  }
  return out;
}

/** The constraint's name as PostgreSQL chooses it when the statement gives none (ChooseConstraintName). */
function constraintName(tableName: string, con: Node): string | undefined {
  if (con.conname) return con.conname;
  if (con.contype === 'CONSTR_FOREIGN') return `${tableName}_${strings(con.fk_attrs).join('_')}_fkey`;
  if (con.contype === 'CONSTR_NOTNULL') return `${tableName}_${strings(con.keys)[0]}_not_null`;
  if (con.contype === 'CONSTR_CHECK') {
    const cols = [...new Set(columnRefs(con.raw_expr))];
    return cols.length === 1 ? `${tableName}_${cols[0]}_check` : `${tableName}_check`;
  }
  return undefined;
}

export const validateInSameTransaction: Rule = {
  id: 'validate-in-same-transaction',
  title: 'VALIDATE CONSTRAINT in the same transaction as its ADD CONSTRAINT ... NOT VALID',
  defaultSeverity: 'warning',
  check(ctx) {
    for (const v of validationsInAddingTransaction(ctx)) {
      const st = ctx.statements[v.statementIndex];
      const addSt = ctx.statements[v.addedAt];
      const scan = st.locks.find((l) => l.relation === v.table && l.scan);
      const held = addSt.locks.find((l) => l.relation === v.table);
      if (!scan || !held) continue;
      const severity = sizeScaledSeverity([scan], ctx.settings);
      if (!severity) continue;
      const where =
        v.addedAt === st.index
          ? 'in the same statement'
          : `in the same transaction (line ${lineIndex(ctx).positionAt(addSt.span.start).line + 1})`;
      // A foreign key's ADD also locks the referenced table, which then stays locked during the scan too.
      const alsoHeld = addSt.locks.filter((l) => l.relation !== v.table && !l.newTable && blocksTraffic(l.mode));
      const also = alsoHeld.length ? ` (and the ${alsoHeld.map(describeLock).join(', ')})` : '';
      const duration = scan.estimatedSeconds !== undefined ? ` (${formatDuration(scan.estimatedSeconds)})` : '';
      ctx.report({
        statementIndex: st.index,
        severity,
        message:
          `VALIDATE CONSTRAINT ${v.constraint} runs ${where} as its ADD CONSTRAINT ... NOT VALID, so the ${v.addedAt === st.index ? 'statement' : 'transaction'} still holds the ${describeLock(held)}${also} ` +
          `while the validation scans ${v.table}${duration}: it ${describeBlocks(held)} for the whole scan. Commit in between: move VALIDATE CONSTRAINT to a later migration file`,
        locks: [held, ...alsoHeld, scan],
      });
    }
  },
};
