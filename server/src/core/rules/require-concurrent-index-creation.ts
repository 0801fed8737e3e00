// CREATE INDEX without CONCURRENTLY on an existing table blocks writes for the whole build.
import { concurrentlyFix } from '../fixes/quick';
import { lockSentence, sizeScaledSeverity } from './helpers';
import type { Rule } from './rule';

export const requireConcurrentIndexCreation: Rule = {
  id: 'require-concurrent-index-creation',
  title: 'CREATE INDEX without CONCURRENTLY blocks writes while the index builds',
  defaultSeverity: 'warning',
  scope: 'statement',
  checkStatement(st, ctx) {
    const { kind, node } = st;
    if (kind !== 'IndexStmt' || node.concurrent) return;
    const lock = st.locks.find((l) => l.indexBuild);
    if (!lock) return;
    const severity = sizeScaledSeverity([lock], ctx.settings);
    if (!severity) return;
    ctx.report({
      severity,
      message: `${lockSentence(st.label, lock)}. Use CREATE INDEX CONCURRENTLY, which takes SHARE UPDATE EXCLUSIVE and lets writes continue`,
      help: "CREATE INDEX CONCURRENTLY cannot run inside a transaction block; put it in its own migration file or use the runner's no-transaction directive.",
      locks: [lock],
      fix: (file) => concurrentlyFix(file, st),
    });
  },
};
