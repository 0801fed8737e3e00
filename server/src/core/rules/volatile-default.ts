// ADD COLUMN with a volatile DEFAULT (random(), gen_random_uuid(), clock_timestamp(), nextval(), ...) on an
// existing table: each existing row needs its own value, so PostgreSQL rewrites the whole table under
// ACCESS EXCLUSIVE. Constant (and stable, like now()) defaults are catalog-only since PG 11.
import { calledFunctions } from '../syntax/ast';
import { splitFix } from '../fixes/quick';
import { isVolatileExpression } from '../locks';
import { declaredColumns, lockOn } from './columns';
import { lockSentence, sizeScaledSeverity } from './helpers';
import type { Rule } from './rule';

export const volatileDefault: Rule = {
  id: 'volatile-default',
  title: 'ADD COLUMN with a default that rewrites the table (volatile default, or any default before PG 11)',
  defaultSeverity: 'warning',
  check(ctx) {
    for (const d of declaredColumns(ctx)) {
      if (d.via !== 'add-column') continue;
      const dflt = d.constraints.find((c) => c.contype === 'CONSTR_DEFAULT');
      if (!dflt) continue;
      const volatile = isVolatileExpression(dflt.raw_expr);
      // The lock model says whether the statement rewrites; this default is the cause only when volatile (or before PG 11).
      if (!volatile && ctx.pgVersion >= 11) continue;
      const lock = lockOn(d.st, d.table);
      if (!lock?.rewrite || lock.newTable) continue;
      const severity = sizeScaledSeverity([lock], ctx.settings);
      if (!severity) continue;
      const start = ctx.spanAt(d.st.index, dflt.location, 1).start;
      const written = /^DEFAULT\s+[\w."]+\s*\([^()]*\)|^DEFAULT\s+[^\s,;]+/i.exec(ctx.text.slice(start, d.st.span.end))?.[0] ?? 'DEFAULT';
      const why = volatile
        ? `The default calls ${[...new Set(calledFunctions(dflt.raw_expr))].join(', ')}, which is volatile: every existing row needs its own value, so PostgreSQL rewrites the table and its indexes while it holds the lock (a constant default, or now(), is catalog-only on PG 11+)`
        : `Before PG 11 any default fills every existing row, rewriting the table while it holds the lock`;
      ctx.report({
        statementIndex: d.st.index,
        span: { start, end: start + written.length },
        severity,
        message: `${lockSentence(`ADD COLUMN ${d.column} ${written.replace(/\s+/g, ' ')}`, lock)}. ${why}. Add the column without a default, SET DEFAULT in a second statement (new rows only, no rewrite), then backfill existing rows in batches`,
        locks: [lock],
        fix: () => splitFix(ctx, d.st, 'volatile-default', 'Add the column without the default, SET DEFAULT for new rows, and backfill existing rows in batches in a new migration'),
      });
    }
  },
};
