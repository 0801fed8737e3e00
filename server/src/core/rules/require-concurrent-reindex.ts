// REINDEX without CONCURRENTLY blocks writes to the table for the whole rebuild. PostgreSQL 12 added
// REINDEX CONCURRENTLY; before that the concurrent route is a new index built concurrently, then a swap.
import { hasOption, unwrap } from '../syntax/ast';
import { concurrentlyFix } from '../fixes/quick';
import { lockSentence, sizeScaledSeverity, worstExistingLock } from './helpers';
import type { Rule } from './rule';

export const requireConcurrentReindex: Rule = {
  id: 'require-concurrent-reindex',
  title: 'REINDEX without CONCURRENTLY blocks writes while the index is rebuilt',
  defaultSeverity: 'warning',
  check(ctx) {
    for (const st of ctx.statements) {
      const [kind, node] = unwrap(st.ast);
      if (kind !== 'ReindexStmt') continue;
      if (node.kind !== 'REINDEX_OBJECT_INDEX' && node.kind !== 'REINDEX_OBJECT_TABLE') continue;
      if (hasOption(node.params, 'concurrently') || node.concurrent === true) continue;
      const lock = worstExistingLock(st.locks.filter((l) => l.indexBuild));
      if (!lock) continue;
      const severity = sizeScaledSeverity([lock], ctx.settings);
      if (!severity) continue;
      const advice =
        ctx.pgVersion >= 12
          ? `Use REINDEX ${node.kind === 'REINDEX_OBJECT_INDEX' ? 'INDEX' : 'TABLE'} CONCURRENTLY, which takes SHARE UPDATE EXCLUSIVE and lets writes continue`
          : `REINDEX CONCURRENTLY is not available before PostgreSQL 12 (assuming PostgreSQL ${ctx.pgVersion}): build a replacement with CREATE INDEX CONCURRENTLY, drop the old index with DROP INDEX CONCURRENTLY, then rename the new one`;
      ctx.report({
        statementIndex: st.index,
        severity,
        message: `${lockSentence('REINDEX', lock)}. ${advice}`,
        help: 'The concurrent forms cannot run inside a transaction block; put them in their own migration file or use the runner\'s no-transaction directive. A failed concurrent rebuild leaves an INVALID index to drop.',
        locks: [lock],
        fix: () => concurrentlyFix(ctx, st),
      });
    }
  },
};
