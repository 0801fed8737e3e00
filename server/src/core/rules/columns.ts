// Column readers shared by the column, type and default rules: the columns this file declares, where a
// column's type is written in the text, and the type a column had just before a given statement.
// Not a rule; nothing here reports.
import { listName, qualify, rangeVarName, strings, type Node } from '../syntax/ast';
import { typeFromAst, typeFromText, type ColumnType } from '../syntax/pgtypes';
import type { LockEstimate, Span } from '../types';
import { perAnalysis, unwrapped } from './facts';
import type { RuleContext, StatementView } from './rule';

export interface ColumnDeclaration {
  st: StatementView;
  /** Schema-qualified table. */
  table: string;
  column: string;
  typeName: Node;
  /** The ColumnDef node (for ALTER COLUMN TYPE: the one holding the new type and USING). */
  def: Node;
  via: 'create-table' | 'add-column' | 'alter-type';
  /** Inline constraints, unwrapped. */
  constraints: Node[];
  /** The column is part of the primary key (inline, or CREATE TABLE's table-level PRIMARY KEY). */
  primaryKey: boolean;
}

/**
 * Every column this file declares or re-types: CREATE TABLE columns, ADD COLUMN, ALTER COLUMN TYPE.
 * Several rules ask during one analysis: computed once per analysis.
 */
export const declaredColumns: (ctx: RuleContext) => readonly ColumnDeclaration[] = perAnalysis(computeDeclaredColumns);

function computeDeclaredColumns(ctx: RuleContext): ColumnDeclaration[] {
  const out: ColumnDeclaration[] = [];
  for (const st of ctx.statements) for (const d of columnsDeclaredBy(st)) out.push(d);
  return out;
}

/** The columns one statement declares or re-types (a statement rule's view of declaredColumns). */
export function columnsDeclaredBy(st: StatementView): ColumnDeclaration[] {
  const out: ColumnDeclaration[] = [];
  const { kind, node } = st;
  if (kind === 'CreateStmt') {
    const table = qualify(rangeVarName(node.relation));
    const elts: Node[] = node.tableElts ?? [];
    const tablePk = new Set<string>();
    for (const elt of elts) {
      const con = elt?.Constraint;
      if (con?.contype === 'CONSTR_PRIMARY') for (const k of con.keys ?? []) tablePk.add(k?.String?.sval);
    }
    for (const elt of elts) {
      const def = elt?.ColumnDef;
      if (!def?.typeName || typeof def.colname !== 'string') continue;
      out.push(columnDefinition(st, table, def, 'create-table', tablePk.has(def.colname)));
    }
  } else if (kind === 'AlterTableStmt' && node.objtype !== 'OBJECT_INDEX') {
    const table = qualify(rangeVarName(node.relation));
    for (const c of node.cmds ?? []) {
      const cmd: Node = c?.AlterTableCmd ?? {};
      const def: Node | undefined = cmd.def?.ColumnDef;
      if (!def?.typeName) continue;
      if (cmd.subtype === 'AT_AddColumn' && typeof def.colname === 'string') {
        out.push(columnDefinition(st, table, def, 'add-column', false));
      } else if (cmd.subtype === 'AT_AlterColumnType' && cmd.name) {
        out.push({ st, table, column: cmd.name, typeName: def.typeName, def, via: 'alter-type', constraints: [], primaryKey: false });
      }
    }
  }
  return out;
}

/** A ColumnDef (CREATE TABLE's or ADD COLUMN's) as a declaration; `inTableKey`: named by CREATE TABLE's PRIMARY KEY (...). */
function columnDefinition(
  st: StatementView,
  table: string,
  def: Node,
  via: 'create-table' | 'add-column',
  inTableKey: boolean,
): ColumnDeclaration {
  const constraints = inlineConstraints(def);
  return {
    st,
    table,
    column: def.colname,
    typeName: def.typeName,
    def,
    via,
    constraints,
    primaryKey: inTableKey || constraints.some((c) => c.contype === 'CONSTR_PRIMARY'),
  };
}

function inlineConstraints(def: Node): Node[] {
  return (def.constraints ?? []).map((c: Node) => c?.Constraint).filter(Boolean);
}

/** The statement's lock on one table (the lock model keeps one merged entry per relation). */
export function lockOn(st: StatementView, table: string): LockEstimate | undefined {
  return st.locks.find((l) => l.relation === table);
}

// One type as written: a (possibly quoted, possibly schema-qualified) name, the multi-word SQL spellings,
// modifiers, a time zone suffix, and array brackets. Stops before NOT NULL, DEFAULT, USING, ...
const TYPE_TEXT =
  /^(?:"[^"]*"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"]*"|[A-Za-z_][\w$]*))?(?:\s+(?:varying|precision))?(?:\s*\([^)]*\))?(?:\s+with(?:out)?\s+time\s+zone)?(?:\s*\[\s*\d*\s*\])*/i;

/** Spans inside one statement from its libpg-query byte locations: a statement rule's ctx.spanAt. */
export type StatementSpans = (byteLocation: number | undefined, length?: number) => Span;

/** A file rule's spans inside statement `st`. */
export function spansIn(ctx: RuleContext, st: StatementView): StatementSpans {
  return (byteLocation, length) => ctx.spanAt(st.index, byteLocation, length);
}

/** The span of a TypeName as written in the file; the statement when the AST gives no location. */
export function typeSpan(spanAt: StatementSpans, st: StatementView, typeName: Node): Span {
  const loc = typeof typeName?.location === 'number' ? typeName.location : -1;
  if (loc < 0) return st.span;
  const start = spanAt(loc, 1).start;
  const m = TYPE_TEXT.exec(st.text.slice(start - st.span.start));
  return { start, end: start + Math.max(1, m?.[0].length ?? 1) };
}

/** The type as the user wrote it, on one line ("character varying(20)"). */
export function typeSource(spanAt: StatementSpans, st: StatementView, typeName: Node): string {
  const span = typeSpan(spanAt, st, typeName);
  if (span === st.span) return '';
  return st.text.slice(span.start - st.span.start, span.end - st.span.start).replace(/\s+/g, ' ');
}

/** A word or phrase inside a statement that has no AST location (SET NOT NULL, ...); the statement when absent. */
export function textSpan(st: StatementView, pattern: RegExp): Span {
  const m = pattern.exec(st.text);
  if (!m) return st.span;
  return { start: st.span.start + m.index, end: st.span.start + m.index + m[0].length };
}

/**
 * The column's type just before statement `index` runs, or undefined when nothing says. Earlier
 * statements of this file win; otherwise the type comes from the schema before this file: ctx.catalog
 * when this file never touches the column, else the catalog before the file (earlier migrations and
 * stats), then the stats snapshot. ctx.catalog holds the schema after the whole file, so a column this
 * file re-types has lost its old type there.
 * A lookup in the file's column history (built once per analysis), not a walk over earlier statements.
 */
export function columnTypeBefore(ctx: RuleContext, index: number, table: string, column: string): ColumnType | undefined {
  const history = columnHistory(ctx);
  const colEvents = history.columns.get(columnKey(table, column)) ?? [];
  const tableEvents = history.tables.get(table) ?? [];
  const c = lastBefore(colEvents, index);
  const t = lastBefore(tableEvents, index);
  if (c && (!t || c.at > t.at)) {
    // The column got its name here: its type is the old name's type at that point (strictly earlier, so this ends).
    if (c.renamedFrom !== undefined) return columnTypeBefore(ctx, c.at, table, c.renamedFrom);
    return c.typeName ? typeFromAst(c.typeName) : c.set ? typeFromAst(undefined) : undefined;
  }
  if (t) {
    const def = t.columns?.get(column);
    return def?.typeName ? typeFromAst(def.typeName) : undefined;
  }
  // Nothing earlier in this file says: the schema before the file (earlier migrations, then the stats).
  const retypedHere = colEvents.length > 0 || tableEvents.length > 0;
  if (!retypedHere) return ctx.catalog.table(table)?.columns.get(column)?.type;
  const known = ctx.catalogBefore().table(table)?.columns.get(column)?.type;
  if (known) return known;
  const [schema, name] = table.split('.');
  const snap = ctx.stats?.tables.find((t) => t.schema === schema && t.name === name)?.columns.find((c) => c.name === column);
  return snap ? typeFromText(snap.type) : undefined;
}

/** Something one statement did to one column's type. */
interface ColumnEvent {
  at: number;
  /** ADD COLUMN / ALTER COLUMN TYPE: the new type (set without typeName: the type is unknown). */
  typeName?: Node;
  set?: boolean;
  /** RENAME COLUMN <renamedFrom> TO this column. */
  renamedFrom?: string;
  // none of the above: the column is gone (DROP COLUMN, renamed away)
}

/** CREATE TABLE (columns: its column definitions) or DROP TABLE (no columns): every column of the table changes. */
interface TableEvent {
  at: number;
  columns?: Map<string, Node>;
}

interface ColumnHistory {
  /** By columnKey(table, column), in file order. */
  columns: Map<string, ColumnEvent[]>;
  /** By schema-qualified table, in file order. */
  tables: Map<string, TableEvent[]>;
}

const columnKey = (table: string, column: string) => `${table}\u0000${column}`;

/** The last event before statement `index` (events are in file order; several may share a statement, the last wins). */
function lastBefore<E extends { at: number }>(events: readonly E[], index: number): E | undefined {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid].at < index) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? events[lo - 1] : undefined;
}

/** Every change of a column's type in this file, in one forward pass. */
const columnHistory = perAnalysis((ctx): ColumnHistory => {
  const columns = new Map<string, ColumnEvent[]>();
  const tables = new Map<string, TableEvent[]>();
  const onColumn = (table: string, column: unknown, e: ColumnEvent) => {
    if (typeof column !== 'string') return;
    const key = columnKey(table, column);
    const list = columns.get(key);
    if (list) list.push(e);
    else columns.set(key, [e]);
  };
  const onTable = (table: string, e: TableEvent) => {
    const list = tables.get(table);
    if (list) list.push(e);
    else tables.set(table, [e]);
  };
  unwrapped(ctx).forEach(([kind, node], at) => {
    if (kind === 'CreateStmt') {
      const defs = new Map<string, Node>();
      for (const e of node.tableElts ?? []) {
        const d: Node | undefined = e?.ColumnDef;
        if (typeof d?.colname === 'string' && !defs.has(d.colname)) defs.set(d.colname, d);
      }
      onTable(qualify(rangeVarName(node.relation)), { at, columns: defs });
    } else if (kind === 'AlterTableStmt') {
      const table = qualify(rangeVarName(node.relation));
      for (const c of node.cmds ?? []) {
        const cmd: Node = c?.AlterTableCmd ?? {};
        if (cmd.subtype === 'AT_AlterColumnType') onColumn(table, cmd.name, { at, typeName: cmd.def?.ColumnDef?.typeName, set: true });
        else if (cmd.subtype === 'AT_AddColumn')
          onColumn(table, cmd.def?.ColumnDef?.colname, { at, typeName: cmd.def?.ColumnDef?.typeName, set: true });
        else if (cmd.subtype === 'AT_DropColumn') onColumn(table, cmd.name, { at });
      }
    } else if (kind === 'RenameStmt' && node.renameType === 'OBJECT_COLUMN') {
      const table = qualify(rangeVarName(node.relation));
      // Old name first: when both names are equal, the new name's event (pushed last) is the one that counts.
      onColumn(table, node.subname, { at });
      if (typeof node.subname === 'string') onColumn(table, node.newname, { at, renamedFrom: node.subname });
      else onColumn(table, node.newname, { at });
    } else if (kind === 'DropStmt' && node.removeType === 'OBJECT_TABLE') {
      for (const o of node.objects ?? []) onTable(qualify(listName(strings(o?.List?.items))), { at });
    }
  });
  return { columns, tables };
});
