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
  /** The session TimeZone is UTC (the default assumption; a SET TimeZone in the file changes it). */
  timeZoneUtc?: boolean;
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
      return createTable(node, ctx, out);
    case 'AlterTableStmt':
      return alterTable(node, ctx, out);
    case 'IndexStmt': {
      const table = resolveTable(node.relation, ctx);
      const schema = table.split('.')[0];
      if (node.if_not_exists && node.idxname && ctx.catalog.indexes.has(`${schema}.${node.idxname}`)) {
        add(effect(table, node.concurrent ? 'ShareUpdateExclusiveLock' : 'ShareLock', { why: 'the index already exists: IF NOT EXISTS makes this a no-op after taking the lock' }));
        if (node.concurrent) out.nonTransactional = true;
        return;
      }
      // An index on a partitioned table is built on every partition, each under the same lock.
      if (!node.concurrent) {
        for (const p of ctx.catalog.partitionsOf(table)) add(effect(p, 'ShareLock', { scan: true, indexBuild: true, why: `CREATE INDEX on the partitioned ${table} builds it on this partition too` }));
      }
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
    case 'TruncateStmt': {
      const cascade = node.behavior === 'DROP_CASCADE';
      const named = (node.relations ?? []).map((r: Node) => resolveTable(r, ctx));
      for (const table of named) {
        add(effect(table, 'AccessExclusiveLock', { rewrite: true, emptiesTable: true, why: 'TRUNCATE deletes every row and blocks reads and writes until commit' }));
      }
      // CASCADE empties every table whose foreign key points at a truncated one, transitively.
      const queue = cascade ? [...named] : [];
      const seen = new Set<string>(named);
      while (queue.length) {
        for (const t of referencingTables(queue.shift() as string, ctx)) {
          if (seen.has(t)) continue;
          seen.add(t);
          queue.push(t);
          add(effect(t, 'AccessExclusiveLock', { rewrite: true, emptiesTable: true, why: 'TRUNCATE ... CASCADE also empties this table through its foreign key' }));
        }
      }
      if (!cascade) {
        const blockers = named.flatMap((t: string) => referencingTables(t, ctx).filter((r) => !seen.has(r)).map((r) => `${r} references ${t}`));
        if (blockers.length) addFailure(out, `TRUNCATE fails without CASCADE: ${blockers.join(', ')}`);
      }
      return;
    }
    case 'LockStmt': {
      const mode = LOCK_MODES[(Number(node.mode) || 8) - 1] ?? 'AccessExclusiveLock';
      for (const r of node.relations ?? []) {
        const rel = resolveTable(r, ctx);
        add(effect(rel, mode, { why: `LOCK TABLE takes ${mode} until the transaction ends` }));
        // LOCK recurses into partitions (unless ONLY) and into the tables a view reads.
        if (r?.RangeVar?.inh !== false) for (const p of ctx.catalog.partitionsOf(rel)) add(effect(p, mode, { why: `LOCK TABLE on the partitioned ${rel} locks its partitions too` }));
        for (const base of viewBaseTables(rel, ctx)) add(effect(base, mode, { why: `LOCK TABLE on the view ${rel} locks the tables it reads` }));
      }
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
      for (const r of ctx.catalog.views.get(mv)?.reads ?? []) add(effect(r.table, 'AccessShareLock', { scan: true, why: 'the materialized view query reads this table' }));
      return;
    }
    case 'ViewStmt': {
      const view = qualify(rangeVarName(node.view));
      add(effect(view, 'AccessExclusiveLock', { why: node.replace ? 'CREATE OR REPLACE VIEW blocks reads of the view (briefly)' : 'a new view' }));
      for (const r of readRelations(node.query)) add(effect(resolveName(r, ctx), 'AccessShareLock', { why: 'the view query reads this table' }));
      return;
    }
    case 'CreateTableAsStmt': {
      const target = qualify(rangeVarName(node.into?.rel));
      add(effect(target, 'AccessExclusiveLock', { why: 'a new relation' }));
      for (const r of readRelations(node.query)) add(effect(resolveName(r, ctx), 'AccessShareLock', { scan: true, why: 'the query reads this table' }));
      return;
    }
    case 'CommentStmt': {
      const items = strings(node.object?.List?.items);
      if (['OBJECT_TABLE', 'OBJECT_COLUMN', 'OBJECT_VIEW', 'OBJECT_MATVIEW'].includes(node.objtype)) {
        const rel = node.objtype === 'OBJECT_COLUMN' ? items.slice(0, -1) : items;
        add(effect(qualify(listName(rel)), 'ShareUpdateExclusiveLock', { why: 'COMMENT blocks other DDL only' }));
      } else if (['OBJECT_TABCONSTRAINT', 'OBJECT_TRIGGER', 'OBJECT_POLICY', 'OBJECT_RULE'].includes(node.objtype)) {
        // Commenting on an object that belongs to a table only reads the table.
        add(effect(qualify(listName(items.slice(0, -1))), 'AccessShareLock', { why: 'COMMENT on a table\'s constraint, trigger, policy or rule reads the table' }));
      }
      return;
    }
    case 'RuleStmt':
      add(effect(resolveTable(node.relation, ctx), 'AccessExclusiveLock', { why: 'CREATE RULE changes what queries on the table do, so it takes ACCESS EXCLUSIVE (brief)' }));
      return;
    case 'AlterSeqStmt': {
      const owned = (node.options ?? []).find((o: Node) => o?.DefElem?.defname === 'owned_by')?.DefElem?.arg?.List?.items;
      const parts = strings(owned);
      if (parts.length >= 2) add(effect(qualify(listName(parts.slice(0, -1))), 'AccessShareLock', { why: 'OWNED BY reads the owning table' }));
      return;
    }
    case 'CreatePublicationStmt':
    case 'AlterPublicationStmt':
      for (const o of node.pubobjects ?? []) {
        const rel = o?.PublicationObjSpec?.pubtable?.relation;
        if (rel) add(effect(resolveTable(rel, ctx), 'ShareUpdateExclusiveLock', { why: 'adding a table to a publication blocks other DDL only' }));
      }
      return;
    case 'AlterDomainStmt': {
      // ADD CONSTRAINT (subtype C) and SET NOT NULL (O) check every column of the domain's type.
      if (node.subtype !== 'C' && node.subtype !== 'O') return;
      if (node.subtype === 'C' && node.def?.Constraint?.skip_validation) return;
      const domain = strings(node.typeName).pop()?.toLowerCase() ?? '';
      for (const t of ctx.catalog.tables.values()) {
        if ([...t.columns.values()].some((c) => c.type?.name === domain)) {
          add(effect(t.qualified, 'ShareLock', { scan: true, why: `ALTER DOMAIN ${domain} checks every row of this table's ${domain} columns, blocking writes` }));
        }
      }
      return;
    }
    case 'GrantStmt':
      // GRANT/REVOKE on a table take ACCESS SHARE on it from PostgreSQL 18 (PGlite, and a real 18.4
      // server); 11 to 17 take no lock on the table (observed on 11, 12, 13, 14, 15, 16 and 17).
      if (node.objtype === 'OBJECT_TABLE' && node.targtype === 'ACL_TARGET_OBJECT' && v >= 18) {
        for (const r of node.objects ?? []) add(effect(resolveTable(r, ctx), 'AccessShareLock', { why: 'GRANT/REVOKE reads the table (PG 18+)' }));
      }
      return;
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
      foreignKeyChecks(type, node, target, ctx, add);
      triggerBodies(type, target, ctx, out, depth);
      return;
    }
    case 'SelectStmt': {
      const forUpdate = (node.lockingClause ?? []).length > 0;
      for (const r of readRelations(node)) {
        const rel = resolveName(r, ctx);
        add(effect(rel, forUpdate ? 'RowShareLock' : 'AccessShareLock', { why: forUpdate ? 'SELECT ... FOR UPDATE/SHARE locks rows' : 'reads' }));
        for (const base of viewBaseTables(rel, ctx)) add(effect(base, forUpdate ? 'RowShareLock' : 'AccessShareLock', { why: `read through the view ${rel}` }));
      }
      calledFunctionsBodies(node, ctx, out, depth);
      return;
    }
    case 'AlterEnumStmt':
      return;
    case 'CallStmt':
      calledFunctionsBodies(node, ctx, out, depth);
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

function createTable(node: Node, ctx: LockContext, out: StatementLocks): void {
  const add = (e: LockEffect) => out.effects.push(e);
  const table = qualify(rangeVarName(node.relation));
  for (const elt of node.tableElts ?? []) {
    for (const c of elt?.ColumnDef?.constraints ?? []) generatedColumnSupport(c?.Constraint, ctx, out);
  }
  add(effect(table, 'AccessExclusiveLock', { why: 'a new table: invisible to other sessions until commit' }));
  const referenced = new Set<string>();
  for (const elt of node.tableElts ?? []) {
    const [kind, def] = unwrap(elt);
    const cons: Node[] = kind === 'ColumnDef' ? (def.constraints ?? []).map((c: Node) => c?.Constraint) : kind === 'Constraint' ? [def] : [];
    for (const c of cons) if (c?.contype === 'CONSTR_FOREIGN' && c.pktable) referenced.add(resolveTable(c.pktable, ctx));
  }
  for (const elt of node.tableElts ?? []) {
    const like = elt?.TableLikeClause?.relation;
    if (like) add(effect(resolveTable(like, ctx), 'AccessShareLock', { why: 'CREATE TABLE ... LIKE reads the source table definition' }));
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
      case 'AT_DropColumn': {
        add(effect(table, 'AccessExclusiveLock', { why: 'DROP COLUMN is instant (marks the column dropped) but takes ACCESS EXCLUSIVE, and breaks code that still reads it' }));
        const views = col ? ctx.catalog.viewsReadingColumn(table, col) : [];
        if (views.length && cmd.behavior !== 'DROP_CASCADE') addFailure(out, `DROP COLUMN ${col} fails without CASCADE: view ${views.join(', ')} uses it`);
        break;
      }
      case 'AT_AlterColumnType': {
        const def = cmd.def?.ColumnDef ?? {};
        const from = info?.columns.get(col ?? '')?.type;
        const to = typeFromAst(def.typeName);
        const change = typeChangeEffect(from, to, v, !!def.raw_default, ctx.timeZoneUtc !== false);
        // Without a rewrite, indexes on the column are still rebuilt when their sort order may change.
        const indexed = [...ctx.catalog.indexes.values()].some((i) => i.table === table && i.columns.includes(col ?? ''));
        const rebuild = !change.rewrite && change.rebuildsIndexes && indexed;
        add(effect(table, 'AccessExclusiveLock', {
          rewrite: change.rewrite,
          scan: change.scan || rebuild,
          indexBuild: change.rewrite || rebuild,
          why: `ALTER COLUMN ${col} TYPE: ${change.why}${rebuild ? '; the index on the column is rebuilt under the lock' : ''}`,
        }));
        const views = col ? ctx.catalog.viewsReadingColumn(table, col) : [];
        if (views.length) addFailure(out, `cannot change the type of ${table}.${col}: view ${views.join(', ')} uses it (drop and recreate the view in the same migration)`);
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
      case 'AT_SetAccessMethod': {
        // ALTER TABLE ... SET ACCESS METHOD exists from PostgreSQL 15 (14 answers a syntax error, observed).
        if (cmd.subtype === 'AT_SetAccessMethod' && v < 15) out.unsupported = 'ALTER TABLE ... SET ACCESS METHOD needs PostgreSQL 15 or later';
        // Moving to the default (pg_default, heap) is taken as a no-op: tables start there.
        const target = String(cmd.name ?? '').toLowerCase();
        const noop = target === 'pg_default' || target === 'heap';
        add(effect(table, 'AccessExclusiveLock', { rewrite: !noop, why: noop ? `${target} is where tables are by default: no copy when the table is already there` : 'moving the table to a new tablespace or access method copies it' }));
        break;
      }
      case 'AT_AttachPartition': {
        const part = resolveTable(cmd.def?.PartitionCmd?.name, ctx);
        add(effect(table, v >= 12 ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock', { why: v >= 12 ? 'ATTACH PARTITION locks the parent against DDL only (PG 12+)' : 'ATTACH PARTITION takes ACCESS EXCLUSIVE on the parent before PG 12' }));
        // A valid CHECK on the partition key is taken to imply the bound (that is what people add it for);
        // PostgreSQL then skips the validation scan.
        const keyColumns = ctx.catalog.table(table)?.partitionKey ?? [];
        const partInfo = ctx.catalog.table(part);
        // The parent's indexes are built on the new partition (unless it already has matching ones).
        const parentIndexed = [...ctx.catalog.indexes.values()].some((i) => i.table === table);
        const partIndexed = [...ctx.catalog.indexes.values()].some((i) => i.table === part);
        const hasMatchingCheck = !!partInfo?.constraints.some((k) => k.type === 'c' && k.validated && keyColumns.length > 0 && keyColumns.every((c) => k.checkColumns?.includes(c)));
        if (parentIndexed && !partIndexed) add(effect(part, 'AccessExclusiveLock', { scan: true, indexBuild: true, why: "the parent's indexes are built on the partition" }));
        add(effect(part, 'AccessExclusiveLock', {
          scan: !hasMatchingCheck,
          why: hasMatchingCheck ? 'the partition is locked; its CHECK constraint on the partition key proves the bound, so no scan' : 'the new partition is locked and scanned to check the partition bound (add a matching CHECK constraint first to skip the scan)',
        }));
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
          // Observed on PostgreSQL 11, 12 and 13: the partition itself is opened with SHARE UPDATE
          // EXCLUSIVE; from 14 (the release that added DETACH ... CONCURRENTLY) with ACCESS EXCLUSIVE.
          if (v >= 14) add(effect(part, 'AccessExclusiveLock', { why: 'the detached partition' }));
          else add(effect(part, 'ShareUpdateExclusiveLock', { why: 'the detached partition: SHARE UPDATE EXCLUSIVE before PG 14, so queries naming the partition itself keep running (those through the parent wait)' }));
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

/**
 * Generated columns: GENERATED ALWAYS AS (...) STORED exists from PostgreSQL 12 (11 answers "syntax
 * error at or near "("", observed); VIRTUAL, the default kind when none is written, from 18 (older
 * servers answer a syntax error at VIRTUAL, or ask for STORED).
 */
function generatedColumnSupport(con: Node | undefined, ctx: LockContext, out: StatementLocks): void {
  if (con?.contype !== 'CONSTR_GENERATED') return;
  if ((con.generated_kind ?? 's') === 'v' && ctx.pgVersion < 18) out.unsupported = 'VIRTUAL generated columns (GENERATED ALWAYS AS ... without STORED) need PostgreSQL 18 or later';
  else if (ctx.pgVersion < 12) out.unsupported = 'generated columns (GENERATED ALWAYS AS ... STORED) need PostgreSQL 12 or later';
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
  generatedColumnSupport(generated, ctx, out);
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
  add(effect(table, 'AccessExclusiveLock', { rewrite, scan: scanForCheck || unique, indexBuild: unique, why: unique ? `${why}; the inline UNIQUE/PRIMARY KEY builds an index under the lock` : scanForCheck ? `${why}; the inline CHECK scans the table` : why }));
  if (notNull && !dflt && !identity && !serial && !generated && info?.origin !== 'this-file') {
    addFailure(out, `ADD COLUMN ${name} NOT NULL without a default fails on a table that has rows`);
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
      if (ref !== table) add(effect(ref, 'ShareRowExclusiveLock', { scan: !notValid, why: notValid ? 'the referenced table gets triggers, blocking its writes briefly' : 'the referenced table gets triggers and is read by the validation join, blocking its writes for the same time' }));
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
        const dropped = new Set(names.map((x: string[]) => resolveName(listName(x), ctx)));
        if (node.behavior === 'DROP_CASCADE') {
          for (const view of ctx.catalog.views.values()) {
            if (view.reads.some((r) => r.table === table)) add(effect(view.qualified, 'AccessExclusiveLock', { why: `DROP ... CASCADE drops this view, which reads ${table}` }));
          }
        }
        for (const r of referencingTables(table, ctx).filter((x) => !dropped.has(x))) {
          if (node.behavior === 'DROP_CASCADE') add(effect(r, 'AccessExclusiveLock', { why: `DROP ... CASCADE drops this table's foreign key to ${table}` }));
          else addFailure(out, `DROP TABLE ${table} fails without CASCADE: ${r} has a foreign key to it`);
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
  for (const r of readRelations(rest)) {
    const t = resolveName(r, ctx);
    if (t !== target) add(effect(t, 'AccessShareLock', { why: 'read by the statement' }));
  }
}

/**
 * Foreign-key checks run as SELECT ... FOR KEY SHARE: an INSERT (or an UPDATE of the key columns)
 * locks each referenced table in ROW SHARE; a DELETE locks each referencing table the same way.
 */
function foreignKeyChecks(type: string, node: Node, target: string, ctx: LockContext, add: (e: LockEffect) => void): void {
  const table = ctx.catalog.table(target);
  // Columns the statement writes: UPDATE's SET list, INSERT's column list (undefined: every column).
  const written: Set<string> | undefined =
    type === 'UpdateStmt' || (type === 'InsertStmt' && (node.cols ?? []).length)
      ? new Set(((type === 'UpdateStmt' ? node.targetList : node.cols) ?? []).map((t: Node) => t?.ResTarget?.name))
      : undefined;
  if (type === 'InsertStmt' || type === 'UpdateStmt' || type === 'MergeStmt') {
    for (const k of table?.constraints ?? []) {
      if (k.type !== 'f' || !k.references || k.references === target) continue;
      // A row whose key columns are not written holds NULL (INSERT) or is unchanged (UPDATE): no check.
      if (written && !k.columns.some((c) => written.has(c))) continue;
      add(effect(k.references, 'RowShareLock', { why: `the foreign key check reads ${k.references} with FOR KEY SHARE` }));
    }
  }
  if (type === 'DeleteStmt' || type === 'UpdateStmt') {
    for (const t of ctx.catalog.tables.values()) {
      if (t.qualified === target) continue;
      const fks = t.constraints.filter((k) => k.type === 'f' && k.references === target);
      if (fks.length === 0) continue;
      // An UPDATE only checks referencing rows when it changes the referenced key.
      if (type === 'UpdateStmt' && !fks.some((k) => referencedKey(k, ctx).some((c) => written?.has(c)))) continue;
      add(effect(t.qualified, 'RowShareLock', { why: `rows referencing ${target} are checked with FOR KEY SHARE` }));
    }
  }
}

function referencedKey(k: { referencedColumns?: string[]; references?: string }, ctx: LockContext): string[] {
  if (k.referencedColumns?.length) return k.referencedColumns;
  return ctx.catalog.table(k.references ?? '')?.constraints.find((c) => c.type === 'p')?.columns ?? [];
}

const TRIGGER_EVENT: Record<string, number> = { InsertStmt: 4, DeleteStmt: 8, UpdateStmt: 16, MergeStmt: 4 | 8 | 16 };

/** Triggers on the written table run their function: its statements lock what they touch. */
function triggerBodies(type: string, target: string, ctx: LockContext, out: StatementLocks, depth: number): void {
  for (const fn of ctx.catalog.triggerFunctions(target, TRIGGER_EVENT[type] ?? 0)) {
    const body = ctx.catalog.functions.get(fn);
    if (!body) {
      out.notAnalysed.push(`trigger function ${fn} on ${target} is not in the known schema`);
      continue;
    }
    nestedPlpgsql(functionSource(body, 'trigger'), ctx, out, depth, `trigger function ${fn}`);
  }
}

/** The tables under a view (through nested views), from the catalog. */
function viewBaseTables(view: string, ctx: LockContext, seen = new Set<string>()): string[] {
  const v = ctx.catalog.views.get(view);
  if (!v || v.materialized || seen.has(view)) return [];
  seen.add(view);
  const out: string[] = [];
  for (const r of v.reads) out.push(r.table, ...viewBaseTables(r.table, ctx, seen));
  return out;
}

/** Functions defined in the migration set and called by this statement run their body's statements. */
function calledFunctionsBodies(node: Node, ctx: LockContext, out: StatementLocks, depth: number): void {
  for (const name of new Set(calledFunctions(node))) {
    const body = ctx.catalog.functions.get(name);
    if (body) nestedPlpgsql(functionSource(body), ctx, out, depth, `function ${name}`);
  }
}

function functionSource(body: string, returns = 'void'): string {
  return `CREATE FUNCTION pgpf_body() RETURNS ${returns} LANGUAGE plpgsql AS $pgpf$${body}$pgpf$`;
}

/** Relations a query reads, without the names of its own CTEs. */
function readRelations(node: unknown): { schema?: string; name: string }[] {
  const ctes = new Set<string>();
  const collectCtes = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(collectCtes);
    if (!n || typeof n !== 'object') return;
    for (const [k, v] of Object.entries(n as Node)) {
      if (k === 'CommonTableExpr' && v?.ctename) ctes.add(String(v.ctename));
      collectCtes(v);
    }
  };
  collectCtes(node);
  return rangeVars(node).filter((r) => r.schema || !ctes.has(r.name));
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
      if (inner.fails) addFailure(out, inner.fails);
      // Keep the catalog current within the body, so a later statement in it sees the earlier ones.
      ctx.catalog.apply(s, 'this-file');
    }
  }
}

/** Several clauses of one statement can each fail; keep every reason. */
function addFailure(out: StatementLocks, reason: string): void {
  out.fails = out.fails ? `${out.fails}; ${reason}` : reason;
}

/** Tables whose foreign keys point at `table` (they are touched when it is dropped or truncated). */
function referencingTables(table: string, ctx: LockContext): string[] {
  const out: string[] = [];
  for (const t of ctx.catalog.tables.values()) {
    if (t.qualified !== table && t.constraints.some((k) => k.type === 'f' && k.references === table)) out.push(t.qualified);
  }
  return out;
}

export function resolveTable(rv: Node | undefined, ctx: LockContext): string {
  return resolveName(rangeVarName(rv), ctx);
}

/** Unqualified names resolve through the search_path, which we take as public. */
function resolveName(n: { schema?: string; name: string }, _ctx: LockContext): string {
  return qualify(n);
}
