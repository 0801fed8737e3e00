// Facts about the file's statements that rules look up instead of re-deriving them: each statement's
// unwrapped AST, the statements that name a table, the statements of each transaction, line numbers.
// Each fact is built on first use, in one pass over the file, and kept for the rest of the analysis, so
// a rule that asks "what happened to this table before statement i?" for every statement costs a lookup
// per question and the analysis stays linear in the number of statements. Not a rule; nothing here
// reports. Pure: derived from the statements and the text alone, cached per statements array (one
// analysis).
import { listName, qualify, rangeVarName, strings, unwrap, type Node } from '../syntax/ast';
import { LineIndex } from '../syntax/text';
import type { RuleContext, StatementView } from './rule';

/**
 * build(ctx) runs once per analysis (per statements array); later calls return the same value. One slot,
 * the latest analysis's: analyses run one at a time, and with a WeakMap keyed by each analysis's
 * statements the facts survived the young-generation collections that followed and were promoted (GC per
 * 288 keystrokes of a 200-statement file: ~111 ms with it, ~75 ms with one slot). A fix rendered later
 * for an older analysis recomputes the fact, with the same result.
 */
export function perAnalysis<T>(build: (ctx: RuleContext) => T): (ctx: RuleContext) => T {
  let key: readonly StatementView[] | undefined;
  let value: T;
  return (ctx) => {
    if (key !== ctx.statements) {
      key = undefined; // a build that throws leaves no stale value behind
      value = build(ctx);
      key = ctx.statements;
    }
    return value;
  };
}

/** unwrap(st.ast) of every statement, by statement index. */
export const unwrapped = perAnalysis((ctx): readonly (readonly [string, Node])[] => ctx.statements.map((st) => unwrap(st.ast)));

/**
 * Indexes (ascending) of the statements that name each schema-qualified table as their subject:
 * ALTER TABLE, RENAME and ALTER ... SET SCHEMA (their relation), DROP TABLE (each object), CREATE TABLE
 * and CREATE TABLE AS (the new table, temporary or not). A superset for the rules that use it: they
 * still check each listed statement themselves.
 */
export const statementsByTable = perAnalysis((ctx): ReadonlyMap<string, readonly number[]> => {
  const map = new Map<string, number[]>();
  const add = (table: string, index: number) => {
    const list = map.get(table);
    if (!list) map.set(table, [index]);
    else if (list[list.length - 1] !== index) list.push(index);
  };
  unwrapped(ctx).forEach(([kind, node], index) => {
    if (kind === 'AlterTableStmt' || kind === 'RenameStmt' || kind === 'AlterObjectSchemaStmt') {
      if (node.relation) add(qualify(rangeVarName(node.relation)), index);
    } else if (kind === 'DropStmt' && node.removeType === 'OBJECT_TABLE') {
      for (const o of node.objects ?? []) add(qualify(listName(strings(o?.List?.items))), index);
    } else if (kind === 'CreateStmt') {
      add(qualify(rangeVarName(node.relation)), index);
    } else if (kind === 'CreateTableAsStmt' && node.into?.rel) {
      add(qualify(rangeVarName(node.into.rel)), index);
    }
  });
  return map;
});

/** The position of the first entry >= value in an ascending list (list.length when there is none). */
export function lowerBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The file text's line index (\n, \r\n and lone \r breaks), for rules that name the line of another statement. */
export const lineIndex = perAnalysis((ctx): LineIndex => new LineIndex(ctx.text));

/** Offsets just after each \n of the file text, ascending. */
const newlineEnds = perAnalysis((ctx): readonly number[] => {
  const out: number[] = [];
  for (let i = ctx.text.indexOf('\n'); i >= 0; i = ctx.text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
});

/** 1-based line of a UTF-16 offset in the file text, counting \n line breaks (as the rules' messages do). */
export function lineNumberAt(ctx: RuleContext, offset: number): number {
  // Lines before `offset` = newlines at positions < offset = newline ends <= offset.
  return 1 + lowerBound(newlineEnds(ctx), offset + 1);
}
