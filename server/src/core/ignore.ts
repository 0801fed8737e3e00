// Suppression comments: an explicit, reviewable override with a mandatory reason.
//   -- pg-preflight-ignore <rule-id>[, <rule-id>...]: <reason>     on the line(s) right above a statement
//   -- pg-preflight-ignore-file <rule-id>[, ...]: <reason>        anywhere: the whole file
// A directive at the top of the file separated from the first statement by a blank line also covers the
// whole file. A directive without a reason does not suppress anything and is reported; so is an unused one.
import type { SqlComment } from './syntax/split';
import type { Span, Violation } from './types';

import { IGNORE_MISSING_REASON, UNUSED_IGNORE } from './rules/core-findings';

export { IGNORE_MISSING_REASON, UNUSED_IGNORE };

export interface IgnoreDirective {
  rules: string[];
  reason: string;
  span: Span;
  scope: 'statement' | 'file';
  /** For statement scope: the index of the statement it covers, or -1 when none follows. */
  statementIndex: number;
}

const DIRECTIVE = /^\s*(?:--|\/\*)\s*pg-preflight-ignore(-file)?\b([^:\n]*?)(?::(.*?))?\s*(?:\*\/)?\s*$/s;

export function readIgnores(text: string, comments: SqlComment[], statementSpans: Span[]): IgnoreDirective[] {
  const out: IgnoreDirective[] = [];
  for (const c of comments) {
    if (!c.text.includes('pg-preflight-ignore')) continue; // cheap test first: most comments are prose
    const m = DIRECTIVE.exec(c.text);
    if (!m) continue;
    const rules = m[2]
      .split(/[,\s]+/)
      .map((r) => r.trim())
      .filter(Boolean);
    const reason = (m[3] ?? '').trim();
    let scope: IgnoreDirective['scope'] = m[1] ? 'file' : 'statement';
    let statementIndex = -1;
    if (scope === 'statement') {
      statementIndex = statementSpans.findIndex((s) => s.start >= c.span.end);
      if (statementIndex >= 0) {
        const between = text.slice(c.span.end, statementSpans[statementIndex].start);
        const blankLine = /\n[ \t]*\r?\n/.test(between.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, (s) => s.replace(/[^\n]/g, ' ')));
        if (blankLine) {
          if (statementIndex === 0) scope = 'file';
          else statementIndex = -1;
        }
      }
    }
    out.push({ rules, reason, span: c.span, scope, statementIndex });
  }
  return out;
}

/** Drops suppressed findings; adds findings for directives without a reason, unknown rules, and unused directives. */
export function applyIgnores(violations: Violation[], directives: IgnoreDirective[], knownRules: Set<string>): Violation[] {
  const used = new Set<IgnoreDirective>();
  const kept = violations.filter((v) => {
    if (v.rule === IGNORE_MISSING_REASON || v.rule === UNUSED_IGNORE) return true;
    const d = directives.find((d) => d.reason && d.rules.includes(v.rule) && (d.scope === 'file' || d.statementIndex === v.statementIndex));
    if (!d) return true;
    used.add(d);
    return false;
  });
  for (const d of directives) {
    if (!d.reason) {
      kept.push({
        rule: IGNORE_MISSING_REASON,
        severity: 'warning',
        message: `pg-preflight-ignore ${d.rules.join(', ') || '(no rule)'} needs a reason after a colon, e.g. "-- pg-preflight-ignore ${d.rules[0] ?? '<rule-id>'}: table is empty in production"; it suppresses nothing until it has one`,
        span: d.span,
      });
      continue;
    }
    const unknown = d.rules.filter((r) => !knownRules.has(r));
    if (d.rules.length === 0 || unknown.length) {
      kept.push({
        rule: UNUSED_IGNORE,
        severity: 'warning',
        message: d.rules.length ? `pg-preflight-ignore names unknown rule ${unknown.join(', ')}` : 'pg-preflight-ignore names no rule',
        span: d.span,
      });
    } else if (!used.has(d)) {
      kept.push({
        rule: UNUSED_IGNORE,
        severity: 'info',
        message:
          d.statementIndex < 0 && d.scope === 'statement'
            ? 'pg-preflight-ignore is not directly above a statement (no blank line allowed between)'
            : `pg-preflight-ignore ${d.rules.join(', ')} suppresses nothing here; remove it`,
        span: d.span,
      });
    }
  }
  return kept;
}
