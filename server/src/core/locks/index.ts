// The lock model: statement AST + catalog + PG version -> the table locks PostgreSQL takes.
// The single source of lock truth for rules, hovers, estimates and the CLI. Every branch here is
// checked against real PostgreSQL by the lock corpus (test-fixtures/locks/corpus.sql).
import { calledFunctions, hasOption, listName, qualify, rangeVarName, rangeVars, strings, unwrap, type Node } from '../syntax/ast';
import { LOCK_MODES, type IndexKey, type LockEffect, type LockMode } from '../types';
import { alterTable, defaultPartitionChecked } from './alter-table';
import {
  addFailure,
  generatedColumnSupport,
  isSystemRelation,
  referencedKey,
  resolveName,
  resolveTable,
  type LockContext,
  type StatementLocks,
} from './common';
import { effect, mergeEffects } from './effect';

export { isVolatileExpression, resolveTable, type LockContext, type StatementLocks } from './common';

/**
 * Ends the reason of a lock that a query takes on a partition or inheritance child only when its plan
 * keeps that child (the planner prunes partitions a WHERE clause excludes) or, for INSERT, when a row
 * is routed to it. The prediction is the upper bound; isPlanDependent() lets the dry run tell.
 */
const PLAN_DEPENDENT = ' (an upper bound: not taken when the plan prunes it, or no row is routed to it)';

export function isPlanDependent(why: string): boolean {
  return why.split('; ').every((part) => part.endsWith(PLAN_DEPENDENT));
}

export function statementLocks(stmt: Node, ctx: LockContext): StatementLocks {
  const out: StatementLocks = { effects: [], nonTransactional: false, notAnalysed: [] };
  try {
    collect(stmt, ctx, out, 0);
  } catch (err) {
    // A malformed AST must never take the analysis down; say what we could not read.
    out.notAnalysed.push(`lock model error: ${(err as Error).message}`);
  }
  out.effects = mergeEffects(out.effects.filter((e) => !isSystemRelation(e.relation)));
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
        add(
          effect(table, node.concurrent ? 'ShareUpdateExclusiveLock' : 'ShareLock', {
            why: 'the index already exists: IF NOT EXISTS makes this a no-op after taking the lock',
          }),
        );
        if (node.concurrent) out.nonTransactional = true;
        return;
      }
      // An index on a partitioned table is built on every partition, each under the same lock
      // (ON ONLY creates an invalid index on the parent alone).
      if (!node.concurrent && node.relation?.inh === true) {
        for (const p of ctx.catalog.partitionsOf(table))
          add(
            effect(p, 'ShareLock', {
              scan: true,
              indexBuild: true,
              why: `CREATE INDEX on the partitioned ${table} builds it on this partition too`,
            }),
          );
      }
      const indexKeys = indexKeysOf(node);
      if (node.concurrent) {
        out.nonTransactional = true;
        add(
          effect(table, 'ShareUpdateExclusiveLock', {
            scan: true,
            indexBuild: true,
            indexKeys,
            why: 'CREATE INDEX CONCURRENTLY builds the index without blocking writes (two table scans, waits for older transactions)',
          }),
        );
      } else {
        add(
          effect(table, 'ShareLock', {
            scan: true,
            indexBuild: true,
            indexKeys,
            why: 'CREATE INDEX blocks writes for the whole index build',
          }),
        );
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
      const what =
        node.renameType === 'OBJECT_COLUMN'
          ? 'renaming a column'
          : node.renameType === 'OBJECT_TABCONSTRAINT'
            ? 'renaming a constraint'
            : 'renaming a table';
      add(effect(rel, 'AccessExclusiveLock', { why: `${what} takes ACCESS EXCLUSIVE (brief), and breaks queries that use the old name` }));
      // A column is renamed in every partition and inheritance child too, and so is an inherited CHECK.
      const inherited =
        node.renameType === 'OBJECT_COLUMN' ||
        (node.renameType === 'OBJECT_TABCONSTRAINT' &&
          ctx.catalog.table(rel)?.constraints.find((k) => k.name === node.subname)?.type === 'c');
      if (inherited && node.relation.inh === true) {
        for (const d of ctx.catalog.descendantsOf(rel))
          add(effect(d, 'AccessExclusiveLock', { why: `${what} of ${rel} renames it here too` }));
      }
      return;
    }
    case 'AlterObjectSchemaStmt':
      if (node.relation)
        add(
          effect(qualify(rangeVarName(node.relation)), 'AccessExclusiveLock', {
            why: 'SET SCHEMA moves the table; queries using the old name break',
          }),
        );
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
          add(
            effect(table, 'ShareUpdateExclusiveLock', {
              scan: true,
              indexBuild: true,
              why: 'REINDEX CONCURRENTLY rebuilds without blocking writes',
            }),
          );
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
      if (node.relation)
        add(
          effect(resolveTable(node.relation, ctx), 'AccessExclusiveLock', {
            rewrite: true,
            why: 'CLUSTER rewrites the table in index order, blocking reads and writes',
          }),
        );
      return;
    }
    case 'VacuumStmt': {
      const isVacuum = !!node.is_vacuumcmd;
      const full = hasOption(node.options, 'full');
      if (isVacuum) out.nonTransactional = true;
      // With no table list, every table and materialized view of the database is processed in turn.
      if (!(node.rels ?? []).length) {
        for (const t of ctx.catalog.tables.values()) {
          if (t.kind === 'view') continue;
          add(
            effect(t.qualified, full ? 'AccessExclusiveLock' : 'ShareUpdateExclusiveLock', {
              rewrite: full && t.kind !== 'partitioned',
              scan: isVacuum && t.kind !== 'partitioned',
              why: `${isVacuum ? (full ? 'VACUUM FULL' : 'VACUUM') : 'ANALYZE'} with no table list processes every table of the database`,
            }),
          );
        }
        return;
      }
      for (const r of node.rels ?? []) {
        const table = resolveTable(r?.VacuumRelation?.relation, ctx);
        if (isVacuum && full)
          add(effect(table, 'AccessExclusiveLock', { rewrite: true, why: 'VACUUM FULL rewrites the table, blocking reads and writes' }));
        else if (isVacuum) add(effect(table, 'ShareUpdateExclusiveLock', { scan: true, why: 'VACUUM does not block reads or writes' }));
        else add(effect(table, 'ShareUpdateExclusiveLock', { why: 'ANALYZE samples the table without blocking reads or writes' }));
        // A partitioned table is processed partition by partition. ANALYZE of an inheritance parent
        // samples its children too: ACCESS SHARE on 11 to 17, SHARE UPDATE EXCLUSIVE from 18 (observed).
        const what = isVacuum ? (full ? 'VACUUM FULL' : 'VACUUM') : 'ANALYZE';
        for (const p of ctx.catalog.partitionsOf(table))
          add(
            effect(p, full ? 'AccessExclusiveLock' : 'ShareUpdateExclusiveLock', {
              rewrite: full,
              scan: isVacuum,
              why: `${what} of the partitioned ${table} processes this partition`,
            }),
          );
        if (full) continue;
        if (!isVacuum || hasOption(node.options, 'analyze'))
          for (const c of inheritanceDescendants(table, ctx))
            add(
              effect(c, v >= 18 ? 'ShareUpdateExclusiveLock' : 'AccessShareLock', {
                why: `ANALYZE of ${table} samples its inheritance child too`,
              }),
            );
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
        if (v < 14)
          for (const p of ctx.catalog.parentsOf(table).filter((x) => ctx.catalog.partitionsOf(x).includes(table)))
            add(effect(p, 'AccessShareLock', { why: 'TRUNCATE of a partition reads its parent before PG 14' }));
      }
      // A file created in this transaction is emptied in place: no new relfilenode (ExecuteTruncateGuts,
      // rd_createSubid / rd_newRelfilelocatorSubid).
      const emptied = (table: string, why: string) => {
        const inPlace = ctx.renewedInTransaction?.includes(table) === true;
        add(
          effect(table, 'AccessExclusiveLock', {
            rewrite: !inPlace,
            emptiesTable: true,
            why: inPlace ? `${why}; the table got a new file earlier in this transaction, which TRUNCATE empties in place` : why,
          }),
        );
      };
      for (const table of named) emptied(table, 'TRUNCATE deletes every row and blocks reads and writes until commit');
      // CASCADE empties every table whose foreign key points at a truncated one, transitively.
      const queue = cascade ? [...named] : [];
      const seen = new Set<string>(named);
      while (queue.length) {
        for (const t of referencingTables(queue.shift() as string, ctx)) {
          if (seen.has(t)) continue;
          seen.add(t);
          queue.push(t);
          emptied(t, 'TRUNCATE ... CASCADE also empties this table through its foreign key');
        }
      }
      if (!cascade) {
        const blockers = named.flatMap((t: string) =>
          referencingTables(t, ctx)
            .filter((r) => !seen.has(r))
            .map((r) => `${r} references ${t}`),
        );
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
        if (r?.RangeVar?.inh === true)
          for (const p of ctx.catalog.descendantsOf(rel))
            add(effect(p, mode, { why: `LOCK TABLE on ${rel} locks its partitions and inheritance children too` }));
        for (const base of viewBaseTables(rel, ctx))
          add(effect(base, mode, { why: `LOCK TABLE on the view ${rel} locks the tables it reads` }));
      }
      return;
    }
    case 'CreateTrigStmt': {
      const table = resolveTable(node.relation, ctx);
      add(effect(table, 'ShareRowExclusiveLock', { why: 'CREATE TRIGGER blocks writes (briefly)' }));
      // A row trigger on a partitioned table is cloned onto every partition (not onto inheritance children).
      if (node.row)
        for (const p of ctx.catalog.partitionsOf(table))
          add(effect(p, 'ShareRowExclusiveLock', { why: `the row trigger on the partitioned ${table} is created on this partition too` }));
      return;
    }
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      add(
        effect(resolveTable(node.table, ctx), 'AccessExclusiveLock', {
          why: 'policies change what SELECT sees, so they take ACCESS EXCLUSIVE (briefly)',
        }),
      );
      // A subquery in USING or WITH CHECK is analysed, which opens the tables it reads.
      for (const r of readRelations([node.qual, node.with_check]))
        add(effect(resolveName(r, ctx), 'AccessShareLock', { why: 'the policy expression reads this table' }));
      return;
    case 'RefreshMatViewStmt': {
      const mv = qualify(rangeVarName(node.relation));
      // EXCLUSIVE lets reads go on (observed on PG 15: a reader does not queue behind a waiting refresh),
      // and a materialized view takes no INSERT/UPDATE/DELETE: only other refreshes, DDL and VACUUM wait.
      if (node.concurrent)
        add({ ...effect(mv, 'ExclusiveLock', { scan: true, why: 'REFRESH ... CONCURRENTLY lets reads continue' }), blocks: ['DDL'] });
      else
        add(
          effect(mv, 'AccessExclusiveLock', {
            rewrite: true,
            why: 'REFRESH MATERIALIZED VIEW blocks reads of the view until it is rebuilt',
          }),
        );
      // WITH NO DATA empties the view without running its query.
      if (!node.skipData)
        for (const r of ctx.catalog.views.get(mv)?.reads ?? [])
          add(effect(r.table, 'AccessShareLock', { scan: true, why: 'the materialized view query reads this table' }));
      return;
    }
    case 'ViewStmt': {
      const view = qualify(rangeVarName(node.view));
      add(
        effect(view, 'AccessExclusiveLock', {
          why: node.replace ? 'CREATE OR REPLACE VIEW blocks reads of the view (briefly)' : 'a new view',
        }),
      );
      for (const r of readRelations(node.query))
        add(effect(resolveName(r, ctx), 'AccessShareLock', { why: 'the view query reads this table' }));
      return;
    }
    case 'CreateTableAsStmt': {
      const target = qualify(rangeVarName(node.into?.rel));
      add(effect(target, 'AccessExclusiveLock', { why: 'a new relation' }));
      for (const r of readRelations(node.query)) {
        const rel = resolveName(r, ctx);
        add(effect(rel, 'AccessShareLock', { scan: true, why: 'the query reads this table' }));
        if (r.inh)
          for (const d of ctx.catalog.descendantsOf(rel))
            add(effect(d, 'AccessShareLock', { scan: true, why: `the query reads ${rel}${PLAN_DEPENDENT}` }));
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
        add(
          effect(qualify(listName(items.slice(0, -1))), 'AccessShareLock', {
            why: "COMMENT on a table's constraint, trigger, policy or rule reads the table",
          }),
        );
      }
      return;
    }
    case 'RuleStmt':
      add(
        effect(resolveTable(node.relation, ctx), 'AccessExclusiveLock', {
          why: 'CREATE RULE changes what queries on the table do, so it takes ACCESS EXCLUSIVE (brief)',
        }),
      );
      return;
    case 'AlterSeqStmt': {
      // Observed on PG 15: SHARE ROW EXCLUSIVE on the sequence until commit, so every nextval() (ROW
      // EXCLUSIVE), and every INSERT whose default calls it, waits for the migration's transaction.
      if (node.sequence)
        add(
          effect(qualify(rangeVarName(node.sequence)), 'ShareRowExclusiveLock', {
            why: 'ALTER SEQUENCE blocks nextval() until the transaction ends',
          }),
        );
      const owned = (node.options ?? []).find((o: Node) => o?.DefElem?.defname === 'owned_by')?.DefElem?.arg?.List?.items;
      const parts = strings(owned);
      if (parts.length >= 2)
        add(effect(qualify(listName(parts.slice(0, -1))), 'AccessShareLock', { why: 'OWNED BY reads the owning table' }));
      return;
    }
    case 'CreatePublicationStmt':
    case 'AlterPublicationStmt':
      for (const o of node.pubobjects ?? []) {
        const rel = o?.PublicationObjSpec?.pubtable?.relation;
        if (rel)
          add(effect(resolveTable(rel, ctx), 'ShareUpdateExclusiveLock', { why: 'adding a table to a publication blocks other DDL only' }));
      }
      return;
    case 'AlterDomainStmt': {
      // ADD CONSTRAINT (subtype C) and SET NOT NULL (O) check every column of the domain's type.
      // VALIDATE CONSTRAINT (V) checks them too, under the same SHARE lock (observed on 11 to 18).
      if (node.subtype !== 'C' && node.subtype !== 'O' && node.subtype !== 'V') return;
      if (node.subtype === 'C' && node.def?.Constraint?.skip_validation) return;
      const domain = strings(node.typeName).pop()?.toLowerCase() ?? '';
      for (const t of ctx.catalog.tables.values()) {
        if ([...t.columns.values()].some((c) => c.type?.name === domain)) {
          add(
            effect(t.qualified, 'ShareLock', {
              scan: true,
              why: `ALTER DOMAIN ${domain} checks every row of this table's ${domain} columns, blocking writes`,
            }),
          );
        }
      }
      return;
    }
    case 'GrantStmt':
      // GRANT/REVOKE on a table take ACCESS SHARE on it from PostgreSQL 18 (PGlite, and a real 18.4
      // server); 11 to 17 take no lock on the table (observed on 11, 12, 13, 14, 15, 16 and 17).
      if (node.objtype === 'OBJECT_TABLE' && node.targtype === 'ACL_TARGET_OBJECT' && v >= 18) {
        for (const r of node.objects ?? [])
          add(effect(resolveTable(r, ctx), 'AccessShareLock', { why: 'GRANT/REVOKE reads the table (PG 18+)' }));
      }
      return;
    case 'CreateStatsStmt':
      for (const r of node.relations ?? [])
        add(effect(resolveTable(r, ctx), 'ShareUpdateExclusiveLock', { why: 'CREATE STATISTICS blocks other DDL only' }));
      return;
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt': {
      // MERGE exists from PostgreSQL 15 (older servers answer a syntax error).
      if (type === 'MergeStmt' && v < 15) out.unsupported = 'MERGE needs PostgreSQL 15 or later';
      const target = resolveTable(node.relation, ctx);
      add(
        effect(target, 'RowExclusiveLock', {
          why: 'row-level writes: they conflict only with the rows they touch, but hold those row locks until commit',
        }),
      );
      // UPDATE, DELETE and MERGE reach every partition and inheritance child; INSERT puts rows in the
      // named table, or routes them to the partitions of a partitioned one.
      if (node.relation?.inh === true) {
        const below = type === 'InsertStmt' ? ctx.catalog.partitionsOf(target) : ctx.catalog.descendantsOf(target);
        for (const d of below) add(effect(d, 'RowExclusiveLock', { why: `written through ${target}${PLAN_DEPENDENT}` }));
      }
      readTables(node, ctx, add, target);
      writableCtes(node, ctx, out, depth);
      foreignKeyChecks(type, node, target, ctx, add);
      triggerBodies(type, node, target, ctx, out, depth);
      calledFunctionsBodies(node, ctx, out, depth);
      return;
    }
    case 'SelectStmt': {
      // SELECT ... INTO creates a table from the query, as CREATE TABLE ... AS does.
      if (node.intoClause)
        return collect(
          {
            CreateTableAsStmt: {
              query: { SelectStmt: { ...node, intoClause: undefined } },
              into: node.intoClause,
              objtype: 'OBJECT_TABLE',
            },
          },
          ctx,
          out,
          depth,
        );
      // FOR UPDATE/SHARE locks the rows of the tables in FROM (those named by OF, by alias or name, and
      // through subqueries in FROM), not those of subqueries elsewhere (observed on 11 to 18).
      const { lockingClause, ...query } = node;
      const rowLocked = rowLockedTables(node, ctx);
      for (const r of readRelations(query)) {
        const rel = resolveName(r, ctx);
        const forUpdate = rowLocked.has(rel);
        const mode: LockMode = forUpdate ? 'RowShareLock' : 'AccessShareLock';
        add(effect(rel, mode, { why: forUpdate ? 'SELECT ... FOR UPDATE/SHARE locks rows' : 'reads' }));
        if (r.inh) for (const d of ctx.catalog.descendantsOf(rel)) add(effect(d, mode, { why: `read through ${rel}${PLAN_DEPENDENT}` }));
        for (const base of viewBaseTables(rel, ctx)) add(effect(base, mode, { why: `read through the view ${rel}` }));
        for (const d of viewBaseTables(rel, ctx, true)) add(effect(d, mode, { why: `read through the view ${rel}${PLAN_DEPENDENT}` }));
      }
      writableCtes(node, ctx, out, depth);
      calledFunctionsBodies(node, ctx, out, depth);
      return;
    }
    case 'AlterEnumStmt':
      return;
    case 'ExplainStmt': {
      // EXPLAIN ANALYZE runs the statement. Plain EXPLAIN only plans it: the same locks on the tables it
      // names, but no rows are read or written, so no foreign key checks, triggers or function bodies run.
      if (hasOption(node.options, 'analyze')) return collect(node.query, ctx, out, depth);
      const inner: StatementLocks = { effects: [], nonTransactional: false, notAnalysed: [] };
      collect(node.query, ctx, inner, depth);
      for (const e of inner.effects) {
        if (/FOR KEY SHARE|^(trigger )?function /.test(e.why)) continue;
        out.effects.push(effect(e.relation, e.mode, { why: `EXPLAIN plans the statement: ${e.why}` }));
      }
      return;
    }
    case 'CreateFunctionStmt':
      // A SQL-standard body (BEGIN ATOMIC / RETURN, PG 14+) is parsed and analysed at CREATE time.
      if (node.sql_body) {
        if (v < 14) out.unsupported = 'SQL-standard function bodies (BEGIN ATOMIC, RETURN) need PostgreSQL 14 or later';
        for (const r of readRelations(node.sql_body))
          add(
            effect(resolveName(r, ctx), 'AccessShareLock', {
              why: 'the SQL-standard function body is analysed when the function is created, which opens this table',
            }),
          );
      }
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

const COMPARISONS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=']);

/** CREATE INDEX's keys (INCLUDE columns left out): the duration depends on their width and distinct values. */
function indexKeysOf(node: Node): IndexKey[] {
  return ((node.indexParams ?? []) as Node[]).map((p): IndexKey => {
    const el = p.IndexElem ?? {};
    if (typeof el.name === 'string') return { column: el.name };
    const x = el.expr ?? {};
    const op = x.A_Expr?.kind === 'AEXPR_OP' ? strings(x.A_Expr.name).pop() : undefined;
    const boolean = (op !== undefined && COMPARISONS.has(op)) || !!x.BoolExpr || !!x.NullTest || !!x.BooleanTest;
    return { expression: boolean ? 'boolean' : 'other' };
  });
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
    const cons: Node[] =
      kind === 'ColumnDef' ? (def.constraints ?? []).map((c: Node) => c?.Constraint) : kind === 'Constraint' ? [def] : [];
    for (const c of cons) if (c?.contype === 'CONSTR_FOREIGN' && c.pktable) referenced.add(resolveTable(c.pktable, ctx));
  }
  for (const elt of node.tableElts ?? []) {
    const like = elt?.TableLikeClause?.relation;
    if (like) add(effect(resolveTable(like, ctx), 'AccessShareLock', { why: 'CREATE TABLE ... LIKE reads the source table definition' }));
  }
  for (const r of referenced) {
    if (ctx.catalog.table(r)?.kind === 'partitioned' && ctx.pgVersion < 12)
      out.unsupported = 'foreign keys referencing a partitioned table need PostgreSQL 12 or later';
    if (r === table) continue;
    add(effect(r, 'ShareRowExclusiveLock', { why: 'a foreign key adds triggers to the referenced table, blocking its writes (briefly)' }));
  }
  for (const parent of node.inhRelations ?? []) {
    const p = resolveTable(parent, ctx);
    if (node.partbound) {
      add(effect(p, 'AccessExclusiveLock', { why: 'CREATE TABLE ... PARTITION OF locks the parent' }));
      defaultPartitionChecked(p, table, node.partbound, ctx, add, 'CREATE TABLE ... PARTITION OF');
    } else add(effect(p, 'ShareUpdateExclusiveLock', { why: 'INHERITS locks the parent against other DDL' }));
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
        for (const p of ctx.catalog.partitionsOf(table))
          add(effect(p, 'AccessExclusiveLock', { why: `a partition of ${table}: dropped with it` }));
        const children = inheritanceDescendants(table, ctx);
        if (children.length && node.behavior !== 'DROP_CASCADE')
          addFailure(
            out,
            `DROP TABLE ${table} fails without CASCADE: ${children.join(', ')} inherit${children.length === 1 ? 's' : ''} from it`,
          );
        else
          for (const c of children)
            add(effect(c, 'AccessExclusiveLock', { why: `DROP ... CASCADE drops this inheritance child of ${table}` }));
        for (const p of ctx.catalog.parentsOf(table))
          if (ctx.catalog.partitionsOf(p).includes(table))
            add(effect(p, 'AccessExclusiveLock', { why: `dropping the partition ${table} changes its parent's partition list` }));
        for (const k of ctx.catalog.table(table)?.constraints ?? []) {
          if (k.type === 'f' && k.references && k.references !== table)
            add(
              effect(k.references, 'AccessExclusiveLock', { why: `dropping ${table} removes its foreign key's triggers from this table` }),
            );
        }
        const dropped = new Set(names.map((x: string[]) => resolveName(listName(x), ctx)));
        if (node.behavior === 'DROP_CASCADE') {
          for (const view of ctx.catalog.views.values()) {
            if (view.reads.some((r) => r.table === table))
              add(effect(view.qualified, 'AccessExclusiveLock', { why: `DROP ... CASCADE drops this view, which reads ${table}` }));
          }
        }
        for (const r of referencingTables(table, ctx).filter((x) => !dropped.has(x))) {
          if (node.behavior === 'DROP_CASCADE')
            add(effect(r, 'AccessExclusiveLock', { why: `DROP ... CASCADE drops this table's foreign key to ${table}` }));
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
        add(
          effect(table ?? idx, node.concurrent ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock', {
            why: node.concurrent
              ? 'DROP INDEX CONCURRENTLY waits for queries using the index instead of blocking them'
              : 'DROP INDEX takes ACCESS EXCLUSIVE on the table, blocking reads and writes',
          }),
        );
        // An index on a partitioned table takes the partitions' indexes with it.
        if (table && !node.concurrent)
          for (const p of ctx.catalog.partitionsOf(table))
            add(effect(p, 'AccessExclusiveLock', { why: `dropping the partitioned index ${idx} drops this partition's index too` }));
      }
      return;
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
      for (const n of names)
        add(effect(resolveName(listName(n), ctx), 'AccessExclusiveLock', { why: 'DROP VIEW; code that still uses it breaks' }));
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
        const users: [string, string][] = fn
          ? [
              ...ctx.catalog.tablesTriggering(name).map((t): [string, string] => [t, `a trigger of this table runs ${name}()`]),
              // A CHECK constraint or an index expression that calls it is dropped with it (observed on 11 to 18).
              ...(ctx.catalog.functionUsers.get(name) ?? []).map((t): [string, string] => [
                t,
                `a CHECK constraint or index of this table calls ${name}()`,
              ]),
            ]
          : [
              ...[...ctx.catalog.tables.values()]
                .filter((t) => [...t.columns.values()].some((c) => c.type?.name.split('.').pop() === name))
                .map((t): [string, string] => [t.qualified, `a column of this table has the type ${name}`]),
              // A typed table (CREATE TABLE ... OF) and a view whose query casts to the type go with it.
              ...(ctx.catalog.typedTables.get(name) ?? []).map((t): [string, string] => [t, `this table is a typed table OF ${name}`]),
              ...[...ctx.catalog.views.values()]
                .filter((w) => w.types?.includes(name))
                .map((w): [string, string] => [w.qualified, `this view's query uses the type ${name}`]),
            ];
        for (const [t, what] of users) {
          if (node.behavior === 'DROP_CASCADE')
            add(effect(t, 'AccessExclusiveLock', { why: `DROP ... CASCADE: ${what}, and is dropped with it` }));
          else addFailure(out, `DROP ${fn ? 'FUNCTION' : 'TYPE'} ${name} fails without CASCADE: ${what.replace(/this (table|view)/, t)}`);
        }
      }
      return;
    case 'OBJECT_SCHEMA':
      for (const o of node.objects ?? []) dropSchema(String(o?.String?.sval ?? ''), node.behavior === 'DROP_CASCADE', ctx, out);
      return;
    case 'OBJECT_SEQUENCE':
      // A default that calls the sequence is dropped with CASCADE, which locks its table; an identity
      // column's sequence cannot be dropped at all.
      for (const n of names) {
        const seq = resolveName(listName(n), ctx);
        for (const t of ctx.catalog.tables.values()) {
          for (const c of t.columns.values()) {
            if (c.sequence?.name !== seq) continue;
            if (c.sequence.identity)
              addFailure(out, `DROP SEQUENCE ${seq} fails: the identity column ${t.qualified}.${c.name} requires it`);
            else if (node.behavior === 'DROP_CASCADE')
              add(
                effect(t.qualified, 'AccessExclusiveLock', {
                  why: `DROP SEQUENCE ... CASCADE drops the default of ${c.name}, which calls ${seq}`,
                }),
              );
            else addFailure(out, `DROP SEQUENCE ${seq} fails without CASCADE: the default of ${t.qualified}.${c.name} calls it`);
          }
        }
      }
      return;
    case 'OBJECT_STATISTIC_EXT':
      // From 12 dropping statistics locks their table against other DDL (11 takes no table lock; observed).
      for (const n of names) {
        const table = ctx.catalog.statistics.get(resolveName(listName(n), ctx));
        if (table && ctx.pgVersion >= 12)
          add(effect(table, 'ShareUpdateExclusiveLock', { why: 'DROP STATISTICS blocks other DDL on the table only' }));
      }
      return;
    case 'OBJECT_TRIGGER':
    case 'OBJECT_POLICY':
    case 'OBJECT_RULE':
      for (const n of names) {
        const table = resolveName(listName(n.slice(0, -1)), ctx);
        add(
          effect(table, 'AccessExclusiveLock', {
            why: `DROP ${node.removeType.replace('OBJECT_', '')} takes ACCESS EXCLUSIVE on the table (brief)`,
          }),
        );
      }
      return;
    default:
      return;
  }
}

/**
 * DROP SCHEMA: with CASCADE every table, view and materialized view in it is dropped, and the foreign
 * keys and views outside that depend on them (ACCESS EXCLUSIVE on each, observed on 11 to 18);
 * without CASCADE it fails when the schema holds anything.
 */
function dropSchema(schema: string, cascade: boolean, ctx: LockContext, out: StatementLocks): void {
  const inside = [
    ...new Set([
      ...[...ctx.catalog.tables.values()].filter((t) => t.schema === schema).map((t) => t.qualified),
      ...[...ctx.catalog.views.keys()].filter((v) => v.split('.')[0] === schema),
    ]),
  ];
  if (!inside.length) return;
  if (!cascade) {
    addFailure(
      out,
      `DROP SCHEMA ${schema} fails without CASCADE: it holds ${inside.slice(0, 3).join(', ')}${inside.length > 3 ? ', ...' : ''}`,
    );
    return;
  }
  const dropped = new Set(inside);
  for (const r of inside) out.effects.push(effect(r, 'AccessExclusiveLock', { why: `DROP SCHEMA ${schema} CASCADE drops this relation` }));
  for (const r of inside) {
    for (const t of referencingTables(r, ctx))
      if (!dropped.has(t))
        out.effects.push(effect(t, 'AccessExclusiveLock', { why: `DROP SCHEMA ${schema} CASCADE drops this table's foreign key to ${r}` }));
    for (const w of ctx.catalog.views.values())
      if (!dropped.has(w.qualified) && w.reads.some((x) => x.table === r))
        out.effects.push(
          effect(w.qualified, 'AccessExclusiveLock', { why: `DROP SCHEMA ${schema} CASCADE drops this view, which reads ${r}` }),
        );
  }
}

/** A data-modifying WITH query (WITH d AS (DELETE ...) ...) writes its table, as the statement alone would. */
function writableCtes(node: Node, ctx: LockContext, out: StatementLocks, depth: number): void {
  for (const c of node.withClause?.ctes ?? []) {
    const q = c?.CommonTableExpr?.ctequery;
    const [kind] = q ? unwrap(q) : [''];
    // Read alone, its FROM batch would name a table: the sibling CTEs are not tables.
    const names = new Set<string>([
      ...(ctx.outerCtes ?? []),
      ...(node.withClause.ctes ?? []).map((x: Node) => String(x?.CommonTableExpr?.ctename ?? '')),
    ]);
    if (['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt'].includes(kind)) collect(q, { ...ctx, outerCtes: names }, out, depth);
  }
}

/** The tables whose rows a SELECT's FOR UPDATE/SHARE clauses lock. */
function rowLockedTables(node: Node, ctx: LockContext): Set<string> {
  const out = new Set<string>();
  const clauses: Node[] = (node.lockingClause ?? []).map((l: Node) => l?.LockingClause ?? {});
  if (!clauses.length) return out;
  const all = clauses.some((c) => !(c.lockedRels ?? []).length);
  const named = new Set<string>(clauses.flatMap((c) => (c.lockedRels ?? []).map((r: Node) => String(r?.RangeVar?.relname ?? ''))));
  const from = (items: Node[] | undefined, every: boolean): void => {
    for (const item of items ?? []) {
      const [kind, v] = unwrap(item);
      if (kind === 'RangeVar' && (every || named.has(v.alias?.aliasname ?? v.relname))) out.add(resolveName(rangeVarName(item), ctx));
      else if (kind === 'JoinExpr') from([v.larg, v.rarg], every);
      else if (kind === 'RangeSubselect') from(v.subquery?.SelectStmt?.fromClause, every || named.has(v.alias?.aliasname));
    }
  };
  from(node.fromClause, all);
  return out;
}

/** Tables read by a DML statement besides its target (FROM/USING/subqueries). */
function readTables(node: Node, ctx: LockContext, add: (e: LockEffect) => void, target: string): void {
  const { relation: _target, ...rest } = node;
  for (const r of readRelations(rest)) {
    if (!r.schema && ctx.outerCtes?.has(r.name)) continue;
    const t = resolveName(r, ctx);
    if (t === target) continue;
    add(effect(t, 'AccessShareLock', { why: 'read by the statement' }));
    if (r.inh)
      for (const d of ctx.catalog.descendantsOf(t)) add(effect(d, 'AccessShareLock', { why: `read through ${t}${PLAN_DEPENDENT}` }));
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
      // A partitioned referenced table (PG 12+) is read through: the check locks the partition holding the key.
      for (const p of ctx.catalog.partitionsOf(k.references))
        add(effect(p, 'RowShareLock', { why: `the foreign key check reads ${k.references} with FOR KEY SHARE${PLAN_DEPENDENT}` }));
    }
  }
  if (events & (8 | 16)) referencingChecks(target, events, updated, ctx, add, new Set([target]));
}

/**
 * The tables whose foreign keys point at rows a DELETE or UPDATE of `target` removes or changes: they
 * are checked with FOR KEY SHARE, or written by ON DELETE / ON UPDATE actions, and a cascaded write
 * goes on to the tables that reference those in turn (observed three hops deep on 11 to 18). A
 * partition carries the foreign keys that point at its partitioned ancestors.
 */
function referencingChecks(
  target: string,
  events: number,
  updated: Set<string>,
  ctx: LockContext,
  add: (e: LockEffect) => void,
  seen: Set<string>,
): void {
  const referenced = new Set([target, ...partitionAncestors(target, ctx)]);
  for (const t of ctx.catalog.tables.values()) {
    if (referenced.has(t.qualified)) continue;
    const fks = t.constraints.filter((k) => k.type === 'f' && k.references !== undefined && referenced.has(k.references));
    if (fks.length === 0) continue;
    // An UPDATE only checks referencing rows when it changes the referenced key.
    const keyUpdated = fks.filter((k) => referencedKey(k, ctx).some((c) => updated.has(c)));
    if (!(events & 8) && keyUpdated.length === 0) continue;
    // ON DELETE / ON UPDATE CASCADE, SET NULL and SET DEFAULT write the referencing rows.
    const acts = (a: string | undefined) => a === 'c' || a === 'n' || a === 'd';
    const writes = (events & 8 && fks.some((k) => acts(k.onDelete))) || keyUpdated.some((k) => acts(k.onUpdate));
    add(
      effect(t.qualified, writes ? 'RowExclusiveLock' : 'RowShareLock', {
        why: `rows referencing ${target} are checked with FOR KEY SHARE${writes ? ", and the foreign key's ON DELETE/ON UPDATE action writes them" : ''}`,
      }),
    );
    if (!writes || seen.has(t.qualified)) continue;
    seen.add(t.qualified);
    // CASCADE deletes (or updates) the referencing rows; SET NULL / SET DEFAULT update the key columns.
    const deletes = events & 8 && fks.some((k) => k.onDelete === 'c');
    const cols = new Set(fks.flatMap((k) => k.columns));
    referencingChecks(t.qualified, deletes ? 8 : 16, deletes ? new Set() : cols, ctx, add, seen);
  }
}

/** The partitioned tables above a partition (not inheritance parents). */
function partitionAncestors(table: string, ctx: LockContext): string[] {
  const out: string[] = [];
  for (const p of ctx.catalog.parentsOf(table)) if (ctx.catalog.partitionsOf(p).includes(table)) out.push(p, ...partitionAncestors(p, ctx));
  return out;
}

/**
 * Target columns a write sets: those of inserted rows (undefined: every column) and those an update
 * changes (UPDATE's SET list; ON CONFLICT DO UPDATE's; MERGE's WHEN clauses, for both).
 */
function writtenColumns(type: string, node: Node): { inserted: Set<string> | undefined; updated: Set<string> } {
  const names = (list: Node[] | undefined) => (list ?? []).map((t: Node) => String(t?.ResTarget?.name));
  if (type === 'UpdateStmt') return { inserted: new Set(), updated: new Set(names(node.targetList)) };
  if (type === 'InsertStmt')
    return {
      inserted: (node.cols ?? []).length ? new Set(names(node.cols)) : undefined,
      updated: new Set(names(node.onConflictClause?.targetList)),
    };
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
  for (const r of v.reads)
    out.push(
      ...(descendants ? (r.inh ? ctx.catalog.descendantsOf(r.table) : []) : [r.table]),
      ...viewBaseTables(r.table, ctx, descendants, seen),
    );
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
  const queries = [...body.queries];
  for (const d of body.dynamic) {
    // EXECUTE of a string constant (the lock-retry block's form) runs known SQL: analyse it like static SQL.
    const constant = constantString(d, ctx);
    if (constant !== undefined) queries.push(constant);
    else out.notAnalysed.push(`${where}: dynamic EXECUTE ${d.length > 60 ? d.slice(0, 57) + '...' : d} is not analysed`);
  }
  for (const q of queries) {
    const stmts = ctx.parseNested(q);
    if (!stmts) {
      out.notAnalysed.push(`${where}: could not parse ${q.slice(0, 60)}`);
      continue;
    }
    nestedStatements(stmts, ctx, out, depth, where);
  }
}

/** The value of an EXECUTE expression that is a single string literal ('...', E'...', $tag$...$tag$), else undefined. */
function constantString(expr: string, ctx: LockContext): string | undefined {
  const parsed = ctx.parseNested?.(`SELECT ${expr}`);
  if (parsed?.length !== 1) return undefined;
  const [kind, node] = unwrap(parsed[0]);
  const targets = node?.targetList ?? [];
  if (kind !== 'SelectStmt' || targets.length !== 1 || node.fromClause || node.whereClause) return undefined;
  const sval = targets[0]?.ResTarget?.val?.A_Const?.sval?.sval;
  return typeof sval === 'string' ? sval : undefined;
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
