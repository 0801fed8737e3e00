// The rewrite engine: quick fixes (text edits and new migration files) and the zero-downtime split.
// Pure: text, settings, catalog and stats in; Fix / SplitPlan data out. Knows nothing of LSP, files or `pg`.
// Front ends: the rules attach quick fixes to findings (Violation.fix); the LSP's pgPreflight.splitIntoSteps
// and the CLI's `split` / `plan` commands call planSplit and planToMarkdown.
import { DEFAULT_SETTINGS, type Settings } from '@pg-preflight/shared';
import { analyze } from '../analyze';
import { parseFile } from '../syntax/parse';
import { detectRunner, RUNNERS, type RunnerConvention } from '../migrations/runners';
import type { Fix } from '../types';
import { safetyHeaderFix as headerFix, type HeaderFinding, type HeaderStatement } from './header';

export type { SplitPhase, SplitPlan, SplitStep } from './types';
export type { HeaderFinding, HeaderStatement } from './header';
export { planSplit } from './plan';
export { planToMarkdown, type PlanDocumentOptions } from './markdown';
export { FileNamer, candidateName, inputFileName, noTransactionDirective } from './files';

/**
 * The safety-header quick fix: `SET lock_timeout = ...; SET statement_timeout = ...;` (only the missing
 * ones) after the runner directives at the top of the file. `statements` are the analysed statements (a
 * rule passes ctx.statements); without them the text is analysed here (the pgPreflight.insertSafetyHeader
 * command). `finding` says which rule asks: 'any' (the default) adds whatever is missing.
 */
export function safetyHeaderFix(
  text: string,
  settings: Settings = DEFAULT_SETTINGS,
  runner?: RunnerConvention,
  statements?: readonly HeaderStatement[],
  finding: HeaderFinding = 'any',
  path?: string,
): Fix | undefined {
  const conv = runner ?? RUNNERS[settings.runner === 'auto' ? detectRunner(path, text) : settings.runner] ?? RUNNERS.plain;
  return headerFix(text, settings, conv, statements ?? headerStatements(text, settings, path), finding);
}

/** The header view of a file's statements, from a fresh analysis. */
function headerStatements(text: string, settings: Settings, path?: string): HeaderStatement[] {
  const analysis = analyze({ text, settings, path });
  const parsed = parseFile(text).statements;
  let lock = false;
  let statement = false;
  return analysis.statements.map((s, index) => {
    const ast = parsed[index]?.ast;
    const view: HeaderStatement = { index, span: s.span, ast, locks: s.locks, hasLockTimeout: lock, hasStatementTimeout: statement };
    if (s.kind === 'VariableSetStmt') {
      const name = String(ast?.VariableSetStmt?.name ?? '').toLowerCase();
      if (name === 'lock_timeout') lock = true;
      if (name === 'statement_timeout') statement = true;
    }
    return view;
  });
}
