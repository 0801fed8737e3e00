// The lock model: statement AST + catalog + PG version -> the table locks PostgreSQL takes.
// The single source of lock truth for rules, hovers, estimates and the CLI. Every branch here is
// checked against real PostgreSQL by the lock corpus (test-fixtures/locks/corpus.sql).
import { calledFunctions, hasOption, listName, qualify, rangeVarName, rangeVars, strings, unwrap, type Node } from '../syntax/ast';
import type { Catalog, TableInfo } from '../schema/catalog';
import { isSerialTypeName, typeChangeEffect, typeFromAst } from '../syntax/pgtypes';
import { LOCK_MODES, type LockEffect, type LockMode } from '../types';
import { effect, mergeEffects } from './effect';
import { lockStrength } from './modes';

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

/**
 * Ends the reason of a lock that a query takes on a partition or inheritance child only when its plan
 * keeps that child (the planner prunes partitions a WHERE clause excludes) or, for INSERT, when a row
 * is routed to it. The prediction is the upper bound; isPlanDependent() lets the dry run tell.
 */
const PLAN_DEPENDENT = ' (unless the plan prunes it, or no row is routed to it)';

export function isPlanDependent(why: string): boolean {
  return why.split('; ').every((part) => part.endsWith(PLAN_DEPENDENT));
}

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
      // An index on a partitioned table is built on every partition, each under the same lock
      // (ON ONLY creates an invalid index on the parent alone).
      if (!node.concurrent && node.relation?.inh === true) {
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
      // A column is renamed in every partition and inheritance child too, and so is an inherited CHECK.
      const inherited = node.renameType === 'OBJECT_COLUMN' || (node.renameType === 'OBJECT_TABCONSTRAINT' && ctx.catalog.table(rel)?.constraints.find((k) => k.name === node.subname)?.type === 'c');
      if (inherited && node.relation.inh === true) {
        for (const d of ctx.catalog.descendantsOf(rel)) add(effect(d, 'AccessExclusiveLock', { why: `${what} of ${rel} renames it here too` }));
      }
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
        // A partitioned table is processed partition by partition. ANALYZE of an inheritance parent
        // samples its children too: ACCESS SHARE on 11 to 17, SHARE UPDATE EXCLUSIVE from 18 (observed).
        const what = isVacuum ? (full ? 'VACUUM FULL' : 'VACUUM') : 'ANALYZE';
        for (const p of ctx.catalog.partitionsOf(table)) add(effect(p, full ? 'AccessExclusiveLock' : 'ShareUpdateExclusiveLock', { rewrite: full, scan: isVacuum, why: `${what} of the partitioned ${table} processes this partition` }));
        if (full) continue;
        if (!isVacuum || hasOption(node.options, 'analyze')) for (const c of inheritanceDescendants(table, ctx)) add(effect(c, v >= 18 ? 'ShareUpdateExclusiveLock' : 'AccessShareLock', { why: `ANALYZE of ${table} samples its inheritance child too` }));
      }
      return;
    }
    case 'TruncateStmt': {
      const cascade = node.behavior === 'DROP_CASCADE';
      const named: string[] = [];
      for (const r of node.relations ?? []) {
        const table = resolveTable(r, ctx);
        named.push(table);
        // Without ONLY, partitions and inheritance children are emptied too.
        if (r?.RangeVar?.inh === true) named.push(...ctx.catalog.descendantsOf(table));
        // 11 to 13 also read the parent of a truncated partition (observed; not from 14).
        if (v < 14) for (const p of ctx.catalog.parentsOf(table).filter((x) => ctx.catalog.partitionsOf(x).includes(table))) add(effect(p, 'AccessShareLock', { why: 'TRUNCATE of a partition reads its parent before PG 14' }));
      }
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
        // LOCK recurses into partitions and inheritance children (unless ONLY: the parser then leaves
        // inh out) and into the tables a view reads.
        if (r?.RangeVar?.inh === true) for (const p of ctx.catalog.descendantsOf(rel)) add(effect(p, mode, { why: `LOCK TABLE on ${rel} locks its partitions and inheritance children too` }));
        for (const base of viewBaseTables(rel, ctx)) add(effect(base, mode, { why: `LOCK TABLE on the view ${rel} locks the tables it reads` }));
      }
      return;
    }
    case 'CreateTrigStmt': {
      const table = resolveTable(node.relation, ctx);
      add(effect(table, 'ShareRowExclusiveLock', { why: 'CREATE TRIGGER blocks writes (briefly)' }));
      // A row trigger on a partitioned table is cloned onto every partition (not onto inheritance children).
      if (node.row) for (const p of ctx.catalog.partitionsOf(table)) add(effect(p, 'ShareRowExclusiveLock', { why: `the row trigger on the partitioned ${table} is created on this partition too` }));
      return;
    }
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      add(effect(resolveTable(node.table, ctx), 'AccessExclusiveLock', { why: 'policies change what SELECT sees, so they take ACCESS EXCLUSIVE (briefly)' }));
      return;
    case 'RefreshMatViewStmt': {
      const mv = qualify(rangeVarName(node.relation));
      if (node.concurrent) add(effect(mv, 'ExclusiveLock', { scan: true, why: 'REFRESH ... CONCURRENTLY lets reads continue' }));
      else add(effect(mv, 'AccessExclusiveLock', { rewrite: true, why: 'REFRESH MATERIALIZED VIEW blocks reads of the view until it is rebuilt' }));
      // WITH NO DATA empties the view without running its query.
      if (!node.skipData) for (const r of ctx.catalog.views.get(mv)?.reads ?? []) add(effect(r.table, 'AccessShareLock', { scan: true, why: 'the materialized view query reads this table' }));
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
      for (const r of readRelations(node.query)) {
        const rel = resolveName(r, ctx);
        add(effect(rel, 'AccessShareLock', { scan: true, why: 'the query reads this table' }));
        if (r.inh) for (const d of ctx.catalog.descendantsOf(rel)) add(effect(d, 'AccessShareLock', { scan: true, why: `the query reads ${rel}${PLAN_DEPENDENT}` }));
      }
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
      // MERGE exists from PostgreSQL 15 (older servers answer a syntax error).
      if (type === 'MergeStmt' && v < 15) out.unsupported = 'MERGE needs PostgreSQL 15 or later';
      const target = resolveTable(node.relation, ctx);
      add(effect(target, 'RowExclusiveLock', { why: 'row-level writes: they conflict only with the rows they touch, but hold those row locks until commit' }));
      // UPDATE, DELETE and MERGE reach every partition and inheritance child; INSERT puts rows in the
      // named table, or routes them to the partitions of a partitioned one.
      if (node.relation?.inh === true) {
        const below = type === 'InsertStmt' ? ctx.catalog.partitionsOf(target) : ctx.catalog.descendantsOf(target);
        for (const d of below) add(effect(d, 'RowExclusiveLock', { why: `written through ${target}${PLAN_DEPENDENT}` }));
      }
      readTables(node, ctx, add, target);
      foreignKeyChecks(type, node, target, ctx, add);
      triggerBodies(type, node, target, ctx, out, depth);
      calledFunctionsBodies(node, ctx, out, depth);
      return;
    }
    case 'SelectStmt': {
      const forUpdate = (node.lockingClause ?? []).length > 0;
      const mode: LockMode = forUpdate ? 'RowShareLock' : 'AccessShareLock';
      for (const r of readRelations(node)) {
        const rel = resolveName(r, ctx);
        add(effect(rel, mode, { why: forUpdate ? 'SELECT ... FOR UPDATE/SHARE locks rows' : 'reads' }));
        if (r.inh) for (const d of ctx.catalog.descendantsOf(rel)) add(effect(d, mode, { why: `read through ${rel}${PLAN_DEPENDENT}` }));
        for (const base of viewBaseTables(rel, ctx)) add(effect(base, mode, { why: `read through the view ${rel}` }));
        for (const d of viewBaseTables(rel, ctx, true)) add(effect(d, mode, { why: `read through the view ${rel}${PLAN_DEPENDENT}` }));
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
    // ATTACH PARTITION, like ALTER TABLE's, took ACCESS EXCLUSIVE before 12.
    const attach = (node.cmds ?? []).some((c: Node) => c?.AlterTableCmd?.subtype === 'AT_AttachPartition');
    add(effect(table, attach && v < 12 ? 'AccessExclusiveLock' : 'ShareUpdateExclusiveLock', { why: 'ALTER INDEX' }));
    // ATTACH PARTITION reads the tables of both indexes to check that they match.
    for (const c of node.cmds ?? []) {
      if (c?.AlterTableCmd?.subtype !== 'AT_AttachPartition') continue;
      const child = qualify(rangeVarName(c.AlterTableCmd.def?.PartitionCmd?.name));
      for (const idx of [table, child]) {
        const t = ctx.catalog.tableOfIndex(idx);
        if (t) add(effect(t, 'AccessShareLock', { why: 'ALTER INDEX ... ATTACH PARTITION reads the table of each index' }));
      }
    }
    return;
  }
  for (const c of node.cmds ?? []) {
    const cmd: Node = c?.AlterTableCmd ?? {};
    const col = cmd.name as string | undefined;
    const first = out.effects.length;
    switch (cmd.subtype) {
      case 'AT_AddColumn':
        addColumn(table, cmd.def?.ColumnDef ?? {}, ctx, out, info);
        break;
      case 'AT_DropColumn': {
        add(effect(table, 'AccessExclusiveLock', { why: 'DROP COLUMN is instant (marks the column dropped) but takes ACCESS EXCLUSIVE, and breaks code that still reads it' }));
        const views = col ? ctx.catalog.viewsReadingColumn(table, col) : [];
        const cascade = cmd.behavior === 'DROP_CASCADE';
        if (views.length && !cascade) addFailure(out, `DROP COLUMN ${col} fails without CASCADE: view ${views.join(', ')} uses it`);
        if (cascade) for (const view of views) add(effect(view, 'AccessExclusiveLock', { why: `DROP COLUMN ${col} CASCADE drops this view, which uses the column` }));
        if (col) foreignKeysOfColumn(table, col, ctx, add, cascade ? 'cascade' : 'refuse', out);
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
        // A foreign key on the column (either side) is dropped and added again; when the column is
        // rewritten it is validated again too, which reads the other table (observed on 11 to 18).
        if (col) foreignKeysOfColumn(table, col, ctx, add, change.rewrite ? 'revalidate' : 'rebuild', out);
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
        // Foreign keys that rely on a dropped primary key or unique constraint go with it (CASCADE), or stop it.
        if (con?.type === 'p' || con?.type === 'u') {
          for (const r of referencingForeignKeys(table, con.columns, ctx)) {
            if (cmd.behavior === 'DROP_CASCADE') add(effect(r.table, 'AccessExclusiveLock', { why: `DROP CONSTRAINT ${col} CASCADE drops the foreign key ${r.name} of this table` }));
            else addFailure(out, `DROP CONSTRAINT ${col} fails without CASCADE: foreign key ${r.name} of ${r.table} depends on it`);
          }
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
          // The clones of the parent's row triggers are dropped from it, under ACCESS EXCLUSIVE, on all.
          if (v >= 14) add(effect(part, 'AccessExclusiveLock', { why: 'the detached partition' }));
          else if (ctx.catalog.hasRowTrigger(table)) add(effect(part, 'AccessExclusiveLock', { why: "the detached partition loses its clones of the parent's row triggers" }));
          else add(effect(part, 'ShareUpdateExclusiveLock', { why: 'the detached partition: SHARE UPDATE EXCLUSIVE before PG 14, so queries naming the partition itself keep running (those through the parent wait)' }));
        }
        break;
      }
      case 'AT_DetachPartitionFinalize':
        add(effect(table, 'ShareUpdateExclusiveLock', { why: 'DETACH ... FINALIZE' }));
        break;
      case 'AT_AddInherit':
      case 'AT_DropInherit': {
        // The parent is opened too: INHERIT guards it against other DDL while its columns and
        // constraints are matched; NO INHERIT only reads it (observed on 11 to 18).
        const parent = resolveTable(cmd.def, ctx);
        const adding = cmd.subtype === 'AT_AddInherit';
        add(effect(table, 'AccessExclusiveLock', { why: `${adding ? 'INHERIT' : 'NO INHERIT'} takes ACCESS EXCLUSIVE on the child (brief)` }));
        add(effect(parent, adding ? 'ShareUpdateExclusiveLock' : 'AccessShareLock', { why: adding ? 'INHERIT locks the parent against other DDL (it reads and blocks no queries)' : 'NO INHERIT reads the parent' }));
        break;
      }
      case 'AT_SetCompression':
        // ALTER COLUMN ... SET COMPRESSION exists from PostgreSQL 14; it applies to values written later.
        if (v < 14) out.unsupported = 'ALTER COLUMN ... SET COMPRESSION needs PostgreSQL 14 or later';
        add(effect(table, 'AccessExclusiveLock', { why: `SET COMPRESSION on ${col} changes only the catalog (values written later), but takes ACCESS EXCLUSIVE` }));
        break;
      case 'AT_SetExpression':
        // ALTER COLUMN ... SET EXPRESSION exists from PostgreSQL 17; it recomputes every stored value.
        if (v < 17) out.unsupported = 'ALTER COLUMN ... SET EXPRESSION needs PostgreSQL 17 or later';
        add(effect(table, 'AccessExclusiveLock', { rewrite: true, why: `SET EXPRESSION on ${col} recomputes the column: rewrites the table` }));
        break;
      default:
        // Everything else (OWNER, REPLICA IDENTITY, RLS, STORAGE, identity, rules...) takes ACCESS EXCLUSIVE.
        add(effect(table, 'AccessExclusiveLock', { why: `${describeSubtype(cmd.subtype)} takes ACCESS EXCLUSIVE (brief)` }));
    }
    // Without ONLY (the parser then leaves inh out), most subcommands reach every partition and
    // inheritance child too, in the same mode.
    if (node.relation?.inh === true) {
      const own = out.effects.slice(first).filter((e) => e.relation === table);
      for (const e of recursedEffects(cmd, own, table, info, ctx)) add(e);
    }
  }
}

/**
 * Subcommands that PostgreSQL applies to every partition and inheritance child of the table, with the
 * same lock and the same work (rewrite, scan) on each: observed on 11 to 18 (the *-partitioned and
 * *-inherited corpus forms; SET/DROP EXPRESSION on 17 and 18 only, as generated columns cannot be in
 * the corpus schema). ADD CONSTRAINT, DROP NOT NULL and the trigger switches are decided in
 * recursedEffects(); everything else (OWNER, RLS, REPLICA IDENTITY, SET (...), SET COMPRESSION,
 * identity, RENAME, SET SCHEMA, CLUSTER ON, column SET (...)) stays on the named table.
 */
const RECURSING_SUBCOMMANDS = new Set([
  'AT_AddColumn', 'AT_DropColumn', 'AT_ColumnDefault', 'AT_SetNotNull', 'AT_AlterColumnType', 'AT_SetStatistics',
  'AT_SetStorage', 'AT_ValidateConstraint', 'AT_DropConstraint', 'AT_SetExpression', 'AT_DropExpression',
]);

const TRIGGER_SUBCOMMANDS = new Set([
  'AT_EnableTrig', 'AT_EnableAlwaysTrig', 'AT_EnableReplicaTrig', 'AT_EnableTrigAll', 'AT_EnableTrigUser', 'AT_DisableTrig', 'AT_DisableTrigAll', 'AT_DisableTrigUser',
]);

/** The locks one ALTER TABLE subcommand takes on the partitions and inheritance children of `table`. */
function recursedEffects(cmd: Node, own: LockEffect[], table: string, info: TableInfo | undefined, ctx: LockContext): LockEffect[] {
  const children = ctx.catalog.descendantsOf(table);
  if (!children.length || !own.length) return [];
  const v = ctx.pgVersion;
  const partitions = new Set(ctx.catalog.partitionsOf(table));
  const parent = own.reduce((a, b) => (lockStrength(b.mode) > lockStrength(a.mode) ? b : a));
  const what = describeSubtype(cmd.subtype);
  const same = (d: string, work = true) => effect(d, parent.mode, { rewrite: work && parent.rewrite, scan: work && parent.scan, indexBuild: work && parent.indexBuild, why: `${what} on ${table} is applied to this ${partitions.has(d) ? 'partition' : 'inheritance child'} too` });
  if (RECURSING_SUBCOMMANDS.has(cmd.subtype)) return children.map((d) => same(d));
  // From 17 (identity columns on partitioned tables) adding or dropping one reaches the partitions; no
  // identity subcommand reaches inheritance children, and SET (the sequence options) stays on the parent.
  if (cmd.subtype === 'AT_AddIdentity' || cmd.subtype === 'AT_DropIdentity') return v >= 17 ? children.filter((d) => partitions.has(d)).map((d) => same(d)) : [];
  if (cmd.subtype === 'AT_DropNotNull') {
    // From 18 (NOT NULL is a constraint), dropping it where there is none changes nothing below.
    return v >= 18 && !info?.columns.get(cmd.name)?.notNull ? [] : children.map((d) => same(d));
  }
  if (TRIGGER_SUBCOMMANDS.has(cmd.subtype)) {
    // A row trigger of a partitioned table has a clone on each partition, switched with it.
    const named = /^AT_(Enable|Disable)(Always|Replica)?Trig$/.test(cmd.subtype) ? cmd.name : undefined;
    return ctx.catalog.hasRowTrigger(table, named) ? children.filter((d) => partitions.has(d)).map((d) => same(d)) : [];
  }
  if (cmd.subtype !== 'AT_AddConstraint') return [];
  const con: Node = cmd.def?.Constraint ?? {};
  const out: LockEffect[] = [];
  for (const d of children) {
    const partition = partitions.has(d);
    const why = `ADD CONSTRAINT on ${table}: ${partition ? 'partition' : 'inheritance child'}`;
    switch (con.contype) {
      case 'CONSTR_CHECK':
      case 'CONSTR_NOTNULL':
        // Inherited unless NO INHERIT; from 18 a NO INHERIT one still opens the children (observed).
        if (!con.is_no_inherit) out.push(same(d));
        else if (v >= 18) out.push(same(d, false));
        break;
      case 'CONSTR_UNIQUE':
      case 'CONSTR_PRIMARY':
      case 'CONSTR_EXCLUSION':
        // Partitions get their own index, built under SHARE (ACCESS EXCLUSIVE from 18). Inheritance
        // children get none, but are opened to check NOT NULL: for a primary key from 12, for any
        // such constraint from 18 (observed).
        if (partition && !con.indexname) out.push(effect(d, v >= 18 ? 'AccessExclusiveLock' : 'ShareLock', { scan: true, indexBuild: true, why: `${why} the index is built on it too` }));
        else if (!partition && (v >= 18 || (v >= 12 && con.contype === 'CONSTR_PRIMARY'))) out.push(same(d, false));
        break;
      case 'CONSTR_FOREIGN':
        // A foreign key is added to (and validated on) each partition; inheritance children are only opened, from 18.
        if (partition) out.push(same(d));
        else if (v >= 18) out.push(same(d, false));
        break;
      default:
        break;
    }
  }
  return out;
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
        // Partitions are dropped with their table; inheritance children only with CASCADE. Dropping a
        // partition locks its parent, whose partition list changes (observed on 11 to 18).
        for (const p of ctx.catalog.partitionsOf(table)) add(effect(p, 'AccessExclusiveLock', { why: `a partition of ${table}: dropped with it` }));
        const children = inheritanceDescendants(table, ctx);
        if (children.length && node.behavior !== 'DROP_CASCADE') addFailure(out, `DROP TABLE ${table} fails without CASCADE: ${children.join(', ')} inherit${children.length === 1 ? 's' : ''} from it`);
        else for (const c of children) add(effect(c, 'AccessExclusiveLock', { why: `DROP ... CASCADE drops this inheritance child of ${table}` }));
        for (const p of ctx.catalog.parentsOf(table)) if (ctx.catalog.partitionsOf(p).includes(table)) add(effect(p, 'AccessExclusiveLock', { why: `dropping the partition ${table} changes its parent's partition list` }));
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
        // An index on a partitioned table takes the partitions' indexes with it.
        if (table && !node.concurrent) for (const p of ctx.catalog.partitionsOf(table)) add(effect(p, 'AccessExclusiveLock', { why: `dropping the partitioned index ${idx} drops this partition's index too` }));
      }
      return;
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
      for (const n of names) add(effect(resolveName(listName(n), ctx), 'AccessExclusiveLock', { why: 'DROP VIEW; code that still uses it breaks' }));
      return;
    case 'OBJECT_TYPE':
    case 'OBJECT_DOMAIN':
    case 'OBJECT_FUNCTION':
      // What depends on the type (columns) or function (triggers) is dropped with CASCADE, which locks
      // the table; without CASCADE the DROP fails.
      for (const o of node.objects ?? []) {
        const parts = strings(o?.TypeName?.names ?? o?.ObjectWithArgs?.objname);
        const name = (parts[parts.length - 1] ?? '').toLowerCase();
        const fn = node.removeType === 'OBJECT_FUNCTION';
        const users = fn
          ? ctx.catalog.tablesTriggering(name)
          : [...ctx.catalog.tables.values()].filter((t) => [...t.columns.values()].some((c) => c.type?.name.split('.').pop() === name)).map((t) => t.qualified);
        const what = fn ? `a trigger of this table runs ${name}()` : `a column of this table has the type ${name}`;
        for (const t of users) {
          if (node.behavior === 'DROP_CASCADE') add(effect(t, 'AccessExclusiveLock', { why: `DROP ... CASCADE: ${what}, and is dropped with it` }));
          else addFailure(out, `DROP ${fn ? 'FUNCTION' : 'TYPE'} ${name} fails without CASCADE: ${what.replace('this table', t)}`);
        }
      }
      return;
    case 'OBJECT_SEQUENCE':
      // A default that calls the sequence is dropped with CASCADE, which locks its table; an identity
      // column's sequence cannot be dropped at all.
      for (const n of names) {
        const seq = resolveName(listName(n), ctx);
        for (const t of ctx.catalog.tables.values()) {
          for (const c of t.columns.values()) {
            if (c.sequence?.name !== seq) continue;
            if (c.sequence.identity) addFailure(out, `DROP SEQUENCE ${seq} fails: the identity column ${t.qualified}.${c.name} requires it`);
            else if (node.behavior === 'DROP_CASCADE') add(effect(t.qualified, 'AccessExclusiveLock', { why: `DROP SEQUENCE ... CASCADE drops the default of ${c.name}, which calls ${seq}` }));
            else addFailure(out, `DROP SEQUENCE ${seq} fails without CASCADE: the default of ${t.qualified}.${c.name} calls it`);
          }
        }
      }
      return;
    case 'OBJECT_STATISTIC_EXT':
      // From 12 dropping statistics locks their table against other DDL (11 takes no table lock; observed).
      for (const n of names) {
        const table = ctx.catalog.statistics.get(resolveName(listName(n), ctx));
        if (table && ctx.pgVersion >= 12) add(effect(table, 'ShareUpdateExclusiveLock', { why: 'DROP STATISTICS blocks other DDL on the table only' }));
      }
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
    if (t === target) continue;
    add(effect(t, 'AccessShareLock', { why: 'read by the statement' }));
    if (r.inh) for (const d of ctx.catalog.descendantsOf(t)) add(effect(d, 'AccessShareLock', { why: `read through ${t}${PLAN_DEPENDENT}` }));
  }
}

/**
 * Foreign-key checks run as SELECT ... FOR KEY SHARE: an INSERT (or an UPDATE of the key columns)
 * locks each referenced table in ROW SHARE; a DELETE locks each referencing table the same way.
 */
function foreignKeyChecks(type: string, node: Node, target: string, ctx: LockContext, add: (e: LockEffect) => void): void {
  const table = ctx.catalog.table(target);
  const { inserted, updated } = writtenColumns(type, node);
  const events = writeEvents(type, node);
  if (events & (4 | 16)) {
    for (const k of table?.constraints ?? []) {
      if (k.type !== 'f' || !k.references || k.references === target) continue;
      // A row whose key columns are not written holds NULL (INSERT) or is unchanged (UPDATE): no check.
      const writes = (cols: Set<string> | undefined) => !cols || k.columns.some((c) => cols.has(c));
      if (!((events & 4 && writes(inserted)) || (events & 16 && writes(updated)))) continue;
      add(effect(k.references, 'RowShareLock', { why: `the foreign key check reads ${k.references} with FOR KEY SHARE` }));
    }
  }
  if (events & (8 | 16)) {
    for (const t of ctx.catalog.tables.values()) {
      if (t.qualified === target) continue;
      const fks = t.constraints.filter((k) => k.type === 'f' && k.references === target);
      if (fks.length === 0) continue;
      // An UPDATE only checks referencing rows when it changes the referenced key.
      const keyUpdated = fks.filter((k) => referencedKey(k, ctx).some((c) => updated.has(c)));
      if (!(events & 8) && keyUpdated.length === 0) continue;
      // ON DELETE / ON UPDATE CASCADE, SET NULL and SET DEFAULT write the referencing rows.
      const acts = (a: string | undefined) => a === 'c' || a === 'n' || a === 'd';
      const writes = (events & 8 && fks.some((k) => acts(k.onDelete))) || keyUpdated.some((k) => acts(k.onUpdate));
      add(effect(t.qualified, writes ? 'RowExclusiveLock' : 'RowShareLock', { why: `rows referencing ${target} are checked with FOR KEY SHARE${writes ? ', and the foreign key\'s ON DELETE/ON UPDATE action writes them' : ''}` }));
    }
  }
}

/**
 * Target columns a write sets: those of inserted rows (undefined: every column) and those an update
 * changes (UPDATE's SET list; ON CONFLICT DO UPDATE's; MERGE's WHEN clauses, for both).
 */
function writtenColumns(type: string, node: Node): { inserted: Set<string> | undefined; updated: Set<string> } {
  const names = (list: Node[] | undefined) => (list ?? []).map((t: Node) => String(t?.ResTarget?.name));
  if (type === 'UpdateStmt') return { inserted: new Set(), updated: new Set(names(node.targetList)) };
  if (type === 'InsertStmt') return { inserted: (node.cols ?? []).length ? new Set(names(node.cols)) : undefined, updated: new Set(names(node.onConflictClause?.targetList)) };
  let inserted: Set<string> | undefined = new Set<string>();
  const updated = new Set<string>();
  for (const w of type === 'MergeStmt' ? (node.mergeWhenClauses ?? []) : []) {
    const c = w?.MergeWhenClause ?? {};
    if (c.commandType === 'CMD_UPDATE') names(c.targetList).forEach((n) => updated.add(n));
    if (c.commandType !== 'CMD_INSERT') continue;
    if (!(c.targetList ?? []).length) inserted = undefined;
    else names(c.targetList).forEach((n) => inserted?.add(n));
  }
  return { inserted, updated };
}

/**
 * The kinds of row change a write makes, in PostgreSQL's trigger event bits (4 INSERT, 8 DELETE,
 * 16 UPDATE): an INSERT ... ON CONFLICT DO UPDATE also updates, a MERGE does what its WHEN clauses say.
 */
function writeEvents(type: string, node: Node): number {
  if (type === 'InsertStmt') return node.onConflictClause?.action === 'ONCONFLICT_UPDATE' ? 4 | 16 : 4;
  if (type === 'UpdateStmt') return 16;
  if (type === 'DeleteStmt') return 8;
  if (type !== 'MergeStmt') return 0;
  const bits: Record<string, number> = { CMD_INSERT: 4, CMD_DELETE: 8, CMD_UPDATE: 16 };
  return (node.mergeWhenClauses ?? []).reduce((acc: number, w: Node) => acc | (bits[w?.MergeWhenClause?.commandType] ?? 0), 0);
}

function referencedKey(k: { referencedColumns?: string[]; references?: string }, ctx: LockContext): string[] {
  if (k.referencedColumns?.length) return k.referencedColumns;
  return ctx.catalog.table(k.references ?? '')?.constraints.find((c) => c.type === 'p')?.columns ?? [];
}

/** Triggers on the written table run their function: its statements lock what they touch. */
function triggerBodies(type: string, node: Node, target: string, ctx: LockContext, out: StatementLocks, depth: number): void {
  for (const fn of ctx.catalog.triggerFunctions(target, writeEvents(type, node))) {
    const body = ctx.catalog.functions.get(fn);
    if (!body) {
      out.notAnalysed.push(`trigger function ${fn} on ${target} is not in the known schema`);
      continue;
    }
    nestedPlpgsql(functionSource(body, 'trigger'), ctx, out, depth, `trigger function ${fn}`);
  }
}

/** The tables under a view (through nested views), from the catalog. */
function viewBaseTables(view: string, ctx: LockContext, descendants = false, seen = new Set<string>()): string[] {
  const v = ctx.catalog.views.get(view);
  if (!v || v.materialized || seen.has(view)) return [];
  seen.add(view);
  const out: string[] = [];
  // descendants: instead of the base tables, their partitions and inheritance children (read unless ONLY).
  for (const r of v.reads) out.push(...(descendants ? (r.inh ? ctx.catalog.descendantsOf(r.table) : []) : [r.table]), ...viewBaseTables(r.table, ctx, descendants, seen));
  return out;
}

/** Functions defined in the migration set and called by this statement run their body's statements. */
function calledFunctionsBodies(node: Node, ctx: LockContext, out: StatementLocks, depth: number): void {
  for (const name of new Set(calledFunctions(node))) {
    const body = ctx.catalog.functions.get(name);
    if (body) nestedPlpgsql(functionSource(body), ctx, out, depth, `function ${name}`);
    const sql = ctx.catalog.sqlFunctions.get(name);
    if (sql === undefined) continue;
    const stmts = typeof sql === 'string' ? (depth > 4 ? undefined : ctx.parseNested?.(sql)) : sql;
    if (stmts) nestedStatements(stmts, ctx, out, depth, `function ${name}`);
    else out.notAnalysed.push(`function ${name}: SQL body not analysed`);
  }
}

function functionSource(body: string, returns = 'void'): string {
  return `CREATE FUNCTION pgpf_body() RETURNS ${returns} LANGUAGE plpgsql AS $pgpf$${body}$pgpf$`;
}

/** Relations a query reads, without the names of its own CTEs. */
function readRelations(node: unknown): { schema?: string; name: string; inh: boolean }[] {
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
    nestedStatements(stmts, ctx, out, depth, where);
  }
}

/** The locks of statements run by a DO block or function body, attributed to it. */
function nestedStatements(stmts: Node[], ctx: LockContext, out: StatementLocks, depth: number, where: string): void {
  if (depth > 4) {
    out.notAnalysed.push(`${where}: nested code not analysed`);
    return;
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

/** Inheritance children (not partitions) below a table, at any depth. */
function inheritanceDescendants(table: string, ctx: LockContext): string[] {
  const partitions = new Set(ctx.catalog.partitionsOf(table));
  return ctx.catalog.descendantsOf(table).filter((d) => !partitions.has(d));
}

/** Foreign keys of other tables whose referenced key (explicit, else the primary key) involves one of `columns`. */
function referencingForeignKeys(table: string, columns: string[], ctx: LockContext): { table: string; name: string }[] {
  const out: { table: string; name: string }[] = [];
  for (const t of ctx.catalog.tables.values()) {
    if (t.qualified === table) continue;
    for (const k of t.constraints) {
      if (k.type === 'f' && k.references === table && referencedKey(k, ctx).some((c) => columns.includes(c))) out.push({ table: t.qualified, name: k.name });
    }
  }
  return out;
}

/**
 * The other table of each foreign key a column takes part in, for DROP COLUMN and ALTER COLUMN TYPE
 * (observed on 11 to 18): a dropped column takes its own foreign keys with it (their triggers leave
 * the referenced table) and, with CASCADE, the foreign keys that reference it; a retyped column has
 * both kinds dropped and added again, validated again when the column is rewritten.
 */
function foreignKeysOfColumn(table: string, col: string, ctx: LockContext, add: (e: LockEffect) => void, how: 'cascade' | 'refuse' | 'rebuild' | 'revalidate', out: StatementLocks): void {
  const scan = how === 'revalidate';
  const verb = how === 'cascade' || how === 'refuse' ? `dropping ${table}.${col}` : `changing the type of ${table}.${col}`;
  for (const k of ctx.catalog.table(table)?.constraints ?? []) {
    if (k.type !== 'f' || !k.columns.includes(col) || !k.references || k.references === table) continue;
    add(effect(k.references, 'AccessExclusiveLock', { scan, why: `${verb} ${how === 'revalidate' ? 'drops, adds and validates again' : how === 'rebuild' ? 'drops and adds again' : 'drops'} the foreign key ${k.name} to this table` }));
  }
  for (const r of referencingForeignKeys(table, [col], ctx)) {
    if (how === 'refuse') addFailure(out, `DROP COLUMN ${col} fails without CASCADE: foreign key ${r.name} of ${r.table} references it`);
    else add(effect(r.table, 'AccessExclusiveLock', { scan, why: `${verb} ${how === 'cascade' ? 'drops' : how === 'revalidate' ? 'drops, adds and validates again' : 'drops and adds again'} this table's foreign key ${r.name}` }));
  }
}

export function resolveTable(rv: Node | undefined, ctx: LockContext): string {
  return resolveName(rangeVarName(rv), ctx);
}

/** Unqualified names resolve through the search_path, which we take as public. */
function resolveName(n: { schema?: string; name: string }, _ctx: LockContext): string {
  return qualify(n);
}
