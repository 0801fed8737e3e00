// Editor-neutral data the core produces. Nothing here knows about LSP, VS Code, files or sockets.
// Positions are UTF-16 code-unit offsets into the file text; text.ts converts them to line/character.

/** Lock modes spelled exactly as pg_locks.mode spells them, weakest first. */
export const LOCK_MODES = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
] as const;
export type LockMode = (typeof LOCK_MODES)[number];

/** What ordinary traffic a lock makes wait. */
export type BlockedOperation = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'DDL';

/** Half-open range [start, end) of UTF-16 offsets into the file text. */
export interface Span {
  start: number;
  end: number;
}

export interface LockEffect {
  /** Schema-qualified relation name, e.g. "public.orders". */
  relation: string;
  mode: LockMode;
  /** Derived from mode (narrowed where the relation takes no such traffic, e.g. a materialized view's writes); kept here so every front end shows the same words. */
  blocks: BlockedOperation[];
  /** The table (or index) is rewritten into a new relfilenode while the lock is held. */
  rewrite: boolean;
  /** The whole table is read (scan or validation) while the lock is held. */
  scan: boolean;
  /** Builds an index while the lock is held. */
  indexBuild?: boolean;
  /** TRUNCATE: the relation gets a new, empty file; no data is copied, so it is instant. */
  emptiesTable?: boolean;
  /** The index build's keys, for its duration (docs/estimates.md). */
  indexKeys?: IndexKey[];
  /**
   * Foreign key validation: PostgreSQL anti-joins the referencing table against the referenced one, and both
   * locks are held for the whole join, so the estimate costs both tables (docs/estimates.md).
   */
  fkJoin?: FkJoin;
  /**
   * Why a lock_timeout would not help while this lock is awaited, when it would not (the timeout rules
   * skip the lock): e.g. DETACH ... CONCURRENTLY's partition lock, whose timeout leaves a pending detach.
   */
  timeoutNoHelp?: string;
  /** Short human reason, e.g. "SET NOT NULL scans the table to check for NULLs". */
  why: string;
}

/** An index key: a column, or an expression ('boolean' when it is a comparison or test, two values at most). */
export type IndexKey = { column: string } | { expression: 'boolean' | 'other' };

export interface FkJoin {
  referencing: string;
  referenced: string;
  /** The referencing columns. */
  columns: string[];
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface TextEdit {
  span: Span;
  newText: string;
}

export interface Fix {
  title: string;
  /** Edits to this file. */
  edits: TextEdit[];
  /** New files to create beside this one (file name only, text whole). */
  newFiles?: { name: string; text: string }[];
  /** This is the canonical fix for the finding. */
  preferred?: boolean;
}

export interface Violation {
  rule: string;
  severity: Severity;
  message: string;
  span: Span;
  /** Index into Analysis.statements, when the finding belongs to one statement. */
  statementIndex?: number;
  locks?: LockEffect[];
  help?: string;
  fix?: Fix;
  /** A second way to fix the finding, offered beside `fix` (never preferred, never in fix-all). */
  alternativeFix?: Fix;
  /** For cross-file findings (application references): where. */
  related?: { path: string; line: number; text: string }[];
}

/** One statement of the file as the core understood it. */
export interface StatementInfo {
  span: Span;
  text: string;
  /** libpg-query node type ("AlterTableStmt", "IndexStmt", ...), "meta" for psql lines, "error" when it did not parse. */
  kind: string;
  /** Short human label, e.g. "CREATE INDEX", "ALTER TABLE ... ADD COLUMN". */
  label: string;
  /** Runs inside a transaction block (explicit BEGIN, or the runner wraps the file). */
  transactional: boolean;
  /** PostgreSQL refuses to run it inside a transaction block (CONCURRENTLY, VACUUM, REINDEX SCHEMA, ...). */
  nonTransactional?: boolean;
  locks: LockEstimate[];
  /** Syntax error text when kind is "error". */
  parseError?: string;
  /** Parts the core could not analyse (dynamic EXECUTE strings, ...). */
  notAnalysed?: string[];
  /** Why the statement will fail on the existing schema or data, when the model knows it will. */
  fails?: string;
  /** What the assumed PostgreSQL version does not support in it. */
  unsupported?: string;
}

export interface LockEstimate extends LockEffect {
  /** Estimated seconds the lock is held, when table size is known. */
  estimatedSeconds?: number;
  /** Table rows/bytes from stats, when known. */
  rows?: number;
  totalBytes?: number;
  /** The table was created earlier in this migration set and has no data yet. */
  newTable?: boolean;
}

export interface Analysis {
  pgVersion: number;
  runner: string;
  statements: StatementInfo[];
  violations: Violation[];
  /** 1 (harmless) .. 10 (likely outage); see docs/risk.md. null: no statement parsed, so the risk is unknown. */
  riskScore: number | null;
  /** Distinct tables locked in a mode that blocks writes or reads, with the longest estimate. */
  lockedTables: { relation: string; strongestMode: LockMode; estimatedSeconds?: number }[];
  /** The file's transaction behaviour as the runner runs it. */
  wrappedInTransaction: boolean;
}
