// Statements PostgreSQL rejects outright, found from the statement alone: the migration stops there (and a
// runner-wrapped file rolls back). Each message quotes PostgreSQL 15's error. Checked:
//  - UPDATE ... SET, INSERT ... ON CONFLICT DO UPDATE SET assigning one column twice:
//    "multiple assignments to same column" (a composite's distinct fields, SET c.f1 = ..., c.f2 = ..., are fine);
//  - INSERT with a column twice in its column list, CREATE TABLE with a column twice, CREATE VIEW with two
//    output columns of one name (or a column list naming one twice): "column ... specified more than once".
import { type Node } from '../syntax/ast';
import type { Rule, StatementContext } from './rule';

export const statementFails: Rule = {
  id: 'statement-fails',
  title: 'PostgreSQL rejects the statement: the migration fails',
  defaultSeverity: 'error',
  scope: 'statement',
  checkStatement(st, ctx) {
    const { kind, node } = st;
    if (kind === 'UpdateStmt') assignments(ctx, node.targetList, 'UPDATE ... SET');
    else if (kind === 'InsertStmt') {
      const cols = (node.cols ?? []).map((c: Node) => c?.ResTarget).filter((r: Node) => r && !r.indirection);
      twice(
        ctx,
        cols.map((r: Node) => ({ name: String(r.name), location: r.location })),
        (n) => `INSERT names column "${n}" more than once in its column list`,
      );
      assignments(ctx, node.onConflictClause?.targetList, 'ON CONFLICT ... DO UPDATE SET');
    } else if (kind === 'CreateStmt') {
      const cols = (node.tableElts ?? []).map((e: Node) => e?.ColumnDef).filter(Boolean);
      twice(
        ctx,
        cols.map((c: Node) => ({ name: String(c.colname), location: c.location })),
        (n) => `CREATE TABLE declares column "${n}" more than once`,
      );
    } else if (kind === 'ViewStmt') {
      const aliases = (node.aliases ?? []).map((a: Node) => a?.String?.sval).filter((a: unknown) => typeof a === 'string');
      if (aliases.length)
        twice(
          ctx,
          aliases.map((name: string) => ({ name })),
          (n) => `CREATE VIEW's column list names "${n}" more than once`,
        );
      else {
        const targets = (node.query?.SelectStmt?.targetList ?? []).map((t: Node) => t?.ResTarget).filter(Boolean);
        twice(
          ctx,
          targets.map((t: Node) => ({ name: outputName(t), location: t.location })),
          (n) => `CREATE VIEW's query has two output columns named "${n}"`,
        );
      }
    }
  },
};

function assignments(ctx: StatementContext, targetList: Node[] | undefined, what: string): void {
  // SET c.f1 = ..., c.f2 = ... assigns distinct fields of a composite column: allowed.
  const plain = (targetList ?? []).map((t) => t?.ResTarget).filter((r) => r && !r.indirection);
  const seen = new Set<string>();
  for (const r of plain) {
    const name = String(r.name);
    if (seen.has(name)) {
      ctx.report({
        span: ctx.spanAt(r.location, name.length),
        message: `${what} assigns column "${name}" twice: PostgreSQL rejects the statement (ERROR: multiple assignments to same column "${name}") and the migration fails. Keep one assignment`,
      });
      return;
    }
    seen.add(name);
  }
}

function twice(ctx: StatementContext, names: { name: string; location?: number }[], say: (name: string) => string): void {
  const seen = new Set<string>();
  for (const { name, location } of names) {
    if (!name || name === 'undefined') return;
    if (seen.has(name)) {
      ctx.report({
        span: location !== undefined ? ctx.spanAt(location, name.length) : undefined,
        message: `${say(name)}: PostgreSQL rejects the statement (ERROR: column "${name}" specified more than once) and the migration fails. Rename or drop one of them`,
      });
      return;
    }
    seen.add(name);
  }
}

/** The output column name PostgreSQL gives a select-list item: its alias, else the column's last name part (other expressions get ?column? or a function name, which this does not guess). */
function outputName(t: Node): string {
  if (t.name) return String(t.name);
  const fields = t.val?.ColumnRef?.fields;
  const last = fields?.[fields.length - 1]?.String?.sval;
  return typeof last === 'string' ? last : '';
}
