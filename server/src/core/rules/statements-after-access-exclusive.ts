// Inside a transaction, a lock is held until COMMIT. Once a statement has taken ACCESS EXCLUSIVE on an
// existing table, every later statement of the same transaction extends that outage: slow work (scans,
// rewrites, index builds, data changes) keeps the table blocked for its whole duration, and waiting for a
// lock on another table keeps it blocked for as long as that wait lasts.
import { type Node } from '../syntax/ast';
import { formatDuration } from '../estimate';
import { blocksTraffic, lockStrength } from '../locks/modes';
import type { LockEstimate } from '../types';
import { describeLock, sizeScaledSeverity } from './helpers';
import { lineIndex } from './facts';
import type { Rule, StatementView } from './rule';
import { validationsInAddingTransaction } from './validate-in-same-transaction';

const DATA_STATEMENTS = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CreateTableAsStmt']);
const HARMLESS_STATEMENTS = new Set(['TransactionStmt', 'VariableSetStmt', 'VariableShowStmt', 'meta', 'error']);

interface Held {
  lock: LockEstimate;
  since: StatementView;
}

interface Extension {
  st: StatementView;
  reason: string;
  workSeconds?: number;
  /** Only a possible wait, not certain work: never more than a warning. */
  mayWait?: boolean;
}

export const statementsAfterAccessExclusive: Rule = {
  id: 'statements-after-access-exclusive',
  title: 'Slow or cross-table statements run while the transaction holds ACCESS EXCLUSIVE',
  defaultSeverity: 'warning',
  check(ctx) {
    // VALIDATE right after its own NOT VALID has a dedicated rule with a sharper message.
    const leftToValidateRule = new Set(validationsInAddingTransaction(ctx).map((v) => v.statementIndex));
    let transactionId = -1;
    let held = new Map<string, Held>();
    let extensions: Extension[] = [];

    const flush = () => {
      const first = extensions[0];
      if (first) {
        const holds = [...held.values()].filter((h) => h.since.index < first.st.index);
        const scaled = sizeScaledSeverity(
          holds.map((h) => ({ ...h.lock, estimatedSeconds: first.workSeconds })),
          ctx.settings,
        );
        const severity = scaled === 'error' && first.mayWait ? 'warning' : scaled;
        if (severity) {
          const lines = lineIndex(ctx);
          const heldText = holds
            .map((h) => `${describeLock(h.lock)} taken by ${h.since.label} (line ${lines.positionAt(h.since.span.start).line + 1})`)
            .join(' and the ');
          const later = extensions.length - 1;
          const more =
            later > 0
              ? `, and ${later} later statement${later > 1 ? 's' : ''} of this transaction extend${later > 1 ? '' : 's'} that further`
              : '';
          ctx.report({
            statementIndex: first.st.index,
            severity,
            message:
              `${first.st.label} runs while this transaction still holds the ${heldText}: ${first.reason}. All that time ${holds.map((h) => h.lock.relation).join(', ')} stays blocked for reads and writes${more}. ` +
              'Commit before it (a separate migration file), or order the transaction so the ACCESS EXCLUSIVE statement comes last',
            locks: [...holds.map((h) => h.lock), ...first.st.locks.filter((l) => !l.newTable && !held.has(l.relation))],
          });
        }
      }
      held = new Map();
      extensions = [];
    };

    for (const st of ctx.statements) {
      if (st.transactionId !== transactionId) {
        flush();
        transactionId = st.transactionId;
      }
      if (transactionId < 0) continue;
      if (held.size > 0 && !leftToValidateRule.has(st.index)) {
        const reason = extendsHold(st, held);
        if (reason) extensions.push(reason);
      }
      for (const l of st.locks) {
        if (l.mode === 'AccessExclusiveLock' && !l.newTable && !held.has(l.relation)) held.set(l.relation, { lock: l, since: st });
      }
    }
    flush();
  },
};

/** Why this statement keeps the held tables blocked longer than their own statements did, if it does. */
function extendsHold(st: StatementView, held: Map<string, Held>): Extension | undefined {
  if (HARMLESS_STATEMENTS.has(st.kind) || st.lockInfo.nonTransactional) return undefined;
  const existing = st.locks.filter((l) => !l.newTable);
  if (existing.length === 0) return undefined;
  // Some held table other than `relation` (without copying the keys for every lock of every statement).
  const heldElsewhere = (relation: string) => held.size > (held.has(relation) ? 1 : 0);

  // Work under the statement's own ACCESS EXCLUSIVE on the only held table is that statement's own problem.
  const slow = existing.filter(
    (l) => (l.rewrite || l.scan || l.indexBuild) && !l.emptiesTable && (l.mode !== 'AccessExclusiveLock' || heldElsewhere(l.relation)),
  );
  if (slow.length) {
    const seconds = slow.map((l) => l.estimatedSeconds);
    const workSeconds = seconds.some((s) => s === undefined) ? undefined : Math.max(...(seconds as number[]));
    const l = slow[0];
    const verb = l.rewrite ? 'rewrites' : l.indexBuild ? 'builds an index on' : 'scans';
    const duration = l.estimatedSeconds !== undefined && l.estimatedSeconds > 0 ? ` (${formatDuration(l.estimatedSeconds)})` : '';
    return { st, reason: `it ${verb} ${l.relation}${duration}`, workSeconds };
  }

  const { kind, node } = st;
  const writes = existing.filter((l) => l.mode === 'RowExclusiveLock');
  // A plain SELECT of an existing table (count(*), a check query) reads as much as an INSERT ... SELECT does.
  const reads = kind === 'SelectStmt' && existing.some((l) => l.mode === 'AccessShareLock' || l.mode === 'RowShareLock');
  if ((DATA_STATEMENTS.has(kind) || writes.length > 0 || reads) && !isLiteralInsertIntoHeld(kind, node, existing, held)) {
    const target = writes[0] ?? existing[0];
    return {
      st,
      reason: `it ${target.mode === 'RowExclusiveLock' ? 'writes rows of' : 'reads'} ${target.relation}, which takes as long as the data it touches`,
    };
  }

  // Waiting for another table's lock keeps the held tables blocked; lock_timeout bounds that wait.
  const other = existing.find((l) => !held.has(l.relation) && lockStrength(l.mode) >= lockStrength('RowExclusiveLock'));
  if (other && !st.hasLockTimeout) {
    return {
      st,
      reason: `it also needs ${describeLock(other)} and, without a lock_timeout, waits for every query on ${other.relation} to finish`,
      workSeconds: 0,
      mayWait: true,
    };
  }
  // Even with a lock_timeout, a lock that queues behind ordinary traffic on a second table keeps the
  // first blocked for up to the timeout, and takes the two tables in an order the application may not.
  if (other && blocksTraffic(other.mode)) {
    return {
      st,
      reason: `it also needs ${describeLock(other)}, which waits (up to the lock_timeout) for every query on ${other.relation} to finish, and an application transaction that takes the two tables in the other order deadlocks with it`,
      workSeconds: 0,
      mayWait: true,
    };
  }
  return undefined;
}

/** INSERT ... VALUES into a table already held: a handful of literal rows, quick. */
function isLiteralInsertIntoHeld(kind: string, node: Node, existing: LockEstimate[], held: Map<string, Held>): boolean {
  if (kind !== 'InsertStmt') return false;
  const select = node.selectStmt?.SelectStmt;
  if (!select?.valuesLists || select.fromClause) return false;
  return existing.every((l) => held.has(l.relation));
}
