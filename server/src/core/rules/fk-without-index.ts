// A foreign key whose referencing columns lead no index: every DELETE (or key UPDATE) on the referenced
// table must find the referencing rows, and without an index that is a scan of the referencing table per
// row. ON DELETE CASCADE / SET NULL make it worse, and so do joins on the key.
import { listName, qualify, rangeVarName, strings, unwrap, type Node } from '../syntax/ast';
import { formatCount } from '../estimate';
import type { Rule, RuleContext } from './rule';

interface ForeignKey {
  statementIndex: number;
  table: string;
  columns: string[];
  references: string;
  name?: string;
  location?: number;
}

export const fkWithoutIndex: Rule = {
  id: 'fk-without-index',
  title: 'Foreign key without an index on its referencing columns',
  defaultSeverity: 'warning',
  check(ctx) {
    const indexed = indexedColumnLists(ctx);
    const gone = tablesDroppedOrRenamed(ctx);
    for (const fk of foreignKeys(ctx)) {
      // Dropped (or renamed) later in the file: nothing left to index under this name.
      if (gone.has(fk.table) || fk.columns.length === 0) continue;
      const covered = (indexed.get(fk.table) ?? []).some((cols) => leads(cols, fk.columns));
      if (covered) continue;
      const table = ctx.catalog.table(fk.table);
      const isNew = table?.origin === 'this-file';
      const rows = table?.stats?.rows;
      const size = !isNew && rows !== undefined ? ` (${formatCount(rows)} rows)` : '';
      const cols = fk.columns.join(', ');
      const create = isNew
        ? `Add CREATE INDEX ON ${fk.table} (${cols}) in this migration: the table is new and empty, so a plain CREATE INDEX is instant`
        : `Add CREATE INDEX CONCURRENTLY ON ${fk.table} (${cols}) in its own migration file`;
      ctx.report({
        statementIndex: fk.statementIndex,
        span: ctx.spanAt(fk.statementIndex, fk.location, 10),
        // Without stats or earlier migrations the table's indexes are unknown, so the finding is only a prompt to check.
        severity: table ? undefined : 'info',
        message: `Foreign key ${fk.name ? `${fk.name} ` : ''}${fk.table} (${cols}) -> ${fk.references} has no ${table ? '' : 'known '}index on ${fk.table} starting with (${cols}): every DELETE or key UPDATE on ${fk.references} scans ${fk.table}${size} to find referencing rows. ${create}`,
        help: 'Any index whose leading columns are the foreign key columns (in any order) serves the lookup, but not a partial one (WHERE ...); indexes created later in the same file count.',
      });
    }
  },
};

function tablesDroppedOrRenamed(ctx: RuleContext): Set<string> {
  const out = new Set<string>();
  for (const st of ctx.statements) {
    const { kind, node } = st;
    if (kind === 'DropStmt' && node.removeType === 'OBJECT_TABLE')
      for (const o of node.objects ?? []) out.add(qualify(listName(strings(o?.List?.items))));
    else if (kind === 'RenameStmt' && node.renameType === 'OBJECT_TABLE') out.add(qualify(rangeVarName(node.relation)));
    else if (kind === 'AlterObjectSchemaStmt' && node.objectType === 'OBJECT_TABLE' && node.relation)
      out.add(qualify(rangeVarName(node.relation)));
  }
  return out;
}

/** Foreign keys this file adds: ALTER TABLE ADD CONSTRAINT, inline REFERENCES in CREATE TABLE and ADD COLUMN. */
function foreignKeys(ctx: RuleContext): ForeignKey[] {
  const out: ForeignKey[] = [];
  const push = (statementIndex: number, table: string, con: Node, column?: string) => {
    if (con?.contype !== 'CONSTR_FOREIGN' || !con.pktable) return;
    const columns = con.fk_attrs ? strings(con.fk_attrs) : column ? [column] : [];
    out.push({ statementIndex, table, columns, references: qualify(rangeVarName(con.pktable)), name: con.conname, location: con.location });
  };
  for (const st of ctx.statements) {
    const { kind, node } = st;
    if (kind === 'CreateStmt') {
      const table = qualify(rangeVarName(node.relation));
      for (const elt of node.tableElts ?? []) {
        const [eltKind, def] = unwrap(elt);
        if (eltKind === 'Constraint') push(st.index, table, def);
        else if (eltKind === 'ColumnDef') for (const c of def.constraints ?? []) push(st.index, table, c?.Constraint, def.colname);
      }
    } else if (kind === 'AlterTableStmt' && node.objtype !== 'OBJECT_INDEX') {
      const table = qualify(rangeVarName(node.relation));
      for (const c of node.cmds ?? []) {
        const cmd: Node = c?.AlterTableCmd ?? {};
        if (cmd.subtype === 'AT_AddConstraint') push(st.index, table, cmd.def?.Constraint);
        else if (cmd.subtype === 'AT_AddColumn') {
          const def = cmd.def?.ColumnDef ?? {};
          for (const k of def.constraints ?? []) push(st.index, table, k?.Constraint, def.colname);
        }
      }
    }
  }
  return out;
}

/**
 * Column lists of every index per table: the final catalog (snapshot, earlier files, this file's
 * constraints) plus each CREATE INDEX of this file read directly, because the catalog keys unnamed
 * indexes by a shared default name. Expression columns end the usable prefix.
 */
function indexedColumnLists(ctx: RuleContext): Map<string, (readonly string[])[]> {
  const out = new Map<string, (readonly string[])[]>();
  const add = (table: string, cols: readonly string[]) => {
    const list = out.get(table) ?? [];
    list.push(cols);
    out.set(table, list);
  };
  // A partial index finds only the rows its WHERE covers: the foreign key's lookups need them all.
  for (const idx of ctx.catalog.indexes.values()) if (!idx.partial) add(idx.table, idx.columns);
  for (const st of ctx.statements) {
    const { kind, node } = st;
    if (kind !== 'IndexStmt' || node.whereClause) continue;
    const cols: string[] = [];
    for (const p of node.indexParams ?? []) {
      const name = p?.IndexElem?.name;
      if (!name) break;
      cols.push(name);
    }
    add(qualify(rangeVarName(node.relation)), cols);
  }
  return out;
}

/** The index's first columns are exactly the key columns, in any order. */
function leads(indexColumns: readonly string[], keyColumns: readonly string[]): boolean {
  if (indexColumns.length < keyColumns.length) return false;
  const prefix = new Set(indexColumns.slice(0, keyColumns.length));
  return keyColumns.every((c) => prefix.has(c));
}
