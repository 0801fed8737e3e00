// UPDATE or DELETE of an existing table inside a schema migration, in one statement: it locks every row
// it touches until the migration commits (concurrent writes to those rows wait), it holds any DDL lock
// taken earlier in the same transaction for its whole run, and on a large table it bloats the table and
// lags replicas. Severity scales with the table's size (a note when the size is unknown); one slice of a
// batched backfill (a LIMIT subquery, a key range, rows pinned by key) is not reported.
import { qualify, rangeVarName, strings, walk, type Node } from '../syntax/ast';
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
      const { kind, node } = st;
      if (kind !== 'UpdateStmt' && kind !== 'DeleteStmt') continue;
      const target = qualify(rangeVarName(node.relation));
      const lock = st.locks.find((l) => l.relation === target && !l.newTable);
      if (!lock) continue;
      if (isBatch(node) || pinnedByKey(ctx, node, target) || idRange(ctx, node, target)) continue;
      const held = heldEarlierInTransaction(ctx, st);
      const scaled = sizeScaledSeverity(held ? [lock, held.lock] : [lock], ctx.settings);
      if (!scaled) continue;
      // Most UPDATEs in migrations touch small settings and lookup tables: without a size, a note, not a
      // warning; unless the transaction also holds a lock that blocks traffic for the whole run.
      const sizeUnknown = lock.rows === undefined;
      const severity = sizeUnknown && !held ? 'info' : scaled;
      const verb = kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE';
      const scope = node.whereClause
        ? 'every row matching its WHERE clause'
        : `every row${lock.rows !== undefined ? ` (${formatCount(lock.rows)})` : ''}`;
      const sizeText = sizeUnknown ? ` The size of ${target} is unknown (no statistics): on a small table this is harmless.` : '';
      const heldText = held
        ? ` This transaction already holds ${describeLock(held.lock)} from line ${lineNumberAt(ctx, held.st.span.start)} (${held.st.label}), so that lock is held for the whole ${verb} too.`
        : '';
      ctx.report({
        statementIndex: st.index,
        severity,
        message: `${verb} takes ${describeLock(lock)} and locks ${scope} until its transaction commits: concurrent writes to those rows wait, and a large ${verb} bloats the table and lags replicas.${sizeText}${heldText} Backfill in keyset batches (LIMIT n ... FOR UPDATE SKIP LOCKED), each committed on its own, outside the schema migration`,
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
  const keys = node.whereClause ? keyColumns(ctx, table) : undefined;
  if (!keys || keys.size === 0) return false;
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

/**
 * An id-range batch: WHERE bounds a key column on both sides by constants or parameters (id BETWEEN 1 AND
 * 10000, id >= $1 AND id < $1 + 10000): one slice of a batched backfill. On a table the schema does not
 * know, a column named id counts as its key.
 */
function idRange(ctx: RuleContext, node: Node, table: string): boolean {
  if (!node.whereClause) return false;
  const keys = keyColumns(ctx, table);
  const isKey = (e: Node) => {
    const fields = strings(e?.ColumnRef?.fields);
    const c = fields[fields.length - 1];
    return !!c && (keys ? keys.has(c) : c === 'id');
  };
  const lower = new Set<string>();
  const upper = new Set<string>();
  for (const e of conjuncts(node.whereClause)) {
    const a = e.A_Expr;
    if (!a) continue;
    if (a.kind === 'AEXPR_BETWEEN' && isKey(a.lexpr) && (a.rexpr?.List?.items ?? []).length === 2 && a.rexpr.List.items.every(bounded))
      return true;
    if (a.kind !== 'AEXPR_OP') continue;
    const op = strings(a.name)[0];
    // Written either way round: id < 100 or 100 > id.
    const [col, value, dir] = isKey(a.lexpr) ? [a.lexpr, a.rexpr, op] : isKey(a.rexpr) ? [a.rexpr, a.lexpr, FLIP[op]] : [];
    if (!col || !bounded(value)) continue;
    const name = strings(col.ColumnRef.fields).pop() as string;
    if (dir === '>' || dir === '>=') lower.add(name);
    if (dir === '<' || dir === '<=') upper.add(name);
  }
  return [...lower].some((c) => upper.has(c));
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** A constant, a parameter, or arithmetic on them ($1 + 10000, '100'::bigint). */
function bounded(e: Node): boolean {
  if (e?.A_Const || e?.ParamRef) return true;
  if (e?.TypeCast) return bounded(e.TypeCast.arg);
  const a = e?.A_Expr;
  if (a?.kind === 'AEXPR_OP' && ['+', '-', '*'].includes(strings(a.name)[0]))
    return (a.lexpr === undefined || bounded(a.lexpr)) && bounded(a.rexpr);
  return false;
}

/**
 * Single-column primary-key and unique columns: the ones a batched backfill slices by (a range of a
 * non-unique column such as created_at can hold most of the table). Undefined when the table is unknown.
 */
function keyColumns(ctx: RuleContext, table: string): Set<string> | undefined {
  const info = ctx.catalog.table(table);
  if (!info) return undefined;
  const keys = new Set(
    info.constraints.filter((k) => (k.type === 'p' || k.type === 'u') && k.columns.length === 1).map((k) => k.columns[0]),
  );
  for (const idx of ctx.catalog.indexes.values())
    if (idx.table === table && idx.unique && idx.columns.length === 1) keys.add(idx.columns[0]);
  return keys;
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
