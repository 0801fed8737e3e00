// What the lock model could not see into (dynamic EXECUTE strings, indexes or constraints of unknown
// tables, REINDEX SCHEMA) is said out loud, so a clean report never hides an unanalysed statement.
import type { Rule } from './rule';

export const dynamicSqlNotAnalysed: Rule = {
  id: 'dynamic-sql-not-analysed',
  title: 'Part of the statement was not analysed (dynamic SQL, unknown objects)',
  defaultSeverity: 'info',
  scope: 'statement',
  checkStatement(st, ctx) {
    if (st.lockInfo.notAnalysed.length === 0) return;
    const parts = [...new Set(st.lockInfo.notAnalysed)];
    ctx.report({
      message: `Not analysed, so its table effects may be missing from this report: ${parts.join('; ')}. Review those parts by hand`,
      // A coverage finding, not a lock finding: the statement's known locks are on the statement itself.
      locks: [],
    });
  },
};
