// ALTER SEQUENCE (RESTART, INCREMENT, CACHE, OWNED BY ...) takes SHARE ROW EXCLUSIVE on the sequence
// until the transaction ends (observed on PG 15): every nextval(), and so every INSERT whose default
// calls it, waits. It also queues behind any open transaction that called nextval(), and the inserts
// queue behind it. Alone and with a lock_timeout it is brief; inside a longer transaction, or without a
// lock_timeout, the application's inserts stall.
import { qualify, rangeVarName, unwrap } from '../syntax/ast';
import type { Rule } from './rule';

export const alterSequenceBlocksNextval: Rule = {
  id: 'alter-sequence-blocks-nextval',
  title: 'ALTER SEQUENCE blocks nextval() and the inserts that use it until commit',
  defaultSeverity: 'warning',
  check(ctx) {
    for (const st of ctx.statements) {
      const [kind, node] = unwrap(st.ast);
      if (kind !== 'AlterSeqStmt' || !node.sequence) continue;
      const seq = qualify(rangeVarName(node.sequence));
      const lock = st.locks.find((l) => l.relation === seq && l.mode === 'ShareRowExclusiveLock');
      if (!lock) continue;
      // A sequence created earlier in this file has no callers yet.
      const createdHere = ctx.statements.some((s) => {
        const [k, n] = unwrap(s.ast);
        return s.index < st.index && k === 'CreateSeqStmt' && qualify(rangeVarName(n.sequence)) === seq;
      });
      if (createdHere) continue;
      const users = [...ctx.catalog.tables.values()].filter((t) => [...t.columns.values()].some((c) => c.sequence?.name === seq));
      if (users.length > 0 && users.every((t) => ctx.catalog.isNewTable(t.qualified))) continue;
      const laterInTransaction =
        st.transactional &&
        ctx.statements.some(
          (s) => s.index > st.index && s.transactionId === st.transactionId && s.kind !== 'TransactionStmt' && s.kind !== 'VariableSetStmt',
        );
      if (st.hasLockTimeout && !laterInTransaction) continue;
      const callers = users.length ? ` (the defaults of ${users.map((t) => t.qualified).join(', ')})` : '';
      const why = laterInTransaction
        ? 'the rest of the transaction runs while it is held'
        : 'without a lock_timeout it queues behind any open transaction that called nextval(), and the inserts queue behind it';
      ctx.report({
        statementIndex: st.index,
        message: `ALTER SEQUENCE takes SHARE ROW EXCLUSIVE lock on ${seq} until commit: every nextval() and every INSERT that uses it${callers} waits, and ${why}. Run it alone, at the end of the migration or in its own, with SET lock_timeout first`,
        locks: [lock],
      });
    }
  },
};
