// The rewrite patterns: one unsafe statement -> pieces placed in ordered stages. The split engine
// (plan.ts) schedules pieces of every statement into files; the quick fixes (quick.ts) use the same
// pieces for one statement. Pure.
//
// Stages, in deploy order within a round:
//   0 the first, transactional file: safe statements, NOT VALID constraints, new columns, sync triggers
//   1 index builds CONCURRENTLY (one non-transactional file each)
//   2 batched backfills (one non-transactional file each)
//   3 index builds on expand/contract columns (after the backfill, one file each)
//   4 CHECK (col IS NOT NULL) NOT VALID on backfilled columns (one transactional file): added only now,
//     because a NOT VALID check still applies to every row an UPDATE touches
//   5 VALIDATE CONSTRAINT (one transactional file)
//   6 SET NOT NULL using the validated CHECK, ADD ... USING INDEX (one transactional file)
//   7 contract: drops and renames that need the application to have moved (one transactional file)
import type { Settings, StatsSnapshot } from '@pg-preflight/shared';
import { columnRefs, hasOption, listName, qualify, rangeVarName, strings, unwrap, type Node } from '../syntax/ast';
import type { Catalog, ConstraintInfo } from '../schema/catalog';
import { isVolatileExpression } from '../locks';
import { blocksTraffic } from '../locks/modes';
import type { RunnerConvention } from '../migrations/runners';
import type { LockEstimate } from '../types';
import { backfillNotes, backfillStatement, chooseBatchSize, PROGRESS_TABLE } from './backfill';
import { isTinyLock } from './header';
import { batchKey, exprText, firstLocation, SchemaFacts, typeSql } from './schema';
import {
  clauseEnd,
  quoteIdent,
  quoteLiteral,
  quoteQualified,
  StatementText,
  tokens,
  tokenStream,
  topLevelParts,
  withoutSemicolon,
  type Token,
} from './sqltext';
import { chooseName, clipBytes, makeObjectName, MAX_IDENTIFIER_BYTES, utf8Length } from '../schema/names';
import type { SplitPhase } from './types';

export type Stage = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

export type PatternKind =
  | 'keep'
  | 'concurrent-index'
  | 'concurrent-drop-index'
  | 'concurrent-reindex'
  | 'non-transactional'
  | 'not-valid'
  | 'unique-index'
  | 'not-null'
  | 'volatile-default'
  | 'type-change'
  | 'rename-column'
  | 'rename-table'
  | 'drop-column'
  | 'drop-table'
  | 'batched-dml';

export interface Piece {
  stage: Stage;
  /** Whole statements, each ending with ';' (stage 1-3: exactly one statement). */
  sql: string;
  phase: SplitPhase;
  pattern: PatternKind;
  /** What the piece does, one line. */
  title: string;
  /** Why it is safe, one line. */
  why: string;
  /** How to reverse it. */
  reverse: string;
  /** File name suffix when the piece gets a file of its own. */
  suffix: string;
  notes?: string[];
  deployNote?: string;
  /** Queries that verify the piece did its work. */
  checks?: string[];
  /** Lock lines for the header when the lock model cannot see them (data-modifying CTEs inside a DO block). */
  lockLines?: string[];
  /** Index of the source statement in the input. */
  source: number;
  /** Table -> names (columns, indexes, constraints; '*' for the table itself) this piece creates or changes. */
  provides?: { table: string; names: string[] }[];
}

export interface PatternContext {
  catalog: Catalog;
  facts: SchemaFacts;
  pgVersion: number;
  settings: Settings;
  runner: RunnerConvention;
  stats?: StatsSnapshot;
  /** Statement index -> application places that still use a name it drops or renames. */
  appRefs: Map<number, string[]>;
  warnings: string[];
  /** Name of the step file a backfill will get (for its progress row); set by the scheduler. */
  jobName?: (suffix: string) => string;
  /** Constraint/index names already chosen in this plan (PostgreSQL would dedup against them too). */
  takenNames: Set<string>;
  /** Rewrite even when the stats say the table is tiny (a quick fix answers a finding the user sees). */
  ignoreSize?: boolean;
  /** Relations the file being fixed creates (its catalog is the one after the file): not taken by others. */
  createdHere?: Set<string>;
  /** Statements whose UPDATE/DELETE the unbatched-dml rule reports at warning or error: run them in batches. */
  unbatchedDml?: Set<number>;
}

/** The reason to rewrite, honouring the context's size policy. */
function longLock(pc: PatternContext, locks: LockEstimate[]): LockEstimate | undefined {
  return pc.ignoreSize
    ? locks.find((l) => !l.newTable && blocksTraffic(l.mode) && (l.rewrite || l.scan || l.indexBuild) && !l.emptiesTable)
    : longBlockingLock(locks);
}

export interface StatementInput {
  index: number;
  text: string;
  ast?: Node;
  kind: string;
  label: string;
  locks: LockEstimate[];
  /** The statement cannot run in a transaction block (CONCURRENTLY, VACUUM, ...). */
  nonTransactional: boolean;
}

/** A lock that is the reason to rewrite: traffic-blocking, long (scan/rewrite/index build), on an existing table that is not tiny. */
export function longBlockingLock(locks: LockEstimate[]): LockEstimate | undefined {
  return locks.find(
    (l) => !l.newTable && blocksTraffic(l.mode) && (l.rewrite || l.scan || l.indexBuild) && !l.emptiesTable && !isTinyLock(l),
  );
}

/** The statement as one piece in stage 0. */
export function keepPiece(st: StatementInput, why = 'no long blocking lock'): Piece {
  return {
    stage: 0,
    sql: `${withoutSemicolon(st.text)};`,
    phase: 'migrate',
    pattern: 'keep',
    title: st.label,
    why,
    reverse: reverseOf(st),
    suffix: 'migrate',
    source: st.index,
  };
}

/** How to undo a statement kept as written, for the common cases. */
function reverseOf(st: StatementInput): string {
  const [kind, node] = unwrap(st.ast);
  if (kind === 'CreateStmt') return `DROP TABLE IF EXISTS ${quoteQualified(qualify(rangeVarName(node.relation)))};`;
  if (kind === 'IndexStmt' && node.idxname) return `DROP INDEX IF EXISTS ${quoteIdent(node.idxname)};`;
  if (kind === 'ViewStmt') return `DROP VIEW IF EXISTS ${quoteQualified(qualify(rangeVarName(node.view)))};`;
  if (kind === 'CreateFunctionStmt') return `DROP FUNCTION IF EXISTS ${strings(node.funcname).map(quoteIdent).join('.')}(...);`;
  if (kind === 'CreateTrigStmt')
    return `DROP TRIGGER IF EXISTS ${quoteIdent(node.trigname)} ON ${quoteQualified(qualify(rangeVarName(node.relation)))};`;
  if (kind === 'CreatePolicyStmt')
    return `DROP POLICY IF EXISTS ${quoteIdent(node.policy_name)} ON ${quoteQualified(qualify(rangeVarName(node.table)))};`;
  if (kind === 'AlterTableStmt') {
    const table = quoteQualified(qualify(rangeVarName(node.relation)));
    const undo = (node.cmds ?? []).map((c: Node) => {
      const cmd = c?.AlterTableCmd ?? {};
      if (cmd.subtype === 'AT_AddColumn') return `ALTER TABLE ${table} DROP COLUMN IF EXISTS ${quoteIdent(cmd.def?.ColumnDef?.colname)};`;
      if (cmd.subtype === 'AT_AddConstraint' && cmd.def?.Constraint?.conname)
        return `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${quoteIdent(cmd.def.Constraint.conname)};`;
      if (cmd.subtype === 'AT_EnableRowSecurity') return `ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY;`;
      return undefined;
    });
    if (undo.every(Boolean)) return undo.reverse().join(' ');
  }
  return `by hand: ${st.label}`;
}

const existing = (pc: PatternContext, table: string) => {
  const t = pc.catalog.table(table);
  return !!t && t.origin !== 'this-file';
};

/**
 * The pieces for one statement, or undefined to keep it as it is. `only` limits the rewrite to one
 * pattern (a quick fix answers one finding).
 */
export function planStatement(pc: PatternContext, st: StatementInput, only?: PatternKind): Piece[] | undefined {
  const [kind, node] = unwrap(st.ast);
  const want = (k: PatternKind) => !only || only === k;
  switch (kind) {
    case 'IndexStmt':
      if (!node.concurrent && want('concurrent-index') && longLock(pc, st.locks)) return concurrentIndex(pc, st, node);
      if (node.concurrent && want('non-transactional')) return [nonTransactionalPiece(st)];
      return undefined;
    case 'DropStmt':
      if (node.removeType === 'OBJECT_INDEX') {
        if (!node.concurrent && want('concurrent-drop-index') && st.locks.some((l) => !l.newTable && l.mode === 'AccessExclusiveLock'))
          return concurrentDropIndex(pc, st, node);
        if (node.concurrent && want('non-transactional')) return [nonTransactionalPiece(st)];
        return undefined;
      }
      if (node.removeType === 'OBJECT_TABLE' && want('drop-table')) return dropTable(pc, st, node);
      return undefined;
    case 'ReindexStmt': {
      const concurrent = hasOption(node.params, 'concurrently') || node.concurrent === true;
      if (
        !concurrent &&
        want('concurrent-reindex') &&
        longLock(pc, st.locks) &&
        (node.kind === 'REINDEX_OBJECT_INDEX' || node.kind === 'REINDEX_OBJECT_TABLE')
      ) {
        if (pc.pgVersion < 12) {
          pc.warnings.push(
            `${st.label} (statement ${st.index + 1}): REINDEX CONCURRENTLY needs PostgreSQL 12+; build a replacement index CONCURRENTLY, drop the old one CONCURRENTLY, rename. Kept as written.`,
          );
          return undefined;
        }
        return concurrentReindex(st, node);
      }
      if ((concurrent || st.nonTransactional) && want('non-transactional')) return [nonTransactionalPiece(st)];
      return undefined;
    }
    case 'AlterTableStmt':
      if (node.objtype === 'OBJECT_INDEX') return undefined;
      // DETACH PARTITION ... CONCURRENTLY (its only subcommand) cannot run in a transaction block: a step of its own.
      if (st.nonTransactional && want('non-transactional')) return [nonTransactionalPiece(st)];
      return alterTable(pc, st, node, only);
    case 'RenameStmt':
      if (node.renameType === 'OBJECT_COLUMN' && want('rename-column') && existing(pc, qualify(rangeVarName(node.relation))))
        return renameColumn(pc, st, node);
      if (node.renameType === 'OBJECT_TABLE' && want('rename-table') && existing(pc, qualify(rangeVarName(node.relation))))
        return renameTable(pc, st, node);
      return undefined;
    case 'AlterObjectSchemaStmt':
      if (node.objectType === 'OBJECT_TABLE' && node.relation && want('rename-table') && existing(pc, qualify(rangeVarName(node.relation))))
        return setSchema(pc, st, node);
      return undefined;
    case 'UpdateStmt':
    case 'DeleteStmt':
      if (want('batched-dml') && pc.unbatchedDml?.has(st.index)) return batchedDml(pc, st, kind, node);
      return undefined;
    default:
      if (st.nonTransactional && want('non-transactional')) return [nonTransactionalPiece(st)];
      return undefined;
  }
}

// ------------------------------------------------------------------------------ views in the way

/**
 * The views that read these columns, and the views that read those: PostgreSQL refuses to change the
 * column's type or drop it while they exist, so they are dropped first (dependents first) and created
 * again after, from their CREATE VIEW text, in the same transaction. Undefined when none read them, or
 * (with a warning) when a definition is unknown or a materialized view is among them.
 */
export function viewsAround(
  pc: PatternContext,
  st: StatementInput,
  table: string,
  columns: string[],
): { drop: string[]; create: string[] } | undefined {
  const found = new Set(columns.flatMap((c) => pc.catalog.viewsReadingColumn(table, c)));
  if (!found.size) return undefined;
  for (let grew = true; grew; ) {
    grew = false;
    for (const v of pc.catalog.views.values())
      if (!found.has(v.qualified) && v.reads.some((r) => found.has(r.table))) {
        found.add(v.qualified);
        grew = true;
      }
  }
  const unknown = [...found].filter((v) => pc.catalog.views.get(v)?.materialized || !pc.facts.viewDefinition(v));
  if (unknown.length) {
    pc.warnings.push(
      `statement ${st.index + 1}: views ${[...found].join(', ')} read ${table}.${columns.join(', ')}, and the definition of ${unknown.join(', ')} is unknown (or materialized); the step with the type change or the drop fails until they are dropped and recreated by hand.`,
    );
    return undefined;
  }
  // Creation order: a view after every view of the set it reads.
  const order: string[] = [];
  const pending = [...found];
  while (pending.length) {
    const next = pending.findIndex((v) => !pc.catalog.views.get(v)?.reads.some((r) => found.has(r.table) && !order.includes(r.table)));
    order.push(...pending.splice(Math.max(next, 0), 1)); // a cycle cannot be, but never loop
  }
  pc.warnings.push(
    `statement ${st.index + 1}: views ${order.join(', ')} are dropped and created again around the change of ${table}.${columns.join(', ')}; restore their grants, owner and comments in that step.`,
  );
  return {
    drop: [...order].reverse().map((v) => `DROP VIEW ${quoteQualified(v)};`),
    create: order.map((v) => `${pc.facts.viewDefinition(v)};`),
  };
}

// ------------------------------------------------------------------------- the migration's own DML

/** The batch size for a table, from its stats or its column types. */
function batchSizeFor(pc: PatternContext, table: string): { size: number; why: string } {
  const info = pc.catalog.table(table);
  const types = [...(info?.columns.values() ?? [])].map((c) => pc.facts.column(table, c.name)?.type ?? (c.type ? c.type.name : ''));
  return chooseBatchSize(
    pc.stats?.tables.find((t) => `${t.schema}.${t.name}` === table),
    types,
  );
}

/**
 * The migration's UPDATE/DELETE of an existing table as a batched, resumable step after the expand
 * (stage 2), so it no longer runs inside the schema transaction holding its locks. Only the plain
 * shape (no WITH, FROM/USING, RETURNING, ONLY or WHERE CURRENT OF, key not assigned) is rewritten.
 */
function batchedDml(pc: PatternContext, st: StatementInput, kind: string, node: Node): Piece[] | undefined {
  const table = qualify(rangeVarName(node.relation));
  const verb = kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE';
  const keep = (why: string) => {
    pc.warnings.push(`statement ${st.index + 1}: ${verb} of ${table} ${why}; kept as written in its transaction.`);
    return undefined;
  };
  if (!existing(pc, table)) return undefined;
  if (node.withClause || node.returningList?.length || node.fromClause?.length || node.usingClause?.length)
    return keep('has WITH, FROM/USING or RETURNING, which the batched form does not carry over');
  if (node.relation?.inh === false) return keep('uses ONLY');
  if (node.whereClause?.CurrentOfExpr) return keep('uses WHERE CURRENT OF');
  const key = batchKey(pc.catalog, table);
  if ('problem' in key) return keep(`cannot run in batches: ${key.problem}`);
  if (verb === 'UPDATE' && (node.targetList ?? []).some((t: Node) => t?.ResTarget?.name === key.column))
    return keep(`assigns the batch key ${key.column}`);
  const body = withoutSemicolon(st.text);
  if (body.includes('$backfill$')) return keep('contains the text $backfill$');
  // Clause boundaries from the tokens: a top-level SET (UPDATE) and WHERE; quoted names are not keywords.
  const top = tokens(body).filter((t) => t.depth === 0 && body[t.start] !== '"');
  const set = verb === 'UPDATE' ? top.find((t) => t.word === 'set') : undefined;
  const where = top.find((t) => t.word === 'where' && (!set || t.start > set.start));
  if (verb === 'UPDATE' && !set) return keep('has no SET clause the rewrite can find');
  const setText = set ? body.slice(set.end, where ? where.start : body.length).trim() : '';
  const condition = where ? body.slice(where.end).trim() : 'true';
  const batch = batchSizeFor(pc, table);
  const suffix = `${verb.toLowerCase()}_${table.split('.')[1]}`;
  const job = pc.jobName ? pc.jobName(suffix) : suffix;
  const spec = {
    table,
    key: key.column,
    keyType: key.type,
    set: setText,
    pending: condition,
    job,
    batchSize: batch.size,
    pause: 0.05,
    lockTimeout: pc.settings.lockTimeout,
    dml: { verb, alias: node.relation?.alias?.aliasname as string | undefined },
  } as const;
  const done = `SELECT finished_at IS NOT NULL AS done FROM ${PROGRESS_TABLE} WHERE migration = ${quoteLiteral(job)};`;
  return [
    {
      stage: 2,
      sql: backfillStatement(spec),
      phase: 'backfill',
      pattern: 'batched-dml',
      title: `the migration's ${verb} of ${table} (statement ${st.index + 1}) in batches of ${batch.size} (${batch.why})`,
      why: "each batch locks only its own rows (ROW EXCLUSIVE on the table) and commits; it no longer holds the schema steps' locks",
      lockLines: [
        `${table}: ROW EXCLUSIVE per batch (plus row locks on one batch of rows until its COMMIT); blocks only SHARE and stronger table locks, not reads or writes`,
      ],
      reverse: `by hand: the ${verb} changed data, as the original did`,
      suffix,
      notes: backfillNotes(spec, done),
      checks: [`${done}  -- must be true`],
      source: st.index,
      // Later statements on the table may rely on the changed rows: they wait for this step.
      provides: [{ table, names: ['*'] }],
    },
  ];
}

// ------------------------------------------------------------------------------------------ indexes

function nonTransactionalPiece(st: StatementInput): Piece {
  return {
    stage: 1,
    sql: `${withoutSemicolon(st.text)};`,
    phase: 'migrate',
    pattern: 'non-transactional',
    title: `${st.label} (cannot run inside a transaction block)`,
    why: 'it runs on its own, outside a transaction, as PostgreSQL requires',
    reverse: `undo: ${st.label}`,
    suffix: st.label.toLowerCase().replace(/[^a-z]+/g, '_'),
    source: st.index,
  };
}

// Names come from ../names (PostgreSQL's own rules, one home). An unnamed object keeps the name
// PostgreSQL gives it when the original runs (the catalog recorded it, or it is chosen the same way
// now); names the rewrite invents are made unique among the schema's relations and constraints and
// everything this plan has handed out (pc.takenNames: "<schema>.<relation>", "<schema>#<constraint>").

/** Handed out by this plan (or fix): PostgreSQL would see it when the rewritten steps run. */
function plannedName(pc: PatternContext, schema: string, n: string): boolean {
  return pc.takenNames.has(`${schema}.${n}`) || pc.takenNames.has(`${schema}#${n}`);
}

function handOut(pc: PatternContext, schema: string, n: string, relation: boolean): string {
  pc.takenNames.add(relation ? `${schema}.${n}` : `${schema}#${n}`);
  return n;
}

/**
 * A quick fix sees the catalog after the whole file (createdHere is set): the name was recorded when the
 * statement was applied. The split plans with the catalog before the statement and chooses it now.
 */
function recorded(pc: PatternContext, node: Node): string | undefined {
  return pc.createdHere ? pc.catalog.nameOf(node) : undefined;
}

/** The name PostgreSQL gives this unnamed CREATE INDEX (ChooseIndexName). */
function defaultIndexName(pc: PatternContext, table: string, node: Node): string {
  const schema = table.split('.')[0];
  return handOut(pc, schema, recorded(pc, node) ?? pc.catalog.indexName(table, node, (n) => plannedName(pc, schema, n)), true);
}

/** The name PostgreSQL gives this unnamed constraint (ChooseConstraintName / ChooseRelationName). */
function defaultConstraintNameOf(pc: PatternContext, table: string, con: Node, type: ConstraintInfo['type'], columns: string[]): string {
  const [schema, name] = [table.split('.')[0], table.split('.')[1]];
  const known = recorded(pc, con);
  const chosen =
    known ?? pc.catalog.constraintName(pc.catalog.table(table) ?? { schema, name }, type, columns, (n) => plannedName(pc, schema, n));
  return handOut(pc, schema, chosen, type === 'p' || type === 'u' || type === 'x');
}

/** A relation name the rewrite invents (a temporary index): name1_label, then _label1, _label2, ... */
function uniqueRelationName(pc: PatternContext, schema: string, name1: string, label: string): string {
  const taken = (n: string) => pc.catalog.relationTaken(schema, n) || pc.catalog.constraintTaken(schema, n) || plannedName(pc, schema, n);
  return handOut(pc, schema, chooseName(name1, undefined, label, taken), true);
}

/** A constraint name the rewrite invents (a NOT NULL check): <table>_<column>_<label>, numbered when taken. */
function uniqueConstraintName(pc: PatternContext, table: string, column: string, label: string): string {
  const [schema, name] = [table.split('.')[0], table.split('.')[1]];
  const taken = (n: string) => pc.catalog.constraintTaken(schema, n) || pc.catalog.relationTaken(schema, n) || plannedName(pc, schema, n);
  return handOut(pc, schema, chooseName(name, column, label, taken), false);
}

/** name + suffix within 63 bytes: the name is shortened (on a character boundary), never the suffix. */
function withSuffix(name: string, suffix: string): string {
  return clipBytes(name, MAX_IDENTIFIER_BYTES - utf8Length(suffix)) + suffix;
}

function indexCheck(qualifiedIndex: string): string {
  return `SELECT indexrelid::regclass AS index, indisvalid FROM pg_index WHERE indexrelid = ${quoteLiteral(qualifiedIndex)}::regclass;  -- indisvalid must be true`;
}

const INVALID_NOTE = (index: string) => [
  `If the build fails or is cancelled it leaves an INVALID index ${index}, and IF NOT EXISTS would then skip it silently:`,
  `check with SELECT indexrelid::regclass FROM pg_index WHERE NOT indisvalid; then DROP INDEX CONCURRENTLY IF EXISTS ${index}; and rerun this file.`,
];

function concurrentIndex(pc: PatternContext, st: StatementInput, node: Node): Piece[] | undefined {
  const table = qualify(rangeVarName(node.relation));
  const info = pc.catalog.table(table);
  if (info?.kind === 'partitioned' || node.relation?.inh === false) {
    pc.warnings.push(
      `statement ${st.index + 1}: ${table} is partitioned; CREATE INDEX CONCURRENTLY does not work on a partitioned table. Create the index ON ONLY the parent, build each partition's index CONCURRENTLY, then ALTER INDEX ... ATTACH PARTITION. Kept as written.`,
    );
    return undefined;
  }
  const schema = table.split('.')[0];
  const name = node.idxname ?? defaultIndexName(pc, table, node);
  const sql = concurrentIndexSql(st.text, name);
  if (!sql) return undefined;
  const qualifiedIndex = `${quoteIdent(schema)}.${quoteIdent(name)}`;
  return [
    {
      stage: 1,
      sql,
      phase: 'migrate',
      pattern: 'concurrent-index',
      title: `build index ${name} on ${table} CONCURRENTLY`,
      why: 'CREATE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE: reads and writes continue during the build',
      reverse: `DROP INDEX CONCURRENTLY IF EXISTS ${qualifiedIndex};`,
      suffix: `index_${name}`,
      notes: INVALID_NOTE(qualifiedIndex),
      checks: [indexCheck(qualifiedIndex)],
      source: st.index,
      provides: [{ table, names: [name] }],
    },
  ];
}

/** CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS <name> ON ... from the written statement. */
export function concurrentIndexSql(text: string, name: string): string | undefined {
  const body = withoutSemicolon(text);
  const toks = tokens(body);
  let k = 0;
  if (toks[k]?.word !== 'create') return undefined;
  k++;
  if (toks[k]?.word === 'unique') k++;
  if (toks[k]?.word !== 'index') return undefined;
  const afterIndex = toks[k].end;
  k++;
  if (toks[k]?.word === 'concurrently') k++;
  if (toks[k]?.word === 'if' && toks[k + 1]?.word === 'not' && toks[k + 2]?.word === 'exists') k += 3;
  if (toks[k]?.word !== 'on') k++; // the index name
  if (toks[k]?.word !== 'on') return undefined;
  return `${body.slice(0, afterIndex)} CONCURRENTLY IF NOT EXISTS ${quoteIdent(name)} ${body.slice(toks[k].start)};`;
}

function concurrentDropIndex(pc: PatternContext, st: StatementInput, node: Node): Piece[] | undefined {
  if (node.behavior === 'DROP_CASCADE') {
    pc.warnings.push(
      `statement ${st.index + 1}: DROP INDEX ... CASCADE cannot run CONCURRENTLY; drop what depends on the index first. Kept as written.`,
    );
    return undefined;
  }
  const names = (node.objects ?? []).map((o: Node) => listName(strings(o?.List?.items)));
  return names.map((n: { schema?: string; name: string }) => {
    const q = qualify(n);
    const table = pc.catalog.tableOfIndex(q);
    const written = n.schema ? `${quoteIdent(n.schema)}.${quoteIdent(n.name)}` : quoteIdent(n.name);
    const definition = pc.facts.indexDefinition(q);
    return {
      stage: 1 as Stage,
      sql: `DROP INDEX CONCURRENTLY IF EXISTS ${written};`,
      phase: 'migrate' as SplitPhase,
      pattern: 'concurrent-drop-index' as PatternKind,
      title: `drop index ${q} CONCURRENTLY`,
      why: 'DROP INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE and waits for queries using the index instead of blocking the table',
      reverse: definition
        ? `${concurrentIndexSql(definition, n.name) ?? definition}`
        : `recreate the index with its original CREATE INDEX, CONCURRENTLY`,
      suffix: `drop_index_${n.name}`,
      notes: ['If it fails midway the index is left INVALID: rerun this file (IF EXISTS makes it safe to repeat).'],
      source: st.index,
      provides: table ? [{ table, names: [n.name] }] : undefined,
    };
  });
}

function concurrentReindex(st: StatementInput, node: Node): Piece[] | undefined {
  const body = withoutSemicolon(st.text);
  const toks = tokens(body);
  // REINDEX [ (options) ] { INDEX | TABLE } name
  const target = toks.find((t) => t.depth === 0 && (t.word === 'index' || t.word === 'table'));
  if (!target) return undefined;
  const sql = `${body.slice(0, target.end)} CONCURRENTLY${body.slice(target.end)};`;
  const what = node.kind === 'REINDEX_OBJECT_INDEX' ? 'index' : 'indexes of table';
  return [
    {
      stage: 1,
      sql,
      phase: 'migrate',
      pattern: 'concurrent-reindex',
      title: `rebuild ${what} ${qualify(rangeVarName(node.relation))} CONCURRENTLY`,
      why: 'REINDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE: reads and writes continue during the rebuild',
      reverse: 'nothing to reverse: the index keeps its definition',
      suffix: `reindex_${rangeVarName(node.relation).name}`,
      notes: ['If it fails it can leave an INVALID index named <index>_ccnew: drop it (DROP INDEX CONCURRENTLY) and rerun.'],
      source: st.index,
    },
  ];
}

// ---------------------------------------------------------------------------------------- ALTER TABLE

interface AlterParts {
  /** "ALTER TABLE [IF EXISTS] [ONLY] name" as written. */
  prefix: string;
  /** The commands' texts, one per node.cmds entry. */
  cmds: string[];
  table: string;
  /** The table's name as written (for new statements). */
  tableText: string;
}

function alterParts(st: StatementInput, node: Node): AlterParts | undefined {
  const body = withoutSemicolon(st.text);
  const sText = new StatementText(body);
  const relLoc = node.relation?.location;
  if (typeof relLoc !== 'number') return undefined;
  const relStart = sText.at(relLoc);
  const toks = tokens(body, relStart);
  let k = 0;
  let end = toks[0]?.end ?? relStart;
  while (toks[k + 1]?.word === '.' && toks[k + 2]) {
    k += 2;
    end = toks[k].end;
  }
  const parts = topLevelParts(body, end, body.length);
  if (parts.length !== (node.cmds ?? []).length) return undefined;
  const rv = rangeVarName(node.relation);
  return {
    prefix: body.slice(0, end).trim(),
    cmds: parts.map(([a, b]) => body.slice(a, b)),
    table: qualify(rv),
    tableText: rv.schema ? `${quoteIdent(rv.schema)}.${quoteIdent(rv.name)}` : quoteIdent(rv.name),
  };
}

/** Per-command rewrite result: the command text to keep in place ('' drops it) and extra pieces. */
interface CmdRewrite {
  /** Replacement command text for the ALTER TABLE in stage 0, or undefined to drop the command. */
  now?: string;
  /** Extra whole statements for stage 0, after the ALTER TABLE. */
  after?: string[];
  pieces: Piece[];
  why?: string;
  title?: string;
  reverse?: string;
  pattern: PatternKind;
}

function alterTable(pc: PatternContext, st: StatementInput, node: Node, only?: PatternKind): Piece[] | undefined {
  const table = qualify(rangeVarName(node.relation));
  if (!existing(pc, table)) return undefined;
  const parts = alterParts(st, node);
  const cmds: Node[] = (node.cmds ?? []).map((c: Node) => c?.AlterTableCmd ?? {});
  const rewrites: (CmdRewrite | undefined)[] = cmds.map((cmd, i) => rewriteCmd(pc, st, table, cmd, parts?.cmds[i], only));
  if (rewrites.every((r) => !r)) return undefined;
  if (!parts) {
    pc.warnings.push(`statement ${st.index + 1}: could not separate the commands of this ALTER TABLE; kept as written.`);
    return undefined;
  }
  const pieces: Piece[] = [];
  const nowCmds: string[] = [];
  const after: string[] = [];
  const titles: string[] = [];
  const whys: string[] = [];
  const reverses: string[] = [];
  let pattern: PatternKind = 'keep';
  rewrites.forEach((r, i) => {
    if (!r) {
      nowCmds.push(parts.cmds[i]);
      return;
    }
    if (r.now !== undefined) nowCmds.push(r.now);
    if (r.after) after.push(...r.after);
    if (r.title) titles.push(r.title);
    if (r.why) whys.push(r.why);
    if (r.reverse) reverses.push(r.reverse);
    pieces.push(...r.pieces);
    pattern = r.pattern;
  });
  const stage0: string[] = [];
  if (nowCmds.length) stage0.push(`${parts.prefix} ${nowCmds.join(', ')};`);
  stage0.push(...after);
  if (stage0.length) {
    pieces.unshift({
      stage: 0,
      sql: stage0.join('\n'),
      phase: pieces.some((p) => p.phase === 'expand') ? 'expand' : 'migrate',
      pattern,
      title: titles.join('; ') || st.label,
      why: whys.join('; ') || 'brief locks only',
      reverse: reverses.join(' ') || `undo: ${st.label}`,
      suffix: 'migrate',
      source: st.index,
    });
  }
  return pieces;
}

function rewriteCmd(
  pc: PatternContext,
  st: StatementInput,
  table: string,
  cmd: Node,
  cmdText: string | undefined,
  only?: PatternKind,
): CmdRewrite | undefined {
  const want = (k: PatternKind) => !only || only === k;
  const lock = st.locks.find((l) => l.relation === table);
  const long = !!lock && longLock(pc, [lock]) !== undefined;
  const con: Node | undefined = cmd.def?.Constraint;
  switch (cmd.subtype) {
    case 'AT_AddConstraint':
      if (!con || con.skip_validation) return undefined;
      if ((con.contype === 'CONSTR_FOREIGN' || con.contype === 'CONSTR_CHECK') && want('not-valid') && longLock(pc, st.locks))
        return notValid(pc, st, table, con, cmdText);
      if ((con.contype === 'CONSTR_UNIQUE' || con.contype === 'CONSTR_PRIMARY') && !con.indexname && want('unique-index') && long)
        return uniqueViaIndex(pc, st, table, con, cmdText);
      if (con.contype === 'CONSTR_NOTNULL' && want('not-null') && long) return notNull(pc, st, table, strings(con.keys)[0], con.conname);
      if (con.contype === 'CONSTR_EXCLUSION' && long)
        pc.warnings.push(
          `statement ${st.index + 1}: an EXCLUDE constraint cannot adopt an index built concurrently; it keeps its ACCESS EXCLUSIVE build. Run it in a quiet window.`,
        );
      return undefined;
    case 'AT_SetNotNull':
      if (want('not-null') && long && lock?.scan) return notNull(pc, st, table, cmd.name, undefined);
      return undefined;
    case 'AT_AddColumn': {
      const def: Node = cmd.def?.ColumnDef ?? {};
      const cons: Node[] = (def.constraints ?? []).map((c: Node) => c?.Constraint).filter(Boolean);
      const dflt = cons.find((c) => c.contype === 'CONSTR_DEFAULT');
      if (dflt && isVolatileExpression(dflt.raw_expr) && want('volatile-default') && lock?.rewrite && (pc.ignoreSize || !isTinyLock(lock)))
        return volatileDefault(pc, st, table, def, cmdText);
      const uniq = cons.find((c) => (c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY') && !c.indexname);
      if (uniq && want('unique-index') && long && !lock?.rewrite) return inlineUnique(pc, st, table, def, uniq, cmdText);
      return undefined;
    }
    case 'AT_AlterColumnType':
      if (want('type-change') && lock?.rewrite && (pc.ignoreSize || !isTinyLock(lock))) return typeChange(pc, st, table, cmd);
      return undefined;
    case 'AT_DropColumn':
      if (want('drop-column')) return dropColumn(pc, st, table, cmd, cmdText);
      return undefined;
    default:
      return undefined;
  }
}

/** The default name PostgreSQL gives an unnamed FK or CHECK. */
function defaultConstraintName(pc: PatternContext, table: string, con: Node): string {
  if (con.contype === 'CONSTR_FOREIGN') return defaultConstraintNameOf(pc, table, con, 'f', strings(con.fk_attrs));
  return defaultConstraintNameOf(pc, table, con, 'c', [...new Set(columnRefs(con.raw_expr))]);
}

/** The constraint clause of an ADD CONSTRAINT command with a name and NOT VALID. */
function namedNotValid(cmdText: string, name: string, named: boolean): string {
  let text = cmdText.trim();
  if (!named) text = text.replace(/^ADD\s+/i, `ADD CONSTRAINT ${quoteIdent(name)} `);
  return `${text} NOT VALID`;
}

function notValid(pc: PatternContext, st: StatementInput, table: string, con: Node, cmdText: string | undefined): CmdRewrite | undefined {
  if (!cmdText) return undefined;
  const name = con.conname ?? defaultConstraintName(pc, table, con);
  const what = con.contype === 'CONSTR_FOREIGN' ? 'FOREIGN KEY' : 'CHECK';
  const tableText = quoteQualified(table);
  return {
    now: namedNotValid(cmdText, name, !!con.conname),
    pattern: 'not-valid',
    title: `add ${what} ${name} NOT VALID`,
    why: `NOT VALID skips the scan: ${con.contype === 'CONSTR_FOREIGN' ? 'SHARE ROW EXCLUSIVE on both tables, briefly' : 'ACCESS EXCLUSIVE, briefly'}; new rows are checked from now on`,
    reverse: `ALTER TABLE ${tableText} DROP CONSTRAINT IF EXISTS ${quoteIdent(name)};`,
    pieces: [validatePiece(st, table, name, what)],
  };
}

function validatePiece(st: StatementInput, table: string, name: string, what: string, pattern: PatternKind = 'not-valid'): Piece {
  return {
    stage: 5,
    sql: `ALTER TABLE ${quoteQualified(table)} VALIDATE CONSTRAINT ${quoteIdent(name)};`,
    phase: 'validate',
    pattern,
    title: `validate ${what} ${name}`,
    why: 'VALIDATE CONSTRAINT scans under SHARE UPDATE EXCLUSIVE: reads and writes continue',
    reverse: `nothing to undo (a validated constraint stays valid); to remove it: ALTER TABLE ${quoteQualified(table)} DROP CONSTRAINT ${quoteIdent(name)};`,
    suffix: `validate_${name}`,
    notes: ['If rows violate the constraint, VALIDATE fails and changes nothing: fix the rows and rerun.'],
    checks: [
      `SELECT conname, convalidated FROM pg_constraint WHERE conrelid = ${quoteLiteral(quoteQualified(table))}::regclass AND conname = ${quoteLiteral(name)};  -- convalidated must be true`,
    ],
    source: st.index,
    provides: [{ table, names: [name] }],
  };
}

// ------------------------------------------------------------------------------- UNIQUE / PRIMARY KEY

function uniqueViaIndex(
  pc: PatternContext,
  st: StatementInput,
  table: string,
  con: Node,
  cmdText: string | undefined,
): CmdRewrite | undefined {
  const cols = strings(con.keys);
  if (!cols.length || (con.including ?? []).length || con.options?.length || con.indexspace || con.nulls_not_distinct || con.where_clause) {
    if (cmdText)
      pc.warnings.push(`statement ${st.index + 1}: this UNIQUE/PRIMARY KEY has options the rewrite does not carry over; kept as written.`);
    return undefined;
  }
  const primary = con.contype === 'CONSTR_PRIMARY';
  const name = con.conname ?? defaultConstraintNameOf(pc, table, con, primary ? 'p' : 'u', cols);
  const deferrable = con.deferrable ? ` DEFERRABLE${con.initdeferred ? ' INITIALLY DEFERRED' : ''}` : '';
  return {
    now: undefined,
    pattern: 'unique-index',
    ...uniquePieces(pc, st, table, name, cols, primary, deferrable),
  };
}

function uniquePieces(
  pc: PatternContext,
  st: StatementInput,
  table: string,
  name: string,
  cols: string[],
  primary: boolean,
  deferrable: string,
): Omit<CmdRewrite, 'pattern' | 'now'> {
  const tableText = quoteQualified(table);
  const schema = table.split('.')[0];
  const qualifiedIndex = `${quoteIdent(schema)}.${quoteIdent(name)}`;
  const info = pc.catalog.table(table);
  const nullable = primary ? cols.filter((c) => !info?.columns.get(c)?.notNull) : [];
  const after: string[] = [];
  const pieces: Piece[] = [
    {
      stage: 1,
      sql: `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(name)} ON ${tableText} (${cols.map(quoteIdent).join(', ')});`,
      phase: 'migrate',
      pattern: 'unique-index',
      title: `build unique index ${name} on ${table} CONCURRENTLY`,
      why: 'CREATE UNIQUE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE: reads and writes continue',
      reverse: `DROP INDEX CONCURRENTLY IF EXISTS ${qualifiedIndex};`,
      suffix: `index_${name}`,
      notes: [
        ...INVALID_NOTE(qualifiedIndex),
        'Duplicate values make the build fail (and leave the INVALID index): remove the duplicates first.',
      ],
      checks: [indexCheck(qualifiedIndex)],
      source: st.index,
      provides: [{ table, names: [name, ...cols] }],
    },
  ];
  const stage5: string[] = [];
  for (const c of nullable) {
    const check = uniqueConstraintName(pc, table, c, 'not_null_check');
    after.push(`ALTER TABLE ${tableText} ADD CONSTRAINT ${quoteIdent(check)} CHECK (${quoteIdent(c)} IS NOT NULL) NOT VALID;`);
    pieces.push(validatePiece(st, table, check, 'CHECK', 'unique-index'));
    stage5.push(`ALTER TABLE ${tableText} DROP CONSTRAINT ${quoteIdent(check)};`);
  }
  pieces.push({
    stage: 6,
    sql: [
      `ALTER TABLE ${tableText} ADD CONSTRAINT ${quoteIdent(name)} ${primary ? 'PRIMARY KEY' : 'UNIQUE'} USING INDEX ${quoteIdent(name)}${deferrable};`,
      ...stage5,
    ].join('\n'),
    phase: 'migrate',
    pattern: 'unique-index',
    title: `attach ${name} as the ${primary ? 'primary key' : 'unique constraint'} of ${table}`,
    why: `ADD CONSTRAINT ... USING INDEX reuses the index built concurrently: ACCESS EXCLUSIVE, briefly${nullable.length ? '; the key columns are proven NOT NULL by the validated CHECK, so no scan' : ''}`,
    reverse: `ALTER TABLE ${tableText} DROP CONSTRAINT ${quoteIdent(name)};  -- drops the index too`,
    suffix: `attach_${name}`,
    source: st.index,
    provides: [{ table, names: [name, ...cols] }],
  });
  return {
    after,
    pieces,
    title: `${primary ? 'PRIMARY KEY' : 'UNIQUE'} ${name} via an index built concurrently${nullable.length ? ` (with CHECK (${nullable.join(', ')} IS NOT NULL) NOT VALID first)` : ''}`,
    why: nullable.length
      ? 'CHECK ... NOT VALID is catalog-only (ACCESS EXCLUSIVE, briefly)'
      : 'nothing here: the constraint comes in a later step',
    reverse: nullable.length ? 'drop the CHECK constraints added here' : 'nothing',
  };
}

/** ADD COLUMN c type UNIQUE: add the column plain, build the unique index, attach it. */
function inlineUnique(
  pc: PatternContext,
  st: StatementInput,
  table: string,
  def: Node,
  uniq: Node,
  cmdText: string | undefined,
): CmdRewrite | undefined {
  if (!cmdText) return undefined;
  const stripped = stripColumnConstraints(cmdText, st, [uniq]);
  if (!stripped) return undefined;
  const primary = uniq.contype === 'CONSTR_PRIMARY';
  const name = uniq.conname ?? defaultConstraintNameOf(pc, table, uniq, primary ? 'p' : 'u', [def.colname]);
  const rest = uniquePieces(pc, st, table, name, [def.colname], primary, '');
  return { ...rest, now: stripped, pattern: 'unique-index', title: `add column ${def.colname}, then ${rest.title}` };
}

/** The ADD COLUMN command text without some of its inline constraints. */
function stripColumnConstraints(cmdText: string, st: StatementInput, drop: Node[]): string | undefined {
  // Constraint locations are relative to the statement; find the command inside the statement text.
  const body = withoutSemicolon(st.text);
  const sText = new StatementText(body);
  const cmdStart = body.indexOf(cmdText);
  if (cmdStart < 0) return undefined;
  const spans: [number, number][] = [];
  for (const con of drop) {
    if (typeof con.location !== 'number') return undefined;
    const start = sText.at(con.location) - cmdStart;
    if (start < 0 || start > cmdText.length) return undefined;
    spans.push([start, constraintEnd(cmdText, start)]);
  }
  let out = cmdText;
  for (const [a, b] of spans.sort((x, y) => y[0] - x[0]))
    out = out.slice(0, a).trimEnd() + (out.slice(b).startsWith(' ') || b >= out.length ? '' : ' ') + out.slice(b);
  return out.trim();
}

const CONSTRAINT_WORDS = ['not', 'null', 'constraint', 'check', 'unique', 'primary', 'references', 'generated', 'collate', 'default'];

/** End of one inline column constraint that starts at `start` (its keyword, or CONSTRAINT name). */
function constraintEnd(text: string, start: number): number {
  // Read lazily: the constraint ends within a few tokens, and the rest of a long ALTER TABLE is not scanned.
  const stream = tokenStream(text, start);
  const seen: Token[] = [];
  const at = (n: number): Token | undefined => {
    while (seen.length <= n) {
      const next = stream.next();
      if (next.done) return undefined;
      seen.push(next.value);
    }
    return seen[n];
  };
  let k = 0;
  if (at(k)?.word === 'constraint') k += 2;
  if (at(k)?.word === 'not' && at(k + 1)?.word === 'null') return (at(k + 1) as Token).end;
  if (at(k)?.word === 'null') return (at(k) as Token).end;
  if (at(k)?.word === 'primary' && at(k + 1)?.word === 'key') k++;
  let end = at(k)?.end ?? start;
  for (let j = k + 1, t = at(j); t; t = at(++j)) {
    if (t.depth === 0 && (t.word === ',' || t.word === ';' || CONSTRAINT_WORDS.includes(t.word))) break;
    if (t.depth < 0) break;
    end = t.end;
  }
  return end;
}

// ------------------------------------------------------------------------------------------ NOT NULL

function notNull(
  pc: PatternContext,
  st: StatementInput,
  table: string,
  column: string,
  conname: string | undefined,
): CmdRewrite | undefined {
  if (!column) return undefined;
  const tableText = quoteQualified(table);
  const tname = table.split('.')[1];
  const col = quoteIdent(column);
  if (pc.pgVersion >= 18) {
    const name = conname ?? uniqueConstraintName(pc, table, column, 'not_null');
    return {
      now: `ADD CONSTRAINT ${quoteIdent(name)} NOT NULL ${col} NOT VALID`,
      pattern: 'not-null',
      title: `add NOT NULL ${name} on ${column} NOT VALID (PG 18)`,
      why: 'NOT NULL ... NOT VALID skips the scan (ACCESS EXCLUSIVE, briefly); new rows are checked from now on',
      reverse: `ALTER TABLE ${tableText} DROP CONSTRAINT IF EXISTS ${quoteIdent(name)};`,
      pieces: [validatePiece(st, table, name, 'NOT NULL', 'not-null')],
    };
  }
  const check = uniqueConstraintName(pc, table, column, 'not_null');
  const pieces: Piece[] = [validatePiece(st, table, check, 'CHECK', 'not-null')];
  if (pc.pgVersion >= 12) {
    pieces.push({
      stage: 6,
      sql: `ALTER TABLE ${tableText} ALTER COLUMN ${col} SET NOT NULL;\nALTER TABLE ${tableText} DROP CONSTRAINT ${quoteIdent(check)};`,
      phase: 'validate',
      pattern: 'not-null',
      title: `SET NOT NULL on ${table}.${column} using the validated CHECK, then drop the CHECK`,
      why: 'with a valid CHECK (col IS NOT NULL), SET NOT NULL skips the scan (PG 12+): ACCESS EXCLUSIVE, briefly',
      reverse: `ALTER TABLE ${tableText} ALTER COLUMN ${col} DROP NOT NULL;`,
      suffix: `set_not_null_${tname}_${column}`,
      source: st.index,
      provides: [{ table, names: [column, check] }],
    });
  } else {
    pc.warnings.push(
      `statement ${st.index + 1}: before PG 12 SET NOT NULL always scans under ACCESS EXCLUSIVE; the split keeps the validated CHECK (${column} IS NOT NULL) instead of the NOT NULL column attribute.`,
    );
  }
  return {
    now: `ADD CONSTRAINT ${quoteIdent(check)} CHECK (${col} IS NOT NULL) NOT VALID`,
    pattern: 'not-null',
    title: `add CHECK (${column} IS NOT NULL) NOT VALID`,
    why: 'CHECK ... NOT VALID skips the scan (ACCESS EXCLUSIVE, briefly); new rows are checked from now on',
    reverse: `ALTER TABLE ${tableText} DROP CONSTRAINT IF EXISTS ${quoteIdent(check)};`,
    pieces,
  };
}

// ------------------------------------------------------------------------------------ volatile default

function volatileDefault(
  pc: PatternContext,
  st: StatementInput,
  table: string,
  def: Node,
  cmdText: string | undefined,
): CmdRewrite | undefined {
  if (!cmdText) return undefined;
  const cons: Node[] = (def.constraints ?? []).map((c: Node) => c?.Constraint).filter(Boolean);
  const dflt = cons.find((c) => c.contype === 'CONSTR_DEFAULT')!;
  const notNullCon = cons.find((c) => c.contype === 'CONSTR_NOTNULL');
  const other = cons.filter((c) => !['CONSTR_DEFAULT', 'CONSTR_NOTNULL', 'CONSTR_NULL'].includes(c.contype));
  if (other.length) {
    pc.warnings.push(
      `statement ${st.index + 1}: ADD COLUMN ${def.colname} has inline constraints besides DEFAULT/NOT NULL; add them in a separate statement for the split to move them. Kept as written.`,
    );
    return undefined;
  }
  const body = withoutSemicolon(st.text);
  const sText = new StatementText(body);
  const expr = exprText(dflt.raw_expr, sText);
  if (!expr) return undefined;
  const stripped = stripColumnConstraints(cmdText, st, [dflt, ...(notNullCon ? [notNullCon] : [])]);
  if (!stripped) return undefined;
  const tableText = quoteQualified(table);
  const col = quoteIdent(def.colname);
  const after = [`ALTER TABLE ${tableText} ALTER COLUMN ${col} SET DEFAULT ${expr};`];
  const pieces: Piece[] = [];
  const fill = backfillPiece(
    pc,
    st,
    table,
    def.colname,
    `${col} = ${expr}`,
    `${col} IS NULL`,
    `SELECT count(*) FROM ${tableText} WHERE ${col} IS NULL;`,
  );
  if (fill) pieces.push(fill);
  let nn: CmdRewrite | undefined;
  if (notNullCon) {
    nn = notNull(pc, st, table, def.colname, notNullCon.conname);
    if (nn) {
      pieces.push(
        afterBackfillCheck(st, table, `ALTER TABLE ${tableText} ${nn.now ?? ''};`, nn.title ?? '', nn.reverse ?? '', def.colname),
      );
      pieces.push(...nn.pieces);
    }
  }
  return {
    now: stripped,
    after,
    pattern: 'volatile-default',
    title: `add column ${def.colname} without a default, then SET DEFAULT ${expr} (new rows only)${nn ? `, ${nn.title}` : ''}`,
    why: 'ADD COLUMN without a default and SET DEFAULT are catalog-only: ACCESS EXCLUSIVE, briefly, no rewrite',
    reverse: `ALTER TABLE ${tableText} DROP COLUMN IF EXISTS ${col};`,
    pieces,
  };
}

/** A NOT VALID constraint added once the backfill has filled the column (stage 4). */
function afterBackfillCheck(st: StatementInput, table: string, sql: string, title: string, reverse: string, column: string): Piece {
  return {
    stage: 4,
    sql,
    phase: 'validate',
    pattern: 'not-null',
    title,
    why: 'NOT VALID skips the scan (ACCESS EXCLUSIVE, briefly); added only after the backfill, because a NOT VALID check still applies to every row an UPDATE touches',
    reverse,
    suffix: `check_${table.split('.')[1]}_${column}`,
    source: st.index,
    provides: [{ table, names: [column] }],
  };
}

/** A batched backfill piece, or undefined (with a warning) when the table has no usable key. */
function backfillPiece(
  pc: PatternContext,
  st: StatementInput,
  table: string,
  column: string,
  set: string,
  pending: string,
  remaining: string,
  extraChecks: string[] = [],
): Piece | undefined {
  const key = batchKey(pc.catalog, table);
  if ('problem' in key) {
    pc.warnings.push(
      `statement ${st.index + 1}: ${key.problem}. No backfill file was generated for ${table}.${column}: add a primary key (or backfill by hand in batches) before the later steps.`,
    );
    return undefined;
  }
  const batch = batchSizeFor(pc, table);
  const suffix = `backfill_${table.split('.')[1]}_${column}`;
  const job = pc.jobName ? pc.jobName(suffix) : suffix;
  const spec = {
    table,
    key: key.column,
    keyType: key.type,
    set,
    pending,
    job,
    batchSize: batch.size,
    pause: 0.05,
    lockTimeout: pc.settings.lockTimeout,
  };
  return {
    stage: 2,
    sql: backfillStatement(spec),
    phase: 'backfill',
    pattern: 'volatile-default',
    title: `backfill ${table}.${column} in batches of ${batch.size} (${batch.why})`,
    why: 'each batch locks only its own rows (ROW EXCLUSIVE on the table) and commits; no table lock blocks reads or writes',
    lockLines: [
      `${table}: ROW EXCLUSIVE per batch (plus row locks on one batch of rows until its COMMIT); blocks only SHARE and stronger table locks, not reads or writes`,
    ],
    reverse: 'nothing to reverse on its own: the values are dropped with the column if the expand step is reversed',
    suffix,
    notes: backfillNotes(spec, remaining, extraChecks),
    checks: [`${remaining}  -- must be 0`, ...extraChecks],
    source: st.index,
    provides: [{ table, names: [column] }],
  };
}

// ------------------------------------------------------------------------ type change and renames

function freeColumnName(pc: PatternContext, table: string, base: string): string {
  const info = pc.catalog.table(table);
  let name = withSuffix(base, '_new');
  for (let k = 2; info?.columns.has(name) || pc.takenNames.has(`${table}.${name}`); k++) name = withSuffix(base, `_new${k}`);
  pc.takenNames.add(`${table}.${name}`);
  return name;
}

interface ExpandSpec {
  table: string;
  /** The column the application uses now. */
  old: string;
  /** The column being introduced. */
  fresh: string;
  /** Type of the new column. */
  type: string;
  /** Expression computing the new value from a row, with {row} standing for NEW or the table. */
  convert: (row: string) => string;
  /** Keep the columns in sync both ways (same type: a rename). */
  twoWay: boolean;
  /** After the contract, the new column takes the old name (type change). */
  renameBack: boolean;
  pattern: PatternKind;
}

/** expand (new column + sync trigger), backfill, index builds, validate, contract. */
function expandContract(pc: PatternContext, st: StatementInput, e: ExpandSpec): Piece[] | undefined {
  const { table } = e;
  const info = pc.catalog.table(table);
  const oldCol = info?.columns.get(e.old);
  if (!info || !oldCol) {
    pc.warnings.push(
      `statement ${st.index + 1}: ${table}.${e.old} is not in the known schema; expand/contract needs its definition. Kept as written.`,
    );
    return undefined;
  }
  const facts = pc.facts.column(table, e.old);
  if (facts?.identity || facts?.generated || facts?.serial) {
    pc.warnings.push(
      `statement ${st.index + 1}: ${table}.${e.old} is an identity, serial or generated column; moving its sequence or expression is not automated. Kept as written.`,
    );
    return undefined;
  }
  const referencing = [...pc.catalog.tables.values()].flatMap((t) =>
    t.constraints
      .filter(
        (k) =>
          k.type === 'f' &&
          k.references === table &&
          (k.referencedColumns?.includes(e.old) ||
            (!k.referencedColumns?.length && info.constraints.some((p) => p.type === 'p' && p.columns.includes(e.old)))),
      )
      .map((k) => `${t.qualified}.${k.name}`),
  );
  if (referencing.length) {
    pc.warnings.push(
      `statement ${st.index + 1}: foreign keys reference ${table}.${e.old} (${referencing.join(', ')}); the contract step cannot drop it until they are moved. Kept as written.`,
    );
    return undefined;
  }
  const others = info.constraints.filter(
    (k) =>
      k.columns.includes(e.old) &&
      (k.type === 'c' ||
        k.type === 'f' ||
        k.type === 'x' ||
        (k.type === 'u' && k.columns.length > 1) ||
        (k.type === 'p' && k.columns.length > 1)),
  );
  if (others.length)
    pc.warnings.push(
      `statement ${st.index + 1}: ${others.map((k) => k.name).join(', ')} on ${table}.${e.old} ${others.length > 1 ? 'are' : 'is'} dropped with the old column in the contract step; recreate ${others.length > 1 ? 'them' : 'it'} on ${e.renameBack ? e.old : e.fresh} (NOT VALID, then VALIDATE).`,
    );
  const views = viewsAround(pc, st, table, [e.old]);

  const tableText = quoteQualified(table);
  const schema = table.split('.')[0];
  const tname = table.split('.')[1];
  const oldQ = quoteIdent(e.old);
  const freshQ = quoteIdent(e.fresh);
  // Two type changes on one table with long names must not share a function (PostgreSQL would cut both
  // names to the same 63 bytes): PostgreSQL's makeObjectName keeps the column part, and a number follows when taken.
  const syncName = chooseName(
    tname,
    e.old,
    'sync',
    (n) => pc.catalog.functions.has(n.toLowerCase()) || pc.takenNames.has(`${schema}()${n}`),
  );
  pc.takenNames.add(`${schema}()${syncName}`);
  const fn = `${quoteIdent(schema)}.${quoteIdent(syncName)}`;
  const trigger = quoteIdent(syncName);
  const finalName = e.renameBack ? e.old : e.fresh;
  const body = e.twoWay
    ? `BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.${freshQ} IS NULL THEN NEW.${freshQ} := NEW.${oldQ}; ELSIF NEW.${oldQ} IS NULL THEN NEW.${oldQ} := NEW.${freshQ}; END IF;
  ELSIF NEW.${oldQ} IS DISTINCT FROM OLD.${oldQ} THEN
    NEW.${freshQ} := NEW.${oldQ};
  ELSIF NEW.${freshQ} IS DISTINCT FROM OLD.${freshQ} THEN
    NEW.${oldQ} := NEW.${freshQ};
  ELSIF NEW.${freshQ} IS NULL THEN
    NEW.${freshQ} := NEW.${oldQ};  -- a row the backfill has not reached yet
  END IF;
  RETURN NEW;
END`
    : `BEGIN
  NEW.${freshQ} := ${e.convert('NEW')};
  RETURN NEW;
END`;
  const expand: string[] = [
    `ALTER TABLE ${tableText} ADD COLUMN ${freshQ} ${e.type};`,
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $sync$\n${body}\n$sync$;`,
    `CREATE TRIGGER ${trigger} BEFORE INSERT OR UPDATE ON ${tableText} FOR EACH ROW EXECUTE FUNCTION ${fn}();`,
  ];
  const pieces: Piece[] = [];
  let notNullCheck: string | undefined;
  if (oldCol.notNull) notNullCheck = uniqueConstraintName(pc, table, e.fresh, 'not_null_check');
  pieces.push({
    stage: 0,
    sql: expand.join('\n'),
    phase: 'expand',
    pattern: e.pattern,
    title: `expand: add ${table}.${e.fresh} (${e.type}) and a trigger that keeps it in sync with ${e.old} on INSERT/UPDATE`,
    why: 'ADD COLUMN without a default is catalog-only (ACCESS EXCLUSIVE, briefly); CREATE TRIGGER takes SHARE ROW EXCLUSIVE, briefly',
    reverse: `DROP TRIGGER IF EXISTS ${trigger} ON ${tableText}; DROP FUNCTION IF EXISTS ${fn}(); ALTER TABLE ${tableText} DROP COLUMN IF EXISTS ${freshQ};`,
    suffix: 'expand',
    deployNote: e.twoWay ? `deploy before the application version that writes ${e.fresh}` : undefined,
    source: st.index,
    provides: [{ table, names: [e.fresh] }],
  });
  const mismatch = `${freshQ} IS DISTINCT FROM ${e.convert('')}`;
  const fill = backfillPiece(
    pc,
    st,
    table,
    e.fresh,
    `${freshQ} = ${e.convert('')}`,
    mismatch,
    `SELECT count(*) FROM ${tableText} WHERE ${mismatch};`,
  );
  if (!fill) return undefined;
  fill.pattern = e.pattern;
  pieces.push(fill);
  // Indexes on the old column are rebuilt on the new one (concurrently) and take the old names in the contract.
  const contractIndex: string[] = [];
  for (const idx of [...pc.catalog.indexes.values()].filter((i) => i.table === table && i.columns.includes(e.old))) {
    const idxName = idx.qualified.split('.')[1];
    const def = pc.facts.indexDefinition(idx.qualified);
    const pk = info.constraints.find((k) => (k.type === 'p' || k.type === 'u') && k.name === idxName && k.columns.length === 1);
    if (idx.columns.length > 1 && !def) {
      pc.warnings.push(
        `statement ${st.index + 1}: index ${idx.qualified} covers ${e.old} and other columns, and its definition is unknown; recreate it on ${finalName} by hand.`,
      );
      continue;
    }
    const temp = uniqueRelationName(pc, schema, idxName, 'new');
    let createSql: string | undefined;
    if (def) {
      const onNew = replaceColumn(def, e.old, e.fresh);
      createSql = onNew ? concurrentIndexSql(onNew, temp) : undefined;
    } else {
      createSql = `CREATE ${idx.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(temp)} ON ${tableText} (${freshQ});`;
    }
    if (!createSql) {
      pc.warnings.push(`statement ${st.index + 1}: could not rewrite index ${idx.qualified} for ${e.fresh}; recreate it by hand.`);
      continue;
    }
    pieces.push({
      stage: 3,
      sql: createSql,
      phase: 'expand',
      pattern: e.pattern,
      title: `build index ${temp} on ${table}.${e.fresh} CONCURRENTLY (replaces ${idxName} in the contract step)`,
      why: 'CREATE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE: reads and writes continue',
      reverse: `DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdent(schema)}.${quoteIdent(temp)};`,
      suffix: `index_${temp}`,
      notes: INVALID_NOTE(`${quoteIdent(schema)}.${quoteIdent(temp)}`),
      checks: [indexCheck(`${quoteIdent(schema)}.${quoteIdent(temp)}`)],
      source: st.index,
      provides: [{ table, names: [temp] }],
    });
    if (pk)
      contractIndex.push(
        `ALTER TABLE ${tableText} ADD CONSTRAINT ${quoteIdent(pk.name)} ${pk.type === 'p' ? 'PRIMARY KEY' : 'UNIQUE'} USING INDEX ${quoteIdent(temp)};`,
      );
    else contractIndex.push(`ALTER INDEX ${quoteIdent(schema)}.${quoteIdent(temp)} RENAME TO ${quoteIdent(idxName)};`);
  }
  if (notNullCheck) {
    pieces.push(
      afterBackfillCheck(
        st,
        table,
        `ALTER TABLE ${tableText} ADD CONSTRAINT ${quoteIdent(notNullCheck)} CHECK (${freshQ} IS NOT NULL) NOT VALID;`,
        `add CHECK (${e.fresh} IS NOT NULL) NOT VALID`,
        `ALTER TABLE ${tableText} DROP CONSTRAINT IF EXISTS ${quoteIdent(notNullCheck)};`,
        e.fresh,
      ),
      validatePiece(st, table, notNullCheck, 'CHECK', e.pattern),
    );
  }
  const contract: string[] = [
    ...(views?.drop ?? []),
    `DROP TRIGGER ${trigger} ON ${tableText};`,
    `DROP FUNCTION ${fn}();`,
    // The drop and the rename back are this step's purpose: say so where check would flag them.
    `-- pg-preflight-ignore drop-column: contract step of the split; ${e.fresh} holds the data now, deploy this once no running version uses the old ${e.old}`,
    `ALTER TABLE ${tableText} DROP COLUMN ${oldQ};`,
  ];
  if (e.renameBack)
    contract.push(
      `-- pg-preflight-ignore rename-column: contract step of the split; ${e.fresh} takes back the name ${e.old} that the application uses`,
      `ALTER TABLE ${tableText} RENAME COLUMN ${freshQ} TO ${oldQ};`,
    );
  const finalQ = quoteIdent(finalName);
  contract.push(...contractIndex);
  const dflt = facts?.default;
  if (dflt) contract.push(`ALTER TABLE ${tableText} ALTER COLUMN ${finalQ} SET DEFAULT ${dflt};`);
  else if (oldCol.hasDefault)
    pc.warnings.push(
      `statement ${st.index + 1}: ${table}.${e.old} has a default whose expression is unknown; set it on ${finalName} in the contract step.`,
    );
  if (notNullCheck) {
    contract.push(
      `ALTER TABLE ${tableText} ALTER COLUMN ${finalQ} SET NOT NULL;`,
      `ALTER TABLE ${tableText} DROP CONSTRAINT ${quoteIdent(notNullCheck)};`,
    );
    // PG 18 names NOT NULL constraints; a rename keeps the old column's constraint name, so the split does too.
    const oldNotNull =
      info.constraints.find((k) => k.type === 'n' && k.columns.includes(e.old))?.name ?? makeObjectName(tname, e.old, 'not_null');
    const newNotNull = makeObjectName(tname, finalName, 'not_null');
    if (pc.pgVersion >= 18 && oldNotNull !== newNotNull)
      contract.push(`ALTER TABLE ${tableText} RENAME CONSTRAINT ${quoteIdent(newNotNull)} TO ${quoteIdent(oldNotNull)};`);
  }
  contract.push(...(views?.create ?? []));
  const refs = pc.appRefs.get(st.index);
  pieces.push({
    stage: 7,
    sql: contract.join('\n'),
    phase: 'contract',
    pattern: e.pattern,
    title: e.renameBack
      ? `contract: drop the old ${e.old} and the trigger, rename ${e.fresh} to ${e.old}`
      : `contract: drop ${e.old} and the sync trigger; ${e.fresh} is the column now`,
    why: 'DROP COLUMN, RENAME and USING INDEX change only the catalog: ACCESS EXCLUSIVE, briefly; SET NOT NULL uses the validated CHECK (no scan)',
    reverse: 'the old column and its data are gone: reverse by a new expand/contract back to the old definition (fix forward)',
    suffix: `contract_${tname}_${e.old}`,
    deployNote: e.renameBack
      ? `deploy only after the application reads the new column: every deployed version must work with ${e.old} as ${e.type}`
      : `deploy only after the application reads the new column ${e.fresh} and no deployed version uses ${e.old}${refs?.length ? ` (still referenced at ${refs.join(', ')})` : ''}`,
    notes: refs?.length ? [`Application code still mentions ${e.old}: ${refs.join(', ')}`] : undefined,
    source: st.index,
    provides: [{ table, names: [e.old, e.fresh, trigger.replace(/"/g, '')] }],
  });
  return pieces;
}

/** The CREATE INDEX text with one column renamed (the column list and WHERE clause); undefined when not found. */
function replaceColumn(definition: string, from: string, to: string): string | undefined {
  const toks = tokens(definition);
  const on = toks.findIndex((t) => t.depth === 0 && t.word === 'on');
  if (on < 0) return undefined;
  let out = definition;
  let changed = false;
  for (const t of [...toks].reverse()) {
    if (toks.indexOf(t) <= on + 1) break;
    if (t.word === from && (t.depth > 0 || toks.some((x) => x.word === 'where' && x.start < t.start))) {
      out = out.slice(0, t.start) + quoteIdent(to) + out.slice(t.end);
      changed = true;
    }
  }
  return changed ? out : undefined;
}

function typeChange(pc: PatternContext, st: StatementInput, table: string, cmd: Node): CmdRewrite | undefined {
  const def: Node = cmd.def?.ColumnDef ?? {};
  const body = withoutSemicolon(st.text);
  const sText = new StatementText(body);
  const type = typeSql(def.typeName, sText);
  let convert: (row: string) => string;
  if (def.raw_default) {
    // USING expr: its column references are the row's columns.
    const loc = firstLocation(def.raw_default);
    const exprStart = loc === undefined ? -1 : sText.at(loc);
    if (exprStart < 0) return undefined;
    const exprEnd = clauseEnd(body, exprStart);
    const expr = body.slice(exprStart, exprEnd);
    const refs: { start: number; end: number }[] = [];
    const visit = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(visit);
      if (!n || typeof n !== 'object') return;
      for (const [k, v] of Object.entries(n as Node)) {
        if (k === 'ColumnRef' && typeof (v as Node).location === 'number') {
          const fields = strings((v as Node).fields);
          const start = sText.at((v as Node).location) - exprStart;
          const written = tokens(expr, start);
          let end = written[0]?.end ?? start;
          for (let j = 1; j < fields.length * 2 - 1 && written[j]; j++) end = written[j].end;
          refs.push({ start, end });
        } else visit(v);
      }
    };
    visit(def.raw_default);
    const col = (row: string, name: string) => (row ? `${row}.${quoteIdent(name)}` : quoteIdent(name));
    convert = (row) => {
      let out = expr;
      for (const r of [...refs].sort((a, b) => b.start - a.start)) {
        const parts = expr
          .slice(r.start, r.end)
          .split('.')
          .map((p) => p.trim().replace(/^"|"$/g, ''));
        out = out.slice(0, r.start) + col(row, parts[parts.length - 1]) + out.slice(r.end);
      }
      return `(${out})`;
    };
  } else {
    convert = (row) => `CAST(${row ? `${row}.` : ''}${quoteIdent(cmd.name)} AS ${type})`;
  }
  const fresh = freeColumnName(pc, table, cmd.name);
  const pieces = expandContract(pc, st, {
    table,
    old: cmd.name,
    fresh,
    type,
    convert,
    twoWay: false,
    renameBack: true,
    pattern: 'type-change',
  });
  if (!pieces) return undefined;
  return { now: undefined, pattern: 'type-change', pieces };
}

function renameColumn(pc: PatternContext, st: StatementInput, node: Node): Piece[] | undefined {
  const table = qualify(rangeVarName(node.relation));
  const info = pc.catalog.table(table);
  const old = String(node.subname);
  const colType = info?.columns.get(old)?.type;
  const typeText =
    pc.facts.column(table, old)?.type ??
    (colType ? `${colType.name}${colType.mods.length ? `(${colType.mods.join(',')})` : ''}${colType.array ? '[]' : ''}` : undefined);
  if (!typeText) {
    pc.warnings.push(`statement ${st.index + 1}: the type of ${table}.${old} is unknown; expand/contract needs it. Kept as written.`);
    return undefined;
  }
  return expandContract(pc, st, {
    table,
    old,
    fresh: String(node.newname),
    type: typeText,
    convert: (row) => (row ? `${row}.${quoteIdent(old)}` : quoteIdent(old)),
    twoWay: true,
    renameBack: false,
    pattern: 'rename-column',
  });
}

function renameTable(pc: PatternContext, st: StatementInput, node: Node): Piece[] {
  const rv = rangeVarName(node.relation);
  const table = qualify(rv);
  const schema = table.split('.')[0];
  const oldQ = `${quoteIdent(schema)}.${quoteIdent(rv.name)}`;
  const newQ = `${quoteIdent(schema)}.${quoteIdent(node.newname)}`;
  return viewBridge(pc, st, table, oldQ, newQ, `${withoutSemicolon(st.text)};`, `${schema}.${node.newname}`);
}

function setSchema(pc: PatternContext, st: StatementInput, node: Node): Piece[] {
  const rv = rangeVarName(node.relation);
  const table = qualify(rv);
  const oldQ = quoteQualified(table);
  const newQ = `${quoteIdent(node.newschema)}.${quoteIdent(rv.name)}`;
  return viewBridge(pc, st, table, oldQ, newQ, `${withoutSemicolon(st.text)};`, `${node.newschema}.${rv.name}`);
}

/** Rename the table and leave an updatable view under the old name; drop the view in the contract. */
function viewBridge(
  pc: PatternContext,
  st: StatementInput,
  table: string,
  oldQ: string,
  newQ: string,
  renameSql: string,
  newTable: string,
): Piece[] {
  const refs = pc.appRefs.get(st.index);
  return [
    {
      stage: 0,
      sql: `${renameSql}\nCREATE VIEW ${oldQ} AS SELECT * FROM ${newQ};`,
      phase: 'expand',
      pattern: 'rename-table',
      title: `rename ${table} to ${newTable} and keep a view named ${table} so deployed code keeps working`,
      why: 'RENAME is catalog-only (ACCESS EXCLUSIVE, briefly); a SELECT * view over one table is updatable, so old code can still read and write through it',
      reverse: `DROP VIEW IF EXISTS ${oldQ}; ALTER TABLE ${newQ} RENAME TO ...;  -- back to the old name`,
      suffix: 'rename',
      notes: ['The view has the columns the table has now; a column added later is not in it until the view is recreated.'],
      source: st.index,
      provides: [{ table, names: ['*'] }],
    },
    {
      stage: 7,
      sql: `DROP VIEW ${oldQ};`,
      phase: 'contract',
      pattern: 'rename-table',
      title: `contract: drop the compatibility view ${table}`,
      why: 'DROP VIEW locks only the view',
      reverse: `CREATE VIEW ${oldQ} AS SELECT * FROM ${newQ};`,
      suffix: `contract_drop_view_${table.split('.')[1]}`,
      deployNote: `deploy only after no deployed application version uses ${table}${refs?.length ? ` (still referenced at ${refs.join(', ')})` : ''}`,
      notes: refs?.length ? [`Application code still mentions ${table}: ${refs.join(', ')}`] : undefined,
      source: st.index,
      provides: [{ table, names: ['*'] }],
    },
  ];
}

// ---------------------------------------------------------------------------------------- drops

function dropColumn(pc: PatternContext, st: StatementInput, table: string, cmd: Node, cmdText: string | undefined): CmdRewrite | undefined {
  if (!cmdText) return undefined;
  const refs = pc.appRefs.get(st.index);
  const tableText = quoteQualified(table);
  const col = String(cmd.name);
  return {
    now: undefined,
    pattern: 'drop-column',
    pieces: [
      {
        stage: 7,
        sql: `ALTER TABLE ${tableText} ${cmdText.trim()};`,
        phase: 'contract',
        pattern: 'drop-column',
        title: `contract: drop ${table}.${col}`,
        why: 'DROP COLUMN only marks the column dropped: ACCESS EXCLUSIVE, briefly (no rewrite)',
        reverse:
          'irreversible: the data is gone. Take a backup of the column first (e.g. CREATE TABLE ... AS SELECT key, column) if you may need it',
        suffix: `contract_drop_${table.split('.')[1]}_${col}`,
        deployNote: `deploy only after no deployed application version reads or writes ${table}.${col}${refs?.length ? ` (still referenced at ${refs.join(', ')})` : ''}`,
        notes: [
          `Before this step: the application no longer selects, inserts or updates ${col} (including SELECT * consumers and ORMs that list every column),`,
          'and no view, function, trigger or policy uses it.',
          ...(refs?.length ? [`Application code still mentions ${col}: ${refs.join(', ')}`] : []),
        ],
        source: st.index,
        provides: [{ table, names: [col] }],
      },
    ],
  };
}

function dropTable(pc: PatternContext, st: StatementInput, node: Node): Piece[] | undefined {
  const tables = (node.objects ?? []).map((o: Node) => qualify(listName(strings(o?.List?.items))));
  if (!tables.some((t: string) => existing(pc, t))) return undefined;
  const refs = pc.appRefs.get(st.index);
  return [
    {
      stage: 7,
      sql: `${withoutSemicolon(st.text)};`,
      phase: 'contract',
      pattern: 'drop-table',
      title: `contract: drop ${tables.join(', ')}`,
      why: 'DROP TABLE takes ACCESS EXCLUSIVE, briefly: it does not scan',
      reverse: 'irreversible: the data is gone. Consider ALTER TABLE ... RENAME TO <name>_deprecated first and drop it a release later',
      suffix: `contract_drop_${tables.map((t: string) => t.split('.')[1]).join('_')}`,
      deployNote: `deploy only after no deployed application version uses ${tables.join(', ')}${refs?.length ? ` (still referenced at ${refs.join(', ')})` : ''}`,
      notes: [
        `Before this step: no application code, view, function or foreign key uses ${tables.join(', ')}, and the data is backed up or no longer needed.`,
        ...(refs?.length ? [`Application code still mentions it: ${refs.join(', ')}`] : []),
      ],
      source: st.index,
      provides: tables.map((t: string) => ({ table: t, names: ['*'] })),
    },
  ];
}

export { quoteLiteral };
