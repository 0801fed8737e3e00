// The analysis as the worker sends it back: the difference from what it sent last time for the same
// document. After a keystroke most of a long file's statements and findings are those of the previous
// analysis (the statements before the edit are the very same objects, see core/memo.ts), and copying all
// of them through structured clone cost more than the analysis itself at 2,000 statements. So each side
// keeps, per document, the last analysis that crossed: the worker sends how many leading statements and
// findings are unchanged and only the rest; the server splices the rest onto its copy. Pure, no I/O.
import type { Analysis, StatementInfo, Violation } from '../core/types';

export interface WireAnalysis extends Omit<Analysis, 'statements' | 'violations'> {
  /** The job of the analysis this one is the difference from; 0: none, everything is in `rest`. */
  base: number;
  statements: { kept: number; rest: StatementInfo[] };
  violations: { kept: number; rest: Violation[] };
}

/** The last analysis that crossed for a document, and its job. */
export interface Crossed {
  job: number;
  analysis: Analysis;
}

/**
 * `analysis` (whose lazy fixes are already left out) as the difference from `previous`: leading
 * statements kept when they are the same objects, leading findings when they are equal in value.
 */
export function encodeAnalysis(analysis: Analysis, previous: Crossed | undefined): WireAnalysis {
  const { statements, violations, ...rest } = analysis;
  const old = previous?.analysis;
  let keptStatements = 0;
  let keptViolations = 0;
  if (old) {
    const n = Math.min(old.statements.length, statements.length);
    while (keptStatements < n && old.statements[keptStatements] === statements[keptStatements]) keptStatements++;
    const m = Math.min(old.violations.length, violations.length);
    while (keptViolations < m && sameViolation(old.violations[keptViolations], violations[keptViolations])) keptViolations++;
  }
  return {
    ...rest,
    base: old ? previous.job : 0,
    statements: { kept: keptStatements, rest: statements.slice(keptStatements) },
    violations: { kept: keptViolations, rest: violations.slice(keptViolations) },
  };
}

/**
 * The analysis `wire` describes, given the last one that crossed for the document (undefined when the
 * difference is from an analysis this side does not hold: the caller starts over). A kept finding whose
 * fix is lazy in the new analysis is copied without the fix the server may have rendered into it for the
 * previous one: a fix can depend on more than its finding.
 */
export function decodeAnalysis(wire: WireAnalysis, previous: Crossed | undefined, lazy: ReadonlySet<number>): Analysis | undefined {
  const { base, statements, violations, ...rest } = wire;
  if (base !== 0 && previous?.job !== base) return undefined;
  const old = base !== 0 ? previous?.analysis : undefined;
  if ((statements.kept || violations.kept) && !old) return undefined;
  if (old && (old.statements.length < statements.kept || old.violations.length < violations.kept)) return undefined;
  const keptViolations = (old?.violations ?? []).slice(0, violations.kept).map((v, i) => {
    if (!lazy.has(i) || !Object.hasOwn(v, 'fix')) return v;
    const { fix: _rendered, ...copy } = v;
    return copy;
  });
  return {
    ...rest,
    statements: (old?.statements ?? []).slice(0, statements.kept).concat(statements.rest),
    violations: keptViolations.concat(violations.rest),
  };
}

/** sameValue for two findings, the common fields first (most differ in span or message, if at all). */
export function sameViolation(a: Violation, b: Violation): boolean {
  if (a === b) return true;
  if (a.span.start !== b.span.start || a.span.end !== b.span.end || a.rule !== b.rule || a.message !== b.message) return false;
  if (a.severity !== b.severity || a.statementIndex !== b.statementIndex || a.help !== b.help) return false;
  let keys = 0;
  for (const k in a) {
    keys++;
    if (k === 'span' || k === 'rule' || k === 'message' || k === 'severity' || k === 'statementIndex' || k === 'help') continue;
    if (!Object.hasOwn(b, k) || !sameValue(a[k as keyof Violation], b[k as keyof Violation])) return false;
  }
  for (const _ in b) keys--;
  return keys === 0;
}

/** Equal as structured clone would copy them: plain data compared field by field. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], bb[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * The violations as structured clone may copy them: a lazy fix (a getter) is left out, not rendered, and
 * its index listed; a fix that is a plain value travels with its violation.
 */
export function withoutLazyFixes(vs: Violation[]): { violations: Violation[]; lazy: number[] } {
  const lazy: number[] = [];
  const violations = vs.map((v, i) => {
    const d = Object.getOwnPropertyDescriptor(v, 'fix');
    if (!d?.get) return v;
    lazy.push(i);
    const copy = {} as Record<string, unknown>;
    for (const k of Object.keys(v)) if (k !== 'fix') copy[k] = (v as unknown as Record<string, unknown>)[k];
    return copy as unknown as Violation;
  });
  return { violations, lazy };
}
