// ALTER COLUMN ... TYPE that the lock model says rewrites the table: every row and every index is
// rewritten under ACCESS EXCLUSIVE, so reads and writes wait for the whole copy.
import { typeChangeEffect, typeFromAst, usingIsColumnItself } from '../syntax/pgtypes';
import { columnTypeBefore, declaredColumns, lockOn, typeSource, typeSpan, spansIn } from './columns';
import { lockSentence, sizeScaledSeverity } from './helpers';
import type { Rule } from './rule';

export const rewritingTypeChange: Rule = {
  id: 'rewriting-type-change',
  title: 'ALTER COLUMN ... TYPE that rewrites the table and its indexes under ACCESS EXCLUSIVE',
  defaultSeverity: 'warning',
  check(ctx) {
    for (const d of declaredColumns(ctx)) {
      if (d.via !== 'alter-type') continue;
      const lock = lockOn(d.st, d.table);
      // The lock model decides whether the statement rewrites; the per-column reason only picks which
      // of several ALTER COLUMN TYPE clauses in one statement to point at.
      if (!lock || !(lock.rewrite || lock.indexBuild) || lock.newTable) continue;
      const to = typeFromAst(d.typeName);
      // The session TimeZone is the lock model's to know: a rewrite it found for timestamp <-> timestamptz means not UTC.
      const change = typeChangeEffect(
        columnTypeBefore(ctx, d.st.index, d.table, d.column),
        to,
        ctx.pgVersion,
        !!d.def.raw_default && !usingIsColumnItself(d.def.raw_default, d.column, to),
        !lock.rewrite,
      );
      const rebuildOnly = !change.rewrite && !!change.rebuildsIndexes && !!lock.indexBuild;
      if (!change.rewrite && !rebuildOnly) continue;
      const severity = sizeScaledSeverity([lock], ctx.settings);
      if (!severity) continue;
      const written = typeSource(spansIn(ctx, d.st), d.st, d.typeName) || 'the new type';
      ctx.report({
        statementIndex: d.st.index,
        span: typeSpan(spansIn(ctx, d.st), d.st, d.typeName),
        severity,
        message: `${lockSentence(`ALTER COLUMN ${d.column} TYPE ${written}`, lock)}. ${rebuildOnly ? 'It keeps the rows but rebuilds the index on the column' : 'It rewrites every row and rebuilds every index'} while it holds the lock (${change.why}). Use expand/contract instead: add a new column, dual-write with a trigger, backfill in batches, then switch reads and drop the old column`,
        help: 'Binary-coercible changes keep the table as it is: varchar(n) to a longer varchar or to text, text to or from citext, numeric(p,s) to a larger p at the same s, a higher or no precision on timestamp, timestamptz, time and interval, and timestamp to timestamptz on PG 12+ with TimeZone UTC. A USING that is only the column (or the column cast to the new type) changes nothing.',
        locks: [lock],
      });
    }
  },
};
