// VACUUM FULL, CLUSTER and a plain REFRESH MATERIALIZED VIEW rewrite the relation under ACCESS EXCLUSIVE:
// every read and write of it waits for the whole rewrite, minutes on a large table. The lock model
// already knows these locks; this rule turns them into a finding scaled by the relation's size.
import { hasOption } from '../syntax/ast';
import { lockSentence, sizeScaledSeverity, worstExistingLock } from './helpers';
import type { Rule } from './rule';

export const blockingMaintenance: Rule = {
  id: 'blocking-maintenance',
  title: 'VACUUM FULL, CLUSTER and REFRESH MATERIALIZED VIEW block reads and writes',
  defaultSeverity: 'warning',
  scope: 'statement',
  checkStatement(st, ctx) {
    const { kind, node } = st;
    let what: string;
    let advice: string;
    if (kind === 'VacuumStmt' && node.is_vacuumcmd && hasOption(node.options, 'full')) {
      what = 'VACUUM FULL';
      advice = 'Use a plain VACUUM (SHARE UPDATE EXCLUSIVE, reads and writes continue), or pg_repack / pg_squeeze to reclaim space online';
    } else if (kind === 'ClusterStmt') {
      what = 'CLUSTER';
      advice = 'Use pg_repack (or pg_squeeze) to reorder the table online';
      if (!node.relation) {
        // No lock the model can name: every table clustered before is re-clustered in turn.
        ctx.report({
          message:
            'CLUSTER without a table re-clusters every table that was clustered before, each under ACCESS EXCLUSIVE for its whole rewrite: reads and writes of each wait. Name the table, or use pg_repack to reorder it online',
        });
        return;
      }
    } else if (kind === 'RefreshMatViewStmt' && !node.concurrent) {
      what = 'REFRESH MATERIALIZED VIEW';
      advice = 'Use REFRESH MATERIALIZED VIEW CONCURRENTLY (EXCLUSIVE: reads continue; needs a unique index on the view)';
    } else return;
    const lock = worstExistingLock(st.locks.filter((l) => l.mode === 'AccessExclusiveLock'));
    if (!lock) return;
    const severity = sizeScaledSeverity([lock], ctx.settings);
    if (!severity) return;
    ctx.report({
      severity,
      message: `${lockSentence(what, lock)} for the whole rewrite. ${advice}`,
      locks: [lock],
    });
  },
};
