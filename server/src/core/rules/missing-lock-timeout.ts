// A statement that takes a traffic-blocking lock on an existing table while no lock_timeout is set: if
// it has to wait (behind a long query, autovacuum, an idle transaction), every later query on the table
// queues behind it, and the app stalls although the DDL itself would be instant. Reported once per file,
// on the first such statement. The safety-header fix both timeout rules offer lives in fixes/header.ts.
import { firstUnguardedLock, safetyHeaderFix } from '../fixes/header';
import { lockName } from './helpers';
import type { Rule } from './rule';

export const missingLockTimeout: Rule = {
  id: 'missing-lock-timeout',
  title: 'A traffic-blocking lock is requested without lock_timeout: a wait queues every later query',
  defaultSeverity: 'warning',
  check(ctx) {
    const first = firstUnguardedLock(ctx.statements);
    if (!first) return;
    const { st, lock } = first;
    ctx.report({
      statementIndex: st.index,
      message: `No lock_timeout is set: if ${st.label} has to wait for its ${lockName(lock)}, every later query on ${lock.relation} queues behind it. Start the file with SET lock_timeout = '${ctx.settings.lockTimeout}'; so it gives up instead (and retry)`,
      help: 'lock_timeout only limits the wait for the lock; the statement still runs to completion once it has the lock. Retry the migration when it times out.',
      locks: [lock],
      fix: () => safetyHeaderFix(ctx.text, ctx.settings, ctx.runner, ctx.statements, 'lock_timeout'),
    });
  },
};

