// timestamp without time zone stores a local date and time with no zone; the same value means a different
// instant for every server or session TimeZone. timestamptz stores the instant (same 8 bytes).
import { typeFromAst } from '../syntax/pgtypes';
import { columnsDeclaredBy, typeSource, typeSpan } from './columns';
import type { Rule } from './rule';

export const preferTimestamptz: Rule = {
  id: 'prefer-timestamptz',
  title: 'Prefer timestamptz over timestamp without time zone',
  defaultSeverity: 'hint',
  scope: 'statement',
  checkStatement(st, ctx) {
    for (const d of columnsDeclaredBy(st)) {
      if (typeFromAst(d.typeName).name !== 'timestamp') continue;
      const written = typeSource(ctx.spanAt, d.st, d.typeName) || 'timestamp';
      ctx.report({
        span: typeSpan(ctx.spanAt, d.st, d.typeName),
        message: `${d.table}.${d.column} is ${/without/i.test(written) ? written : `${written} (without time zone)`}: it stores a local date and time with no zone, so its meaning depends on the TimeZone of whoever wrote it, and arithmetic across DST changes is wrong. Prefer timestamptz, which stores an absolute instant in the same 8 bytes and shows it in each session's TimeZone`,
      });
    }
  },
};
