// REINDEX without CONCURRENTLY blocks writes to the table for the whole rebuild. PostgreSQL 12 added
// REINDEX CONCURRENTLY; before that the concurrent route is a new index built concurrently, then a swap.
import { hasOption } from '../syntax/ast';
import { concurrentlyFix } from '../fixes/quick';
import { lockSentence, sizeScaledSeverity, worstExistingLock } from './helpers';
import type { Rule, StatementContext } from './rule';

// REINDEX SCHEMA/DATABASE/SYSTEM locks every table in it in turn (SHARE, or the system catalogs, which
// every session reads): the lock model names no table, so the size comes from the snapshot's largest table.
function reportWhole(ctx: StatementContext, kind: string, name: string): void {
  const scope = kind === 'REINDEX_OBJECT_SCHEMA' ? 'SCHEMA' : kind === 'REINDEX_OBJECT_SYSTEM' ? 'SYSTEM' : 'DATABASE';
  const tables = (ctx.stats?.tables ?? []).filter((t) => scope !== 'SCHEMA' || t.schema === name.toLowerCase());
  const largest = Math.max(0, ...tables.map((t) => t.rows));
  const severity = scope !== 'SYSTEM' && largest >= ctx.settings.largeTableRows ? 'error' : 'warning';
  const what =
    scope === 'SYSTEM'
      ? "REINDEX SYSTEM rebuilds the system catalogs' indexes under locks that every session's catalog lookups wait for"
      : `REINDEX ${scope} rebuilds every index ${scope === 'SCHEMA' ? `in the schema ${name}` : 'of the database'}, each table in turn under SHARE: writes to it wait for its rebuild`;
  const advice =
    scope === 'SYSTEM'
      ? 'Run it in a maintenance window, outside migrations'
      : ctx.pgVersion >= 12
        ? `Reindex only what needs it, with REINDEX INDEX CONCURRENTLY (or REINDEX ${scope} CONCURRENTLY), which lets writes continue`
        : 'Reindex only what needs it, with a replacement built by CREATE INDEX CONCURRENTLY';
  ctx.report({
    severity,
    message: `${what}. ${advice}`,
    help: 'The concurrent forms cannot run inside a transaction block.',
  });
}

export const requireConcurrentReindex: Rule = {
  id: 'require-concurrent-reindex',
  title: 'REINDEX without CONCURRENTLY blocks writes while the index is rebuilt',
  defaultSeverity: 'warning',
  scope: 'statement',
  checkStatement(st, ctx) {
    const { kind, node } = st;
    if (kind !== 'ReindexStmt') return;
    const concurrent = hasOption(node.params, 'concurrently') || node.concurrent === true;
    if (node.kind !== 'REINDEX_OBJECT_INDEX' && node.kind !== 'REINDEX_OBJECT_TABLE') {
      if (!concurrent) reportWhole(ctx, String(node.kind), String(node.name ?? ''));
      return;
    }
    if (concurrent) return;
    const lock = worstExistingLock(st.locks.filter((l) => l.indexBuild));
    if (!lock) return;
    const severity = sizeScaledSeverity([lock], ctx.settings);
    if (!severity) return;
    const advice =
      ctx.pgVersion >= 12
        ? `Use REINDEX ${node.kind === 'REINDEX_OBJECT_INDEX' ? 'INDEX' : 'TABLE'} CONCURRENTLY, which takes SHARE UPDATE EXCLUSIVE and lets writes continue`
        : `REINDEX CONCURRENTLY is not available before PostgreSQL 12 (assuming PostgreSQL ${ctx.pgVersion}): build a replacement with CREATE INDEX CONCURRENTLY, drop the old index with DROP INDEX CONCURRENTLY, then rename the new one`;
    ctx.report({
      severity,
      message: `${lockSentence('REINDEX', lock)}. ${advice}`,
      help: "The concurrent forms cannot run inside a transaction block; put them in their own migration file or use the runner's no-transaction directive. A failed concurrent rebuild leaves an INVALID index to drop.",
      locks: [lock],
      fix: (file) => concurrentlyFix(file, st),
    });
  },
};
