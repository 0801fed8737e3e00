// A statement that takes a traffic-blocking lock on an existing table while no lock_timeout is set: if
// it has to wait (behind a long query, autovacuum, an idle transaction), every later query on the table
// queues behind it, and the app stalls although the DDL itself would be instant. Reported once per file,
// on the first such statement. A lock_timeout does not prevent the queue, it caps it: the app waits up to
// the timeout on every attempt. The safety-header fix both timeout rules offer lives in fixes/header.ts;
// the lock-retry block (a short timeout per attempt, retried) offered beside it in fixes/retry.ts.
import { firstUnguardedLock, safetyHeaderFix } from '../fixes/header';
import { lockRetryFix } from '../fixes/retry';
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
    const lt = ctx.settings.lockTimeout;
    ctx.report({
      statementIndex: st.index,
      message: `No lock_timeout is set: if ${st.label} has to wait for its ${lockName(lock)}, every later query on ${lock.relation} queues behind it, with no limit. A lock_timeout only caps that queue (with SET lock_timeout = '${lt}'; the app still stalls up to ${lt} on every attempt): use a short timeout and retry`,
      help: 'lock_timeout limits the wait for the lock, and with it how long the application queues behind the statement, on every attempt; once the statement has the lock it runs to completion. A short timeout retried a few times with a pause keeps each stall short: the lock-retry quick fix wraps the statement in a DO block that does that.',
      locks: [lock],
      fix: () => safetyHeaderFix(ctx.text, ctx.settings, ctx.runner, ctx.statements, 'lock_timeout'),
      alternativeFix: () => lockRetryFix(ctx, st),
    });
  },
};
