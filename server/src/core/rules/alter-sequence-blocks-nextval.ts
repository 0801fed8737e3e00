// ALTER SEQUENCE (RESTART, INCREMENT, CACHE, OWNED BY ...) takes SHARE ROW EXCLUSIVE on the sequence
// until the transaction ends (observed on PG 15): every nextval(), and so every INSERT whose default
// calls it, waits. It also queues behind any open transaction that called nextval(), and the inserts
// queue behind it. Alone and with a lock_timeout it is brief; inside a longer transaction, or without a
// lock_timeout, the application's inserts stall.
import { qualify, rangeVarName } from '../syntax/ast';
import { perAnalysis, unwrapped } from './facts';
import type { Rule } from './rule';

export const alterSequenceBlocksNextval: Rule = {
  id: 'alter-sequence-blocks-nextval',
  title: 'ALTER SEQUENCE blocks nextval() and the inserts that use it until commit',
  defaultSeverity: 'warning',
  check(ctx) {
    const nodes = unwrapped(ctx);
    for (const st of ctx.statements) {
      const [kind, node] = nodes[st.index];
      if (kind !== 'AlterSeqStmt' || !node.sequence) continue;
      const seq = qualify(rangeVarName(node.sequence));
      const lock = st.locks.find((l) => l.relation === seq && l.mode === 'ShareRowExclusiveLock');
      if (!lock) continue;
      // A sequence created earlier in this file has no callers yet.
      if ((sequencesCreated(ctx).get(seq) ?? Infinity) < st.index) continue;
      const users = sequenceUsers(ctx).get(seq) ?? [];
      if (users.length > 0 && users.every((t) => ctx.catalog.isNewTable(t))) continue;
      const laterInTransaction = st.transactional && (lastWorkInTransaction(ctx).get(st.transactionId) ?? -1) > st.index;
      if (st.hasLockTimeout && !laterInTransaction) continue;
      const callers = users.length ? ` (the defaults of ${users.join(', ')})` : '';
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

// Looked up per ALTER SEQUENCE; built once per analysis (a schema dump has one per table).

/** Sequence -> index of the first CREATE SEQUENCE of it in this file. */
const sequencesCreated = perAnalysis((ctx): ReadonlyMap<string, number> => {
  const out = new Map<string, number>();
  unwrapped(ctx).forEach(([kind, node], index) => {
    if (kind !== 'CreateSeqStmt' || !node.sequence) return;
    const seq = qualify(rangeVarName(node.sequence));
    if (!out.has(seq)) out.set(seq, index);
  });
  return out;
});

/** Sequence -> the tables whose column defaults or identities use it. */
const sequenceUsers = perAnalysis((ctx): ReadonlyMap<string, string[]> => {
  const out = new Map<string, string[]>();
  for (const t of ctx.catalog.tables.values()) {
    for (const c of t.columns.values()) {
      const seq = c.sequence?.name;
      if (!seq) continue;
      const list = out.get(seq) ?? [];
      if (!list.includes(t.qualified)) list.push(t.qualified);
      out.set(seq, list);
    }
  }
  return out;
});

/** Transaction id -> index of its last statement that does work (not BEGIN/COMMIT or SET). */
const lastWorkInTransaction = perAnalysis((ctx): ReadonlyMap<number, number> => {
  const out = new Map<number, number>();
  for (const s of ctx.statements) {
    if (s.transactionId < 0 || s.kind === 'TransactionStmt' || s.kind === 'VariableSetStmt') continue;
    out.set(s.transactionId, s.index);
  }
  return out;
});
