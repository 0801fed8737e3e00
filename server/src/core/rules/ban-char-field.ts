// char(n) / character(n) pads every value with spaces to n characters and ignores trailing spaces in
// comparisons; it is not faster than text or varchar in PostgreSQL.
import { strings } from '../syntax/ast';
import { typeFromAst } from '../syntax/pgtypes';
import { columnsDeclaredBy, typeSource, typeSpan } from './columns';
import type { Rule } from './rule';

export const banCharField: Rule = {
  id: 'ban-char-field',
  title: 'Avoid char(n) / character(n) columns',
  defaultSeverity: 'hint',
  scope: 'statement',
  checkStatement(st, ctx) {
    for (const d of columnsDeclaredBy(st)) {
      // The parser writes char(n) and character(n) as bpchar; a quoted "char" is the one-byte internal type.
      const names = strings(d.typeName?.names);
      if ((names[names.length - 1] ?? '').toLowerCase() !== 'bpchar') continue;
      const written = typeSource(ctx.spanAt, d.st, d.typeName) || 'char(n)';
      const length = typeFromAst(d.typeName).mods[0] ?? 1;
      ctx.report({
        span: typeSpan(ctx.spanAt, d.st, d.typeName),
        message: `${d.table}.${d.column} is ${written}: char(n) pads every value with spaces to its full length, drops trailing spaces when compared or cast to text, and is no faster than text in PostgreSQL. Use text (with CHECK (length(${d.column}) <= ${length}) if the limit matters) or varchar(${length})`,
      });
    }
  },
};
