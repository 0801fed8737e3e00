// The language server's custom protocol: method names, command ids and payload types that the server
// (server/src/lsp) and its clients (the VS Code extension in client/, or any LSP client) share.
// Plain data: no vscode-languageserver types here, so the client and the CLI can import it freely.
// docs/lsp.md documents every item.
import type { StatsSnapshot } from './stats';

/**
 * Client -> server notification: the table statistics snapshot to use from now on (read from a live
 * database by the client), or null to drop it and fall back to the statsFile setting. Every open
 * document is re-linted. The params are `{ snapshot }`; a bare StatsSnapshot is accepted too.
 */
export const STATS_NOTIFICATION = 'pgPreflight/stats';

export interface StatsNotificationParams {
  snapshot: StatsSnapshot | null;
}

/**
 * Client -> server notification: the workspace's trust changed (VS Code: the user trusted the folder).
 * Params `{ trusted: boolean }`. In an untrusted workspace the server ignores what the repository's
 * .pg-preflight.json says about statsFile, scratchDatabaseUrls and docsBaseUrl; every open document is
 * re-linted when this arrives. The initial state is initializationOptions.workspaceTrusted.
 */
export const WORKSPACE_TRUST_NOTIFICATION = 'pgPreflight/workspaceTrust';

export interface WorkspaceTrustParams {
  trusted: boolean;
}

/**
 * Server -> client notification, sent only when the client asks for it with the initialization option
 * `fileSummaries: true`: the risk score and locked tables of a document after each lint (status bar).
 */
export const FILE_SUMMARY_NOTIFICATION = 'pgPreflight/fileSummary';

export interface FileSummaryParams {
  uri: string;
  version: number;
  /** null: no statement of the file parsed, so its risk is unknown ("not analysed"). */
  riskScore: number | null;
  pgVersion: number;
  runner: string;
  /** Tables locked in SHARE UPDATE EXCLUSIVE or stronger, strongest mode first. */
  lockedTables: { relation: string; mode: string; estimatedSeconds?: number }[];
  /** Where the table sizes came from: 'notification', 'file' (statsFile) or 'none'. */
  statsSource: 'notification' | 'file' | 'none';
}

/** Commands the server executes (workspace/executeCommand); the argument lists are documented per command. */
export const COMMANDS = {
  /** [uri]: inserts the safety header (SET lock_timeout / statement_timeout) through workspace/applyEdit. */
  insertSafetyHeader: 'pgPreflight.insertSafetyHeader',
  /** [uri, { apply?: boolean }]: splits the file into zero-downtime steps; CreateFile + TextEdit through workspace/applyEdit. */
  splitIntoSteps: 'pgPreflight.splitIntoSteps',
  /** [uri]: returns the file's LockAnalysis (below) as data. */
  showLockAnalysis: 'pgPreflight.showLockAnalysis',
  /**
   * [uri, { databaseUrl?: string, runNoTransaction?: boolean }]: the dry run. Runs the document's current
   * text statement by statement inside a transaction that is rolled back, on the embedded PostgreSQL
   * (PGlite) with the schema of the earlier migrations of its folder, or on `databaseUrl` when that URL is
   * listed in the scratchDatabaseUrls setting (any other URL is refused). The observed locks come back as
   * information diagnostics on the statements (a warning per disagreement with the lock model, an error
   * where PostgreSQL fails), cleared on the next edit; the command returns a VerifyLocksResult.
   */
  verifyLocks: 'pgPreflight.verifyLocks',
  /**
   * [uri, ApplyFixParams]: applies a finding's quick fix that creates files, for clients that cannot
   * create files themselves (no workspace.workspaceEdit.documentChanges with resourceOperations 'create'):
   * the server renders the fix again from the current analysis, refuses when the document version moved
   * on, writes the new files itself (inside a workspace folder, never over an existing file), then sends
   * the edit of the document through workspace/applyEdit (plain TextEdits; the new files are removed
   * again when the client refuses it). Code actions carry this command; returns an ApplyFixResult.
   */
  applyFix: 'pgPreflight.applyFix',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** The code action kind of "apply every non-conflicting preferred fix in the file". */
export const FIX_ALL_KIND = 'source.fixAll.pgPreflight';

/** One lock of one statement, as the lock analysis table shows it. */
export interface LockAnalysisRow {
  /** Index of the statement in the file (0-based). */
  statementIndex: number;
  /** 0-based line and character where the statement starts. */
  line: number;
  character: number;
  /** "CREATE INDEX", "ALTER TABLE ADD COLUMN", ... */
  statement: string;
  relation: string;
  /** pg_locks spelling, e.g. AccessExclusiveLock. */
  mode: string;
  /** The docs' spelling, e.g. ACCESS EXCLUSIVE. */
  modeTitle: string;
  blocks: ('SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'DDL')[];
  rewrite: boolean;
  scan: boolean;
  indexBuild: boolean;
  /** Created earlier in this migration set: empty, so the lock harms nobody. */
  newTable: boolean;
  /** Estimated seconds the lock is held; absent when the table size is unknown. */
  estimatedSeconds?: number;
  rows?: number;
  totalBytes?: number;
  /** Writes per second from the stats snapshot, when known. */
  writesPerSecond?: number;
  why: string;
}

/** The result of pgPreflight.showLockAnalysis. */
export interface LockAnalysis {
  uri: string;
  version: number;
  /** null: no statement of the file parsed, so its risk is unknown ("not analysed"). */
  riskScore: number | null;
  pgVersion: number;
  runner: string;
  wrappedInTransaction: boolean;
  statsSource: 'notification' | 'file' | 'none';
  rows: LockAnalysisRow[];
  lockedTables: { relation: string; mode: string; modeTitle: string; estimatedSeconds?: number }[];
  /** Number of findings by severity. */
  findings: { error: number; warning: number; info: number; hint: number };
}

/** The result of pgPreflight.splitIntoSteps. */
export interface SplitResult {
  /** The edit was sent to the client (workspace/applyEdit) and the client applied it. */
  applied: boolean;
  /** Step files in order: the first one replaces the input file. */
  steps: { uri: string; phase: string; locks: string; reverse: string; deployNote?: string }[];
  warnings: string[];
  /** Why nothing was done, when nothing was. */
  reason?: string;
}

/** The second argument of pgPreflight.applyFix: which finding (as its diagnostic says) of which version. */
export interface ApplyFixParams {
  /** The document version the diagnostic belongs to; the command refuses any other. */
  version: number;
  /** The diagnostic's rule id (its code). */
  rule: string;
  /** Diagnostic.data.statementIndex, when the finding belongs to a statement. */
  statementIndex?: number;
  /** The diagnostic's range (0-based line/character, UTF-16). */
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** The result of pgPreflight.applyFix. */
export interface ApplyFixResult {
  /** The files were written and the client applied the edit of the document. */
  applied: boolean;
  /** URIs of the files the server created (none when nothing was applied). */
  created: string[];
  /** Why nothing was done, when nothing was. */
  reason?: string;
}

/** The result of pgPreflight.verifyLocks. */
export interface VerifyLocksResult {
  uri: string;
  /** The document version that was traced; the diagnostics belong to it. */
  version: number;
  /** The migration ran on an engine (its diagnostics are on the document); false: see reason. */
  traced: boolean;
  /** Why nothing was traced: an unmarked database, an engine that did not start, a newer edit, ... */
  reason?: string;
  engine?: 'pglite' | 'postgres';
  /** server_version_num of the engine, e.g. 180000 for PGlite. */
  serverVersionNum?: number;
  /** Statements run and observed. */
  tracedStatements?: number;
  /** Statements not run (CONCURRENTLY on the embedded engine, after a failure, ...): the model's prediction stands. */
  notTracedStatements?: number;
  disagreements?: number;
  /** The statement PostgreSQL refused (0-based line of the error), when one did. */
  failed?: { line: number; message: string };
  /** The earlier migration that failed while rebuilding the schema, when one did. */
  replayFailure?: { path: string; message: string };
  /** Earlier migrations replayed to rebuild the schema (embedded engine). */
  replayed?: number;
  /** Tables that got synthetic rows because the statistics show data there (embedded engine). */
  syntheticRowTables?: number;
  rolledBack?: boolean;
  notes?: string[];
  totalMs?: number;
  /** One line for a notification. */
  summary: string;
}

/** initializationOptions the server understands (all optional). */
export interface InitializationOptions {
  /** 'auto' (default): pull diagnostics when the client supports them, else push. */
  diagnosticMode?: 'auto' | 'push' | 'pull';
  /** Send pgPreflight/fileSummary after each lint. */
  fileSummaries?: boolean;
  /** Settings used when the client does not answer workspace/configuration (same shape as .pg-preflight.json). */
  settings?: Record<string, unknown>;
  /** Files longer than this many characters are not analysed (default 2,000,000). */
  maxFileChars?: number;
  /**
   * Files of at least this many characters (default 50,000), and files whose last analysis took 100 ms or
   * more, are analysed in a worker thread, off the server's request loop.
   */
  workerMinChars?: number;
  /** A worker analysis that runs longer than this (ms, default 20,000) is stopped; the file is reported not analysed. */
  analysisBudgetMs?: number;
  /** false: no JIT warm-up once the server is idle after its first analysis (default true). */
  warmUp?: boolean;
  /**
   * false: the workspace is untrusted (VS Code's workspace trust), until pgPreflight/workspaceTrust says
   * otherwise. Absent (a client that knows nothing of trust): trusted.
   */
  workspaceTrusted?: boolean;
}
