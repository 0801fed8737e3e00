// ADD CONSTRAINT FOREIGN KEY / CHECK without NOT VALID validates every row under a lock that blocks writes
// (FK: SHARE ROW EXCLUSIVE on both tables; CHECK: ACCESS EXCLUSIVE).
import { qualify, rangeVarName, type Node } from '../syntax/ast';
import { splitFix } from '../fixes/quick';
import { describeBlocks, describeLock, lockSentence, sizeScaledSeverity } from './helpers';
import { perAnalysis, unwrapped } from './facts';
import type { Rule, RuleContext, StatementView } from './rule';

export const constraintMissingNotValid: Rule = {
  id: 'constraint-missing-not-valid',
  title: 'ADD CONSTRAINT (FOREIGN KEY or CHECK) without NOT VALID scans the table under a blocking lock',
  defaultSeverity: 'warning',
  check(ctx) {
    for (const st of ctx.statements) {
      const { kind, node } = st;
      if (kind !== 'AlterTableStmt') continue;
      for (const c of node.cmds ?? []) {
        const cmd: Node = c?.AlterTableCmd ?? {};
        if (cmd.subtype === 'AT_AddColumn') {
          reportColumnConstraints(ctx, st, qualify(rangeVarName(node.relation)), cmd.def?.ColumnDef ?? {});
          continue;
        }
        const con: Node | undefined = cmd.def?.Constraint;
        if (cmd.subtype !== 'AT_AddConstraint' || !con) continue;
        if (con.contype !== 'CONSTR_FOREIGN' && con.contype !== 'CONSTR_CHECK') continue;
        if (con.skip_validation) continue;
        // A table this file created and has not filled is empty: validating reads nothing, and NOT VALID would
        // not shorten the lock on the referenced table either (Prisma writes CREATE TABLE, then ADD FOREIGN KEY).
        const lock = st.locks.find((l) => l.scan && !l.newTable);
        if (!lock) continue;
        if (createdEmptyEarlier(ctx, st.index, qualify(rangeVarName(node.relation)))) continue;
        const severity = sizeScaledSeverity([lock], ctx.settings);
        if (!severity) continue;
        const what = con.contype === 'CONSTR_FOREIGN' ? 'FOREIGN KEY' : 'CHECK';
        ctx.report({
          statementIndex: st.index,
          span: ctx.spanAt(st.index, con.location, 10),
          severity,
          message:
            `ADD CONSTRAINT ${con.conname ?? ''} ${what} validates every row: ${lockSentence('it', lock).replace(/^it takes /, 'it holds ')}. Add it NOT VALID, then VALIDATE CONSTRAINT in a later migration (SHARE UPDATE EXCLUSIVE, writes continue)`.replace(
              /\s+/g,
              ' ',
            ),
          locks: st.locks.filter((l) => !l.newTable),
          fix: () => splitFix(ctx, st, 'not-valid', 'Add the constraint NOT VALID here and VALIDATE it in a new migration'),
        });
      }
    }
  },
};

/** Whether an earlier statement of this file created the table with CREATE TABLE and none since put rows in it. */
function createdEmptyEarlier(ctx: RuleContext, index: number, table: string): boolean {
  let empty = false;
  for (const [at, what] of fillings(ctx).get(table) ?? []) {
    if (at >= index) break;
    empty = what === 'created';
  }
  return empty;
}

/**
 * Per table, in file order: where this file created it empty (CREATE TABLE) and where it put rows in it
 * (CREATE TABLE AS, SELECT INTO, INSERT ... SELECT, COPY FROM). Built once per analysis: a schema dump
 * asks for every one of its foreign keys.
 */
const fillings = perAnalysis((ctx): ReadonlyMap<string, [number, 'created' | 'filled'][]> => {
  const out = new Map<string, [number, 'created' | 'filled'][]>();
  const add = (table: string, index: number, what: 'created' | 'filled') => {
    const list = out.get(table) ?? [];
    list.push([index, what]);
    out.set(table, list);
  };
  unwrapped(ctx).forEach(([kind, node], index) => {
    if (kind === 'CreateStmt') add(qualify(rangeVarName(node.relation)), index, 'created');
    else if (kind === 'CreateTableAsStmt' || (kind === 'SelectStmt' && node.intoClause))
      add(qualify(rangeVarName((node.into ?? node.intoClause)?.rel)), index, 'filled');
    else if (kind === 'InsertStmt' && !node.selectStmt?.SelectStmt?.valuesLists) add(qualify(rangeVarName(node.relation)), index, 'filled');
    else if (kind === 'CopyStmt' && node.is_from) add(qualify(rangeVarName(node.relation)), index, 'filled');
  });
  return out;
});

/**
 * ADD COLUMN with an inline CHECK, or an inline REFERENCES on a column given a default: PostgreSQL
 * validates every row while it holds the lock (a REFERENCES column without a default is all NULL, so
 * PostgreSQL skips that validation; observed on PG 11 to 18). A column that rewrites the table is
 * checked during the rewrite, which its own rule reports.
 */
function reportColumnConstraints(ctx: RuleContext, st: StatementView, table: string, def: Node): void {
  const cons: Node[] = (def.constraints ?? []).map((k: Node) => k?.Constraint ?? {});
  const hasDefault = cons.some((k) => k.contype === 'CONSTR_DEFAULT');
  const lock = st.locks.find((l) => l.relation === table && l.scan && !l.newTable);
  if (!lock || lock.rewrite) return;
  if (createdEmptyEarlier(ctx, st.index, table)) return;
  for (const con of cons) {
    const fk = con.contype === 'CONSTR_FOREIGN' && hasDefault;
    if (!fk && !(con.contype === 'CONSTR_CHECK' && !con.skip_validation)) continue;
    const ref = fk ? st.locks.find((l) => l.relation === qualify(rangeVarName(con.pktable)) && !l.newTable) : undefined;
    const held = [lock, ...(ref && ref !== lock ? [ref] : [])];
    const severity = sizeScaledSeverity(held, ctx.settings);
    if (!severity) continue;
    const what = fk ? 'REFERENCES' : 'CHECK';
    const alsoRef = ref && ref !== lock ? `, and ${describeLock(ref)}: ${describeBlocks(ref)}` : '';
    const work = fk
      ? `while it checks every existing row's default against ${ref?.relation ?? 'the referenced table'} (without a default the column is all NULL and nothing is checked)`
      : 'while it checks every existing row against the CHECK';
    ctx.report({
      statementIndex: st.index,
      span: ctx.spanAt(st.index, con.location, what.length),
      severity,
      message: `${lockSentence(`ADD COLUMN ${def.colname} ... ${what}`, lock)}${alsoRef}, ${work}. Add the column without the constraint, then ADD CONSTRAINT ... ${fk ? 'FOREIGN KEY' : 'CHECK'} ... NOT VALID, then VALIDATE CONSTRAINT in a later migration (SHARE UPDATE EXCLUSIVE, writes continue)`,
      locks: held,
    });
  }
}
