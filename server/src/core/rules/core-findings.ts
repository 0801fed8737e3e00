// The findings the core reports itself, beside the registered rules: their ids, titles and default
// severities, in one place for suppression, SARIF descriptors, hovers and the editor. Where the rule
// pages are published is here too, so every front end links to the same page.
import type { Severity } from '../types';

export const SYNTAX_ERROR_RULE = 'syntax-error';
export const IGNORE_MISSING_REASON = 'ignore-missing-reason';
export const UNUSED_IGNORE = 'unused-ignore';
export const RULE_CRASH = 'internal-rule-error';
/** A statement that would make a table its own partition or inheritance ancestor (PostgreSQL refuses it). */
export const INHERITANCE_CYCLE_RULE = 'inheritance-cycle';
/** The language server's own: a file over its size limit is not analysed. */
export const FILE_TOO_LARGE = 'file-too-large';
/** The language server's own: the analysis ran past its time budget and was stopped. */
export const ANALYSIS_TIMEOUT = 'analysis-timeout';

export interface CoreFinding {
  id: string;
  title: string;
  severity: Severity;
  /** A suppression comment may name it (a syntax error or a crash cannot be waved away). */
  suppressible: boolean;
}

export const CORE_FINDINGS: readonly CoreFinding[] = [
  { id: SYNTAX_ERROR_RULE, title: 'The statement does not parse as PostgreSQL SQL', severity: 'error', suppressible: true },
  {
    id: INHERITANCE_CYCLE_RULE,
    title: 'The statement would make a table its own partition or inheritance ancestor; PostgreSQL refuses it',
    severity: 'error',
    suppressible: true,
  },
  {
    id: IGNORE_MISSING_REASON,
    title: 'A pg-preflight-ignore comment has no reason, so it suppresses nothing',
    severity: 'warning',
    suppressible: true,
  },
  { id: UNUSED_IGNORE, title: 'A pg-preflight-ignore comment suppresses nothing', severity: 'warning', suppressible: true },
  { id: RULE_CRASH, title: 'A rule failed on this file and was skipped', severity: 'info', suppressible: false },
  {
    id: FILE_TOO_LARGE,
    title: 'The file is too large for the editor integration and was not analysed',
    severity: 'info',
    suppressible: false,
  },
  {
    id: ANALYSIS_TIMEOUT,
    title: 'The analysis took longer than the editor integration allows and was stopped',
    severity: 'info',
    suppressible: false,
  },
];

/** Where the rule pages (docs/rules/<id>.md) are published; SARIF requires an absolute helpUri. */
export const DOCS_BASE_URI = 'https://github.com/pg-preflight/pg-preflight/blob/main/docs/rules/';

export function ruleDocsUrl(id: string): string {
  return `${DOCS_BASE_URI}${id}.md`;
}
