// A statement holds a traffic-blocking lock for work that grows with the table (scan, rewrite, index
// build) and no statement_timeout caps it: if it runs longer than planned, the app waits the whole time.
// Reported once per file, on the first such statement.
import { lockName } from './helpers';
import { firstUncappedLongLock, hasLongNonBlockingWork, isTinyLock, safetyHeaderFix } from '../fixes/header';
import type { Rule } from './rule';

export const missingStatementTimeout: Rule = {
  id: 'missing-statement-timeout',
  title: 'A long traffic-blocking lock runs without statement_timeout to cap it',
  defaultSeverity: 'warning',
  check(ctx) {
    const found = firstUncappedLongLock(ctx.statements, isTinyLock);
    if (!found) return;
    const { st, lock } = found;
    const concurrentNote = hasLongNonBlockingWork(ctx.statements)
      ? ' This file also builds an index concurrently or validates a constraint: set statement_timeout = 0 right before those, or move them to their own file.'
      : '';
    ctx.report({
      statementIndex: st.index,
      message: `No statement_timeout caps ${st.label}: if it runs longer than planned while it holds its ${lockName(lock)}, every query the lock blocks waits the whole time. Start the file with SET statement_timeout = '${ctx.settings.statementTimeout}'; so it aborts and rolls back instead`,
      help: `A statement that hits the timeout rolls back; then make the change in a way that does not hold the lock for the whole table (see the rule for the statement itself).${concurrentNote}`,
      locks: [lock],
      fix: () => safetyHeaderFix(ctx.text, ctx.settings, ctx.runner, ctx.statements, 'statement_timeout'),
    });
  },
};
