// A statement that takes a traffic-blocking lock on an existing table while no lock_timeout is set: if
// it has to wait (behind a long query, autovacuum, an idle transaction), every later query on the table
// queues behind it, and the app stalls although the DDL itself would be instant. Reported once per file,
// on the first such statement. This file also builds the safety-header fix both timeout rules offer.
import { unwrap } from '../ast';
import { blocksTraffic } from '../locks/modes';
import type { Fix, LockEstimate } from '../types';
import { lockSentence, worstExistingLock } from './helpers';
import type { Rule, RuleContext, StatementView } from './rule';

export const missingLockTimeout: Rule = {
  id: 'missing-lock-timeout',
  title: 'A traffic-blocking lock is requested without lock_timeout: a wait queues every later query',
  defaultSeverity: 'warning',
  check(ctx) {
    const first = firstUnguardedLock(ctx);
    if (!first) return;
    const { st, lock } = first;
    ctx.report({
      statementIndex: st.index,
      message: `${lockSentence(st.label, lock)}, and no lock_timeout is set: if it waits for the lock, every later query on ${lock.relation} queues behind it. Start the file with SET lock_timeout = '${ctx.settings.lockTimeout}'; so it gives up instead (and retry)`,
      help: 'lock_timeout only limits the wait for the lock; the statement still runs to completion once it has the lock. Retry the migration when it times out.',
      locks: [lock],
      fix: safetyHeaderFix(ctx, 'lock_timeout'),
    });
  },
};

/** The first statement that takes a traffic-blocking lock on an existing table with no lock_timeout in force. */
export function firstUnguardedLock(ctx: RuleContext): { st: StatementView; lock: LockEstimate } | undefined {
  for (const st of ctx.statements) {
    if (st.hasLockTimeout) continue;
    const lock = worstExistingLock(st.locks);
    if (lock) return { st, lock };
  }
  return undefined;
}

/**
 * The first statement that holds a traffic-blocking lock on an existing table for work that grows with
 * the table (scan, rewrite, index build) with no statement_timeout in force. Tiny tables (stats say
 * under 1000 rows and a sub-0.1 s lock) are left out: a timeout changes nothing there.
 */
export function firstUncappedLongLock(ctx: RuleContext, isTiny: (l: LockEstimate) => boolean): { st: StatementView; lock: LockEstimate } | undefined {
  for (const st of ctx.statements) {
    if (st.hasStatementTimeout) continue;
    const lock = st.locks
      .filter((l) => !l.newTable && !l.emptiesTable && blocksTraffic(l.mode) && (l.rewrite || l.scan || l.indexBuild) && !isTiny(l))
      .sort((a, b) => (b.estimatedSeconds ?? Infinity) - (a.estimatedSeconds ?? Infinity))[0];
    if (lock) return { st, lock };
  }
  return undefined;
}

/** Long work that does not block traffic (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT): a statement_timeout would abort it. */
export function hasLongNonBlockingWork(ctx: RuleContext): boolean {
  return ctx.statements.some((st) => st.locks.some((l) => !l.newTable && !blocksTraffic(l.mode) && (l.scan || l.indexBuild || l.rewrite)));
}

/** A statement before `index` sets or resets the parameter: a header at the top would be overridden. */
function setEarlier(ctx: RuleContext, index: number, parameter: string): boolean {
  return ctx.statements.slice(0, index).some((st) => {
    const [kind, node] = unwrap(st.ast);
    return kind === 'VariableSetStmt' && String(node.name ?? '').toLowerCase() === parameter;
  });
}

/**
 * Inserts `SET lock_timeout = ...; SET statement_timeout = ...;` (only the missing ones) at the top of
 * the file. statement_timeout is left out when the file also builds an index concurrently or validates a
 * constraint, which a short statement_timeout would abort, unless a long blocking lock needs it anyway.
 * No fix when the setting the finding is about is set or reset earlier in the file: a header at the top
 * would be overridden, and applying it again and again would only add lines.
 */
export function safetyHeaderFix(ctx: RuleContext, finding: 'lock_timeout' | 'statement_timeout'): Fix | undefined {
  const lockGap = firstUnguardedLock(ctx);
  const longGap = firstUncappedLongLock(ctx, isTinyLock);
  const statementGap = longGap ?? (lockGap && !lockGap.st.hasStatementTimeout && !hasLongNonBlockingWork(ctx) ? lockGap : undefined);
  const addLock = !!lockGap && !setEarlier(ctx, lockGap.st.index, 'lock_timeout');
  const addStatement = !!statementGap && !setEarlier(ctx, statementGap.st.index, 'statement_timeout');
  if (finding === 'lock_timeout' ? !addLock : !(longGap && addStatement)) return undefined;
  const lines: string[] = [];
  if (addLock) lines.push(`SET lock_timeout = ${quote(ctx.settings.lockTimeout)};`);
  if (addStatement) lines.push(`SET statement_timeout = ${quote(ctx.settings.statementTimeout)};`);
  const eol = ctx.text.includes('\r\n') ? '\r\n' : '\n';
  const at = headerOffset(ctx.text, ctx.statements[0]?.span.start ?? 0);
  return {
    title: `Add ${lines.map((l) => l.replace(/ =.*/, '')).join(' and ')} at the top of the file`,
    edits: [{ span: { start: at, end: at }, newText: lines.map((l) => l + eol).join('') }],
    preferred: true,
  };
}

/** Same threshold as sizeScaledSeverity's "hint": fewer than 1000 rows and under 0.1 s. */
export function isTinyLock(l: LockEstimate): boolean {
  return l.rows !== undefined && l.rows < 1000 && (l.estimatedSeconds ?? 0) < 0.1;
}

function quote(value: string): string {
  return `'${String(value).replace(/'/g, "''")}'`;
}

const RUNNER_DIRECTIVE = /^--\s*(?:!|migrate:|atlas:|\+goose\b|flyway:)/;

/**
 * Where the header goes: after runner directives (`-- migrate:up`, `--! no-transaction`, ...) and after a
 * leading comment block that a blank line separates from the first statement, but before comments that
 * sit directly on the first statement (its description, or a pg-preflight-ignore aimed at it).
 */
export function headerOffset(text: string, firstStatementStart: number): number {
  let insertAt = 0;
  let inBlockComment = false;
  let lineStart = 0;
  while (lineStart < firstStatementStart) {
    const nl = text.indexOf('\n', lineStart);
    if (nl < 0 || nl >= firstStatementStart) break;
    const line = text.slice(lineStart, nl).trim();
    const next = nl + 1;
    if (inBlockComment) {
      if (line.includes('*/')) inBlockComment = false;
    } else if (line === '' || RUNNER_DIRECTIVE.test(line)) {
      insertAt = next;
    } else if (line.startsWith('/*') && !line.includes('*/')) {
      inBlockComment = true;
    }
    lineStart = next;
  }
  return insertAt;
}
