// The schema model the lock model and rules consult: tables, columns, constraints, indexes, views
// and enums, from a stats snapshot plus every statement applied before the one being analysed
// (earlier migration files, then earlier statements of this file). Pure and in-memory.
import type { RelationKind, StatsSnapshot, TableStats } from '@pg-preflight/shared';
import { calledFunctions, columnRefs, listName, walk, qualify, rangeVarName, rangeVars, strings, unwrap, type Node } from '../syntax/ast';
import { isSerialTypeName, typeFromAst, typeFromText, type ColumnType } from '../syntax/pgtypes';
import {
  generatedName,
  indexColumnNames,
  indexStatementColumnNames,
  makeObjectName,
  type ConstraintLabel,
  type ResumePoints,
} from './names';

export type Origin = 'snapshot' | 'earlier-file' | 'this-file';

export interface ColumnInfo {
  name: string;
  type?: ColumnType;
  notNull: boolean;
  hasDefault: boolean;
  /** The sequence its default calls (serial, DEFAULT nextval(...)) or its identity uses: DROP SEQUENCE reaches the table. */
  sequence?: { name: string; identity: boolean };
}

export interface ConstraintInfo {
  name: string;
  type: 'p' | 'f' | 'c' | 'u' | 'x' | 'n' | 't';
  validated: boolean;
  columns: string[];
  references?: string;
  /** For foreign keys: the referenced columns (empty: the referenced table's primary key). */
  referencedColumns?: string[];
  /** For CHECK: the columns its expression mentions. */
  checkColumns?: string[];
  /** For CHECK (col IS NOT NULL): the column, which lets SET NOT NULL skip its scan on PG 12+. */
  notNullCheckColumn?: string;
  /** For foreign keys: ON DELETE / ON UPDATE, as pg_constraint spells them (a no action, r restrict, c cascade, n set null, d set default). */
  onDelete?: string;
  onUpdate?: string;
  origin: Origin;
}

/** Never changed in place (clone() shares them): a change replaces the entry. */
export interface IndexInfo {
  readonly qualified: string;
  readonly table: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly valid: boolean;
  /** Has a WHERE clause: it cannot serve lookups of rows outside it (a foreign key's, for one). */
  readonly partial?: boolean;
}

export interface TableInfo {
  qualified: string;
  schema: string;
  name: string;
  kind: RelationKind;
  columns: Map<string, ColumnInfo>;
  constraints: ConstraintInfo[];
  rlsEnabled: boolean;
  origin: Origin;
  stats?: TableStats;
  /** PARTITION BY columns of a partitioned table. */
  partitionKey?: string[];
}

export interface ViewInfo {
  qualified: string;
  materialized: boolean;
  /** Tables the view reads, each with the column names its query mentions; inh: without ONLY (partitions are read too). */
  reads: { table: string; columns: string[]; inh?: boolean }[];
  /** Types its query names (casts): DROP TYPE ... CASCADE drops the view. Lower-cased, unqualified. */
  types?: string[];
}

export class Catalog {
  readonly tables = new Map<string, TableInfo>();
  readonly indexes = new Map<string, IndexInfo>();
  readonly views = new Map<string, ViewInfo>();
  /** Enum type -> values added by this file (not usable in the same transaction before PG 12 commits them). */
  readonly enumValuesAddedHere = new Map<string, Set<string>>();
  readonly snapshot?: StatsSnapshot;
  /** PL/pgSQL functions defined by the migrations: lower-cased name -> body, so calls and triggers can be analysed. */
  readonly functions = new Map<string, string>();
  /** SQL-language functions: lower-cased name -> body text, or the parsed statements of a BEGIN ATOMIC body. */
  readonly sqlFunctions = new Map<string, string | Node[]>();
  /** Table -> its triggers: name, the function they run, the events (PostgreSQL's bitmask: 4 INSERT, 8 DELETE, 16 UPDATE, 32 TRUNCATE), FOR EACH ROW. */
  private readonly triggers = new Map<string, { name: string; fn: string; events: number; row: boolean }[]>();
  /** Partitioned table -> its partitions. */
  readonly partitions = new Map<string, string[]>();
  /** Inheritance parent (INHERITS, ALTER TABLE ... INHERIT; not partitioning) -> its direct children. */
  readonly inheritors = new Map<string, string[]>();
  /** Extended statistics object (CREATE STATISTICS) -> its table. */
  readonly statistics = new Map<string, string>();
  /**
   * The name given to an unnamed constraint or index, by its AST node (Constraint or IndexStmt), as
   * PostgreSQL chose it when the statement was applied: quick fixes (which see the catalog after the
   * whole file) reuse it. Shared with clones.
   */
  private names = new WeakMap<object, string>();
  /**
   * Set by apply() when the statement would make a table its own partition or inheritance ancestor:
   * PostgreSQL refuses it, and the catalog leaves the graph as it was.
   */
  refused?: string;
  /** Partitioned table -> its DEFAULT partition (ATTACH, DETACH and new partitions lock and check it). */
  readonly defaultPartitions = new Map<string, string>();
  /** Composite type (lower-cased, unqualified) -> the typed tables made OF it. */
  readonly typedTables = new Map<string, string[]>();
  /** Function (lower-cased, unqualified) -> tables whose CHECK constraints or index expressions call it. */
  readonly functionUsers = new Map<string, string[]>();
  /** Domains (lower-cased, unqualified) -> whether they have a CHECK (or NOT NULL) constraint, and their base type. */
  readonly domains = new Map<string, { constrained: boolean; base?: ColumnType }>();
  /** Functions (lower-cased, unqualified) -> provolatile as pg_proc spells it (i, s, v). */
  readonly volatility = new Map<string, 'i' | 's' | 'v'>();

  /** While a CREATE or ALTER TABLE is applied: the constraint names of its schema, and where name searches stopped. */
  private naming?: { table: TableInfo; used: ConstraintNamesInUse; resume: ResumePoints; merged?: MergedIndexConstraints };

  constructor(snapshot?: StatsSnapshot) {
    this.snapshot = snapshot;
    for (const t of snapshot?.tables ?? []) this.addSnapshotTable(t);
  }

  /**
   * An independent copy: applying statements to either leaves the other as it was. Every object that
   * apply() mutates in place is copied (tables lazily, on their first change); what it only replaces (views, trigger and partition lists,
   * function bodies, the snapshot) is shared. Used by AnalysisMemo to reuse the schema of earlier files.
   */
  clone(): Catalog {
    const c = new Catalog();
    (c as { snapshot?: StatsSnapshot }).snapshot = this.snapshot;
    // Tables are copied on write (writableTable): a clone per analysed file stays cheap when the schema is large.
    for (const [k, t] of this.tables) {
      sharedTables.add(t);
      c.tables.set(k, t);
    }
    for (const [k, i] of this.indexes) c.indexes.set(k, i);
    for (const [k, v] of this.views) c.views.set(k, v);
    for (const [k, s] of this.enumValuesAddedHere) c.enumValuesAddedHere.set(k, new Set(s));
    for (const [k, f] of this.functions) c.functions.set(k, f);
    for (const [k, f] of this.sqlFunctions) c.sqlFunctions.set(k, f);
    for (const [k, t] of this.triggers) c.triggers.set(k, t);
    for (const [k, p] of this.partitions) c.partitions.set(k, p);
    for (const [k, p] of this.inheritors) c.inheritors.set(k, p);
    for (const [k, t] of this.statistics) c.statistics.set(k, t);
    c.names = this.names;
    for (const [k, t] of this.defaultPartitions) c.defaultPartitions.set(k, t);
    for (const [k, t] of this.typedTables) c.typedTables.set(k, t);
    for (const [k, t] of this.functionUsers) c.functionUsers.set(k, t);
    for (const [k, t] of this.domains) c.domains.set(k, t);
    for (const [k, t] of this.volatility) c.volatility.set(k, t);
    return c;
  }

  /** A table, view or index of that schema-qualified name is known (search_path resolution). */
  hasRelation(qualified: string): boolean {
    return this.tables.has(qualified) || this.views.has(qualified) || this.indexes.has(qualified);
  }

  table(name: string): TableInfo | undefined {
    return this.tables.get(name);
  }

  /** The table to change in place: a private copy when it is still shared with a clone. */
  private writableTable(name: string): TableInfo | undefined {
    const t = this.tables.get(name);
    if (!t || !sharedTables.has(t)) return t;
    const columns = new Map<string, ColumnInfo>();
    for (const [n, col] of t.columns) columns.set(n, { ...col });
    const copy = { ...t, columns, constraints: t.constraints.map((x) => ({ ...x })) };
    this.tables.set(name, copy);
    return copy;
  }

  /** Created by this file: empty, unseen by the application, so locking it harms nobody. */
  isNewTable(name: string): boolean {
    return this.tables.get(name)?.origin === 'this-file';
  }

  /** Functions of the table's triggers that fire on the event (4 INSERT, 8 DELETE, 16 UPDATE). */
  triggerFunctions(table: string, event: number): string[] {
    return (this.triggers.get(table) ?? []).filter((t) => (t.events & event) !== 0).map((t) => t.fn);
  }

  /** Every partition below a partitioned table, depth first. */
  partitionsOf(table: string): string[] {
    return this.below(table, [this.partitions]);
  }

  /**
   * Every partition and inheritance child below a table, depth first: most ALTER TABLE subcommands,
   * TRUNCATE, LOCK and DROP ... CASCADE reach them too.
   */
  descendantsOf(table: string): string[] {
    return this.below(table, [this.partitions, this.inheritors]);
  }

  /**
   * Depth-first preorder without recursion (a chain of thousands of partitions must not overflow the
   * stack), each table once, never the table itself (a cycle from a snapshot cannot loop).
   */
  private below(table: string, maps: Map<string, string[]>[]): string[] {
    const out: string[] = [];
    const seen = new Set<string>([table]);
    const children = (t: string) => maps.flatMap((m) => m.get(t) ?? []);
    const stack = children(table).reverse();
    while (stack.length) {
      const c = stack.pop() as string;
      if (seen.has(c)) continue;
      seen.add(c);
      out.push(c);
      const next = children(c);
      for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
    }
    return out;
  }

  /** `child` under `parent` would close a cycle: it is the parent, or already above it. */
  private wouldCycle(parent: string, child: string): boolean {
    return parent === child || this.descendantsOf(child).includes(parent);
  }

  /** The tables this one is a partition or an inheritance child of (direct parents only). */
  parentsOf(table: string): string[] {
    const out: string[] = [];
    for (const m of [this.partitions, this.inheritors]) for (const [parent, children] of m) if (children.includes(table)) out.push(parent);
    return out;
  }

  /** The table has a FOR EACH ROW trigger (of that name, when given). */
  hasRowTrigger(table: string, name?: string): boolean {
    return (this.triggers.get(table) ?? []).some((t) => t.row && (name === undefined || t.name === name));
  }

  /** Tables with a trigger that runs the function (lower-cased name). */
  tablesTriggering(fn: string): string[] {
    return [...this.triggers].filter(([, list]) => list.some((t) => t.fn === fn)).map(([table]) => table);
  }

  /** The relation an index belongs to, by qualified index name. */
  tableOfIndex(indexName: string): string | undefined {
    return this.indexes.get(indexName)?.table;
  }

  viewsReadingColumn(table: string, column: string): string[] {
    const out: string[] = [];
    for (const v of this.views.values()) {
      if (v.reads.some((r) => r.table === table && (r.columns.includes(column) || r.columns.includes('*')))) out.push(v.qualified);
    }
    return out;
  }

  /** DROP ... CASCADE: every view reading a dropped relation goes too, and the views reading those, and so on. */
  private dropViewsReading(dropped: string[]): void {
    const gone = new Set(dropped);
    let more = true;
    while (more) {
      more = false;
      for (const v of this.views.values()) {
        if (gone.has(v.qualified) || !v.reads.some((r) => gone.has(r.table))) continue;
        gone.add(v.qualified);
        this.views.delete(v.qualified);
        this.tables.delete(v.qualified);
        more = true;
      }
    }
  }

  private addSnapshotTable(t: TableStats): void {
    const qualified = `${t.schema}.${t.name}`;
    if (t.kind === 'view' || t.kind === 'matview') {
      // What it reads (the snapshot's pg_depend rows; none in older snapshots): type changes of those columns fail.
      const reads = (t.reads ?? []).map((r) => ({ table: r.table, columns: [...r.columns] }));
      this.views.set(qualified, { qualified, materialized: t.kind === 'matview', reads });
      if (t.kind === 'view') return;
    }
    const columns = new Map<string, ColumnInfo>();
    for (const c of t.columns) {
      const seq = /^nextval\('([^']+)'::regclass\)$/.exec(c.default ?? '')?.[1];
      const sequence = c.identity
        ? { name: `${t.schema}.${makeObjectName(t.name, c.name, 'seq')}`, identity: true }
        : seq
          ? { name: seq.includes('.') ? seq : `${t.schema}.${seq}`, identity: false }
          : undefined;
      columns.set(c.name, { name: c.name, type: typeFromText(c.type), notNull: c.notNull, hasDefault: c.default != null, sequence });
    }
    const constraints: ConstraintInfo[] = t.constraints.map((c) => ({
      name: c.name,
      type: c.type,
      validated: c.validated,
      columns: c.columns,
      references: c.references ?? undefined,
      checkColumns: c.type === 'c' ? c.columns : undefined,
      notNullCheckColumn: c.type === 'c' ? notNullCheckColumnFromText(c.definition) : undefined,
      onDelete: c.type === 'f' ? foreignKeyActionFromText(c.definition, 'DELETE') : undefined,
      onUpdate: c.type === 'f' ? foreignKeyActionFromText(c.definition, 'UPDATE') : undefined,
      origin: 'snapshot',
    }));
    this.tables.set(qualified, {
      qualified,
      schema: t.schema,
      name: t.name,
      kind: t.kind,
      columns,
      constraints,
      rlsEnabled: false,
      origin: 'snapshot',
      stats: t,
    });
    for (const i of t.indexes)
      this.indexes.set(`${t.schema}.${i.name}`, {
        qualified: `${t.schema}.${i.name}`,
        table: qualified,
        columns: i.columns,
        unique: i.unique,
        valid: i.valid,
        partial: /\)\s+WHERE\s/i.test(i.definition),
      });
  }

  /** Applies one parsed statement's effect on the schema. Unknown statements leave it unchanged. */
  apply(stmt: Node, origin: Origin): void {
    this.refused = undefined;
    const [type, node] = unwrap(stmt);
    switch (type) {
      case 'CreateStmt':
        return this.createTable(node, origin);
      case 'CreateTableAsStmt':
        if (node.objtype === 'OBJECT_MATVIEW') {
          const q = qualify(rangeVarName(node.into?.rel));
          this.views.set(q, { qualified: q, materialized: true, reads: viewReads(node.query) });
          this.tables.set(q, newTable(q, 'matview', origin));
        } else {
          this.tables.set(qualify(rangeVarName(node.into?.rel)), newTable(qualify(rangeVarName(node.into?.rel)), 'table', origin));
        }
        return;
      case 'ViewStmt': {
        const q = qualify(rangeVarName(node.view));
        this.views.set(q, { qualified: q, materialized: false, reads: viewReads(node.query), types: typeNames(node.query) });
        return;
      }
      case 'AlterTableStmt':
        return this.alterTable(node, origin);
      case 'IndexStmt': {
        const table = qualify(rangeVarName(node.relation));
        const schema = table.split('.')[0];
        // Expression columns keep their place (as '(expr)') so later columns do not appear to lead.
        const columns: string[] = (node.indexParams ?? []).map((p: Node) => p?.IndexElem?.name ?? '(expr)');
        let generated: string | undefined;
        if (!node.idxname) this.names.set(node, (generated = this.indexName(table, node)));
        const name = `${schema}.${node.idxname ?? generated}`;
        this.indexes.set(name, { qualified: name, table, columns, unique: !!node.unique, valid: true, partial: !!node.whereClause });
        this.addFunctionUsers(table, [node.indexParams, node.whereClause]);
        return;
      }
      case 'RenameStmt':
        return this.rename(node);
      case 'AlterObjectSchemaStmt': {
        if (node.objectType !== 'OBJECT_TABLE' || !node.relation) return;
        const from = qualify(rangeVarName(node.relation));
        const t = this.writableTable(from);
        if (t) {
          this.tables.delete(from);
          t.schema = node.newschema;
          t.qualified = `${t.schema}.${t.name}`;
          this.tables.set(t.qualified, t);
        }
        return;
      }
      case 'DropStmt':
        for (const obj of node.objects ?? []) {
          const name = qualify(listName(strings(obj?.List?.items)));
          if (node.removeType === 'OBJECT_TABLE') {
            // Partitions go with their table; a dropped table is nobody's child any more.
            for (const p of this.partitionsOf(name)) this.tables.delete(p);
            this.tables.delete(name);
            for (const m of [this.partitions, this.inheritors]) {
              m.delete(name);
              for (const [parent, children] of m)
                if (children.includes(name))
                  m.set(
                    parent,
                    children.filter((c) => c !== name),
                  );
            }
          } else if (node.removeType === 'OBJECT_STATISTIC_EXT') this.statistics.delete(name);
          else if (node.removeType === 'OBJECT_INDEX') this.indexes.delete(name);
          else if (node.removeType === 'OBJECT_TRIGGER') {
            const items = strings(obj?.List?.items);
            const table = qualify(listName(items.slice(0, -1)));
            this.triggers.set(
              table,
              (this.triggers.get(table) ?? []).filter((t) => t.name !== items[items.length - 1]),
            );
          } else if (node.removeType === 'OBJECT_VIEW' || node.removeType === 'OBJECT_MATVIEW') {
            this.views.delete(name);
            this.tables.delete(name);
          }
        }
        if (
          node.behavior === 'DROP_CASCADE' &&
          ['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE'].includes(node.removeType)
        ) {
          this.dropViewsReading((node.objects ?? []).map((o: Node) => qualify(listName(strings(o?.List?.items)))));
        }
        return;
      case 'CreateFunctionStmt': {
        const opts: Node[] = node.options ?? [];
        const lang = opts.find((o) => o?.DefElem?.defname === 'language')?.DefElem?.arg?.String?.sval;
        const body = opts.find((o) => o?.DefElem?.defname === 'as')?.DefElem?.arg?.List?.items?.[0]?.String?.sval;
        const parts = strings(node.funcname);
        const name = parts[parts.length - 1].toLowerCase();
        const vol = String(opts.find((o) => o?.DefElem?.defname === 'volatility')?.DefElem?.arg?.String?.sval ?? 'volatile');
        this.volatility.set(name, vol === 'immutable' ? 'i' : vol === 'stable' ? 's' : 'v');
        if (String(lang).toLowerCase() === 'plpgsql' && typeof body === 'string') this.functions.set(name, body);
        if (String(lang).toLowerCase() === 'sql') {
          const atomic: Node[] = (node.sql_body?.List?.items ?? []).flatMap((l: Node) => l?.List?.items ?? []);
          if (typeof body === 'string') this.sqlFunctions.set(name, body);
          else if (atomic.length) this.sqlFunctions.set(name, atomic);
        }
        return;
      }
      case 'CreateTrigStmt': {
        const table = qualify(rangeVarName(node.relation));
        const parts = strings(node.funcname);
        const list = (this.triggers.get(table) ?? []).filter((t) => t.name !== node.trigname);
        list.push({ name: node.trigname, fn: parts[parts.length - 1].toLowerCase(), events: Number(node.events ?? 0), row: !!node.row });
        this.triggers.set(table, list);
        return;
      }
      case 'CreateDomainStmt': {
        const name = strings(node.domainname).pop()?.toLowerCase() ?? '';
        const constrained = (node.constraints ?? []).some((c: Node) => ['CONSTR_CHECK', 'CONSTR_NOTNULL'].includes(c?.Constraint?.contype));
        this.domains.set(name, { constrained, base: typeFromAst(node.typeName) });
        return;
      }
      case 'AlterDomainStmt': {
        const name = strings(node.typeName).pop()?.toLowerCase() ?? '';
        const known = this.domains.get(name);
        if ((node.subtype === 'C' || node.subtype === 'O') && known) this.domains.set(name, { ...known, constrained: true });
        return;
      }
      case 'CreateStatsStmt': {
        const table = node.relations?.[0]?.RangeVar;
        if (table && node.defnames)
          this.statistics.set(qualify(listName(strings(node.defnames))), qualify(rangeVarName({ RangeVar: table })));
        return;
      }
      case 'AlterEnumStmt': {
        if (!node.newVal || origin !== 'this-file') return;
        const enumName = strings(node.typeName).join('.');
        const set = this.enumValuesAddedHere.get(enumName) ?? new Set<string>();
        set.add(node.newVal);
        this.enumValuesAddedHere.set(enumName, set);
        return;
      }
      default:
        return;
    }
  }

  private createTable(node: Node, origin: Origin): void {
    const q = qualify(rangeVarName(node.relation));
    // IF NOT EXISTS on a table we already know is a no-op: it must not look new and empty.
    if (node.if_not_exists && this.tables.has(q)) return;
    const t = newTable(q, node.partspec ? 'partitioned' : 'table', origin);
    if (node.partspec) t.partitionKey = (node.partspec.partParams ?? []).map((p: Node) => p?.PartitionElem?.name).filter(Boolean);
    // Names are only added while the table is created, so searches for free ones can resume.
    this.naming = { table: t, used: this.constraintNamesOf(t), resume: new Map(), merged: mergedIndexConstraints(node) };
    try {
      for (const elt of node.tableElts ?? []) {
        const [kind, def] = unwrap(elt);
        if (kind === 'ColumnDef') this.addColumn(t, def, origin);
        else if (kind === 'Constraint') this.addConstraint(t, def, origin);
      }
      for (const [key, into] of this.naming.merged?.pending ?? []) {
        const name = this.nameOf(into) ?? into.conname;
        if (name) this.names.set(key, name);
      }
    } finally {
      this.naming = undefined;
    }
    this.tables.set(q, t);
    for (const parent of node.inhRelations ?? []) {
      this.link(
        node.partbound ? this.partitions : this.inheritors,
        qualify(rangeVarName(parent)),
        q,
        node.partbound ? 'partition' : 'child',
      );
      if (node.partbound?.is_default) this.defaultPartitions.set(qualify(rangeVarName(parent)), q);
    }
    const ofType = strings(node.ofTypename?.names).pop()?.toLowerCase();
    if (ofType) this.typedTables.set(ofType, [...(this.typedTables.get(ofType) ?? []).filter((x) => x !== q), q]);
  }

  /** Records the functions an expression calls as used by the table (lists are replaced: clone() shares them). */
  private addFunctionUsers(table: string, exprs: unknown): void {
    for (const fn of new Set(calledFunctions(exprs))) {
      const list = this.functionUsers.get(fn) ?? [];
      if (!list.includes(table)) this.functionUsers.set(fn, [...list, table]);
    }
  }

  /** Records parent -> child unless it closes a cycle, which PostgreSQL refuses ("circular inheritance"). */
  private link(m: Map<string, string[]>, parent: string, child: string, what: 'partition' | 'child'): void {
    if (this.wouldCycle(parent, child)) {
      this.refused =
        parent === child
          ? `${child} cannot be ${what === 'partition' ? 'a partition' : 'an inheritance child'} of itself: PostgreSQL refuses this statement`
          : `${child} is already above ${parent} (partitions or inheritance): making it ${what === 'partition' ? 'a partition' : 'an inheritance child'} of ${parent} would be circular, and PostgreSQL refuses this statement`;
      return;
    }
    this.addChild(m, parent, child);
  }

  private addColumn(t: TableInfo, def: Node, origin: Origin): void {
    const col: ColumnInfo = { name: def.colname, type: typeFromAst(def.typeName), notNull: false, hasDefault: false };
    // PostgreSQL names the sequence of a serial or identity column <table>_<column>_seq (when that name is free).
    const own = `${t.schema}.${makeObjectName(t.name, def.colname, 'seq')}`;
    if (isSerialTypeName(def.typeName)) col.sequence = { name: own, identity: false };
    for (const c of def.constraints ?? []) {
      const con = c?.Constraint ?? {};
      if (con.contype === 'CONSTR_NOTNULL' || con.contype === 'CONSTR_PRIMARY') col.notNull = true;
      if (['CONSTR_DEFAULT', 'CONSTR_IDENTITY', 'CONSTR_GENERATED'].includes(con.contype)) col.hasDefault = true;
      if (con.contype === 'CONSTR_IDENTITY') col.sequence = { name: own, identity: true };
      if (con.contype === 'CONSTR_DEFAULT') col.sequence = sequenceOfDefault(con.raw_expr);
      if (con.contype !== 'CONSTR_NOTNULL' && con.contype !== 'CONSTR_DEFAULT')
        this.addConstraint(
          t,
          { ...con, keys: con.keys ?? [{ String: { sval: def.colname } }], fk_attrs: con.fk_attrs ?? [{ String: { sval: def.colname } }] },
          origin,
          con,
        );
    }
    t.columns.set(col.name, col);
  }

  /** `key`: the AST node the constraint was written as (the name it gets is recorded under it). */
  private addConstraint(t: TableInfo, con: Node, origin: Origin, key: object = con): void {
    const typeByContype: Record<string, ConstraintInfo['type']> = {
      CONSTR_PRIMARY: 'p',
      CONSTR_FOREIGN: 'f',
      CONSTR_CHECK: 'c',
      CONSTR_UNIQUE: 'u',
      CONSTR_EXCLUSION: 'x',
      CONSTR_NOTNULL: 'n',
    };
    const type = typeByContype[con.contype];
    if (!type) return;
    const columns = type === 'f' ? strings(con.fk_attrs) : strings(con.keys);
    const merged = this.naming?.table === t ? this.naming.merged : undefined;
    const into = merged?.into.get(key);
    if (into) {
      // PostgreSQL makes one index of the two: the name is the one the other gets.
      merged!.pending.push([key, into]);
      return;
    }
    // Always chosen afresh: parsing reuses one AST for identical statement texts, and the second of
    // two identical ADD FOREIGN KEY statements gets <name>1 from PostgreSQL.
    let name: string = con.conname;
    if (name === undefined) {
      // An index's name lists its INCLUDE columns too (ChooseIndexColumnNames).
      const named = type === 'c' ? [...new Set(columnRefs(con.raw_expr))] : [...columns, ...strings(con.including)];
      name = merged?.nameFrom.get(key) ?? this.constraintName(t, type, named);
      this.names.set(key, name);
    }
    const info: ConstraintInfo = {
      name,
      type,
      validated: !con.skip_validation,
      columns,
      references: con.pktable ? qualify(rangeVarName(con.pktable)) : undefined,
      referencedColumns: con.pktable ? strings(con.pk_attrs) : undefined,
      checkColumns: type === 'c' ? columnRefs(con.raw_expr) : undefined,
      notNullCheckColumn: type === 'c' ? notNullCheckColumnFromAst(con.raw_expr) : undefined,
      onDelete: type === 'f' ? (con.fk_del_action ?? 'a') : undefined,
      onUpdate: type === 'f' ? (con.fk_upd_action ?? 'a') : undefined,
      origin,
    };
    t.constraints.push(info);
    if (this.naming?.table === t) this.naming.used.add(name);
    if (type === 'c') this.addFunctionUsers(t.qualified, con.raw_expr);
    if (type === 'p')
      for (const c of columns) {
        const col = t.columns.get(c);
        if (col) col.notNull = true;
      }
    if (type === 'n' && info.validated)
      for (const c of columns) {
        const col = t.columns.get(c);
        if (col) col.notNull = true;
      }
    if (type === 'p' || type === 'u' || type === 'x') {
      const idx = `${t.schema}.${con.indexname ?? info.name}`;
      this.indexes.set(idx, { qualified: idx, table: t.qualified, columns, unique: type !== 'x', valid: true });
    }
  }

  /**
   * The name recorded for an unnamed constraint or index written as this AST node, once the catalog has
   * applied it (the last such statement, for identical statement texts that share one AST).
   */
  nameOf(node: object | undefined): string | undefined {
    return node ? this.names.get(node) : undefined;
  }

  /** A relation (table, view, index) of that name exists in the schema. */
  relationTaken(schema: string, name: string): boolean {
    const q = `${schema}.${name}`;
    return this.tables.has(q) || this.indexes.has(q) || this.views.has(q);
  }

  /** A constraint of that name exists on some table of the schema (constraint names are per schema when PostgreSQL picks one). */
  constraintTaken(schema: string, name: string): boolean {
    for (const t of this.tables.values()) if (t.schema === schema && t.constraints.some((k) => k.name === name)) return true;
    return false;
  }

  /**
   * The name PostgreSQL gives an unnamed constraint of this kind on `t` now (ChooseConstraintName for
   * FOREIGN KEY, CHECK and NOT NULL; ChooseRelationName for those backed by an index). `alsoTaken`:
   * names a caller has already handed out.
   */
  constraintName(
    t: { schema: string; name: string; constraints?: ConstraintInfo[] },
    type: ConstraintInfo['type'],
    columns: string[],
    alsoTaken: (name: string) => boolean = () => false,
  ): string {
    const label: Record<ConstraintInfo['type'], ConstraintLabel> = {
      p: 'pkey',
      f: 'fkey',
      c: 'check',
      u: 'key',
      x: 'excl',
      n: 'not_null',
      t: 'check',
    };
    const byIndex = type === 'p' || type === 'u' || type === 'x';
    // The names in use are looked up per try, and collected once per call or per CREATE TABLE after a few
    // tries (ConstraintNamesInUse): PostgreSQL tries name, name1, name2, ...
    const scope = this.naming?.table === t ? this.naming : undefined;
    const used = scope?.used ?? this.constraintNamesOf(t);
    const taken = (n: string) => alsoTaken(n) || used.has(n) || (byIndex && this.relationTaken(t.schema, n));
    return generatedName(t.name, byIndex ? indexColumnNames(columns) : columns, label[type], taken, scope?.resume);
  }

  /** The constraint names of t's schema, t's own included (a table being created is not in the catalog yet). */
  private constraintNamesOf(t: { schema: string; constraints?: ConstraintInfo[] }): ConstraintNamesInUse {
    return new ConstraintNamesInUse(this, t);
  }

  /** The name PostgreSQL gives an unnamed CREATE INDEX now (ChooseIndexName). */
  indexName(table: string, node: Node, alsoTaken: (name: string) => boolean = () => false): string {
    const [schema, name] = [table.slice(0, table.indexOf('.')), table.slice(table.indexOf('.') + 1)];
    const cols = indexStatementColumnNames(node);
    return generatedName(name, cols, 'idx', (n) => alsoTaken(n) || this.relationTaken(schema, n));
  }

  /** Lists are replaced, never changed in place: clone() shares them. */
  private addChild(m: Map<string, string[]>, parent: string, child: string): void {
    const list = (m.get(parent) ?? []).filter((p) => p !== child);
    list.push(child);
    m.set(parent, list);
  }

  private alterTable(node: Node, origin: Origin): void {
    const q = qualify(rangeVarName(node.relation));
    for (const c of node.cmds ?? []) {
      const cmd = c?.AlterTableCmd ?? {};
      const part = cmd.def?.PartitionCmd?.name;
      if (cmd.subtype === 'AT_AttachPartition' && part) {
        this.link(this.partitions, q, qualify(rangeVarName(part)), 'partition');
        if (cmd.def?.PartitionCmd?.bound?.is_default) this.defaultPartitions.set(q, qualify(rangeVarName(part)));
      }
      if (cmd.subtype === 'AT_DetachPartition' && part) {
        this.partitions.set(
          q,
          (this.partitions.get(q) ?? []).filter((p) => p !== qualify(rangeVarName(part))),
        );
        if (this.defaultPartitions.get(q) === qualify(rangeVarName(part))) this.defaultPartitions.delete(q);
      }
      const parent = cmd.def?.RangeVar ? qualify(rangeVarName(cmd.def)) : undefined;
      if (cmd.subtype === 'AT_AddInherit' && parent) this.link(this.inheritors, parent, q, 'child');
      if (cmd.subtype === 'AT_DropInherit' && parent)
        this.inheritors.set(
          parent,
          (this.inheritors.get(parent) ?? []).filter((c) => c !== q),
        );
    }
    const t = this.writableTable(q);
    if (!t) return;
    this.naming = { table: t, used: this.constraintNamesOf(t), resume: new Map() };
    try {
      this.alterTableCommands(t, node, origin);
    } finally {
      this.naming = undefined;
    }
  }

  private alterTableCommands(t: TableInfo, node: Node, origin: Origin): void {
    const dropConstraints = (gone: (k: ConstraintInfo) => boolean) => {
      t.constraints = t.constraints.filter((k) => !gone(k));
      // Collected again (another table may hold a dropped name too); a freed name may be the first free one.
      this.naming = { table: t, used: this.constraintNamesOf(t), resume: new Map() };
    };
    for (const c of node.cmds ?? []) {
      const cmd = c?.AlterTableCmd ?? {};
      const col = cmd.name ? t.columns.get(cmd.name) : undefined;
      switch (cmd.subtype) {
        case 'AT_AddColumn':
          this.addColumn(t, cmd.def?.ColumnDef ?? {}, origin);
          break;
        case 'AT_DropColumn':
          t.columns.delete(cmd.name);
          dropConstraints((k) => k.columns.includes(cmd.name));
          break;
        case 'AT_AlterColumnType':
          if (col) col.type = typeFromAst(cmd.def?.ColumnDef?.typeName);
          break;
        case 'AT_SetNotNull':
          if (col) col.notNull = true;
          break;
        case 'AT_DropNotNull':
          if (col) col.notNull = false;
          break;
        case 'AT_ColumnDefault':
          if (col) {
            col.hasDefault = !!cmd.def;
            if (!col.sequence?.identity) col.sequence = sequenceOfDefault(cmd.def);
          }
          break;
        case 'AT_AddIdentity':
          if (col) col.sequence = { name: `${t.schema}.${makeObjectName(t.name, col.name, 'seq')}`, identity: true };
          break;
        case 'AT_DropIdentity':
          if (col) col.sequence = undefined;
          break;
        case 'AT_AddConstraint':
          if (cmd.def?.Constraint) this.addConstraint(t, cmd.def.Constraint, origin);
          break;
        case 'AT_ValidateConstraint':
          for (const k of t.constraints) if (k.name === cmd.name) k.validated = true;
          break;
        case 'AT_DropConstraint':
          dropConstraints((k) => k.name === cmd.name);
          break;
        case 'AT_EnableRowSecurity':
          t.rlsEnabled = true;
          break;
        case 'AT_DisableRowSecurity':
          t.rlsEnabled = false;
          break;
        default:
          break;
      }
    }
  }

  private rename(node: Node): void {
    const q = qualify(rangeVarName(node.relation));
    const t = this.writableTable(q);
    if (node.renameType === 'OBJECT_TABLE' && t) {
      this.tables.delete(q);
      t.name = node.newname;
      t.qualified = `${t.schema}.${t.name}`;
      this.tables.set(t.qualified, t);
      for (const [k, i] of this.indexes) if (i.table === q) this.indexes.set(k, { ...i, table: t.qualified });
      for (const m of [this.partitions, this.inheritors]) {
        const children = m.get(q);
        if (children) {
          m.delete(q);
          m.set(t.qualified, children);
        }
        for (const [parent, list] of m)
          if (list.includes(q))
            m.set(
              parent,
              list.map((c) => (c === q ? t.qualified : c)),
            );
      }
      this.renameTableReferences(q, t.qualified);
    } else if (node.renameType === 'OBJECT_COLUMN' && t) {
      const col = t.columns.get(node.subname);
      if (col) {
        t.columns.delete(node.subname);
        col.name = node.newname;
        t.columns.set(col.name, col);
        // Constraints and indexes follow the column to its new name.
        const ren = (c: string) => (c === node.subname ? node.newname : c);
        for (const k of t.constraints) {
          k.columns = k.columns.map(ren);
          if (k.checkColumns) k.checkColumns = k.checkColumns.map(ren);
          if (k.notNullCheckColumn) k.notNullCheckColumn = ren(k.notNullCheckColumn);
        }
        for (const [k, i] of this.indexes) if (i.table === q) this.indexes.set(k, { ...i, columns: i.columns.map(ren) });
        // Foreign keys that point at the column, and views that read it, follow it too (PostgreSQL keeps them by number).
        for (const [name, other] of this.tables) {
          if (!other.constraints.some((k) => k.references === q && k.referencedColumns?.includes(node.subname))) continue;
          for (const k of this.writableTable(name)?.constraints ?? [])
            if (k.references === q && k.referencedColumns) k.referencedColumns = k.referencedColumns.map(ren);
        }
        for (const [name, v] of this.views) {
          if (v.reads.some((r) => r.table === q && r.columns.includes(node.subname))) {
            this.views.set(name, { ...v, reads: v.reads.map((r) => (r.table === q ? { ...r, columns: r.columns.map(ren) } : r)) });
          }
        }
      }
    } else if (node.renameType === 'OBJECT_INDEX') {
      const idx = this.indexes.get(q);
      if (idx) {
        this.indexes.delete(q);
        const qualified = `${q.split('.')[0]}.${node.newname}`;
        this.indexes.set(qualified, { ...idx, qualified });
      }
    } else if (node.renameType === 'OBJECT_TABCONSTRAINT' && t) {
      for (const k of t.constraints) if (k.name === node.subname) k.name = node.newname;
    }
  }

  /**
   * After a table rename, what depends on the table follows it (PostgreSQL keeps dependencies by OID):
   * other tables' foreign keys, views' reads, trigger lists, extended statistics, DEFAULT partitions, and
   * the typed-table and function-user lists. Shared objects are replaced, never changed in place (clone()).
   */
  private renameTableReferences(from: string, to: string): void {
    const swap = (x: string) => (x === from ? to : x);
    for (const [name, other] of this.tables) {
      if (!other.constraints.some((k) => k.references === from)) continue;
      for (const k of this.writableTable(name)?.constraints ?? []) if (k.references === from) k.references = to;
    }
    for (const [name, v] of this.views) {
      if (v.reads.some((r) => r.table === from))
        this.views.set(name, { ...v, reads: v.reads.map((r) => (r.table === from ? { ...r, table: to } : r)) });
    }
    const triggers = this.triggers.get(from);
    if (triggers) {
      this.triggers.delete(from);
      this.triggers.set(to, triggers);
    }
    for (const [k, v] of this.statistics) if (v === from) this.statistics.set(k, to);
    const dflt = this.defaultPartitions.get(from);
    if (dflt !== undefined) {
      this.defaultPartitions.delete(from);
      this.defaultPartitions.set(to, dflt);
    }
    for (const [k, v] of this.defaultPartitions) if (v === from) this.defaultPartitions.set(k, to);
    for (const m of [this.typedTables, this.functionUsers]) for (const [k, list] of m) if (list.includes(from)) m.set(k, list.map(swap));
  }
}

/** Lookups by scanning before the names in use are collected into a set. */
const SCANS_BEFORE_COLLECTING = 4;

/**
 * The constraint names in use in a table's schema while names are chosen for it, the table's own included
 * (a table being created is not in the catalog yet), plus the names handed out meanwhile (add). Looked up
 * by scanning when a name is tried: most generated names are free at the first try, and collecting every
 * name of the schema for each of them was quadratic in a long history (a constraint per CREATE TABLE).
 * A statement that tries many names (a CREATE TABLE of thousands of unnamed UNIQUE columns) collects
 * them into a set after a few lookups instead.
 */
class ConstraintNamesInUse {
  private readonly added = new Set<string>();
  private collected?: Set<string>;
  private lookups = 0;

  constructor(
    private readonly catalog: Catalog,
    private readonly table: { schema: string; constraints?: ConstraintInfo[] },
  ) {}

  has(name: string): boolean {
    if (this.added.has(name)) return true;
    if (!this.collected && ++this.lookups > SCANS_BEFORE_COLLECTING) this.collected = this.collect();
    if (this.collected) return this.collected.has(name);
    return !!this.table.constraints?.some((k) => k.name === name) || this.catalog.constraintTaken(this.table.schema, name);
  }

  add(name: string): void {
    this.added.add(name);
  }

  private collect(): Set<string> {
    const used = new Set<string>();
    for (const k of this.table.constraints ?? []) used.add(k.name);
    for (const other of this.catalog.tables.values())
      if (other.schema === this.table.schema) for (const k of other.constraints) used.add(k.name);
    return used;
  }
}

/** Table objects that more than one catalog holds (after clone()): changed only through a copy. */
const sharedTables = new WeakSet<TableInfo>();

function newTable(qualified: string, kind: RelationKind, origin: Origin): TableInfo {
  const [schema, name] = qualified.split('.');
  return { qualified, schema, name, kind, columns: new Map(), constraints: [], rlsEnabled: false, origin };
}

function viewReads(query: Node | undefined): ViewInfo['reads'] {
  const cols = columnRefs(query);
  const star = JSON.stringify(query ?? {}).includes('"A_Star"');
  return rangeVars(query).map((r) => ({ table: qualify(r), columns: star ? [...cols, '*'] : cols, inh: r.inh }));
}

/** Types named in casts of a query (lower-cased, unqualified). */
function typeNames(query: Node | undefined): string[] {
  const out = new Set<string>();
  walk(query, (type, v) => {
    if (type === 'TypeCast') {
      const n = strings(v.typeName?.names).pop();
      if (n) out.add(n.toLowerCase());
    }
  });
  return [...out];
}

/** The sequence a default expression nextval('name')s, if it is one. */
function sequenceOfDefault(expr: Node | undefined): ColumnInfo['sequence'] {
  const call = expr?.FuncCall;
  if (!call || strings(call.funcname).pop() !== 'nextval') return undefined;
  const arg = call.args?.[0];
  const text = arg?.A_Const?.sval?.sval ?? arg?.TypeCast?.arg?.A_Const?.sval?.sval;
  if (typeof text !== 'string') return undefined;
  const parts = text.split('.');
  return { name: qualify(parts.length > 1 ? { schema: parts[0], name: parts[1] } : { name: parts[0] }), identity: false };
}

/** ON DELETE / ON UPDATE of a foreign key from pg_get_constraintdef text, as pg_constraint spells it. */
function foreignKeyActionFromText(def: string, event: 'DELETE' | 'UPDATE'): string {
  const m = new RegExp(`ON ${event} (CASCADE|SET NULL|SET DEFAULT|RESTRICT)`, 'i').exec(def);
  return (
    ({ CASCADE: 'c', 'SET NULL': 'n', 'SET DEFAULT': 'd', RESTRICT: 'r' } as Record<string, string>)[m?.[1].toUpperCase() ?? ''] ?? 'a'
  );
}

/**
 * The index-backed constraints of one CREATE TABLE that PostgreSQL merges into an earlier one
 * (transformIndexConstraints: the same columns, INCLUDE, WHERE, operators, method, NULLS NOT DISTINCT and
 * deferrability; the PRIMARY KEY is kept first): `id int PRIMARY KEY UNIQUE` makes one index. Keys are
 * the Constraint nodes. `nameFrom`: a kept unnamed constraint takes the name of a named one merged into it.
 */
interface MergedIndexConstraints {
  into: Map<object, Node>;
  nameFrom: Map<object, string>;
  /** Merged constraints seen while the table is created, named once their survivor is. */
  pending: [object, Node][];
}

function mergedIndexConstraints(node: Node): MergedIndexConstraints {
  const found: { con: Node; keys: string[] }[] = [];
  for (const elt of node.tableElts ?? []) {
    const [kind, def] = unwrap(elt);
    if (kind === 'Constraint') found.push({ con: def, keys: strings(def.keys) });
    if (kind === 'ColumnDef')
      for (const c of def.constraints ?? []) if (c?.Constraint) found.push({ con: c.Constraint, keys: [def.colname] });
  }
  const indexBacked = found.filter(({ con }) => ['CONSTR_PRIMARY', 'CONSTR_UNIQUE', 'CONSTR_EXCLUSION'].includes(con.contype));
  const out: MergedIndexConstraints = { into: new Map(), nameFrom: new Map(), pending: [] };
  if (indexBacked.length < 2) return out;
  const pkey = indexBacked.find(({ con }) => con.contype === 'CONSTR_PRIMARY');
  const ordered = pkey ? [pkey, ...indexBacked.filter((x) => x !== pkey)] : indexBacked;
  const kept = new Map<string, Node>();
  for (const { con, keys } of ordered) {
    const shape = JSON.stringify(
      [
        keys,
        con.including,
        con.where_clause,
        con.exclusions,
        con.access_method ?? 'btree',
        !!con.nulls_not_distinct,
        !!con.deferrable,
        !!con.initdeferred,
      ],
      (k, v) => (k === 'location' ? undefined : v),
    );
    const prior = kept.get(shape);
    if (!prior) {
      kept.set(shape, con);
      continue;
    }
    out.into.set(con, prior);
    if (prior.conname === undefined && !out.nameFrom.has(prior) && con.conname !== undefined) out.nameFrom.set(prior, con.conname);
  }
  return out;
}

/** CHECK (col IS NOT NULL) as an AST: NullTest IS_NOT_NULL on a single column. */
function notNullCheckColumnFromAst(expr: Node | undefined): string | undefined {
  const test = expr?.NullTest;
  if (test?.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields = strings(test.arg?.ColumnRef?.fields);
  return fields[fields.length - 1];
}

function notNullCheckColumnFromText(def: string): string | undefined {
  const m = /^CHECK\s*\(\(?\s*"?([A-Za-z_][\w$]*)"?\s+IS\s+NOT\s+NULL\s*\)?\)/i.exec(def.trim());
  return m?.[1];
}
