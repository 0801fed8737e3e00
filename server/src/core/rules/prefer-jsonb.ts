// Columns declared json: jsonb is what almost every application wants (indexable, comparable, faster to query).
import { typeFromAst } from '../syntax/pgtypes';
import { columnsDeclaredBy, typeSpan } from './columns';
import type { Rule } from './rule';

export const preferJsonb: Rule = {
  id: 'prefer-jsonb',
  title: 'Prefer jsonb over json for new columns',
  defaultSeverity: 'info',
  scope: 'statement',
  checkStatement(st, ctx) {
    for (const d of columnsDeclaredBy(st)) {
      if (typeFromAst(d.typeName).name !== 'json') continue;
      ctx.report({
        span: typeSpan(ctx.spanAt, d.st, d.typeName),
        message: `${d.table}.${d.column} is declared json: prefer jsonb. jsonb is stored parsed, so queries need not re-parse the text; it supports GIN indexes and the containment and existence operators (@>, ?); it has equality, so it can be compared, grouped and made unique; and it keeps one value per key. Keep json only when the exact input text (key order, duplicate keys, whitespace) must be preserved`,
      });
    }
  },
};
