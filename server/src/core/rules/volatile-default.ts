// ADD COLUMN with a volatile DEFAULT (random(), gen_random_uuid(), clock_timestamp(), nextval(), a user
// function created without IMMUTABLE or STABLE, ...) on an existing table: each existing row needs its own
// value, so PostgreSQL rewrites the whole table under ACCESS EXCLUSIVE. Constant (and stable, like now())
// defaults are catalog-only since PG 11. The lock model decides the rewrite (it reads the volatility of the
// migrations' own functions); a default calling a function nobody has seen created is reported as unknown.
import { calledFunctions } from '../syntax/ast';
import { BUILTIN_FUNCTIONS } from '../syntax/builtin-functions';
import { splitFix } from '../fixes/quick';
import { isVolatileExpression } from '../locks';
import { declaredColumns, lockOn } from './columns';
import { lockSentence, sizeScaledSeverity } from './helpers';
import { formatCount } from '../estimate';
import type { Rule, RuleContext } from './rule';
import type { Span } from '../types';

export const volatileDefault: Rule = {
  id: 'volatile-default',
  title: 'ADD COLUMN with a default that rewrites the table (volatile default, or any default before PG 11)',
  defaultSeverity: 'warning',
  check(ctx) {
    for (const d of declaredColumns(ctx)) {
      if (d.via !== 'add-column') continue;
      const dflt = d.constraints.find((c) => c.contype === 'CONSTR_DEFAULT');
      if (!dflt) continue;
      const lock = lockOn(d.st, d.table);
      if (!lock || lock.newTable) continue;
      const calls = [...new Set(calledFunctions(dflt.raw_expr))];
      const builtinVolatile = calls.filter((f) => isVolatileExpression({ FuncCall: { funcname: [{ String: { sval: f } }] } }));
      const userVolatile = calls.filter(
        (f) =>
          ctx.catalog.volatility.get(f) === 'v' && lock.why.includes(`volatile default (`) && new RegExp(`[(, ]${f}[,)]`).test(lock.why),
      );
      const unknown = calls.filter(
        (f) => !ctx.catalog.volatility.has(f) && !BUILTIN_FUNCTIONS.has(f) && !builtinVolatile.includes(f) && !f.startsWith('svfop_'),
      );
      const { span, written } = defaultText(ctx, d.st.index, dflt.location, d.st.span.end);
      const label = `ADD COLUMN ${d.column} ${written}`;
      const fix = () =>
        splitFix(
          ctx,
          d.st,
          'volatile-default',
          'Add the column without the default, SET DEFAULT for new rows, and backfill existing rows in batches in a new migration',
        );
      const instead =
        'Add the column without a default, SET DEFAULT in a second statement (new rows only, no rewrite), then backfill existing rows in batches';
      if (lock.rewrite && (builtinVolatile.length || userVolatile.length || ctx.pgVersion < 11)) {
        const severity = sizeScaledSeverity([lock], ctx.settings);
        if (!severity) continue;
        const named = (fs: string[]) => fs.map((f) => `${f}()`).join(', ');
        const why = builtinVolatile.length
          ? `${named(builtinVolatile)} ${builtinVolatile.length > 1 ? 'are' : 'is'} volatile`
          : userVolatile.length
            ? `${named(userVolatile)} ${userVolatile.length > 1 ? 'were' : 'was'} created without IMMUTABLE or STABLE, so ${userVolatile.length > 1 ? 'they are' : 'it is'} VOLATILE`
            : '';
        const message = why
          ? `${lockSentence(label, lock)}. ${why}: every existing row needs its own value, so PostgreSQL rewrites the table and its indexes while it holds the lock (a constant default, or now(), is catalog-only on PG 11+). ${instead}`
          : `${lockSentence(label, lock)}. Before PG 11 any default fills every existing row, rewriting the table while it holds the lock. ${instead}`;
        ctx.report({ statementIndex: d.st.index, span, severity, message, locks: [lock], fix });
      } else if (!lock.rewrite && unknown.length && ctx.pgVersion >= 11) {
        // Not known to rewrite, not known to be safe: say so, at most a warning (the function may well be STABLE).
        const scaled = sizeScaledSeverity([lock], ctx.settings);
        if (!scaled) continue;
        const severity = scaled === 'error' ? 'warning' : scaled;
        const fn = unknown.map((f) => `${f}()`).join(', ');
        ctx.report({
          statementIndex: d.st.index,
          span,
          severity,
          message: `${label} calls ${fn}, which is not a PostgreSQL built-in and is not created in the known schema or migrations, so whether it rewrites ${d.table}${lock.rows !== undefined ? ` (${formatCount(lock.rows)} rows)` : ''} is unknown: a function created without IMMUTABLE or STABLE is VOLATILE, and then PostgreSQL fills every existing row, rewriting the table under ACCESS EXCLUSIVE. Check its volatility (pg_proc.provolatile); if it is volatile, ${instead[0].toLowerCase()}${instead.slice(1)}`,
          locks: [lock],
          fix,
        });
      }
    }
  },
};

/** The DEFAULT clause as written: up to the next top-level comma, constraint keyword or the statement's end. */
function defaultText(ctx: RuleContext, index: number, location: number | undefined, end: number): { span: Span; written: string } {
  const start = ctx.spanAt(index, location, 1).start;
  const text = ctx.text.slice(start, end);
  let depth = 0;
  let i = /^DEFAULT\s+/i.exec(text)?.[0].length ?? 0;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") {
      const close = text.indexOf("'", i + 1);
      i = close < 0 ? text.length : close;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && (ch === ',' || ch === ';')) break;
    else if (
      depth === 0 &&
      /\s/.test(ch) &&
      /^\s+(NOT|NULL|CHECK|REFERENCES|CONSTRAINT|UNIQUE|PRIMARY|GENERATED|COLLATE)\b/i.test(text.slice(i))
    )
      break;
  }
  const written = text.slice(0, i).trimEnd().replace(/\s+/g, ' ') || 'DEFAULT';
  return { span: { start, end: start + text.slice(0, i).trimEnd().length }, written };
}
