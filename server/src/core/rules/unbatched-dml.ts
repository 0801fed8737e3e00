// UPDATE or DELETE of an existing table inside a schema migration, in one statement: it locks every row
// it touches until the migration commits (concurrent writes to those rows wait), it holds any DDL lock
// taken earlier in the same transaction for its whole run, and on a large table it bloats the table and
// lags replicas. Severity scales with the table's size.
import { qualify, rangeVarName, strings, unwrap, walk, type Node } from '../syntax/ast';
import { formatCount } from '../estimate';
import { describeLock, sizeScaledSeverity, worstExistingLock } from './helpers';
import { lineNumberAt, perAnalysis } from './facts';
import type { Rule, RuleContext, StatementView } from './rule';

export const unbatchedDml: Rule = {
  id: 'unbatched-dml',
  title: 'UPDATE or DELETE of a whole existing table in one migration transaction',
  defaultSeverity: 'warning',
  migrationOnly: true,
  check(ctx) {
    for (const st of ctx.statements) {
      const [kind, node] = unwrap(st.ast);
      if (kind !== 'UpdateStmt' && kind !== 'DeleteStmt') continue;
      const target = qualify(rangeVarName(node.relation));
      const lock = st.locks.find((l) => l.relation === target && !l.newTable);
      if (!lock) continue;
      if (isBatch(node) || pinnedByKey(ctx, node, target)) continue;
      const held = heldEarlierInTransaction(ctx, st);
      const severity = sizeScaledSeverity(held ? [lock, held.lock] : [lock], ctx.settings);
      if (!severity) continue;
      const verb = kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE';
      const scope = node.whereClause ? 'every row matching its WHERE clause' : `every row${lock.rows !== undefined ? ` (${formatCount(lock.rows)})` : ''}`;
      const heldText = held ? ` This transaction already holds ${describeLock(held.lock)} from line ${lineNumberAt(ctx, held.st.span.start)} (${held.st.label}), so that lock is held for the whole ${verb} too.` : '';
      ctx.report({
        statementIndex: st.index,
        severity,
        message: `${verb} takes ${describeLock(lock)} and locks ${scope} until its transaction commits: concurrent writes to those rows wait, and a large ${verb} bloats the table and lags replicas.${heldText} Backfill in keyset batches (LIMIT n ... FOR UPDATE SKIP LOCKED), each committed on its own, outside the schema migration`,
        help: 'See docs/rules/unbatched-dml.md for a batched backfill with a progress table, a throttle and verification queries.',
        locks: held ? [lock, held.lock] : [lock],
      });
    }
  },
};

/** One bounded batch: the rows come from a subquery or CTE with LIMIT (the brief's batch pattern). */
function isBatch(node: Node): boolean {
  const parts = [node.whereClause, node.withClause, node.fromClause, node.usingClause];
  let limited = false;
  walk(parts, (type, value) => {
    if (type === 'SelectStmt' && value.limitCount) limited = true;
  });
  return limited;
}

/** WHERE pins the rows by a primary-key or unique column equal to constants (id = 42, id IN (1, 2)): a few rows at most. */
function pinnedByKey(ctx: RuleContext, node: Node, table: string): boolean {
  const info = ctx.catalog.table(table);
  if (!info || !node.whereClause) return false;
  const keys = new Set(info.constraints.filter((k) => (k.type === 'p' || k.type === 'u') && k.columns.length === 1).map((k) => k.columns[0]));
  for (const idx of ctx.catalog.indexes.values()) if (idx.table === table && idx.unique && idx.columns.length === 1) keys.add(idx.columns[0]);
  if (keys.size === 0) return false;
  return conjuncts(node.whereClause).some((e) => {
    const a = e.A_Expr;
    if (!a) return false;
    const op = strings(a.name)[0];
    const isEq = a.kind === 'AEXPR_OP' && op === '=';
    const isIn = a.kind === 'AEXPR_IN' && op === '=';
    if (!isEq && !isIn) return false;
    const fields = strings(a.lexpr?.ColumnRef?.fields);
    const column = fields[fields.length - 1];
    if (!column || !keys.has(column)) return false;
    const values: Node[] = isIn ? (a.rexpr?.List?.items ?? []) : [a.rexpr];
    return values.length > 0 && values.every((v) => v?.A_Const || v?.ParamRef || v?.TypeCast?.arg?.A_Const);
  });
}

function conjuncts(expr: Node): Node[] {
  const b = expr?.BoolExpr;
  if (b?.boolop === 'AND_EXPR') return (b.args ?? []).flatMap(conjuncts);
  return [expr];
}

type Held = { st: StatementView; lock: NonNullable<ReturnType<typeof worstExistingLock>> };

/** A traffic-blocking lock taken by an earlier statement of the same transaction on an existing table (the first such statement). */
function heldEarlierInTransaction(ctx: RuleContext, st: StatementView): Held | undefined {
  if (st.transactionId < 0) return undefined;
  const first = firstHeld(ctx).get(st.transactionId);
  return first && first.st.index < st.index ? first : undefined;
}

/** Per transaction, its first statement that takes a traffic-blocking lock on an existing table: one pass per analysis. */
const firstHeld = perAnalysis((ctx): ReadonlyMap<number, Held> => {
  const out = new Map<number, Held>();
  for (const st of ctx.statements) {
    if (st.transactionId < 0 || out.has(st.transactionId)) continue;
    const lock = worstExistingLock(st.locks);
    if (lock) out.set(st.transactionId, { st, lock });
  }
  return out;
});
