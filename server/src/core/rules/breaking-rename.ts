// Renames beyond tables and columns that break running code the moment they commit:
//  - ALTER SCHEMA ... RENAME: every schema-qualified reference (queries, search_path settings,
//    deployed app versions) to the old name fails;
//  - ALTER TYPE ... RENAME VALUE: code that still writes the old label fails with "invalid input value
//    for enum", and code comparing against it silently matches nothing.
// Objects created earlier in the same file have no users yet.
import { type Node, strings } from '../syntax/ast';
import type { Rule, StatementView } from './rule';

export const breakingRename: Rule = {
  id: 'breaking-rename',
  title: 'Renaming a schema or an enum value breaks code that uses the old name',
  defaultSeverity: 'warning',
  check(ctx) {
    for (const st of ctx.statements) {
      const { kind, node } = st;
      if (kind === 'RenameStmt' && node.renameType === 'OBJECT_SCHEMA') {
        const old = String(node.subname ?? '');
        if (createdBefore(ctx.statements, st.index, (k, n) => k === 'CreateSchemaStmt' && n.schemaname === old)) continue;
        ctx.report({
          statementIndex: st.index,
          message: `ALTER SCHEMA ${old} RENAME TO ${node.newname}: every query, search_path and deployed app version that still names ${old} breaks when this commits. Rename in steps: create the new schema and move objects with views left under the old names, move the app, then drop the old schema`,
        });
      } else if (kind === 'AlterEnumStmt' && node.oldVal !== undefined && node.newVal !== undefined) {
        const type = strings(node.typeName).join('.');
        const last = strings(node.typeName).pop();
        if (createdBefore(ctx.statements, st.index, (k, n) => k === 'CreateEnumStmt' && strings(n.typeName).pop() === last)) continue;
        ctx.report({
          statementIndex: st.index,
          message: `ALTER TYPE ${type} RENAME VALUE '${node.oldVal}' TO '${node.newVal}': deployed code that still writes '${node.oldVal}' fails with "invalid input value for enum", and code comparing against it matches nothing. Add the new value (ADD VALUE), move the app and the rows to it, and stop using the old value instead`,
        });
      }
    }
  },
};

function createdBefore(statements: readonly StatementView[], index: number, is: (kind: string, node: Node) => boolean): boolean {
  return statements.some((s) => {
    if (s.index >= index) return false;
    const { kind: k, node: n } = s;
    return is(k, n);
  });
}
