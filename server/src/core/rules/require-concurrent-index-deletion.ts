// DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the index's table: it waits behind every
// running query on the table and, while it waits, every new query queues behind it.
import { listName, qualify, strings, type Node } from '../syntax/ast';
import { concurrentlyFix } from '../fixes/quick';
import { modeTitle } from '../locks/modes';
import type { LockEstimate } from '../types';
import { describeBlocks, lockSentence, sizeScaledSeverity } from './helpers';
import type { Rule } from './rule';

export const requireConcurrentIndexDeletion: Rule = {
  id: 'require-concurrent-index-deletion',
  title: 'DROP INDEX without CONCURRENTLY blocks reads and writes of the table',
  defaultSeverity: 'warning',
  scope: 'statement',
  checkStatement(st, ctx) {
    const { kind, node } = st;
    if (kind !== 'DropStmt' || node.removeType !== 'OBJECT_INDEX' || node.concurrent) return;
    const locks = st.locks.filter((l) => l.mode === 'AccessExclusiveLock' && !l.newTable);
    const severity = sizeScaledSeverity(locks, ctx.settings);
    if (!severity) return;
    const indexNames = new Set((node.objects ?? []).map((o: Node) => qualify(listName(strings(o?.List?.items)))));
    // The lock model names the index itself when it does not know the index's table.
    const describe = (l: LockEstimate) =>
      indexNames.has(l.relation)
        ? `${st.label} takes ${modeTitle(l.mode)} lock on the table of ${l.relation} (the index is not in the known schema): ${describeBlocks(l)}`
        : lockSentence(st.label, l);
    // DROP INDEX CONCURRENTLY accepts one index only, so the advice differs for a list.
    const several = indexNames.size > 1;
    ctx.report({
      severity,
      message: `${locks.map(describe).join('; ')}. Use DROP INDEX CONCURRENTLY${several ? ' (one statement per index)' : ''}, which takes SHARE UPDATE EXCLUSIVE and lets reads and writes continue`,
      help: "DROP INDEX CONCURRENTLY cannot run inside a transaction block; put it in its own migration file or use the runner's no-transaction directive.",
      locks,
      fix: (file) => concurrentlyFix(file, st),
    });
  },
};
