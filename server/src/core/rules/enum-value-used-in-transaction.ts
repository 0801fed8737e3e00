// ALTER TYPE ... ADD VALUE inside a transaction block: on PG 12+ the new value cannot be used until the
// transaction commits ("unsafe use of new value"); before PG 12 the ADD VALUE itself is refused there.
// Both are fine when the enum type was created in the same transaction.
import { strings, walk } from '../syntax/ast';
import { lineNumberAt, lowerBound, perAnalysis, unwrapped } from './facts';
import type { Rule, RuleContext, StatementView } from './rule';

export const enumValueUsedInTransaction: Rule = {
  id: 'enum-value-used-in-transaction',
  title: 'A value added with ALTER TYPE ... ADD VALUE is used before its transaction commits',
  defaultSeverity: 'error',
  check(ctx) {
    for (const st of ctx.statements) {
      const { kind, node } = st;
      // RENAME VALUE also fills newVal, but with oldVal; only ADD VALUE creates an uncommitted value.
      if (kind !== 'AlterEnumStmt' || typeof node.newVal !== 'string' || node.oldVal || st.transactionId < 0) continue;
      const enumName = strings(node.typeName).join('.');
      if (createdInSameTransaction(ctx, st, enumName)) continue;
      const line = lineNumberAt(ctx, st.span.start);
      const wrapNote = st.explicitTransaction ? '' : ` (${ctx.runner.title} runs the whole file in one transaction)`;
      if (ctx.pgVersion < 12) {
        ctx.report({
          statementIndex: st.index,
          message: `ALTER TYPE ${enumName} ADD VALUE '${node.newVal}' runs inside a transaction block, which PG ${ctx.pgVersion} refuses ("ALTER TYPE ... ADD cannot run inside a transaction block"). Put it in its own migration that runs outside a transaction${ctx.runner.noTransactionDirective ? ` (${ctx.runner.noTransactionDirective})` : ''}, or upgrade to PG 12+`,
        });
        continue;
      }
      const { uses, firstLocation } = literalsInTransactions(ctx);
      const users = uses.get(st.transactionId)?.get(node.newVal) ?? [];
      for (let k = lowerBound(users, st.index + 1); k < users.length; k++) {
        const later = ctx.statements[users[k]];
        const use = firstLocation[later.index].get(node.newVal);
        ctx.report({
          statementIndex: later.index,
          span: ctx.spanAt(later.index, use, node.newVal.length + 2),
          message: `'${node.newVal}' was added to enum ${enumName} by ALTER TYPE ... ADD VALUE on line ${line} in this same transaction${wrapNote}; PostgreSQL refuses to use it until that transaction commits ("unsafe use of new value "${node.newVal}" of enum type ${enumName.split('.').pop()}"). Commit in between: put the ADD VALUE in its own, earlier migration`,
        });
      }
    }
  },
};

function createdInSameTransaction(ctx: RuleContext, st: StatementView, enumName: string): boolean {
  return (enumsCreated(ctx).get(`${st.transactionId}|${lastPart(enumName)}`) ?? Infinity) < st.index;
}

const lastPart = (name: string) => name.split('.').pop();

/** The first CREATE TYPE ... AS ENUM of each (transaction, unqualified type name): one pass per analysis. */
const enumsCreated = perAnalysis((ctx): ReadonlyMap<string, number> => {
  const out = new Map<string, number>();
  const nodes = unwrapped(ctx);
  for (const st of ctx.statements) {
    const [kind, node] = nodes[st.index];
    if (kind !== 'CreateEnumStmt') continue;
    const key = `${st.transactionId}|${lastPart(strings(node.typeName).join('.'))}`;
    if (!out.has(key)) out.set(key, st.index);
  }
  return out;
});

/**
 * The string literals of the statements that run in a transaction block, each statement's AST walked
 * once: per transaction, the statements (ascending) that contain each value; per statement, the byte
 * location of each value's first literal (-1 when the AST gives none).
 */
const literalsInTransactions = perAnalysis((ctx) => {
  const uses = new Map<number, Map<string, number[]>>();
  const firstLocation: Map<string, number>[] = ctx.statements.map(() => new Map());
  for (const st of ctx.statements) {
    if (st.transactionId < 0) continue;
    const found = firstLocation[st.index];
    walk(st.ast, (type, v) => {
      const value = v.sval?.sval;
      if (type === 'A_Const' && typeof value === 'string' && !found.has(value))
        found.set(value, typeof v.location === 'number' ? v.location : -1);
    });
    let byValue = uses.get(st.transactionId);
    if (!byValue) uses.set(st.transactionId, (byValue = new Map()));
    for (const value of found.keys()) {
      const list = byValue.get(value);
      if (list) list.push(st.index);
      else byValue.set(value, [st.index]);
    }
  }
  return { uses, firstLocation };
});
