// ALTER TABLE's lock facts: one row per subcommand (AlterTableType, the parser's own enum), so the
// compiler checks that none is missing and none falls into an unexamined default. A row says the lock
// on the named table (PostgreSQL's AlterTableGetLockLevel in src/backend/commands/tablecmds.c), the
// work done under it, which partitions and inheritance children it reaches, the versions that have
// it, and the corpus forms (test-fixtures/locks/corpus.sql) in which PostgreSQL confirms it. Facts that
// need the statement's AST (the rewrite decision of ALTER COLUMN TYPE, ADD COLUMN defaults, constraint
// kinds, storage parameters, partitions, the other table of a foreign key) are functions the row names.
import type { AlterTableType } from '@pgsql/types';
import { calledFunctions, qualify, rangeVarName, strings, type Node } from '../syntax/ast';
import type { TableInfo } from '../schema/catalog';
import {
  isSerialTypeName,
  typeChangeEffect,
  typeFromAst,
  typeText,
  usingIsColumnItself,
  type ColumnType,
  type TypeChange,
} from '../syntax/pgtypes';
import type { LockEffect, LockMode } from '../types';
import {
  addFailure,
  generatedColumnSupport,
  isVolatileExpression,
  referencedKey,
  resolveTable,
  type LockContext,
  type StatementLocks,
} from './common';
import { effect } from './effect';
import { lockStrength } from './modes';

/** One subcommand of one ALTER TABLE, with what its facts may look at. */
export interface Subcommand {
  cmd: Node;
  /** The named table (schema-qualified). */
  table: string;
  info: TableInfo | undefined;
  ctx: LockContext;
  out: StatementLocks;
  add(e: LockEffect): void;
}

/** Whether partitions or inheritance children are reached: never, always, or from a major version on. */
type Reach = boolean | { since: number };

/** The subcommand applied to a child: the parent's lock, with (work) or without its rewrite/scan/index build. */
interface Recursion {
  sub: Subcommand;
  children: string[];
  partitions: Set<string>;
  same(child: string, work?: boolean): LockEffect;
}

export interface AlterTableRow {
  /** How it is written (used in messages). */
  sql: string;
  /** Set when the parser never produces it (no SQL reaches it): what does, inside PostgreSQL. */
  internal?: string;
  /** The lock on the named table. */
  mode: LockMode | ((s: Subcommand) => LockMode);
  /** Rewrites the named table; 'ast': effects() decides. */
  rewrite: boolean | 'ast';
  /** Reads the whole named table (a scan or a validation); 'ast': effects() decides. */
  scan: boolean | 'ast';
  /** Without ONLY, the partitions and inheritance children that get the subcommand too (same lock and work). */
  children: { partitions: Reach; inheritance: Reach } | ((r: Recursion) => LockEffect[]);
  /** First major that accepts it (older ones answer a syntax error). */
  since?: number;
  /** Last major that accepts it. */
  until?: number;
  /** The reason shown with the lock (when effects() does not write its own). */
  why: string | ((s: Subcommand) => string);
  /** The locks on the named table (in `mode`) and on other tables, failures and notes, when they need the AST. */
  effects?: (s: Subcommand, mode: LockMode) => void;
  /** ALTER INDEX with this subcommand (only ATTACH PARTITION differs from SHARE UPDATE EXCLUSIVE on the index). */
  onIndex?: { mode: (s: Subcommand) => LockMode; effects: (s: Subcommand) => void };
  /**
   * Why no form of test-fixtures/locks/corpus.sql uses it, when none does (the alter-table-locks test
   * checks that every subcommand reachable from SQL is in the corpus or says here why not).
   */
  uncorpused?: string;
}

const AE: LockMode = 'AccessExclusiveLock';
const SUE: LockMode = 'ShareUpdateExclusiveLock';
const SRE: LockMode = 'ShareRowExclusiveLock';
const NONE = { partitions: false, inheritance: false } as const;
const ALL = { partitions: true, inheritance: true } as const;

/** An internal subcommand: the lock AlterTableGetLockLevel gives it, for completeness; no SQL reaches it. */
function internal(sql: string, by: string, mode: LockMode = AE): AlterTableRow {
  return {
    sql,
    internal: by,
    mode,
    rewrite: false,
    scan: false,
    children: NONE,
    why: `${sql} takes ${mode === AE ? 'ACCESS EXCLUSIVE' : mode}`,
  };
}

/** ENABLE/DISABLE TRIGGER: writes only; a row trigger's clones on the partitions are switched too. */
const triggerRow = (sql: string): AlterTableRow => ({
  sql,
  mode: SRE,
  rewrite: false,
  scan: false,
  children: triggerClones,
  why: 'enabling or disabling triggers blocks writes (briefly)',
});

/** ENABLE/DISABLE RULE: rules rewrite SELECTs too, so ACCESS EXCLUSIVE; never recurses. */
const ruleRow = (sql: string): AlterTableRow => ({
  sql,
  mode: AE,
  rewrite: false,
  scan: false,
  children: NONE,
  why: `${sql} takes ACCESS EXCLUSIVE (brief): rules change what queries on the table do`,
});

/** Row-level security switches change which rows SELECT returns; never recurse (observed on inheritance). */
const rlsRow = (sql: string): AlterTableRow => ({
  sql,
  mode: AE,
  rewrite: false,
  scan: false,
  children: NONE,
  why: `${sql} takes ACCESS EXCLUSIVE (brief): it changes which rows queries see`,
});

const SETTING = 'a planner or maintenance setting: blocks other DDL only';

/**
 * Every ALTER TABLE subcommand. Modes are AlterTableGetLockLevel's (PostgreSQL 11 to 18 agree on all of
 * these except ATTACH PARTITION, SHARE UPDATE EXCLUSIVE from 12, and DETACH ... CONCURRENTLY, from 14);
 * the corpus confirms each one reachable from SQL.
 */
export const ALTER_TABLE: Record<AlterTableType, AlterTableRow> = {
  // ---- columns
  AT_AddColumn: { sql: 'ADD COLUMN', mode: AE, rewrite: 'ast', scan: 'ast', children: ALL, why: 'ADD COLUMN', effects: addColumnEffects },
  AT_AddColumnToView: internal('ADD COLUMN (view)', 'CREATE OR REPLACE VIEW adding a column'),
  AT_DropColumn: {
    sql: 'DROP COLUMN',
    mode: AE,
    rewrite: false,
    scan: false,
    children: ALL,
    why: 'DROP COLUMN',
    effects: dropColumnEffects,
  },
  AT_AlterColumnType: {
    sql: 'ALTER COLUMN ... TYPE',
    mode: AE,
    rewrite: 'ast',
    scan: 'ast',
    children: ALL,
    why: 'ALTER COLUMN TYPE',
    effects: alterColumnTypeEffects,
  },
  AT_ColumnDefault: {
    sql: 'ALTER COLUMN ... SET/DROP DEFAULT',
    mode: AE,
    rewrite: false,
    scan: false,
    children: ALL,
    why: (s) => `${s.cmd.def ? 'SET' : 'DROP'} DEFAULT changes only the catalog (no rewrite), but takes ACCESS EXCLUSIVE briefly`,
  },
  AT_CookedColumnDefault: internal('(cooked column default)', 'CREATE TABLE, for a default already transformed'),
  AT_SetNotNull: {
    sql: 'ALTER COLUMN ... SET NOT NULL',
    mode: AE,
    rewrite: false,
    scan: 'ast',
    children: ALL,
    why: 'SET NOT NULL',
    effects: setNotNullEffects,
  },
  AT_DropNotNull: {
    sql: 'ALTER COLUMN ... DROP NOT NULL',
    mode: AE,
    rewrite: false,
    scan: false,
    children: dropNotNullChildren,
    why: 'DROP NOT NULL is instant but takes ACCESS EXCLUSIVE',
  },
  AT_SetExpression: {
    sql: 'ALTER COLUMN ... SET EXPRESSION',
    since: 17,
    mode: AE,
    rewrite: true,
    scan: false,
    children: ALL,
    why: (s) => `SET EXPRESSION on ${s.cmd.name} recomputes the column: rewrites the table`,
  },
  AT_DropExpression: {
    sql: 'ALTER COLUMN ... DROP EXPRESSION',
    since: 13,
    mode: AE,
    rewrite: false,
    scan: false,
    children: ALL,
    why: (s) => `DROP EXPRESSION on ${s.cmd.name} keeps the stored values (no rewrite), but takes ACCESS EXCLUSIVE`,
  },
  AT_SetStatistics: { sql: 'ALTER COLUMN ... SET STATISTICS', mode: SUE, rewrite: false, scan: false, children: ALL, why: SETTING },
  AT_SetOptions: { sql: 'ALTER COLUMN ... SET (...)', mode: SUE, rewrite: false, scan: false, children: NONE, why: SETTING },
  AT_ResetOptions: { sql: 'ALTER COLUMN ... RESET (...)', mode: SUE, rewrite: false, scan: false, children: NONE, why: SETTING },
  // ACCESS EXCLUSIVE because it may add a TOAST table, which a concurrent scan would miss.
  AT_SetStorage: {
    sql: 'ALTER COLUMN ... SET STORAGE',
    mode: AE,
    rewrite: false,
    scan: false,
    children: ALL,
    why: (s) => `SET STORAGE on ${s.cmd.name} applies to values written later, but takes ACCESS EXCLUSIVE`,
  },
  AT_SetCompression: {
    sql: 'ALTER COLUMN ... SET COMPRESSION',
    since: 14,
    mode: AE,
    rewrite: false,
    scan: false,
    children: NONE,
    why: (s) => `SET COMPRESSION on ${s.cmd.name} changes only the catalog (values written later), but takes ACCESS EXCLUSIVE`,
  },
  AT_AlterColumnGenericOptions: {
    sql: 'ALTER FOREIGN TABLE ... ALTER COLUMN ... OPTIONS',
    mode: AE,
    rewrite: false,
    scan: false,
    children: NONE,
    why: 'foreign table column options may change plans: ACCESS EXCLUSIVE (brief)',
  },
  // ---- identity (From 17, with identity columns on partitioned tables, ADD and DROP reach the partitions;
  // no identity subcommand reaches inheritance children, and SET (the sequence options) stays on the parent.)
  AT_AddIdentity: {
    sql: 'ALTER COLUMN ... ADD GENERATED ... AS IDENTITY',
    mode: AE,
    rewrite: false,
    scan: false,
    children: { partitions: { since: 17 }, inheritance: false },
    why: (s) => `ADD ... AS IDENTITY on ${s.cmd.name} creates a sequence and takes ACCESS EXCLUSIVE (brief)`,
  },
  AT_SetIdentity: {
    sql: 'ALTER COLUMN ... SET GENERATED/SET sequence options',
    mode: AE,
    rewrite: false,
    scan: false,
    children: NONE,
    why: (s) => `changing the identity of ${s.cmd.name} takes ACCESS EXCLUSIVE (brief)`,
  },
  AT_DropIdentity: {
    sql: 'ALTER COLUMN ... DROP IDENTITY',
    mode: AE,
    rewrite: false,
    scan: false,
    children: { partitions: { since: 17 }, inheritance: false },
    why: (s) => `DROP IDENTITY on ${s.cmd.name} drops its sequence and takes ACCESS EXCLUSIVE (brief)`,
  },
  // ---- constraints and indexes
  AT_AddConstraint: {
    sql: 'ADD CONSTRAINT',
    mode: (s) => (s.cmd.def?.Constraint?.contype === 'CONSTR_FOREIGN' ? SRE : AE),
    rewrite: false,
    scan: 'ast',
    children: addConstraintChildren,
    why: 'ADD CONSTRAINT',
    effects: (s, mode) => addConstraint(s.table, s.cmd.def?.Constraint ?? {}, s.ctx, s.out, s.info, mode),
  },
  AT_ReAddConstraint: internal('(re-add constraint)', 'ALTER COLUMN TYPE, rebuilding a constraint on the column'),
  AT_ReAddDomainConstraint: internal('(re-add domain constraint)', 'ALTER DOMAIN ... ADD CONSTRAINT on a domain used by a column'),
  AT_AlterConstraint: {
    sql: 'ALTER CONSTRAINT',
    mode: AE,
    rewrite: false,
    scan: false,
    children: NONE,
    why: 'ALTER CONSTRAINT changes only the catalog, but takes ACCESS EXCLUSIVE (brief)',
  },
  AT_ValidateConstraint: {
    sql: 'VALIDATE CONSTRAINT',
    mode: SUE,
    rewrite: false,
    scan: true,
    children: ALL,
    why: 'VALIDATE CONSTRAINT',
    effects: validateConstraintEffects,
  },
  AT_DropConstraint: {
    sql: 'DROP CONSTRAINT',
    mode: AE,
    rewrite: false,
    scan: false,
    children: ALL,
    why: 'DROP CONSTRAINT',
    effects: dropConstraintEffects,
  },
  AT_AddIndex: internal('(add index)', 'parse analysis of ADD PRIMARY KEY/UNIQUE/EXCLUDE (the parser gives AT_AddConstraint)'),
  AT_ReAddIndex: internal('(re-add index)', 'ALTER COLUMN TYPE, rebuilding an index on the column'),
  AT_AddIndexConstraint: internal(
    '(add constraint using index)',
    'parse analysis of ADD ... USING INDEX (the parser gives AT_AddConstraint)',
  ),
  AT_ReAddComment: internal('(re-add comment)', "ALTER COLUMN TYPE, restoring a rebuilt object's comment"),
  AT_ReAddStatistics: internal('(re-add statistics)', 'ALTER COLUMN TYPE, rebuilding extended statistics on the column', SUE),
  // ---- triggers and rules
  AT_EnableTrig: triggerRow('ENABLE TRIGGER'),
  AT_EnableAlwaysTrig: triggerRow('ENABLE ALWAYS TRIGGER'),
  AT_EnableReplicaTrig: triggerRow('ENABLE REPLICA TRIGGER'),
  AT_EnableTrigAll: triggerRow('ENABLE TRIGGER ALL'),
  AT_EnableTrigUser: triggerRow('ENABLE TRIGGER USER'),
  AT_DisableTrig: triggerRow('DISABLE TRIGGER'),
  AT_DisableTrigAll: triggerRow('DISABLE TRIGGER ALL'),
  AT_DisableTrigUser: triggerRow('DISABLE TRIGGER USER'),
  AT_EnableRule: ruleRow('ENABLE RULE'),
  AT_EnableAlwaysRule: ruleRow('ENABLE ALWAYS RULE'),
  AT_EnableReplicaRule: ruleRow('ENABLE REPLICA RULE'),
  AT_DisableRule: ruleRow('DISABLE RULE'),
  // ---- table-level settings
  AT_ChangeOwner: {
    sql: 'OWNER TO',
    mode: AE,
    rewrite: false,
    scan: false,
    children: NONE,
    why: 'OWNER TO takes ACCESS EXCLUSIVE (brief): a new owner can change who may read the table',
  },
  AT_ClusterOn: { sql: 'CLUSTER ON', mode: SUE, rewrite: false, scan: false, children: NONE, why: SETTING },
  AT_DropCluster: { sql: 'SET WITHOUT CLUSTER', mode: SUE, rewrite: false, scan: false, children: NONE, why: SETTING },
  AT_SetLogged: { sql: 'SET LOGGED', mode: AE, rewrite: true, scan: false, children: NONE, why: 'SET LOGGED/UNLOGGED rewrites the table' },
  AT_SetUnLogged: {
    sql: 'SET UNLOGGED',
    mode: AE,
    rewrite: true,
    scan: false,
    children: NONE,
    why: 'SET LOGGED/UNLOGGED rewrites the table',
  },
  // SET WITHOUT OIDS: drops the oid column on 11 (no table of 11 created WITH OIDS is assumed), a no-op from 12.
  AT_DropOids: {
    sql: 'SET WITHOUT OIDS',
    mode: AE,
    rewrite: false,
    scan: false,
    children: NONE,
    why: 'SET WITHOUT OIDS does nothing on a table without OIDs, but takes ACCESS EXCLUSIVE',
  },
  AT_SetAccessMethod: {
    sql: 'ALTER TABLE ... SET ACCESS METHOD',
    since: 15,
    mode: AE,
    rewrite: 'ast',
    scan: 'ast',
    children: NONE,
    why: 'SET ACCESS METHOD',
    effects: moveEffects,
  },
  AT_SetTableSpace: {
    sql: 'SET TABLESPACE',
    mode: AE,
    rewrite: 'ast',
    scan: 'ast',
    children: NONE,
    why: 'SET TABLESPACE',
    effects: moveEffects,
  },
  AT_SetRelOptions: { sql: 'SET (...)', mode: relOptionsMode, rewrite: false, scan: false, children: NONE, why: relOptionsWhy },
  AT_ResetRelOptions: { sql: 'RESET (...)', mode: relOptionsMode, rewrite: false, scan: false, children: NONE, why: relOptionsWhy },
  AT_ReplaceRelOptions: internal('(replace options)', 'CREATE OR REPLACE VIEW'),
  AT_ReplicaIdentity: {
    sql: 'REPLICA IDENTITY',
    mode: AE,
    rewrite: false,
    scan: false,
    children: NONE,
    why: 'REPLICA IDENTITY takes ACCESS EXCLUSIVE (brief)',
  },
  AT_EnableRowSecurity: rlsRow('ENABLE ROW LEVEL SECURITY'),
  AT_DisableRowSecurity: rlsRow('DISABLE ROW LEVEL SECURITY'),
  AT_ForceRowSecurity: rlsRow('FORCE ROW LEVEL SECURITY'),
  AT_NoForceRowSecurity: rlsRow('NO FORCE ROW LEVEL SECURITY'),
  AT_GenericOptions: {
    sql: 'ALTER FOREIGN TABLE ... OPTIONS',
    mode: AE,
    rewrite: false,
    scan: false,
    children: NONE,
    why: 'foreign table options may change plans: ACCESS EXCLUSIVE (brief)',
  },
  // ---- typed tables, inheritance, partitions (OF and NOT OF change the table's row type, like a cast)
  AT_AddOf: {
    sql: 'OF type',
    mode: AE,
    rewrite: false,
    scan: false,
    children: NONE,
    why: 'OF makes the table a typed table: ACCESS EXCLUSIVE (brief)',
  },
  AT_DropOf: {
    sql: 'NOT OF',
    mode: AE,
    rewrite: false,
    scan: false,
    children: NONE,
    why: 'NOT OF unties the table from its type: ACCESS EXCLUSIVE (brief)',
  },
  AT_AddInherit: { sql: 'INHERIT', mode: AE, rewrite: false, scan: false, children: NONE, why: 'INHERIT', effects: inheritEffects },
  AT_DropInherit: { sql: 'NO INHERIT', mode: AE, rewrite: false, scan: false, children: NONE, why: 'NO INHERIT', effects: inheritEffects },
  AT_AttachPartition: {
    sql: 'ATTACH PARTITION',
    mode: (s) => (s.ctx.pgVersion >= 12 ? SUE : AE),
    rewrite: false,
    scan: false,
    children: NONE,
    why: 'ATTACH PARTITION',
    effects: attachPartitionEffects,
    onIndex: { mode: (s) => (s.ctx.pgVersion >= 12 ? SUE : AE), effects: attachIndexEffects },
  },
  AT_DetachPartition: {
    sql: 'DETACH PARTITION',
    mode: (s) => (s.cmd.def?.PartitionCmd?.concurrent ? SUE : AE),
    rewrite: false,
    scan: false,
    children: NONE,
    why: 'DETACH PARTITION',
    effects: detachPartitionEffects,
  },
  AT_DetachPartitionFinalize: {
    sql: 'DETACH PARTITION ... FINALIZE',
    mode: SUE,
    rewrite: false,
    scan: false,
    children: NONE,
    why: 'DETACH ... FINALIZE',
    uncorpused: 'needs a DETACH ... CONCURRENTLY that was interrupted, which the fixture cannot hold',
  },
};

/** The locks of one ALTER TABLE statement (ALTER INDEX, VIEW, MATERIALIZED VIEW, FOREIGN TABLE too). */
export function alterTable(node: Node, ctx: LockContext, out: StatementLocks): void {
  if (node.objtype === 'OBJECT_TYPE') return alterCompositeType(node, ctx, out);
  const table = resolveTable(node.relation, ctx);
  const info = ctx.catalog.table(table);
  const add = (e: LockEffect) => out.effects.push(e);
  for (const c of node.cmds ?? []) {
    const cmd: Node = c?.AlterTableCmd ?? {};
    const sub: Subcommand = { cmd, table, info, ctx, out, add };
    const row: AlterTableRow | undefined = ALTER_TABLE[cmd.subtype as AlterTableType];
    if (!row) {
      // Only a parser newer than @pgsql/types could give one; say so rather than guess quietly.
      out.notAnalysed.push(`ALTER TABLE subcommand ${String(cmd.subtype)} is not in the lock table; taken as ACCESS EXCLUSIVE`);
      add(effect(table, AE, { why: `${describeSubtype(cmd.subtype)} takes ACCESS EXCLUSIVE (brief)` }));
      continue;
    }
    if (node.objtype === 'OBJECT_INDEX') {
      // ALTER INDEX: the lock is on the index (SHARE UPDATE EXCLUSIVE unless the row says otherwise).
      add(effect(table, row.onIndex?.mode(sub) ?? SUE, { why: 'ALTER INDEX' }));
      row.onIndex?.effects(sub);
      continue;
    }
    if (row.since !== undefined && ctx.pgVersion < row.since) out.unsupported = `${row.sql} needs PostgreSQL ${row.since} or later`;
    if (row.until !== undefined && ctx.pgVersion > row.until) out.unsupported = `${row.sql} was removed after PostgreSQL ${row.until}`;
    const mode = typeof row.mode === 'function' ? row.mode(sub) : row.mode;
    const first = out.effects.length;
    if (row.effects) row.effects(sub, mode);
    else
      add(
        effect(table, mode, {
          rewrite: row.rewrite === true,
          scan: row.scan === true,
          why: typeof row.why === 'function' ? row.why(sub) : row.why,
        }),
      );
    // Without ONLY (the parser then leaves inh out), the row says which partitions and inheritance
    // children get the subcommand too.
    if (node.relation?.inh === true) {
      const own = out.effects.slice(first).filter((e) => e.relation === table);
      for (const e of recursedEffects(row, sub, own)) add(e);
    }
  }
}

/**
 * ALTER TYPE ... ADD/DROP/ALTER ATTRIBUTE changes a composite type: no table lock unless typed tables
 * are made OF it, which CASCADE changes too (ACCESS EXCLUSIVE on each) and which stop it otherwise
 * (observed on 11 to 18).
 */
function alterCompositeType(node: Node, ctx: LockContext, out: StatementLocks): void {
  const type = String(node.relation?.RangeVar?.relname ?? node.relation?.relname ?? '').toLowerCase();
  const typed = ctx.catalog.typedTables.get(type) ?? [];
  for (const c of node.cmds ?? []) {
    const cmd: Node = c?.AlterTableCmd ?? {};
    if (!typed.length) continue;
    if (cmd.behavior === 'DROP_CASCADE')
      for (const t of typed) out.effects.push(effect(t, AE, { why: `ALTER TYPE ${type} ... CASCADE changes this typed table too` }));
    else
      addFailure(
        out,
        `ALTER TYPE ${type} fails without CASCADE: ${typed.join(', ')} ${typed.length === 1 ? 'is a typed table' : 'are typed tables'} of it`,
      );
  }
}

/** The locks one ALTER TABLE subcommand takes on the partitions and inheritance children of its table. */
function recursedEffects(row: AlterTableRow, sub: Subcommand, own: LockEffect[]): LockEffect[] {
  const { table, ctx } = sub;
  const children = ctx.catalog.descendantsOf(table);
  if (!children.length || !own.length) return [];
  const partitions = new Set(ctx.catalog.partitionsOf(table));
  const parent = own.reduce((a, b) => (lockStrength(b.mode) > lockStrength(a.mode) ? b : a));
  const what = describeSubtype(sub.cmd.subtype);
  const same = (d: string, work = true) =>
    effect(d, parent.mode, {
      rewrite: work && parent.rewrite,
      scan: work && parent.scan,
      indexBuild: work && parent.indexBuild,
      why: `${what} on ${table} is applied to this ${partitions.has(d) ? 'partition' : 'inheritance child'} too`,
    });
  if (typeof row.children === 'function') return row.children({ sub, children, partitions, same });
  const reaches = (r: Reach) => (typeof r === 'boolean' ? r : ctx.pgVersion >= r.since);
  const { partitions: toPartitions, inheritance } = row.children;
  return children.filter((d) => reaches(partitions.has(d) ? toPartitions : inheritance)).map((d) => same(d));
}

/** From 18 (NOT NULL is a constraint), dropping it where there is none changes nothing below. */
function dropNotNullChildren({ sub, children, same }: Recursion): LockEffect[] {
  return sub.ctx.pgVersion >= 18 && !sub.info?.columns.get(sub.cmd.name)?.notNull ? [] : children.map((d) => same(d));
}

/** A row trigger of a partitioned table has a clone on each partition, switched with it. */
function triggerClones({ sub, children, partitions, same }: Recursion): LockEffect[] {
  const named = /^AT_(Enable|Disable)(Always|Replica)?Trig$/.test(sub.cmd.subtype) ? sub.cmd.name : undefined;
  return sub.ctx.catalog.hasRowTrigger(sub.table, named) ? children.filter((d) => partitions.has(d)).map((d) => same(d)) : [];
}

/** ADD CONSTRAINT below the table: depends on the constraint's kind, whether the child is a partition, and the version. */
function addConstraintChildren({ sub, children, partitions, same }: Recursion): LockEffect[] {
  const v = sub.ctx.pgVersion;
  const con: Node = sub.cmd.def?.Constraint ?? {};
  const out: LockEffect[] = [];
  for (const d of children) {
    const partition = partitions.has(d);
    const why = `ADD CONSTRAINT on ${sub.table}: ${partition ? 'partition' : 'inheritance child'}`;
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
        if (partition && !con.indexname)
          out.push(effect(d, v >= 18 ? AE : 'ShareLock', { scan: true, indexBuild: true, why: `${why} the index is built on it too` }));
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

function dropColumnEffects({ cmd, table, ctx, out, add }: Subcommand, mode: LockMode): void {
  const col = cmd.name as string | undefined;
  add(
    effect(table, mode, {
      why: 'DROP COLUMN is instant (marks the column dropped) but takes ACCESS EXCLUSIVE, and breaks code that still reads it',
    }),
  );
  const views = col ? ctx.catalog.viewsReadingColumn(table, col) : [];
  const cascade = cmd.behavior === 'DROP_CASCADE';
  if (views.length && !cascade) addFailure(out, `DROP COLUMN ${col} fails without CASCADE: view ${views.join(', ')} uses it`);
  if (cascade)
    for (const view of views) add(effect(view, AE, { why: `DROP COLUMN ${col} CASCADE drops this view, which uses the column` }));
  if (col) foreignKeysOfColumn(table, col, ctx, add, cascade ? 'cascade' : 'refuse', out);
}

function alterColumnTypeEffects({ cmd, table, info, ctx, out, add }: Subcommand, mode: LockMode): void {
  const col = cmd.name as string | undefined;
  const def = cmd.def?.ColumnDef ?? {};
  const from = info?.columns.get(col ?? '')?.type;
  const to = typeFromAst(def.typeName);
  const hasUsing = !!def.raw_default && !usingIsColumnItself(def.raw_default, col, to);
  const change =
    domainTypeChange(ctx, from, to, hasUsing) ?? typeChangeEffect(from, to, ctx.pgVersion, hasUsing, ctx.timeZoneUtc !== false);
  // Without a rewrite, indexes on the column are still rebuilt when their sort order may change.
  const indexed = [...ctx.catalog.indexes.values()].some((i) => i.table === table && i.columns.includes(col ?? ''));
  const rebuild = !change.rewrite && change.rebuildsIndexes && indexed;
  add(
    effect(table, mode, {
      rewrite: change.rewrite,
      scan: change.scan || rebuild,
      indexBuild: change.rewrite || rebuild,
      why: `ALTER COLUMN ${col} TYPE: ${change.why}${rebuild ? '; the index on the column is rebuilt under the lock' : ''}`,
    }),
  );
  const views = col ? ctx.catalog.viewsReadingColumn(table, col) : [];
  if (views.length)
    addFailure(
      out,
      `cannot change the type of ${table}.${col}: view ${views.join(', ')} uses it (drop and recreate the view in the same migration)`,
    );
  // A foreign key on the column (either side) is dropped and added again; when the column is
  // rewritten it is validated again too, which reads the other table (observed on 11 to 18).
  if (col) foreignKeysOfColumn(table, col, ctx, add, change.rewrite ? 'revalidate' : 'rebuild', out);
}

/**
 * A change to or from a domain the migrations created: PostgreSQL coerces to a domain with constraints
 * by checking every value, which rewrites the table; to one without constraints (or from a domain to
 * another type) the domain stands for its base type (ATColumnChangeRequiresRewrite looks through the
 * CoerceToDomain). Undefined when neither side is a known domain.
 */
function domainTypeChange(ctx: LockContext, from: ColumnType | undefined, to: ColumnType, hasUsing: boolean): TypeChange | undefined {
  if (hasUsing || to.array || from?.array) return undefined;
  const toDomain = ctx.catalog.domains.get(to.name);
  const fromDomain = from ? ctx.catalog.domains.get(from.name) : undefined;
  if (!toDomain?.base && !fromDomain?.base) return undefined;
  if (toDomain?.constrained)
    return { rewrite: true, scan: false, why: `the domain ${to.name} has constraints: every value is checked, which rewrites the table` };
  const base = typeChangeEffect(fromDomain?.base ?? from, toDomain?.base ?? to, ctx.pgVersion, false, ctx.timeZoneUtc !== false);
  const what = toDomain ? `to the domain ${to.name} (no constraints, over ${typeText(toDomain.base!)})` : `from the domain ${from!.name}`;
  return { ...base, why: `${what}: ${base.why}` };
}

function setNotNullEffects({ cmd, table, info, ctx, add }: Subcommand, mode: LockMode): void {
  const col = cmd.name as string | undefined;
  const hasCheck = info?.constraints.some((k) => k.type === 'c' && k.validated && k.notNullCheckColumn === col);
  const skip = hasCheck && ctx.pgVersion >= 12;
  add(
    effect(table, mode, {
      scan: !skip,
      why: skip
        ? `SET NOT NULL on ${col} uses the valid CHECK (${col} IS NOT NULL) and skips the scan (PG 12+)`
        : `SET NOT NULL on ${col} scans the whole table under ACCESS EXCLUSIVE`,
    }),
  );
}

function validateConstraintEffects({ cmd, table, info, out, add }: Subcommand, mode: LockMode): void {
  const col = cmd.name as string | undefined;
  const con = info?.constraints.find((k) => k.name === col);
  const fk = con?.type === 'f' && con.references && con.references !== table;
  const fkJoin = fk ? { referencing: table, referenced: con.references as string, columns: con.columns } : undefined;
  add(effect(table, mode, { scan: true, fkJoin, why: `VALIDATE CONSTRAINT scans the table without blocking reads or writes` }));
  if (fk && con.references) {
    add(effect(con.references, 'RowShareLock', { why: 'validating a foreign key reads the referenced table with FOR KEY SHARE' }));
  } else if (!con) {
    out.notAnalysed.push(`constraint ${col} is not in the known schema; if it is a foreign key, the referenced table is also read`);
  }
}

function dropConstraintEffects({ cmd, table, info, ctx, out, add }: Subcommand, mode: LockMode): void {
  const col = cmd.name as string | undefined;
  const con = info?.constraints.find((k) => k.name === col);
  add(effect(table, mode, { why: 'DROP CONSTRAINT takes ACCESS EXCLUSIVE (brief)' }));
  if (con?.type === 'f' && con.references && con.references !== table) {
    add(effect(con.references, AE, { why: 'dropping a foreign key removes its triggers from the referenced table too' }));
  }
  // Foreign keys that rely on a dropped primary key or unique constraint go with it (CASCADE), or stop it.
  if (con?.type === 'p' || con?.type === 'u') {
    for (const r of referencingForeignKeys(table, con.columns, ctx)) {
      if (cmd.behavior === 'DROP_CASCADE')
        add(effect(r.table, AE, { why: `DROP CONSTRAINT ${col} CASCADE drops the foreign key ${r.name} of this table` }));
      else addFailure(out, `DROP CONSTRAINT ${col} fails without CASCADE: foreign key ${r.name} of ${r.table} depends on it`);
    }
  }
}

// Not user_catalog_table: PostgreSQL takes ACCESS EXCLUSIVE for it (observed on 11 to 18).
const LIGHT_RELOPTIONS = new Set([
  'fillfactor',
  'toast_tuple_target',
  'parallel_workers',
  'vacuum_index_cleanup',
  'vacuum_truncate',
  'log_autovacuum_min_duration',
]);

/** Storage parameters that only affect future writes or maintenance take SHARE UPDATE EXCLUSIVE (AlterTableGetRelOptionsLockLevel). */
function lightRelOptions(cmd: Node): boolean {
  const names = (cmd.def?.List?.items ?? []).map((i: Node) => String(i?.DefElem?.defname ?? ''));
  return names.every((n: string) => LIGHT_RELOPTIONS.has(n) || n.startsWith('autovacuum_') || n.startsWith('toast.autovacuum_'));
}

function relOptionsMode({ cmd }: Subcommand): LockMode {
  return lightRelOptions(cmd) ? SUE : AE;
}

function relOptionsWhy({ cmd }: Subcommand): string {
  return lightRelOptions(cmd)
    ? 'storage parameters that only affect future writes: blocks other DDL only'
    : 'this storage parameter takes ACCESS EXCLUSIVE';
}

/** SET TABLESPACE / SET ACCESS METHOD copy the table; moving to the default (pg_default, heap) is taken as a no-op: tables start there. */
function moveEffects({ cmd, table, add }: Subcommand, mode: LockMode): void {
  const target = String(cmd.name ?? '').toLowerCase();
  const noop = target === 'pg_default' || target === 'heap';
  add(
    effect(table, mode, {
      rewrite: !noop,
      why: noop
        ? `${target} is where tables are by default: no copy when the table is already there`
        : 'moving the table to a new tablespace or access method copies it',
    }),
  );
}

/**
 * The parent is opened too: INHERIT guards it against other DDL while its columns and constraints are
 * matched; NO INHERIT only reads it (observed on 11 to 18).
 */
function inheritEffects({ cmd, table, ctx, add }: Subcommand, mode: LockMode): void {
  const parent = resolveTable(cmd.def, ctx);
  const adding = cmd.subtype === 'AT_AddInherit';
  add(effect(table, mode, { why: `${adding ? 'INHERIT' : 'NO INHERIT'} takes ACCESS EXCLUSIVE on the child (brief)` }));
  add(
    effect(parent, adding ? SUE : 'AccessShareLock', {
      why: adding ? 'INHERIT locks the parent against other DDL (it reads and blocks no queries)' : 'NO INHERIT reads the parent',
    }),
  );
}

function attachPartitionEffects({ cmd, table, ctx, add }: Subcommand, mode: LockMode): void {
  const part = resolveTable(cmd.def?.PartitionCmd?.name, ctx);
  add(
    effect(table, mode, {
      why:
        ctx.pgVersion >= 12
          ? 'ATTACH PARTITION locks the parent against DDL only (PG 12+)'
          : 'ATTACH PARTITION takes ACCESS EXCLUSIVE on the parent before PG 12',
    }),
  );
  // A valid CHECK on the partition key is taken to imply the bound (that is what people add it for);
  // PostgreSQL then skips the validation scan.
  const keyColumns = ctx.catalog.table(table)?.partitionKey ?? [];
  const partInfo = ctx.catalog.table(part);
  // The parent's indexes are built on the new partition (unless it already has matching ones).
  const parentIndexed = [...ctx.catalog.indexes.values()].some((i) => i.table === table);
  const partIndexed = [...ctx.catalog.indexes.values()].some((i) => i.table === part);
  // A statistics snapshot does not record the partition key: then any valid CHECK on the partition is
  // taken to be the one written for the bound.
  const keyKnown = !!ctx.catalog.table(table)?.partitionKey;
  const hasMatchingCheck = !!partInfo?.constraints.some(
    (k) =>
      k.type === 'c' && k.validated && (keyKnown ? keyColumns.length > 0 && keyColumns.every((c) => k.checkColumns?.includes(c)) : true),
  );
  if (parentIndexed && !partIndexed)
    add(effect(part, AE, { scan: true, indexBuild: true, why: "the parent's indexes are built on the partition" }));
  defaultPartitionChecked(table, part, cmd.def?.PartitionCmd?.bound, ctx, add, 'ATTACH PARTITION');
  add(
    effect(part, AE, {
      scan: !hasMatchingCheck,
      why: hasMatchingCheck
        ? 'the partition is locked; its CHECK constraint on the partition key proves the bound, so no scan'
        : 'the new partition is locked and scanned to check the partition bound (add a matching CHECK constraint first to skip the scan)',
    }),
  );
}

/** ALTER INDEX ... ATTACH PARTITION reads the tables of both indexes to check that they match. */
function attachIndexEffects({ cmd, table, ctx, add }: Subcommand): void {
  const child = qualify(rangeVarName(cmd.def?.PartitionCmd?.name));
  for (const idx of [table, child]) {
    const t = ctx.catalog.tableOfIndex(idx);
    if (t) add(effect(t, 'AccessShareLock', { why: 'ALTER INDEX ... ATTACH PARTITION reads the table of each index' }));
  }
}

function detachPartitionEffects({ cmd, table, ctx, out, add }: Subcommand, mode: LockMode): void {
  const part = resolveTable(cmd.def?.PartitionCmd?.name, ctx);
  const v = ctx.pgVersion;
  if (cmd.def?.PartitionCmd?.concurrent) {
    if (v < 14) out.unsupported = 'DETACH PARTITION CONCURRENTLY needs PostgreSQL 14 or later';
    out.nonTransactional = true;
    add(effect(table, mode, { why: 'DETACH ... CONCURRENTLY does not block queries on the parent' }));
    // Observed on PG 15: while this lock is awaited, queries on the parent go on (they no longer see the
    // partition); only direct queries on the partition queue. A lock_timeout there aborts the second
    // transaction and leaves the partition "detach pending", which FINALIZE completes under the same lock.
    add({
      ...effect(part, AE, {
        why: 'DETACH ... CONCURRENTLY takes ACCESS EXCLUSIVE on the partition in its second transaction, after waiting for queries on the parent',
      }),
      timeoutNoHelp:
        'queries on the parent no longer wait for the partition, and a lock_timeout would leave the detach pending (FINALIZE waits for the same lock)',
    });
    return;
  }
  add(effect(table, mode, { why: 'DETACH PARTITION blocks reads and writes of the whole partitioned table' }));
  // The DEFAULT partition's implicit bound widens: it is locked (not scanned) when another partition
  // goes; the DEFAULT partition itself is detached under ACCESS EXCLUSIVE on every version (observed).
  const dflt = ctx.catalog.defaultPartitions.get(table);
  if (dflt && dflt !== part)
    add(effect(dflt, AE, { why: `the DEFAULT partition of ${table}: its implicit bound now covers the detached partition's values` }));
  if (dflt === part) {
    add(effect(part, AE, { why: 'the detached DEFAULT partition (ACCESS EXCLUSIVE on every version)' }));
    return;
  }
  // Observed on PostgreSQL 11, 12 and 13: the partition itself is opened with SHARE UPDATE
  // EXCLUSIVE; from 14 (the release that added DETACH ... CONCURRENTLY) with ACCESS EXCLUSIVE.
  // The clones of the parent's row triggers are dropped from it, under ACCESS EXCLUSIVE, on all.
  if (v >= 14) add(effect(part, AE, { why: 'the detached partition' }));
  else if (ctx.catalog.hasRowTrigger(table))
    add(effect(part, AE, { why: "the detached partition loses its clones of the parent's row triggers" }));
  else
    add(
      effect(part, SUE, {
        why: 'the detached partition: SHARE UPDATE EXCLUSIVE before PG 14, so queries naming the partition itself keep running (those through the parent wait)',
      }),
    );
}

/**
 * A new partition (CREATE TABLE ... PARTITION OF, ATTACH PARTITION) takes values from the DEFAULT
 * partition's implicit bound: PostgreSQL locks the DEFAULT partition ACCESS EXCLUSIVE and scans it for
 * rows that belong to the new one (observed on 11 to 18).
 */
export function defaultPartitionChecked(
  table: string,
  part: string,
  bound: Node | undefined,
  ctx: LockContext,
  add: (e: LockEffect) => void,
  what: string,
): void {
  const dflt = ctx.catalog.defaultPartitions.get(table);
  if (!dflt || dflt === part || bound?.is_default) return;
  add(
    effect(dflt, AE, {
      scan: true,
      why: `${what} locks the DEFAULT partition of ${table} and scans it for rows that belong to the new partition`,
    }),
  );
}

function addColumnEffects({ cmd, table, info, ctx, out }: Subcommand, mode: LockMode): void {
  addColumn(table, cmd.def?.ColumnDef ?? {}, ctx, out, info, mode);
}

function describeSubtype(subtype: string | undefined): string {
  return String(subtype ?? 'ALTER TABLE')
    .replace(/^AT_/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
}

function addColumn(table: string, def: Node, ctx: LockContext, out: StatementLocks, info: TableInfo | undefined, mode: LockMode): void {
  const add = (e: LockEffect) => out.effects.push(e);
  const v = ctx.pgVersion;
  const cons: Node[] = (def.constraints ?? []).map((c: Node) => c?.Constraint ?? {});
  const dflt = cons.find((c) => c.contype === 'CONSTR_DEFAULT');
  const notNull = cons.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
  const identity = cons.some((c) => c.contype === 'CONSTR_IDENTITY');
  const generated = cons.find((c) => c.contype === 'CONSTR_GENERATED');
  generatedColumnSupport(generated, ctx, out);
  const serial = isSerialTypeName(def.typeName);
  const volatileCalls = dflt ? volatileFunctionsCalled(dflt.raw_expr, ctx) : [];
  const volatile = volatileCalls.length > 0;
  const name = def.colname;
  const domain = strings(def.typeName?.names).pop()?.toLowerCase() ?? '';
  let rewrite = false;
  let why = `ADD COLUMN ${name} is a catalog-only change`;
  if (ctx.catalog.domains.get(domain)?.constrained && !generated) {
    // Every row's new value (NULL or the default) must pass the domain's constraints: PostgreSQL
    // rewrites the table to check them (observed on 11 to 18).
    rewrite = true;
    why = `ADD COLUMN ${name} of the domain ${domain}, which has constraints, rewrites the table to check every row`;
  } else if (serial || identity) {
    rewrite = true;
    why = `ADD COLUMN ${name} ${serial ? 'serial' : 'identity'} fills every row from a sequence: rewrites the table`;
  } else if (generated && (generated.generated_kind ?? 's') === 's') {
    rewrite = true;
    why = `ADD COLUMN ${name} GENERATED ... STORED computes every row: rewrites the table`;
  } else if (dflt && volatile) {
    rewrite = true;
    why = `ADD COLUMN ${name} with a volatile default (${volatileCalls.join(', ')}) rewrites the table`;
  } else if (dflt && v < 11) {
    rewrite = true;
    why = `ADD COLUMN ${name} with a default rewrites the table before PG 11`;
  } else if (dflt) {
    why = `ADD COLUMN ${name} with a constant default is catalog-only (PG 11+)`;
  }
  // An inline REFERENCES is validated only when the column gets a default: without one every row is
  // NULL and PostgreSQL marks the key valid unchecked (transformAlterTableStmt; observed on 11 to 18).
  const fkChecked = !!dflt && cons.some((c) => c.contype === 'CONSTR_FOREIGN');
  const scanForCheck = (cons.some((c) => c.contype === 'CONSTR_CHECK' && !c.skip_validation) || fkChecked) && !rewrite;
  const unique = cons.some((c) => c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY');
  const checkWhy = fkChecked
    ? "the inline REFERENCES checks every row's default against the referenced table"
    : 'the inline CHECK scans the table';
  add(
    effect(table, mode, {
      rewrite,
      scan: scanForCheck || unique,
      indexBuild: unique,
      why: unique ? `${why}; the inline UNIQUE/PRIMARY KEY builds an index under the lock` : scanForCheck ? `${why}; ${checkWhy}` : why,
    }),
  );
  if (notNull && !dflt && !identity && !serial && !generated && info?.origin !== 'this-file') {
    addFailure(out, `ADD COLUMN ${name} NOT NULL without a default fails on a table that has rows`);
  }
  for (const c of cons) {
    if (c.contype === 'CONSTR_FOREIGN' && c.pktable) {
      const ref = resolveTable(c.pktable, ctx);
      if (ref !== table)
        add(
          effect(ref, 'ShareRowExclusiveLock', {
            scan: !!dflt,
            why: dflt
              ? 'the inline REFERENCES adds triggers to the referenced table, which the validation of the default reads'
              : 'the inline REFERENCES adds triggers to the referenced table',
          }),
        );
    }
  }
}

/**
 * The volatile functions a default calls: the built-in ones, and functions of the migrations declared
 * VOLATILE (the default). A VOLATILE SQL function whose body is a single SELECT is inlined from PG 12,
 * so only what its body calls counts there; PG 11 takes its declared volatility (observed).
 */
function volatileFunctionsCalled(expr: unknown, ctx: LockContext, depth = 0): string[] {
  const out: string[] = [];
  for (const f of new Set(calledFunctions(expr))) {
    if (isVolatileExpression({ FuncCall: { funcname: [{ String: { sval: f } }] } })) out.push(f);
    else if (ctx.catalog.volatility.get(f) === 'v') {
      const body = ctx.catalog.sqlFunctions.get(f);
      const stmts = typeof body === 'string' && depth < 4 ? ctx.parseNested?.(body) : undefined;
      const inlined = ctx.pgVersion >= 12 && stmts?.length === 1 && unwrapKind(stmts[0]) === 'SelectStmt';
      if (!inlined || volatileFunctionsCalled(stmts, ctx, depth + 1).length) out.push(f);
    }
  }
  return out;
}

function unwrapKind(stmt: Node): string {
  return Object.keys(stmt?.RawStmt?.stmt ?? stmt ?? {})[0] ?? '';
}

/** ADD CONSTRAINT by kind; `mode` (the row's) is SHARE ROW EXCLUSIVE for a foreign key, ACCESS EXCLUSIVE otherwise. */
function addConstraint(table: string, con: Node, ctx: LockContext, out: StatementLocks, info: TableInfo | undefined, mode: LockMode): void {
  const add = (e: LockEffect) => out.effects.push(e);
  const notValid = !!con.skip_validation;
  const name = con.conname ? `${con.conname} ` : '';
  switch (con.contype) {
    case 'CONSTR_FOREIGN': {
      const ref = resolveTable(con.pktable, ctx);
      const fkJoin = notValid ? undefined : { referencing: table, referenced: ref, columns: strings(con.fk_attrs) };
      add(
        effect(table, mode, {
          scan: !notValid,
          fkJoin,
          why: notValid
            ? `ADD CONSTRAINT ${name}FOREIGN KEY ... NOT VALID skips the scan; it blocks writes only briefly`
            : `ADD CONSTRAINT ${name}FOREIGN KEY scans the whole table while blocking writes`,
        }),
      );
      if (ref !== table)
        add(
          effect(ref, 'ShareRowExclusiveLock', {
            scan: !notValid,
            fkJoin,
            why: notValid
              ? 'the referenced table gets triggers, blocking its writes briefly'
              : 'the referenced table gets triggers and is read by the validation join, blocking its writes for the same time',
          }),
        );
      return;
    }
    case 'CONSTR_CHECK':
      add(
        effect(table, mode, {
          scan: !notValid,
          why: notValid
            ? `ADD CONSTRAINT ${name}CHECK ... NOT VALID skips the scan (brief ACCESS EXCLUSIVE)`
            : `ADD CONSTRAINT ${name}CHECK scans the whole table under ACCESS EXCLUSIVE`,
        }),
      );
      return;
    case 'CONSTR_NOTNULL': {
      if (notValid && ctx.pgVersion < 18) out.unsupported = 'NOT NULL ... NOT VALID needs PostgreSQL 18 or later';
      const cols = strings(con.keys);
      const hasCheck = cols.every((c) => info?.constraints.some((k) => k.type === 'c' && k.validated && k.notNullCheckColumn === c));
      const scan = !notValid && !(hasCheck && ctx.pgVersion >= 12);
      add(
        effect(table, mode, {
          scan,
          why: notValid
            ? 'NOT NULL ... NOT VALID skips the scan (PG 18+)'
            : 'a NOT NULL constraint scans the whole table under ACCESS EXCLUSIVE',
        }),
      );
      return;
    }
    case 'CONSTR_UNIQUE':
    case 'CONSTR_PRIMARY':
    case 'CONSTR_EXCLUSION': {
      const kind = con.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : con.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : 'EXCLUDE';
      if (con.indexname) {
        // A primary key makes its columns NOT NULL: a nullable one is scanned for NULLs like SET NOT NULL
        // (skipped from PG 12 when a valid CHECK (col IS NOT NULL) proves it; observed on 11 to 18).
        const cols =
          con.contype === 'CONSTR_PRIMARY' ? (ctx.catalog.indexes.get(`${table.split('.')[0]}.${con.indexname}`)?.columns ?? []) : [];
        const unproven = cols.filter(
          (c) =>
            info?.columns.has(c) &&
            !info.columns.get(c)?.notNull &&
            !(ctx.pgVersion >= 12 && info.constraints.some((k) => k.type === 'c' && k.validated && k.notNullCheckColumn === c)),
        );
        if (unproven.length) {
          add(
            effect(table, mode, {
              scan: true,
              why: `ADD PRIMARY KEY USING INDEX sets ${unproven.join(', ')} NOT NULL, scanning the whole table for NULLs under ACCESS EXCLUSIVE`,
            }),
          );
          return;
        }
        add(effect(table, mode, { why: `ADD ${kind} USING INDEX reuses the existing index: brief ACCESS EXCLUSIVE` }));
      } else {
        const pkScan = con.contype === 'CONSTR_PRIMARY' && strings(con.keys).some((c) => !info?.columns.get(c)?.notNull);
        add(
          effect(table, mode, {
            scan: true,
            indexBuild: true,
            why: `ADD ${kind} builds an index under ACCESS EXCLUSIVE, blocking reads and writes${pkScan ? ' (and checks the key columns for NULLs)' : ''}`,
          }),
        );
      }
      return;
    }
    default:
      add(effect(table, mode, { why: 'ADD CONSTRAINT' }));
  }
}

/** Foreign keys of other tables whose referenced key (explicit, else the primary key) involves one of `columns`. */
function referencingForeignKeys(table: string, columns: string[], ctx: LockContext): { table: string; name: string }[] {
  const out: { table: string; name: string }[] = [];
  for (const t of ctx.catalog.tables.values()) {
    if (t.qualified === table) continue;
    for (const k of t.constraints) {
      if (k.type === 'f' && k.references === table && referencedKey(k, ctx).some((c) => columns.includes(c)))
        out.push({ table: t.qualified, name: k.name });
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
function foreignKeysOfColumn(
  table: string,
  col: string,
  ctx: LockContext,
  add: (e: LockEffect) => void,
  how: 'cascade' | 'refuse' | 'rebuild' | 'revalidate',
  out: StatementLocks,
): void {
  const scan = how === 'revalidate';
  const verb = how === 'cascade' || how === 'refuse' ? `dropping ${table}.${col}` : `changing the type of ${table}.${col}`;
  for (const k of ctx.catalog.table(table)?.constraints ?? []) {
    if (k.type !== 'f' || !k.columns.includes(col) || !k.references || k.references === table) continue;
    add(
      effect(k.references, 'AccessExclusiveLock', {
        scan,
        why: `${verb} ${how === 'revalidate' ? 'drops, adds and validates again' : how === 'rebuild' ? 'drops and adds again' : 'drops'} the foreign key ${k.name} to this table`,
      }),
    );
  }
  for (const r of referencingForeignKeys(table, [col], ctx)) {
    if (how === 'refuse') addFailure(out, `DROP COLUMN ${col} fails without CASCADE: foreign key ${r.name} of ${r.table} references it`);
    else
      add(
        effect(r.table, 'AccessExclusiveLock', {
          scan,
          why: `${verb} ${how === 'cascade' ? 'drops' : how === 'revalidate' ? 'drops, adds and validates again' : 'drops and adds again'} this table's foreign key ${r.name}`,
        }),
      );
  }
}
