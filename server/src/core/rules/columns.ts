// Column readers shared by the column, type and default rules: the columns this file declares, where a
// column's type is written in the text, and the type a column had just before a given statement.
// Not a rule; nothing here reports.
import { listName, qualify, rangeVarName, strings, unwrap, type Node } from '../ast';
import { typeFromAst, typeFromText, type ColumnType } from '../pgtypes';
import type { LockEstimate, Span } from '../types';
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

/** Every column this file declares or re-types: CREATE TABLE columns, ADD COLUMN, ALTER COLUMN TYPE. */
export function declaredColumns(ctx: RuleContext): ColumnDeclaration[] {
  const out: ColumnDeclaration[] = [];
  for (const st of ctx.statements) {
    const [kind, node] = unwrap(st.ast);
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
        const constraints = inlineConstraints(def);
        out.push({ st, table, column: def.colname, typeName: def.typeName, def, via: 'create-table', constraints, primaryKey: tablePk.has(def.colname) || constraints.some((c) => c.contype === 'CONSTR_PRIMARY') });
      }
    } else if (kind === 'AlterTableStmt' && node.objtype !== 'OBJECT_INDEX') {
      const table = qualify(rangeVarName(node.relation));
      for (const c of node.cmds ?? []) {
        const cmd: Node = c?.AlterTableCmd ?? {};
        const def: Node | undefined = cmd.def?.ColumnDef;
        if (!def?.typeName) continue;
        if (cmd.subtype === 'AT_AddColumn' && typeof def.colname === 'string') {
          const constraints = inlineConstraints(def);
          out.push({ st, table, column: def.colname, typeName: def.typeName, def, via: 'add-column', constraints, primaryKey: constraints.some((k) => k.contype === 'CONSTR_PRIMARY') });
        } else if (cmd.subtype === 'AT_AlterColumnType' && cmd.name) {
          out.push({ st, table, column: cmd.name, typeName: def.typeName, def, via: 'alter-type', constraints: [], primaryKey: false });
        }
      }
    }
  }
  return out;
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
const TYPE_TEXT = /^(?:"[^"]*"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"]*"|[A-Za-z_][\w$]*))?(?:\s+(?:varying|precision))?(?:\s*\([^)]*\))?(?:\s+with(?:out)?\s+time\s+zone)?(?:\s*\[\s*\d*\s*\])*/i;

/** The span of a TypeName as written in the file; the statement when the AST gives no location. */
export function typeSpan(ctx: RuleContext, st: StatementView, typeName: Node): Span {
  const loc = typeof typeName?.location === 'number' ? typeName.location : -1;
  if (loc < 0) return st.span;
  const start = ctx.spanAt(st.index, loc, 1).start;
  const m = TYPE_TEXT.exec(ctx.text.slice(start, st.span.end));
  return { start, end: start + Math.max(1, m?.[0].length ?? 1) };
}

/** The type as the user wrote it, on one line ("character varying(20)"). */
export function typeSource(ctx: RuleContext, st: StatementView, typeName: Node): string {
  const span = typeSpan(ctx, st, typeName);
  if (span === st.span) return '';
  return ctx.text.slice(span.start, span.end).replace(/\s+/g, ' ');
}

/** A word or phrase inside a statement that has no AST location (SET NOT NULL, ...); the statement when absent. */
export function textSpan(st: StatementView, pattern: RegExp): Span {
  const m = pattern.exec(st.text);
  if (!m) return st.span;
  return { start: st.span.start + m.index, end: st.span.start + m.index + m[0].length };
}

/**
 * The column's type just before statement `index` runs, or undefined when nothing says. Earlier
 * statements of this file win; otherwise the type comes from the schema before this file: the catalog
 * when this file never re-types the column, else the stats snapshot. ctx.catalog holds the schema
 * after the whole file, so a column this file re-types has lost its old type there.
 */
export function columnTypeBefore(ctx: RuleContext, index: number, table: string, column: string): ColumnType | undefined {
  for (let k = Math.min(index, ctx.statements.length) - 1; k >= 0; k--) {
    const found = typeSetBy(ctx, ctx.statements[k], table, column);
    if (found === 'unchanged') continue;
    return found.type;
  }
  const retypedHere = ctx.statements.some((s) => typeSetBy(ctx, s, table, column, false) !== 'unchanged');
  if (!retypedHere) return ctx.catalog.table(table)?.columns.get(column)?.type;
  const [schema, name] = table.split('.');
  const snap = ctx.stats?.tables.find((t) => t.schema === schema && t.name === name)?.columns.find((c) => c.name === column);
  return snap ? typeFromText(snap.type) : undefined;
}

/** What one statement does to a column's type: sets it (type, or undefined when it removes the column) or leaves it. */
function typeSetBy(ctx: RuleContext, st: StatementView, table: string, column: string, followRenames = true): { type: ColumnType | undefined } | 'unchanged' {
  const [kind, node] = unwrap(st.ast);
  if (kind === 'CreateStmt' && qualify(rangeVarName(node.relation)) === table) {
    const def = (node.tableElts ?? []).map((e: Node) => e?.ColumnDef).find((d: Node | undefined) => d?.colname === column);
    return { type: def?.typeName ? typeFromAst(def.typeName) : undefined };
  }
  if (kind === 'AlterTableStmt' && qualify(rangeVarName(node.relation)) === table) {
    const cmds: Node[] = (node.cmds ?? []).map((c: Node) => c?.AlterTableCmd ?? {});
    for (const cmd of [...cmds].reverse()) {
      if (cmd.subtype === 'AT_AlterColumnType' && cmd.name === column) return { type: typeFromAst(cmd.def?.ColumnDef?.typeName) };
      if (cmd.subtype === 'AT_AddColumn' && cmd.def?.ColumnDef?.colname === column) return { type: typeFromAst(cmd.def.ColumnDef.typeName) };
      if (cmd.subtype === 'AT_DropColumn' && cmd.name === column) return { type: undefined };
    }
  }
  if (kind === 'RenameStmt' && node.renameType === 'OBJECT_COLUMN' && qualify(rangeVarName(node.relation)) === table) {
    // The column got its name here: its type is the old name's type at that point.
    // Only the backward walk follows renames (each step goes strictly earlier, so it ends).
    if (node.newname === column) return { type: followRenames ? columnTypeBefore(ctx, st.index, table, node.subname) : undefined };
    if (node.subname === column) return { type: undefined };
  }
  if (kind === 'DropStmt' && node.removeType === 'OBJECT_TABLE') {
    if ((node.objects ?? []).some((o: Node) => qualify(listName(strings(o?.List?.items))) === table)) return { type: undefined };
  }
  return 'unchanged';
}
