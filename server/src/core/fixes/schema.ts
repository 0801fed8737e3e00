// Column facts the rewrites need as SQL text, which the catalog does not keep: the type as written, the
// default expression, identity/generated. Read from the stats snapshot and from the CREATE TABLE /
// ADD COLUMN / SET DEFAULT statements seen so far; the CREATE VIEW and CREATE INDEX texts, to recreate them. Pure.
import type { StatsSnapshot } from '@pg-preflight/shared';
import { listName, qualify, rangeVarName, strings, unwrap, type Node } from '../syntax/ast';
import type { Catalog, TableInfo } from '../schema/catalog';
import { typeFromAst, typeText } from '../syntax/pgtypes';
import { generatedName, indexStatementColumnNames } from '../schema/names';
import { clauseEnd, quoteIdent, quoteQualified, StatementText, withoutSemicolon } from './sqltext';

export interface ColumnFacts {
  /** SQL type text usable in ADD COLUMN, e.g. "bigint", "varchar(100)". */
  type?: string;
  /** Default expression text, when the column has one. */
  default?: string;
  identity?: boolean;
  generated?: boolean;
  /** Serial: the default is nextval() of a sequence the column owns. */
  serial?: boolean;
}

const COLUMN_STOP = [
  'not',
  'null',
  'constraint',
  'check',
  'unique',
  'primary',
  'references',
  'generated',
  'collate',
  'default',
  'deferrable',
  'initially',
];

export class SchemaFacts {
  private readonly tables = new Map<string, Map<string, ColumnFacts>>();
  /** Qualified index name -> its CREATE INDEX text. */
  private readonly indexes = new Map<string, string>();
  /** Qualified view name -> its CREATE VIEW text, as a migration wrote it. */
  private readonly views = new Map<string, string>();

  constructor(stats?: StatsSnapshot) {
    for (const t of stats?.tables ?? []) {
      const cols = new Map<string, ColumnFacts>();
      for (const c of t.columns) {
        cols.set(c.name, {
          type: c.type,
          default: c.default ?? undefined,
          identity: !!c.identity,
          generated: !!c.generated,
          serial: typeof c.default === 'string' && /^nextval\(/i.test(c.default),
        });
      }
      this.tables.set(`${t.schema}.${t.name}`, cols);
      for (const i of t.indexes) if (i.definition) this.indexes.set(`${t.schema}.${i.name}`, i.definition);
      // A view in production: its query, as the server deparses it, makes the CREATE VIEW to restore it with.
      if (t.kind === 'view' && t.viewDefinition) {
        this.views.set(
          `${t.schema}.${t.name}`,
          `CREATE VIEW ${quoteQualified(`${t.schema}.${t.name}`)} AS${withoutSemicolon(t.viewDefinition).replace(/^(?!\s)/, ' ')}`,
        );
      }
    }
  }

  /** The CREATE INDEX statement of an index, when a migration or the stats snapshot showed it. */
  indexDefinition(qualified: string): string | undefined {
    return this.indexes.get(qualified);
  }

  /** The CREATE VIEW statement of a view, when a migration or the stats snapshot showed it (and no migration renamed it since). */
  viewDefinition(qualified: string): string | undefined {
    return this.views.get(qualified);
  }

  column(table: string, column: string): ColumnFacts | undefined {
    return this.tables.get(table)?.get(column);
  }

  private cols(table: string): Map<string, ColumnFacts> {
    let m = this.tables.get(table);
    if (!m) this.tables.set(table, (m = new Map()));
    return m;
  }

  /** Records what one statement says about columns. `text` is the statement's own text (AST locations are relative to it). */
  apply(ast: Node | undefined, text: string): void {
    const [kind, node] = unwrap(ast);
    const st = new StatementText(text);
    if (kind === 'CreateStmt') {
      const table = qualify(rangeVarName(node.relation));
      const cols = new Map<string, ColumnFacts>();
      for (const elt of node.tableElts ?? []) {
        const def = elt?.ColumnDef;
        if (def?.colname) cols.set(def.colname, columnFacts(def, st));
      }
      this.tables.set(table, cols);
    } else if (kind === 'AlterTableStmt') {
      const table = qualify(rangeVarName(node.relation));
      for (const c of node.cmds ?? []) {
        const cmd: Node = c?.AlterTableCmd ?? {};
        if (cmd.subtype === 'AT_AddColumn' && cmd.def?.ColumnDef?.colname)
          this.cols(table).set(cmd.def.ColumnDef.colname, columnFacts(cmd.def.ColumnDef, st));
        else if (cmd.subtype === 'AT_DropColumn' && cmd.name) this.cols(table).delete(cmd.name);
        else if (cmd.subtype === 'AT_ColumnDefault' && cmd.name) {
          const f = this.cols(table).get(cmd.name) ?? {};
          f.default = cmd.def ? exprText(cmd.def, st) : undefined;
          this.cols(table).set(cmd.name, f);
        } else if (cmd.subtype === 'AT_AlterColumnType' && cmd.name) {
          const f = this.cols(table).get(cmd.name) ?? {};
          f.type = typeSql(cmd.def?.ColumnDef?.typeName, st);
          this.cols(table).set(cmd.name, f);
        }
      }
    } else if (kind === 'IndexStmt') {
      const rel = rangeVarName(node.relation);
      const schema = qualify(rel).split('.')[0];
      const columns = indexStatementColumnNames(node);
      const name = node.idxname ?? generatedName(rel.name, columns, 'idx', (n) => this.indexes.has(`${schema}.${n}`));
      this.indexes.set(`${schema}.${name}`, text.trim().replace(/;\s*$/, ''));
    } else if (kind === 'ViewStmt') {
      this.views.set(qualify(rangeVarName(node.view)), withoutSemicolon(text));
    } else if (kind === 'DropStmt' && node.removeType === 'OBJECT_VIEW') {
      for (const o of node.objects ?? []) this.views.delete(qualify(listName(strings(o?.List?.items ?? []))));
    } else if (kind === 'RenameStmt' && node.renameType === 'OBJECT_VIEW') {
      this.views.delete(qualify(rangeVarName(node.relation)));
    } else if (kind === 'RenameStmt' && node.renameType === 'OBJECT_INDEX') {
      const from = qualify(rangeVarName(node.relation));
      const d = this.indexes.get(from);
      if (d) {
        this.indexes.delete(from);
        this.indexes.set(`${from.split('.')[0]}.${node.newname}`, d);
      }
    } else if (kind === 'RenameStmt' && node.renameType === 'OBJECT_COLUMN') {
      const table = qualify(rangeVarName(node.relation));
      const f = this.cols(table).get(node.subname);
      if (f) {
        this.cols(table).delete(node.subname);
        this.cols(table).set(node.newname, f);
      }
    } else if (kind === 'RenameStmt' && node.renameType === 'OBJECT_TABLE') {
      const from = qualify(rangeVarName(node.relation));
      const m = this.tables.get(from);
      if (m) {
        this.tables.delete(from);
        this.tables.set(`${from.split('.')[0]}.${node.newname}`, m);
      }
    }
  }
}

function columnFacts(def: Node, st: StatementText): ColumnFacts {
  const f: ColumnFacts = { type: typeSql(def.typeName, st) };
  for (const c of def.constraints ?? []) {
    const con = c?.Constraint;
    if (con?.contype === 'CONSTR_DEFAULT' && con.raw_expr) f.default = exprText(con.raw_expr, st);
    if (con?.contype === 'CONSTR_IDENTITY') f.identity = true;
    if (con?.contype === 'CONSTR_GENERATED') f.generated = true;
  }
  const tn = strings(def.typeName?.names).pop()?.toLowerCase() ?? '';
  if (/^(small|big)?serial[248]?$/.test(tn)) f.serial = true;
  return f;
}

/** The type as SQL text: the written text when it can be read, else the canonical name. */
export function typeSql(typeName: Node | undefined, st?: StatementText): string {
  if (typeName && st && typeof typeName.location === 'number' && typeName.location >= 0) {
    const start = st.at(typeName.location);
    const m = TYPE_TEXT.exec(st.text.slice(start));
    if (m?.[0].trim()) {
      const written = m[0].trim();
      // serial types are not types: the column's type is the integer underneath.
      const serial = /^(small|big)?serial[248]?$/i.exec(written);
      if (serial)
        return written.toLowerCase().startsWith('big') || /8$/.test(written)
          ? 'bigint'
          : written.toLowerCase().startsWith('small') || /2$/.test(written)
            ? 'smallint'
            : 'integer';
      return written;
    }
  }
  const t = typeFromAst(typeName);
  const names = strings(typeName?.names).filter((n) => n !== 'pg_catalog');
  if (names.length > 1) return names.map(quoteIdent).join('.') + (t.mods.length ? `(${t.mods.join(',')})` : '') + (t.array ? '[]' : '');
  return typeText(t);
}

const TYPE_TEXT =
  /^(?:"[^"]*"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"]*"|[A-Za-z_][\w$]*))?(?:\s+(?:varying|precision))?(?:\s*\([^)]*\))?(?:\s+with(?:out)?\s+time\s+zone)?(?:\s*\[\s*\d*\s*\])*/i;

/** The text of an expression node, from its location to the end of its clause. */
export function exprText(expr: Node, st: StatementText): string | undefined {
  const loc = firstLocation(expr);
  if (loc === undefined) return undefined;
  const start = st.at(loc);
  const end = clauseEnd(st.text, start, COLUMN_STOP);
  const text = st.text.slice(start, end).trim();
  return text || undefined;
}

/** The smallest `location` in an expression tree (where its text starts). */
export function firstLocation(node: unknown): number | undefined {
  let best: number | undefined;
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (!n || typeof n !== 'object') return;
    for (const [k, v] of Object.entries(n as Node)) {
      if (k === 'location' && typeof v === 'number' && v >= 0) best = best === undefined ? v : Math.min(best, v);
      else visit(v);
    }
  };
  visit(node);
  return best;
}

/** A single-column key for keyset batches: the primary key, else a unique index on a NOT NULL column. */
export function batchKey(catalog: Catalog, table: string): { column: string; type: string } | { problem: string } {
  const t: TableInfo | undefined = catalog.table(table);
  if (!t) return { problem: `${table} is not in the known schema (no earlier migration or stats describe it)` };
  const pk = t.constraints.find((k) => k.type === 'p');
  const typeOf = (c: string) => {
    const ty = t.columns.get(c)?.type;
    return ty ? typeText(ty) : undefined;
  };
  if (pk) {
    if (pk.columns.length === 1 && typeOf(pk.columns[0])) return { column: pk.columns[0], type: typeOf(pk.columns[0])! };
    if (pk.columns.length > 1)
      return {
        problem: `${table} has a composite primary key (${pk.columns.join(', ')}); the generated backfill needs a single-column key`,
      };
  }
  for (const i of catalog.indexes.values()) {
    if (i.table !== table || !i.unique || !i.valid || i.columns.length !== 1) continue;
    const c = i.columns[0];
    if (t.columns.get(c)?.notNull && typeOf(c)) return { column: c, type: typeOf(c)! };
  }
  for (const k of t.constraints) {
    if (k.type === 'u' && k.columns.length === 1 && t.columns.get(k.columns[0])?.notNull && typeOf(k.columns[0]))
      return { column: k.columns[0], type: typeOf(k.columns[0])! };
  }
  return { problem: `${table} has no primary key and no unique NOT NULL column, so it cannot be backfilled in keyset batches` };
}
