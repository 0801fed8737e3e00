// The plan types the rewrite engine produces: pure data, editor- and file-system-neutral.
// The LSP turns a SplitPlan into a WorkspaceEdit (the first step replaces the input file's text, the
// others are CreateFile + insert); the CLI writes the steps as files.

export type SplitPhase = 'expand' | 'backfill' | 'validate' | 'contract' | 'migrate';

export interface SplitStep {
  /**
   * File name (relative to the input file's folder) that sorts right for the runner: the next timestamp
   * of the same width, index + 1, Flyway V<n>.1__, or for Prisma `<next folder>/migration.sql`.
   * The first step keeps the input file's own name: it is the input, rewritten.
   */
  name: string;
  /** The whole file text: header comment, runner directive, safety header, SQL. */
  sql: string;
  /** Runs inside a transaction (the runner's, or an explicit one); false: every statement runs on its own. */
  transactional: boolean;
  /** The runner directive line that turns the runner's transaction off, when one is needed and exists. */
  directive?: string;
  phase: SplitPhase;
  /** One line per table: the lock taken and why it is safe. */
  locks: string;
  /** How to reverse this step. */
  reverse: string;
  /** What must be true before this step is deployed (for example: the app no longer reads a column). */
  deployNote?: string;
  /** Queries that verify the step did its work (remaining rows, validated constraints, valid indexes). */
  checks?: string[];
  /** Files that go beside the step for the runner (Flyway: <script>.sql.conf with executeInTransaction=false). */
  companionFiles?: { name: string; text: string }[];
  /** The step replaces the input file (true for the first step only). */
  replacesInput?: boolean;
  /** Which statements of the input (0-based indexes into the analysis' statements) this step comes from. */
  sourceStatements?: number[];
}

export interface SplitPlan {
  steps: SplitStep[];
  /** Things the engine could not do safely, or that need a human: each one line. */
  warnings: string[];
  /** The runner the names and directives follow. */
  runner?: string;
  /** The PostgreSQL major version assumed. */
  pgVersion?: number;
}
