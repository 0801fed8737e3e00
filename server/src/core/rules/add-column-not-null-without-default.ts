// ADD COLUMN ... NOT NULL without a DEFAULT: every existing row would get NULL, so the statement fails as
// soon as the table has a row. The lock model records the failure (lockInfo.fails).
import { isSerialTypeName } from '../syntax/pgtypes';
import { columnsDeclaredBy, lockOn } from './columns';
import type { Rule } from './rule';

const FILLS_ROWS = new Set(['CONSTR_DEFAULT', 'CONSTR_IDENTITY', 'CONSTR_GENERATED']);

export const addColumnNotNullWithoutDefault: Rule = {
  id: 'add-column-not-null-without-default',
  title: 'ADD COLUMN ... NOT NULL without a DEFAULT fails on a table that has rows',
  defaultSeverity: 'error',
  scope: 'statement',
  checkStatement(st, ctx) {
    for (const d of columnsDeclaredBy(st)) {
      if (d.via !== 'add-column' || !d.st.lockInfo.fails) continue;
      const notNull = d.constraints.find((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
      if (!notNull || d.constraints.some((c) => FILLS_ROWS.has(c.contype)) || isSerialTypeName(d.typeName)) continue;
      // A table created earlier in this file has no rows yet, so the column is added without trouble.
      if (lockOn(d.st, d.table)?.newTable) continue;
      const start = ctx.spanAt(d.def.location, 1).start;
      const end = ctx.spanAt(notNull.location, notNull.contype === 'CONSTR_PRIMARY' ? 11 : 8).end;
      const what = notNull.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'NOT NULL';
      ctx.report({
        span: { start, end: Math.max(end, start + 1) },
        message: `ADD COLUMN ${d.column} ${what} without a DEFAULT fails on ${d.table} as soon as it has a row: existing rows would hold NULL ("column "${d.column}" of relation "${d.table.split('.')[1]}" contains null values"). Add the column nullable, backfill it in batches, then enforce NOT NULL with CHECK (${d.column} IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT and SET NOT NULL; or give it a constant DEFAULT, which is catalog-only on PG 11+`,
      });
    }
  },
};
