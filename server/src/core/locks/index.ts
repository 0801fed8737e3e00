// The lock model: statement AST + catalog + PG version -> the table locks PostgreSQL takes.
// The single source of lock truth for rules, hovers, estimates and the CLI. Every branch here is
// checked against real PostgreSQL by the lock corpus (test-fixtures/locks/corpus.sql).
import { calledFunctions, hasOption, listName, qualify, rangeVarName, rangeVars, strings, unwrap, type Node } from '../ast';
import type { Catalog, TableInfo } from '../catalog';
import { isSerialTypeName, typeChangeEffect, typeFromAst } from '../pgtypes';
import { LOCK_MODES, type LockEffect, type LockMode } from '../types';
import { effect, mergeEffects } from './effect';

export interface LockContext {
  catalog: Catalog;
  pgVersion: number;
  /** Parses SQL found inside a statement (DO bodies, function bodies); returns the statements' ASTs or undefined. */
  parseNested?: (sql: string) => Node[] | undefined;
  /** Reads PL/pgSQL: the SQL texts a DO or function body runs, and the dynamic EXECUTEs it cannot see into. */
  readPlpgsql?: (sql: string) => { queries: string[]; dynamic: string[] } | undefined;
}

export interface StatementLocks {
  effects: LockEffect[];
  /** Cannot run inside a transaction block (CONCURRENTLY, VACUUM, ...). */
  nonTransactional: boolean;
  /** Will fail on an existing table with rows, or on this schema; the reason. */
  fails?: string;
  /** Syntax or feature this PG version does not have. */
  unsupported?: string;
  /** Parts not analysed (dynamic SQL). */
  notAnalysed: string[];
}

/** Functions whose value changes per row: as a column default they force a table rewrite. */
const VOLATILE_FUNCTIONS = new Set([
  'random', 'gen_random_uuid', 'uuid_generate_v4', 'uuid_generate_v1', 'uuid_generate_v1mc', 'clock_timestamp', 'timeofday',
  'nextval', 'setseed', 'txid_current', 'statement_timestamp', 'uuidv4', 'uuidv7', 'gen_random_bytes', 'random_normal',
]);

export function isVolatileExpression(expr: unknown): boolean {
  return calledFunctions(expr).some((f) => VOLATILE_FUNCTIONS.has(f));
}

export function statementLocks(stmt: Node, ctx: LockContext): StatementLocks {
  const out: StatementLocks = { effects: [], nonTransactional: false, notAnalysed: [] };
  try {
    collect(stmt, ctx, out, 0);
  } catch (err) {
    // A malformed AST must never take the analysis down; say what we could not read.
    out.notAnalysed.push(`lock model error: ${(err as Error).message}`);
  }
  out.effects = mergeEffects(out.effects);
  return out;
}

function collect(stmt: Node, ctx: LockContext, out: StatementLocks, depth: number): void {
  const [type, node] = unwrap(stmt);
  const add = (e: LockEffect) => out.effects.push(e);
  const v = ctx.pgVersion;
  switch (type) {
    case 'CreateStmt':
      return createTable(node, ctx, add);
    case 'AlterTableStmt':
      return alterTable(node, ctx, out);
    case 'IndexStmt': {
      const table = resolveTable(node.relation, ctx);
      if (node.concurrent) {
        out.nonTransactional = true;
        add(effect(table, 'ShareUpdateExclusiveLock', { scan: true, indexBuild: true, why: 'CREATE INDEX CONCURRENTLY builds the index without blocking writes (two table scans, waits for older transactions)' }));
      } else {
        add(effect(table, 'ShareLock', { scan: true, indexBuild: true, why: 'CREATE INDEX blocks writes for the whole index build' }));
      }
      return;
    }
    case 'DropStmt':
      return drop(node, ctx, out);
    case 'RenameStmt': {
      if (node.renameType === 'OBJECT_INDEX') {
        const idx = qualify(rangeVarName(node.relation));
        const mode: LockMode = v >= 12 ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock';
        add(effect(idx, mode, { why: 'renaming an index locks the index' }));
        return;
      }
      if (!node.relation) return;
      const rel = qualify(rangeVarName(node.relation));
      const what = node.renameType === 'OBJECT_COLUMN' ? 'renaming a column' : node.renameType === 'OBJECT_TABCONSTRAINT' ? 'renaming a constraint' : 'renaming a table';
      add(effect(rel, 'AccessExclusiveLock', { why: `${what} takes ACCESS EXCLUSIVE (brief), and breaks queries that use the old name` }));
      return;
    }
    case 'AlterObjectSchemaStmt':
      if (node.relation) add(effect(qualify(rangeVarName(node.relation)), 'AccessExclusiveLock', { why: 'SET SCHEMA moves the table; queries using the old name break' }));
      return;
    case 'ReindexStmt': {
      const concurrent = hasOption(node.params, 'concurrently') || node.concurrent === true;
      if (concurrent && v < 12) out.unsupported = 'REINDEX CONCURRENTLY needs PostgreSQL 12 or later';
      const kind = node.kind as string;
      if (kind === 'REINDEX_OBJECT_INDEX' || kind === 'REINDEX_OBJECT_TABLE') {
        const target = qualify(rangeVarName(node.relation));
        const table = kind === 'REINDEX_OBJECT_INDEX' ? (ctx.catalog.tableOfIndex(target) ?? target) : target;
        if (concurrent) {
          out.nonTransactional = true;
          add(effect(table, 'ShareUpdateExclusiveLock', { scan: true, indexBuild: true, why: 'REINDEX CONCURRENTLY rebuilds without blocking writes' }));
        } else {
          add(effect(table, 'ShareLock', { scan: true, indexBuild: true, why: 'REINDEX blocks writes to the table while it rebuilds' }));
        }
      } else {
        out.nonTransactional = true;
        out.notAnalysed.push('REINDEX SCHEMA/DATABASE/SYSTEM: every table in it is locked in turn');
      }
      return;
    }
    case 'ClusterStmt': {
      out.nonTransactional = !node.relation;
      if (node.relation) add(effect(resolveTable(node.relation, ctx), 'AccessExclusiveLock', { rewrite: true, why: 'CLUSTER rewrites the table in index order, blocking reads and writes' }));
      return;
    }
    case 'VacuumStmt': {
      const isVacuum = !!node.is_vacuumcmd;
      const full = hasOption(node.options, 'full');
      if (isVacuum) out.nonTransactional = true;
      for (const r of node.rels ?? []) {
        const table = resolveTable(r?.VacuumRelation?.relation, ctx);
        if (isVacuum && full) add(effect(table, 'AccessExclusiveLock', { rewrite: true, why: 'VACUUM FULL rewrites the table, blocking reads and writes' }));
        else if (isVacuum) add(effect(table, 'ShareUpdateExclusiveLock', { scan: true, why: 'VACUUM does not block reads or writes' }));
        else add(effect(table, 'ShareUpdateExclusiveLock', { why: 'ANALYZE samples the table without blocking reads or writes' }));
      }
      return;
    }
    case 'TruncateStmt':
      for (const r of node.relations ?? []) {
        add(effect(resolveTable(r, ctx), 'AccessExclusiveLock', { rewrite: true, emptiesTable: true, why: 'TRUNCATE deletes every row and blocks reads and writes until commit' }));
      }
      return;
    case 'LockStmt': {
      const mode = LOCK_MODES[(Number(node.mode) || 8) - 1] ?? 'AccessExclusiveLock';
      for (const r of node.relations ?? []) add(effect(resolveTable(r, ctx), mode, { why: `LOCK TABLE takes ${mode} until the transaction ends` }));
      return;
    }
    case 'CreateTrigStmt':
      add(effect(resolveTable(node.relation, ctx), 'ShareRowExclusiveLock', { why: 'CREATE TRIGGER blocks writes (briefly)' }));
      return;
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      add(effect(resolveTable(node.table, ctx), 'AccessExclusiveLock', { why: 'policies change what SELECT sees, so they take ACCESS EXCLUSIVE (briefly)' }));
      return;
    case 'RefreshMatViewStmt': {
      const mv = qualify(rangeVarName(node.relation));
      if (node.concurrent) add(effect(mv, 'ExclusiveLock', { scan: true, why: 'REFRESH ... CONCURRENTLY lets reads continue' }));
      else add(effect(mv, 'AccessExclusiveLock', { rewrite: true, why: 'REFRESH MATERIALIZED VIEW blocks reads of the view until it is rebuilt' }));
      return;
    }
    case 'ViewStmt': {
      const view = qualify(rangeVarName(node.view));
      add(effect(view, 'AccessExclusiveLock', { why: node.replace ? 'CREATE OR REPLACE VIEW blocks reads of the view (briefly)' : 'a new view' }));
      for (const r of rangeVars(node.query)) add(effect(resolveTable(r, ctx), 'AccessShareLock', { why: 'the view query reads this table' }));
      return;
    }
    case 'CreateTableAsStmt': {
      const target = qualify(rangeVarName(node.into?.rel));
      add(effect(target, 'AccessExclusiveLock', { why: 'a new relation' }));
      for (const r of rangeVars(node.query)) add(effect(resolveTable(r, ctx), 'AccessShareLock', { scan: true, why: 'the query reads this table' }));
      return;
    }
    case 'CommentStmt': {
      if (['OBJECT_TABLE', 'OBJECT_COLUMN', 'OBJECT_VIEW', 'OBJECT_MATVIEW'].includes(node.objtype)) {
        const items = strings(node.object?.List?.items);
        const rel = node.objtype === 'OBJECT_COLUMN' ? items.slice(0, -1) : items;
        add(effect(qualify(listName(rel)), 'ShareUpdateExclusiveLock', { why: 'COMMENT blocks other DDL only' }));
      }
      return;
    }
    case 'CreateStatsStmt':
      for (const r of node.relations ?? []) add(effect(resolveTable(r, ctx), 'ShareUpdateExclusiveLock', { why: 'CREATE STATISTICS blocks other DDL only' }));
      return;
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt': {
      const target = resolveTable(node.relation, ctx);
      add(effect(target, 'RowExclusiveLock', { why: 'row-level writes: they conflict only with the rows they touch, but hold those row locks until commit' }));
      readTables(node, ctx, add, target);
      return;
    }
    case 'SelectStmt': {
      const forUpdate = (node.lockingClause ?? []).length > 0;
      for (const r of rangeVars(node)) add(effect(resolveTable(r, ctx), forUpdate ? 'RowShareLock' : 'AccessShareLock', { why: forUpdate ? 'SELECT ... FOR UPDATE/SHARE locks rows' : 'reads' }));
      calledFunctionsBodies(node, ctx, out, depth);
      return;
    }
    case 'AlterEnumStmt':
      return;
    case 'DoStmt': {
      const body = (node.args ?? []).map((a: Node) => a?.DefElem).find((d: Node) => d?.defname === 'as')?.arg?.String?.sval;
      if (typeof body === 'string') nestedPlpgsql(`DO $pgpf$${body}$pgpf$`, ctx, out, depth, 'DO block');
      return;
    }
    default:
      return;
  }
}

function createTable(node: Node, ctx: LockContext, add: (e: LockEffect) => void): void {
  const table = qualify(rangeVarName(node.relation));
  add(effect(table, 'AccessExclusiveLock', { why: 'a new table: invisible to other sessions until commit' }));
  const referenced = new Set<string>();
  for (const elt of node.tableElts ?? []) {
    const [kind, def] = unwrap(elt);
    const cons: Node[] = kind === 'ColumnDef' ? (def.constraints ?? []).map((c: Node) => c?.Constraint) : kind === 'Constraint' ? [def] : [];
    for (const c of cons) if (c?.contype === 'CONSTR_FOREIGN' && c.pktable) referenced.add(resolveTable(c.pktable, ctx));
  }
  for (const r of referenced) {
    if (r === table) continue;
    add(effect(r, 'ShareRowExclusiveLock', { why: 'a foreign key adds triggers to the referenced table, blocking its writes (briefly)' }));
  }
  for (const parent of node.inhRelations ?? []) {
    const p = resolveTable(parent, ctx);
    if (node.partbound) add(effect(p, 'AccessExclusiveLock', { why: 'CREATE TABLE ... PARTITION OF locks the parent' }));
    else add(effect(p, 'ShareUpdateExclusiveLock', { why: 'INHERITS locks the parent against other DDL' }));
  }
}

function alterTable(node: Node, ctx: LockContext, out: StatementLocks): void {
  const table = resolveTable(node.relation, ctx);
  const info = ctx.catalog.table(table);
  const add = (e: LockEffect) => out.effects.push(e);
  const v = ctx.pgVersion;
  if (node.objtype === 'OBJECT_INDEX') {
    add(effect(table, 'ShareUpdateExclusiveLock', { why: 'ALTER INDEX' }));
    return;
  }
  for (const c of node.cmds ?? []) {
    const cmd: Node = c?.AlterTableCmd ?? {};
    const col = cmd.name as string | undefined;
    switch (cmd.subtype) {
      case 'AT_AddColumn':
        addColumn(table, cmd.def?.ColumnDef ?? {}, ctx, out, info);
        break;
      case 'AT_DropColumn':
        add(effect(table, 'AccessExclusiveLock', { why: 'DROP COLUMN is instant (marks the column dropped) but takes ACCESS EXCLUSIVE, and breaks code that still reads it' }));
        break;
      case 'AT_AlterColumnType': {
        const def = cmd.def?.ColumnDef ?? {};
        const from = info?.columns.get(col ?? '')?.type;
        const to = typeFromAst(def.typeName);
        const change = typeChangeEffect(from, to, v, !!def.raw_default);
        add(effect(table, 'AccessExclusiveLock', { rewrite: change.rewrite, scan: change.scan, indexBuild: change.rewrite, why: `ALTER COLUMN ${col} TYPE: ${change.why}` }));
        const views = col ? ctx.catalog.viewsReadingColumn(table, col) : [];
        if (views.length) out.fails = `cannot change the type of ${table}.${col}: view ${views.join(', ')} uses it (drop and recreate the view in the same migration)`;
        break;
      }
      case 'AT_SetNotNull': {
        const hasCheck = info?.constraints.some((k) => k.type === 'c' && k.validated && k.notNullCheckColumn === col);
        const skip = hasCheck && v >= 12;
        add(effect(table, 'AccessExclusiveLock', {
          scan: !skip,
          why: skip ? `SET NOT NULL on ${col} uses the valid CHECK (${col} IS NOT NULL) and skips the scan (PG 12+)` : `SET NOT NULL on ${col} scans the whole table under ACCESS EXCLUSIVE`,
        }));
        break;
      }
      case 'AT_DropNotNull':
        add(effect(table, 'AccessExclusiveLock', { why: 'DROP NOT NULL is instant but takes ACCESS EXCLUSIVE' }));
        break;
      case 'AT_ColumnDefault':
        add(effect(table, 'AccessExclusiveLock', { why: `${cmd.def ? 'SET' : 'DROP'} DEFAULT changes only the catalog (no rewrite), but takes ACCESS EXCLUSIVE briefly` }));
        break;
      case 'AT_AddConstraint':
        addConstraint(table, cmd.def?.Constraint ?? {}, ctx, out, info);
        break;
      case 'AT_ValidateConstraint': {
        const con = info?.constraints.find((k) => k.name === col);
        add(effect(table, 'ShareUpdateExclusiveLock', { scan: true, why: `VALIDATE CONSTRAINT scans the table without blocking reads or writes` }));
        if (con?.type === 'f' && con.references && con.references !== table) {
          add(effect(con.references, 'RowShareLock', { why: 'validating a foreign key reads the referenced table with FOR KEY SHARE' }));
        } else if (!con) {
          out.notAnalysed.push(`constraint ${col} is not in the known schema; if it is a foreign key, the referenced table is also read`);
        }
        break;
      }
      case 'AT_DropConstraint': {
        const con = info?.constraints.find((k) => k.name === col);
        add(effect(table, 'AccessExclusiveLock', { why: 'DROP CONSTRAINT takes ACCESS EXCLUSIVE (brief)' }));
        if (con?.type === 'f' && con.references && con.references !== table) {
          add(effect(con.references, 'AccessExclusiveLock', { why: 'dropping a foreign key removes its triggers from the referenced table too' }));
        }
        break;
      }
      case 'AT_EnableTrig':
      case 'AT_EnableAlwaysTrig':
      case 'AT_EnableReplicaTrig':
      case 'AT_EnableTrigAll':
      case 'AT_EnableTrigUser':
      case 'AT_DisableTrig':
      case 'AT_DisableTrigAll':
      case 'AT_DisableTrigUser':
        add(effect(table, 'ShareRowExclusiveLock', { why: 'enabling or disabling triggers blocks writes (briefly)' }));
        break;
      case 'AT_SetStatistics':
      case 'AT_SetOptions':
      case 'AT_ResetOptions':
      case 'AT_ClusterOn':
      case 'AT_DropCluster':
        add(effect(table, 'ShareUpdateExclusiveLock', { why: 'a planner or maintenance setting: blocks other DDL only' }));
        break;
      case 'AT_SetRelOptions':
      case 'AT_ResetRelOptions': {
        const names = (cmd.def?.List?.items ?? []).map((i: Node) => String(i?.DefElem?.defname ?? ''));
        const light = names.every((n: string) => LIGHT_RELOPTIONS.has(n) || n.startsWith('autovacuum_') || n.startsWith('toast.autovacuum_'));
        add(effect(table, light ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock', { why: light ? 'storage parameters that only affect future writes: blocks other DDL only' : 'this storage parameter takes ACCESS EXCLUSIVE' }));
        break;
      }
      case 'AT_SetLogged':
      case 'AT_SetUnLogged':
        add(effect(table, 'AccessExclusiveLock', { rewrite: true, why: 'SET LOGGED/UNLOGGED rewrites the table' }));
        break;
      case 'AT_SetTableSpace':
      case 'AT_SetAccessMethod':
        add(effect(table, 'AccessExclusiveLock', { rewrite: true, why: 'moving the table to a new tablespace or access method copies it' }));
        break;
      case 'AT_AttachPartition': {
        const part = resolveTable(cmd.def?.PartitionCmd?.name, ctx);
        add(effect(table, v >= 12 ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock', { why: v >= 12 ? 'ATTACH PARTITION locks the parent against DDL only (PG 12+)' : 'ATTACH PARTITION takes ACCESS EXCLUSIVE on the parent before PG 12' }));
        const hasMatchingCheck = false;
        add(effect(part, 'AccessExclusiveLock', { scan: !hasMatchingCheck, why: 'the new partition is locked and scanned to check the partition bound (add a matching CHECK constraint first to skip the scan)' }));
        break;
      }
      case 'AT_DetachPartition': {
        const part = resolveTable(cmd.def?.PartitionCmd?.name, ctx);
        if (cmd.def?.PartitionCmd?.concurrent) {
          if (v < 14) out.unsupported = 'DETACH PARTITION CONCURRENTLY needs PostgreSQL 14 or later';
          out.nonTransactional = true;
          add(effect(table, 'ShareUpdateExclusiveLock', { why: 'DETACH ... CONCURRENTLY does not block queries on the parent' }));
          add(effect(part, 'AccessExclusiveLock', { why: 'DETACH ... CONCURRENTLY takes ACCESS EXCLUSIVE on the partition in its second transaction, after waiting for queries on the parent' }));
        } else {
          add(effect(table, 'AccessExclusiveLock', { why: 'DETACH PARTITION blocks reads and writes of the whole partitioned table' }));
          add(effect(part, 'AccessExclusiveLock', { why: 'the detached partition' }));
        }
        break;
      }
      case 'AT_DetachPartitionFinalize':
        add(effect(table, 'ShareUpdateExclusiveLock', { why: 'DETACH ... FINALIZE' }));
        break;
      default:
        // Everything else (OWNER, REPLICA IDENTITY, RLS, STORAGE, identity, rules, inheritance...) takes ACCESS EXCLUSIVE.
        add(effect(table, 'AccessExclusiveLock', { why: `${describeSubtype(cmd.subtype)} takes ACCESS EXCLUSIVE (brief)` }));
    }
  }
}

const LIGHT_RELOPTIONS = new Set(['fillfactor', 'toast_tuple_target', 'parallel_workers', 'vacuum_index_cleanup', 'vacuum_truncate', 'log_autovacuum_min_duration', 'user_catalog_table']);

function describeSubtype(subtype: string | undefined): string {
  return String(subtype ?? 'ALTER TABLE').replace(/^AT_/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

function addColumn(table: string, def: Node, ctx: LockContext, out: StatementLocks, info: TableInfo | undefined): void {
  const add = (e: LockEffect) => out.effects.push(e);
  const v = ctx.pgVersion;
  const cons: Node[] = (def.constraints ?? []).map((c: Node) => c?.Constraint ?? {});
  const dflt = cons.find((c) => c.contype === 'CONSTR_DEFAULT');
  const notNull = cons.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
  const identity = cons.some((c) => c.contype === 'CONSTR_IDENTITY');
  const generated = cons.find((c) => c.contype === 'CONSTR_GENERATED');
  const serial = isSerialTypeName(def.typeName);
  const volatile = dflt ? isVolatileExpression(dflt.raw_expr) : false;
  const name = def.colname;
  let rewrite = false;
  let why = `ADD COLUMN ${name} is a catalog-only change`;
  if (serial || identity) {
    rewrite = true;
    why = `ADD COLUMN ${name} ${serial ? 'serial' : 'identity'} fills every row from a sequence: rewrites the table`;
  } else if (generated && (generated.generated_kind ?? 's') === 's') {
    rewrite = true;
    why = `ADD COLUMN ${name} GENERATED ... STORED computes every row: rewrites the table`;
  } else if (dflt && volatile) {
    rewrite = true;
    why = `ADD COLUMN ${name} with a volatile default (${calledFunctions(dflt.raw_expr).join(', ')}) rewrites the table`;
  } else if (dflt && v < 11) {
    rewrite = true;
    why = `ADD COLUMN ${name} with a default rewrites the table before PG 11`;
  } else if (dflt) {
    why = `ADD COLUMN ${name} with a constant default is catalog-only (PG 11+)`;
  }
  const scanForCheck = cons.some((c) => c.contype === 'CONSTR_CHECK' && !c.skip_validation) && !rewrite;
  const unique = cons.some((c) => c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY');
  add(effect(table, 'AccessExclusiveLock', { rewrite, scan: scanForCheck, indexBuild: unique, why: unique ? `${why}; the inline UNIQUE/PRIMARY KEY builds an index under the lock` : scanForCheck ? `${why}; the inline CHECK scans the table` : why }));
  if (notNull && !dflt && !identity && !serial && !generated && info?.origin !== 'this-file') {
    out.fails = `ADD COLUMN ${name} NOT NULL without a default fails on a table that has rows`;
  }
  for (const c of cons) {
    if (c.contype === 'CONSTR_FOREIGN' && c.pktable) {
      const ref = resolveTable(c.pktable, ctx);
      if (ref !== table) add(effect(ref, 'ShareRowExclusiveLock', { why: 'the inline REFERENCES adds triggers to the referenced table' }));
    }
  }
}

function addConstraint(table: string, con: Node, ctx: LockContext, out: StatementLocks, info: TableInfo | undefined): void {
  const add = (e: LockEffect) => out.effects.push(e);
  const notValid = !!con.skip_validation;
  const name = con.conname ? `${con.conname} ` : '';
  switch (con.contype) {
    case 'CONSTR_FOREIGN': {
      const ref = resolveTable(con.pktable, ctx);
      add(effect(table, 'ShareRowExclusiveLock', {
        scan: !notValid,
        why: notValid ? `ADD CONSTRAINT ${name}FOREIGN KEY ... NOT VALID skips the scan; it blocks writes only briefly` : `ADD CONSTRAINT ${name}FOREIGN KEY scans the whole table while blocking writes`,
      }));
      if (ref !== table) add(effect(ref, 'ShareRowExclusiveLock', { why: 'the referenced table gets triggers, blocking its writes for the same time' }));
      return;
    }
    case 'CONSTR_CHECK':
      add(effect(table, 'AccessExclusiveLock', {
        scan: !notValid,
        why: notValid ? `ADD CONSTRAINT ${name}CHECK ... NOT VALID skips the scan (brief ACCESS EXCLUSIVE)` : `ADD CONSTRAINT ${name}CHECK scans the whole table under ACCESS EXCLUSIVE`,
      }));
      return;
    case 'CONSTR_NOTNULL': {
      if (notValid && ctx.pgVersion < 18) out.unsupported = 'NOT NULL ... NOT VALID needs PostgreSQL 18 or later';
      const cols = strings(con.keys);
      const hasCheck = cols.every((c) => info?.constraints.some((k) => k.type === 'c' && k.validated && k.notNullCheckColumn === c));
      const scan = !notValid && !(hasCheck && ctx.pgVersion >= 12);
      add(effect(table, 'AccessExclusiveLock', { scan, why: notValid ? 'NOT NULL ... NOT VALID skips the scan (PG 18+)' : 'a NOT NULL constraint scans the whole table under ACCESS EXCLUSIVE' }));
      return;
    }
    case 'CONSTR_UNIQUE':
    case 'CONSTR_PRIMARY':
    case 'CONSTR_EXCLUSION': {
      const kind = con.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : con.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : 'EXCLUDE';
      if (con.indexname) {
        add(effect(table, 'AccessExclusiveLock', { why: `ADD ${kind} USING INDEX reuses the existing index: brief ACCESS EXCLUSIVE` }));
      } else {
        const pkScan = con.contype === 'CONSTR_PRIMARY' && strings(con.keys).some((c) => !info?.columns.get(c)?.notNull);
        add(effect(table, 'AccessExclusiveLock', { scan: true, indexBuild: true, why: `ADD ${kind} builds an index under ACCESS EXCLUSIVE, blocking reads and writes${pkScan ? ' (and checks the key columns for NULLs)' : ''}` }));
      }
      return;
    }
    default:
      add(effect(table, 'AccessExclusiveLock', { why: 'ADD CONSTRAINT' }));
  }
}

function drop(node: Node, ctx: LockContext, out: StatementLocks): void {
  const add = (e: LockEffect) => out.effects.push(e);
  const names = (node.objects ?? []).map((o: Node) => strings(o?.List?.items));
  switch (node.removeType) {
    case 'OBJECT_TABLE':
      for (const n of names) {
        const table = resolveName(listName(n), ctx);
        add(effect(table, 'AccessExclusiveLock', { why: 'DROP TABLE deletes the table and its data; code that still uses it breaks' }));
        for (const k of ctx.catalog.table(table)?.constraints ?? []) {
          if (k.type === 'f' && k.references && k.references !== table) add(effect(k.references, 'AccessExclusiveLock', { why: `dropping ${table} removes its foreign key's triggers from this table` }));
        }
      }
      return;
    case 'OBJECT_INDEX':
      if (node.concurrent) out.nonTransactional = true;
      for (const n of names) {
        const idx = resolveName(listName(n), ctx);
        const table = ctx.catalog.tableOfIndex(idx);
        if (!table) out.notAnalysed.push(`index ${idx} is not in the known schema, so its table is unknown`);
        add(effect(table ?? idx, node.concurrent ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock', {
          why: node.concurrent ? 'DROP INDEX CONCURRENTLY waits for queries using the index instead of blocking them' : 'DROP INDEX takes ACCESS EXCLUSIVE on the table, blocking reads and writes',
        }));
      }
      return;
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
      for (const n of names) add(effect(resolveName(listName(n), ctx), 'AccessExclusiveLock', { why: 'DROP VIEW; code that still uses it breaks' }));
      return;
    case 'OBJECT_TRIGGER':
    case 'OBJECT_POLICY':
    case 'OBJECT_RULE':
      for (const n of names) {
        const table = resolveName(listName(n.slice(0, -1)), ctx);
        add(effect(table, 'AccessExclusiveLock', { why: `DROP ${node.removeType.replace('OBJECT_', '')} takes ACCESS EXCLUSIVE on the table (brief)` }));
      }
      return;
    default:
      return;
  }
}

/** Tables read by a DML statement besides its target (FROM/USING/subqueries). */
function readTables(node: Node, ctx: LockContext, add: (e: LockEffect) => void, target: string): void {
  const { relation: _target, ...rest } = node;
  for (const r of rangeVars(rest)) {
    const t = resolveTable(r, ctx);
    if (t !== target) add(effect(t, 'AccessShareLock', { why: 'read by the statement' }));
  }
}

function calledFunctionsBodies(_node: Node, _ctx: LockContext, _out: StatementLocks, _depth: number): void {
  // Functions defined earlier in the migration and called here are analysed by analyze.ts,
  // which owns the function catalogue (it needs the parser).
}

function nestedPlpgsql(source: string, ctx: LockContext, out: StatementLocks, depth: number, where: string): void {
  if (depth > 4 || !ctx.readPlpgsql || !ctx.parseNested) {
    out.notAnalysed.push(`${where}: nested code not analysed`);
    return;
  }
  const body = ctx.readPlpgsql(source);
  if (!body) {
    out.notAnalysed.push(`${where}: PL/pgSQL body did not parse`);
    return;
  }
  for (const d of body.dynamic) out.notAnalysed.push(`${where}: dynamic EXECUTE ${d.length > 60 ? d.slice(0, 57) + '...' : d} is not analysed`);
  for (const q of body.queries) {
    const stmts = ctx.parseNested(q);
    if (!stmts) {
      out.notAnalysed.push(`${where}: could not parse ${q.slice(0, 60)}`);
      continue;
    }
    for (const s of stmts) {
      const inner: StatementLocks = { effects: [], nonTransactional: false, notAnalysed: [] };
      collect(s, ctx, inner, depth + 1);
      for (const e of inner.effects) out.effects.push({ ...e, why: `${where}: ${e.why}` });
      out.notAnalysed.push(...inner.notAnalysed);
      if (inner.fails) out.fails = inner.fails;
      // Keep the catalog current within the body, so a later statement in it sees the earlier ones.
      ctx.catalog.apply(s, 'this-file');
    }
  }
}

export function resolveTable(rv: Node | undefined, ctx: LockContext): string {
  return resolveName(rangeVarName(rv), ctx);
}

/** Unqualified names resolve through the search_path, which we take as public. */
function resolveName(n: { schema?: string; name: string }, _ctx: LockContext): string {
  return qualify(n);
}
