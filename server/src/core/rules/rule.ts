// What a rule is and what it sees. One rule per file in this folder, registered in rules/index.ts.
// A rule reads the analysed statements (AST + lock model + estimates) and reports findings; it never
// derives locks itself.
import type { Settings, StatsSnapshot } from '@pg-preflight/shared';
import type { Node } from '../syntax/ast';
import type { Catalog } from '../schema/catalog';
import type { StatementLocks } from '../locks';
import type { RunnerConvention } from '../migrations/runners';
import type { Fix, LockEstimate, Severity, Span, Violation } from '../types';

interface RuleInfo {
  /** Kebab-case id saying what it flags; also the docs page name docs/rules/<id>.md. */
  id: string;
  /** One line for lists and the docs index. */
  title: string;
  /** Severity when the rule does not scale with table size. */
  defaultSeverity: Severity;
  /** Only meaningful for files in a migrations folder (ordering, versions). */
  migrationOnly?: boolean;
}

/** A rule that reads the file as a whole: other statements, the schema after the file, the text, the folder. */
export interface FileRule extends RuleInfo {
  scope?: 'file';
  check(ctx: RuleContext): void;
}

/**
 * A rule whose findings on a statement depend on nothing but that statement's view and the file-wide
 * inputs StatementContext offers. analyze() runs it once per statement, and with a memo (the language
 * server) it reuses the findings of the statements an edit did not change: after a keystroke only the
 * edited statement is checked again. StatementContext holds nothing else, so the compiler keeps the rule
 * honest.
 */
export interface StatementRule extends RuleInfo {
  scope: 'statement';
  checkStatement(st: StatementView, ctx: StatementContext): void;
}

export type Rule = FileRule | StatementRule;

/** What a statement rule sees besides its statement. */
export interface StatementContext {
  settings: Settings;
  pgVersion: number;
  runner: RunnerConvention;
  isMigration: boolean;
  stats?: StatsSnapshot;
  /** UTF-16 span in the file for a libpg-query byte location inside the statement being checked. */
  spanAt(byteLocation: number | undefined, length?: number): Span;
  report(finding: StatementFinding): void;
}

/** A statement rule's finding: always on its statement; its fixes are rendered with the analysis that shows them. */
export interface StatementFinding extends Omit<Finding, 'statementIndex' | 'fix' | 'alternativeFix'> {
  /**
   * Renders the quick fix. It gets the context of the analysis the finding is shown in, which may be a
   * later one than the analysis that made the finding (the fix may read the whole file: its text, siblings).
   */
  fix?: (file: RuleContext) => Fix | undefined;
}

export interface StatementView {
  index: number;
  span: Span;
  text: string;
  ast?: Node;
  /** libpg-query node type, "meta" or "error". */
  kind: string;
  /** The statement's node under its type (`ast[kind]`, unwrapped once for every rule); {} without AST. */
  node: Node;
  label: string;
  /** Runs inside a transaction block. */
  transactional: boolean;
  /** Statements in the same transaction share an id; -1 when the statement runs on its own. */
  transactionId: number;
  /** Inside an explicit BEGIN ... COMMIT written in the file (not only the runner's wrapping). */
  explicitTransaction: boolean;
  locks: LockEstimate[];
  lockInfo: StatementLocks;
  /** A lock_timeout / statement_timeout is in force when this statement runs. */
  hasLockTimeout: boolean;
  hasStatementTimeout: boolean;
}

export interface Finding {
  statementIndex?: number;
  /** Defaults to the statement's span. */
  span?: Span;
  message: string;
  /** Defaults to the rule's defaultSeverity. */
  severity?: Severity;
  help?: string;
  locks?: LockEstimate[];
  /**
   * The quick fix, or a function that renders it. Prefer the function: fixes render SQL and new files,
   * and the editor needs them only when the user opens the lightbulb, not on every keystroke.
   */
  fix?: Fix | (() => Fix | undefined);
  /** A second quick fix, offered beside `fix` (rendered lazily the same way). */
  alternativeFix?: Fix | (() => Fix | undefined);
  related?: Violation['related'];
}

export interface RuleContext {
  path?: string;
  text: string;
  settings: Settings;
  pgVersion: number;
  runner: RunnerConvention;
  isMigration: boolean;
  statements: StatementView[];
  /** The schema after the whole file (and earlier files) applied. */
  catalog: Catalog;
  /** The schema before this file (earlier files and stats only); built on first use. Do not modify it. */
  catalogBefore(): Catalog;
  stats?: StatsSnapshot;
  /** Names of the other migration files of the same folder. */
  siblingNames: string[];
  /** Every migration name of the folder, this file's included. */
  migrationNames: string[];
  appFiles: { path: string; text: string }[];
  /** The earlier migration this file reverts (a down file's own up), when the project layer paired them. */
  revertedFile?: { path: string; text: string };
  /** Tables and columns after the folder's last migration (see AnalyzeInput.namesAtHead). */
  namesAtHead?: ReadonlySet<string>;
  /** UTF-16 span in the file for a libpg-query byte location inside a statement. */
  spanAt(statementIndex: number, byteLocation: number | undefined, length?: number): Span;
  report(finding: Finding): void;
}
