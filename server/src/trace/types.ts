// The data a trace produces. Editor- and format-neutral, like the core's types: spans are UTF-16 offsets
// into the traced file's text (the core's statement spans), lock modes are spelled as pg_locks spells them.
import type { BlockedOperation, LockMode, Span } from '../core/types';

export type TraceEngineKind = 'pglite' | 'postgres';

/** How a statement was (or was not) observed. */
export type TraceHow =
  /** Ran inside the trace's transaction; its new pg_locks entries were read before and after. */
  | 'transaction'
  /** Cannot run in a transaction: ran on its own on the scratch server while a second connection sampled pg_locks. */
  | 'sampled'
  /** Not run (see notTracedReason); `predicted` still holds the model's answer. */
  | 'not-traced';

/** One relation a statement touched, as PostgreSQL showed it. */
export interface ObservedLock {
  /** schema.name, as the relation was named before the statement (after it, when the statement created it). */
  relation: string;
  /** pg_class.relkind: r table, p partitioned table, m materialized view, v view, i/I index, S sequence, f foreign table. */
  relkind: string;
  /**
   * The strongest mode the statement newly took on the relation. null when it took no mode the
   * transaction did not already hold (see alreadyHeld): then PostgreSQL shows nothing new.
   */
  mode: LockMode | null;
  /** Every mode newly taken, weakest first. */
  modes: LockMode[];
  /** The relation's relfilenode changed: rewritten (or truncated, or rebuilt). */
  rewrite: boolean;
  /**
   * Modes the trace's transaction already held on the relation before this statement. PostgreSQL lists
   * a mode once per transaction, so the statement taking one of these again cannot be seen.
   */
  alreadyHeld?: LockMode[];
  created?: boolean;
  dropped?: boolean;
  /** Sampled statements: the statement was seen waiting for this mode. */
  waited?: boolean;
}

/** The static model's answer for one relation (analyze()'s statement locks). */
export interface PredictedLock {
  relation: string;
  mode: LockMode;
  rewrite: boolean;
  blocks: BlockedOperation[];
  why: string;
}

/** A column or constraint that a statement added, dropped or changed. */
export interface SchemaChange {
  kind: 'column' | 'constraint';
  /** schema.table */
  relation: string;
  name: string;
  change: 'added' | 'dropped' | 'altered' | 'renamed';
  /** "bigint NOT NULL", "integer -> bigint", "CHECK NOT VALID", "validated", "renamed from x", ... */
  detail: string;
}

/** A PostgreSQL error, mapped onto the text it came from. */
export interface TraceSqlError {
  message: string;
  /** SQLSTATE, e.g. "42P01". */
  code?: string;
  detail?: string;
  hint?: string;
  /** Where in the file: the error position when PostgreSQL gave one, else the whole statement. */
  span: Span;
  /** Added by pg-preflight: why this may not happen on the real database (synthetic rows, skipped statements). */
  note?: string;
}

export interface SamplingInfo {
  samples: number;
  /** The statement was seen waiting (for a lock or for other transactions). */
  waitSeen: boolean;
  /** Lock types it waited on: 'relation', 'virtualxid', 'transactionid', ... */
  waitedOn: string[];
  /** What pg-preflight did afterwards to undo the statement's effect on the scratch database. */
  undo?: string;
}

export interface TracedStatement {
  /** Index into the core's statements of the file (Analysis.statements). */
  index: number;
  span: Span;
  sql: string;
  /** The core's label: "CREATE INDEX", "ALTER TABLE ADD COLUMN", ... */
  label: string;
  traced: boolean;
  how: TraceHow;
  notTracedReason?: string;
  /** Wall time of the statement on the engine; null when it did not run. */
  elapsedMs: number | null;
  observed: ObservedLock[];
  predicted: PredictedLock[];
  changes: SchemaChange[];
  error?: TraceSqlError;
  sampling?: SamplingInfo;
}

export interface Disagreement {
  statementIndex: number;
  span: Span;
  relation: string;
  /** Observed strongest new mode; null: no lock observed where the model predicts one. */
  observed: LockMode | null;
  /** Predicted mode; null: the model predicts no lock where one was observed. */
  predicted: LockMode | null;
  observedRewrite?: boolean;
  predictedRewrite?: boolean;
  /** One line: "public.orders: observed ShareLock, model predicts AccessExclusiveLock". */
  message: string;
}

/** One earlier migration replayed into the embedded engine to rebuild the schema. */
export interface ReplayedFile {
  path: string;
  statements: number;
  ms: number;
  /** Already in the warm engine from an earlier trace: not run again. */
  cached?: boolean;
}

/** The earlier migration that failed during the replay; the trace stops there. */
export interface ReplayFailure {
  path: string;
  /** Span in that file's text. */
  span: Span;
  sql: string;
  error: TraceSqlError;
}

export interface SyntheticRows {
  /** Tables that got rows, with how many. */
  tables: { relation: string; rows: number }[];
  /** Tables in the snapshot that got none, and why. */
  skipped: { relation: string; why: string }[];
}

export interface TraceResult {
  engine: TraceEngineKind;
  /** server_version_num of the engine, e.g. 180000 (PGlite) or 150008. */
  serverVersionNum: number;
  /** The PostgreSQL major version the model's predictions were made for: the engine's. */
  pgVersion: number;
  /** Scratch server: user@host:port/db (never a password). */
  source?: string;
  runner: string;
  /** Earlier migrations replayed (embedded engine only). */
  replayed: ReplayedFile[];
  replayFailure?: ReplayFailure;
  /** Set when a stats snapshot was given and synthetic rows were inserted (embedded engine). */
  syntheticRows?: SyntheticRows;
  statements: TracedStatement[];
  disagreements: Disagreement[];
  /** Index of the statement that failed; the statements after it were not traced. */
  failedStatement?: number;
  /** Everything that ran in the trace's transaction was rolled back. */
  rolledBack: boolean;
  /** One line each: what the reader should know (version differences, skipped statements, ...). */
  notes: string[];
  timings: { startMs: number; replayMs: number; rowsMs: number; traceMs: number; totalMs: number };
}

/**
 * The already-held mode that explains what PostgreSQL cannot show for a relation: the predicted mode when
 * the transaction held it, else the strongest one held (alreadyHeld is weakest first).
 */
export function explainingHeldMode(o: ObservedLock, predicted: LockMode | undefined): LockMode | undefined {
  const held = o.alreadyHeld ?? [];
  return predicted && held.includes(predicted) ? predicted : held[held.length - 1];
}

export type TraceProgress = (message: string, done?: number, total?: number) => void;
