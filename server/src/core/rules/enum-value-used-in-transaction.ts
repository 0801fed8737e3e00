// ALTER TYPE ... ADD VALUE inside a transaction block: on PG 12+ the new value cannot be used until the
// transaction commits ("unsafe use of new value"); before PG 12 the ADD VALUE itself is refused there.
// Both are fine when the enum type was created in the same transaction.
import { strings, unwrap, walk, type Node } from '../ast';
import type { Rule, RuleContext, StatementView } from './rule';

export const enumValueUsedInTransaction: Rule = {
  id: 'enum-value-used-in-transaction',
  title: 'A value added with ALTER TYPE ... ADD VALUE is used before its transaction commits',
  defaultSeverity: 'error',
  check(ctx) {
    for (const st of ctx.statements) {
      const [kind, node] = unwrap(st.ast);
      // RENAME VALUE also fills newVal, but with oldVal; only ADD VALUE creates an uncommitted value.
      if (kind !== 'AlterEnumStmt' || typeof node.newVal !== 'string' || node.oldVal || st.transactionId < 0) continue;
      const enumName = strings(node.typeName).join('.');
      if (createdInSameTransaction(ctx, st, enumName)) continue;
      const line = lineOf(ctx.text, st.span.start);
      const wrapNote = st.explicitTransaction ? '' : ` (${ctx.runner.title} runs the whole file in one transaction)`;
      if (ctx.pgVersion < 12) {
        ctx.report({
          statementIndex: st.index,
          message: `ALTER TYPE ${enumName} ADD VALUE '${node.newVal}' runs inside a transaction block, which PG ${ctx.pgVersion} refuses ("ALTER TYPE ... ADD cannot run inside a transaction block"). Put it in its own migration that runs outside a transaction${ctx.runner.noTransactionDirective ? ` (${ctx.runner.noTransactionDirective})` : ''}, or upgrade to PG 12+`,
        });
        continue;
      }
      for (const later of ctx.statements) {
        if (later.index <= st.index || later.transactionId !== st.transactionId) continue;
        const use = literalLocation(later.ast, node.newVal);
        if (use === undefined) continue;
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
  const last = (name: string) => name.split('.').pop();
  return ctx.statements.some((s) => {
    if (s.index >= st.index || s.transactionId !== st.transactionId) return false;
    const [kind, node] = unwrap(s.ast);
    return kind === 'CreateEnumStmt' && last(strings(node.typeName).join('.')) === last(enumName);
  });
}

/** Byte location of the first string literal equal to value in the statement, if any. */
function literalLocation(ast: Node | undefined, value: string): number | undefined {
  let found: number | undefined;
  walk(ast, (type, v) => {
    if (found === undefined && type === 'A_Const' && v.sval?.sval === value) found = typeof v.location === 'number' ? v.location : -1;
  });
  return found;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
