// The package's library entry: the pure analysis core, for tools that embed pg-preflight.
export { analyze, type AnalyzeInput, type SourceFile } from './core/analyze';
export { loadParser } from './core/syntax/parse';
export { RULES } from './core/rules';
export type { Analysis, LockEffect, LockEstimate, LockMode, StatementInfo, Violation, Severity, Span } from './core/types';
export { planSplit, planToMarkdown, safetyHeaderFix, type SplitPlan, type SplitStep, type SplitPhase } from './core/fixes';
