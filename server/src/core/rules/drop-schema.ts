// DROP SCHEMA on an existing schema: with CASCADE every table (and its rows), view, function and type
// in it is gone for good, and every query that names the schema breaks; without CASCADE it fails while
// a table is left in it. A schema created earlier in the same file has no users yet.
import { strings } from '../syntax/ast';
import type { Rule } from './rule';

export const dropSchema: Rule = {
  id: 'drop-schema',
  title: 'DROP SCHEMA deletes every object in the schema, or fails',
  defaultSeverity: 'error',
  check(ctx) {
    for (const st of ctx.statements) {
      const { kind, node } = st;
      if (kind !== 'DropStmt' || node.removeType !== 'OBJECT_SCHEMA') continue;
      const cascade = node.behavior === 'DROP_CASCADE';
      for (const schema of strings(node.objects)) {
        const created = ctx.statements.some((s) => {
          const { kind: k, node: n } = s;
          return s.index < st.index && k === 'CreateSchemaStmt' && n.schemaname === schema;
        });
        if (created) continue;
        const tables = [...ctx.catalog.tables.keys()].filter((t) => t.startsWith(`${schema}.`));
        // Without CASCADE an empty schema goes quietly, and a non-empty one fails (and rolls back).
        if (!cascade && tables.length === 0) continue;
        const known = tables.length
          ? ` (${tables.slice(0, 5).join(', ')}${tables.length > 5 ? `, and ${tables.length - 5} more` : ''})`
          : '';
        ctx.report({
          statementIndex: st.index,
          severity: cascade ? 'error' : 'warning',
          message: cascade
            ? `DROP SCHEMA ${schema} CASCADE deletes every table${known}, view, function and type in it, with their data, for good, and breaks every query that names ${schema}. Drop the objects you mean to drop one by one, after the app has stopped using them`
            : `DROP SCHEMA ${schema} fails while anything is left in it${known}, and once empty breaks every query that still names ${schema}. Drop its objects first, one by one, after the app has stopped using them`,
          help: 'When the drop is intended, suppress with a reason: -- pg-preflight-ignore drop-schema: <why nothing uses it and where the data went>',
        });
      }
    }
  },
};
