// What every part of the lock model shares: its input and output, name resolution, failures, and the
// small facts both the statement dispatch (index.ts) and ALTER TABLE (alter-table.ts) need.
import { calledFunctions, qualify, rangeVarName, type Node } from '../syntax/ast';
import type { Catalog } from '../schema/catalog';
import type { LockEffect } from '../types';

export interface LockContext {
  catalog: Catalog;
  pgVersion: number;
  /** Parses SQL found inside a statement (DO bodies, function bodies); returns the statements' ASTs or undefined. */
  parseNested?: (sql: string) => Node[] | undefined;
  /** Reads PL/pgSQL: the SQL texts a DO or function body runs, and the dynamic EXECUTEs it cannot see into. */
  readPlpgsql?: (sql: string) => { queries: string[]; dynamic: string[] } | undefined;
  /** The session TimeZone is UTC (the default assumption; a SET TimeZone in the file changes it). */
  timeZoneUtc?: boolean;
  /**
   * Tables created or rewritten earlier in the open transaction block (set by the sequential pass): a
   * TRUNCATE of one empties its file in place instead of giving it a new one.
   */
  renewedInTransaction?: readonly string[];
  /** Names of the enclosing statement's CTEs, while a data-modifying CTE is read on its own: not tables. */
  outerCtes?: ReadonlySet<string>;
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
  'random',
  'gen_random_uuid',
  'uuid_generate_v4',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'clock_timestamp',
  'timeofday',
  // Not statement_timestamp() or txid_current(): both are STABLE, so no rewrite (observed on PG 15).
  'nextval',
  'setseed',
  'uuidv4',
  'uuidv7',
  'gen_random_bytes',
  'random_normal',
  'currval',
  'lastval',
]);

export function isVolatileExpression(expr: unknown): boolean {
  return calledFunctions(expr).some((f) => VOLATILE_FUNCTIONS.has(f));
}

/** Several clauses of one statement can each fail; keep every reason. */
export function addFailure(out: StatementLocks, reason: string): void {
  out.fails = out.fails ? `${out.fails}; ${reason}` : reason;
}

export function referencedKey(k: { referencedColumns?: string[]; references?: string }, ctx: LockContext): string[] {
  if (k.referencedColumns?.length) return k.referencedColumns;
  return ctx.catalog.table(k.references ?? '')?.constraints.find((c) => c.type === 'p')?.columns ?? [];
}

/**
 * Generated columns: GENERATED ALWAYS AS (...) STORED exists from PostgreSQL 12 (11 answers "syntax
 * error at or near "("", observed); VIRTUAL, the default kind when none is written, from 18 (older
 * servers answer a syntax error at VIRTUAL, or ask for STORED).
 */
export function generatedColumnSupport(con: Node | undefined, ctx: LockContext, out: StatementLocks): void {
  if (con?.contype !== 'CONSTR_GENERATED') return;
  if ((con.generated_kind ?? 's') === 'v' && ctx.pgVersion < 18)
    out.unsupported = 'VIRTUAL generated columns (GENERATED ALWAYS AS ... without STORED) need PostgreSQL 18 or later';
  else if (ctx.pgVersion < 12) out.unsupported = 'generated columns (GENERATED ALWAYS AS ... STORED) need PostgreSQL 12 or later';
}

export function resolveTable(rv: Node | undefined, ctx: LockContext): string {
  return resolveName(rangeVarName(rv), ctx);
}

/**
 * Unqualified names resolve through the search_path, which we take as public; pg_catalog is searched
 * first whatever the search_path, so an unknown pg_* name (pg_class, pg_stat_activity) is a system one.
 */
export function resolveName(n: { schema?: string; name: string }, ctx: LockContext): string {
  if (!n.schema && n.name.startsWith('pg_') && !ctx.catalog.table(qualify(n)) && !ctx.catalog.views.has(qualify(n)))
    return `pg_catalog.${n.name}`;
  return qualify(n);
}

/** System catalogs: outside what the lock model describes (the lock observer leaves them out too). */
export function isSystemRelation(relation: string): boolean {
  return relation.startsWith('pg_catalog.') || relation.startsWith('information_schema.');
}
