// The safety header: `SET lock_timeout = ...; SET statement_timeout = ...;` at the top of a migration, so a
// statement that has to wait for its lock gives up after lock_timeout; the application queues behind it
// until then (on every retry), so the queue is capped, not avoided (fixes/retry.ts keeps it short). Used by
// the missing-lock-timeout and missing-statement-timeout rules (as their quick fix), by the LSP command
// pgPreflight.insertSafetyHeader, and by the split engine for every step file. Pure.
import type { Settings } from '@pg-preflight/shared';
import { unwrap, type Node } from '../syntax/ast';
import { longestLock } from '../estimate';
import { blocksTraffic } from '../locks/modes';
import type { RunnerConvention } from '../migrations/runners';
import type { Fix, LockEstimate, Span } from '../types';

/** What the header logic needs to know about a statement (a rule's StatementView has all of it). */
export interface HeaderStatement {
  index: number;
  span: Span;
  ast?: Node;
  locks: LockEstimate[];
  /** A lock_timeout / statement_timeout is in force when this statement runs. */
  hasLockTimeout: boolean;
  hasStatementTimeout: boolean;
}

/** Which finding the fix answers; 'any' (the command) adds whatever is missing. */
export type HeaderFinding = 'lock_timeout' | 'statement_timeout' | 'any';

/** The lock makes ordinary traffic queue while it is awaited or held, and a timeout would help. */
function queuesTraffic(l: LockEstimate): boolean {
  return blocksTraffic(l.mode) && l.blocks.some((b) => b !== 'DDL') && !l.timeoutNoHelp;
}

/** The strongest traffic-blocking lock of a statement on an existing table, if any. */
function worstExistingLock(locks: readonly LockEstimate[]): LockEstimate | undefined {
  return longestLock(locks, (l) => !l.newTable && queuesTraffic(l));
}

/** The first statement that takes a traffic-blocking lock on an existing table with no lock_timeout in force. */
export function firstUnguardedLock<S extends HeaderStatement>(statements: readonly S[]): { st: S; lock: LockEstimate } | undefined {
  for (const st of statements) {
    if (st.hasLockTimeout) continue;
    const lock = worstExistingLock(st.locks);
    if (lock) return { st, lock };
  }
  return undefined;
}

/** Same threshold as sizeScaledSeverity's "hint": fewer than 1000 rows and under 0.1 s. */
export function isTinyLock(l: LockEstimate): boolean {
  return l.rows !== undefined && l.rows < 1000 && (l.estimatedSeconds ?? 0) < 0.1;
}

/**
 * The first statement that holds a traffic-blocking lock on an existing table for work that grows with
 * the table (scan, rewrite, index build) with no statement_timeout in force. Tiny tables (stats say
 * under 1000 rows and a sub-0.1 s lock) are left out: a timeout changes nothing there.
 */
export function firstUncappedLongLock<S extends HeaderStatement>(
  statements: readonly S[],
  isTiny: (l: LockEstimate) => boolean = isTinyLock,
): { st: S; lock: LockEstimate } | undefined {
  for (const st of statements) {
    if (st.hasStatementTimeout) continue;
    // The first of the longest (unknown counts as longest), in one pass.
    let lock: LockEstimate | undefined;
    for (const l of st.locks) {
      if (l.newTable || l.emptiesTable || !queuesTraffic(l) || !(l.rewrite || l.scan || l.indexBuild) || isTiny(l)) continue;
      if (!lock || (l.estimatedSeconds ?? Infinity) > (lock.estimatedSeconds ?? Infinity)) lock = l;
    }
    if (lock) return { st, lock };
  }
  return undefined;
}

/** Long work that does not block traffic (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT): a statement_timeout would abort it. */
export function hasLongNonBlockingWork(statements: readonly HeaderStatement[]): boolean {
  return statements.some((st) =>
    st.locks.some(
      (l) => !l.newTable && !(blocksTraffic(l.mode) && l.blocks.some((b) => b !== 'DDL')) && (l.scan || l.indexBuild || l.rewrite),
    ),
  );
}

function setsParameter(st: HeaderStatement, parameter: string): boolean {
  const [kind, node] = unwrap(st.ast);
  return kind === 'VariableSetStmt' && String(node.name ?? '').toLowerCase() === parameter;
}

/** A statement before `index` sets or resets the parameter: a header at the top would be overridden. */
function setEarlier(statements: readonly HeaderStatement[], index: number, parameter: string): boolean {
  return statements.some((st) => st.index < index && setsParameter(st, parameter));
}

/** The SQL literal for a setting value. */
export function quoteLiteral(value: string): string {
  return `'${String(value).replace(/'/g, "''")}'`;
}

/** The header lines for the settings (both by default). */
export function safetyHeaderLines(
  settings: Pick<Settings, 'lockTimeout' | 'statementTimeout'>,
  which: { lock?: boolean; statement?: boolean } = { lock: true, statement: true },
): string[] {
  const lines: string[] = [];
  if (which.lock) lines.push(`SET lock_timeout = ${quoteLiteral(settings.lockTimeout)};`);
  if (which.statement) lines.push(`SET statement_timeout = ${quoteLiteral(settings.statementTimeout)};`);
  return lines;
}

/**
 * Inserts `SET lock_timeout = ...; SET statement_timeout = ...;` (only the missing ones) at the top of
 * the file. statement_timeout is left out when the file also builds an index concurrently or validates a
 * constraint, which a short statement_timeout would abort, unless a long blocking lock needs it anyway.
 * For a finding, no fix when the setting the finding is about is set or reset earlier in the file: a
 * header at the top would be overridden, and applying it again and again would only add lines.
 *
 * The header always goes in the file, whatever the runner: Supabase runs RESET ALL before each
 * migration and other runners reuse pooled sessions, so a session-level setting made elsewhere does not
 * reach the migration. Runner directives (`-- migrate:up`, `--! no-transaction`, `-- atlas:...`) stay
 * first; the header goes after them.
 *
 * `statements` is the analysed file (a rule passes ctx.statements); without it, the file is analysed here.
 */
export function safetyHeaderFix(
  text: string,
  settings: Settings,
  runner: RunnerConvention,
  statements?: readonly HeaderStatement[],
  finding: HeaderFinding = 'any',
): Fix | undefined {
  void runner; // every runner gets the header in the file; kept in the signature for runner-specific placement
  const sts = statements ?? [];
  let addLock: boolean;
  let addStatement: boolean;
  if (finding === 'any') {
    const lockSet = sts.some((s) => setsParameter(s, 'lock_timeout'));
    const statementSet = sts.some((s) => setsParameter(s, 'statement_timeout'));
    const longGap = firstUncappedLongLock(sts);
    addLock = !lockSet;
    addStatement = !statementSet && (!!longGap || !hasLongNonBlockingWork(sts));
  } else {
    const lockGap = firstUnguardedLock(sts);
    const longGap = firstUncappedLongLock(sts);
    const statementGap = longGap ?? (lockGap && !lockGap.st.hasStatementTimeout && !hasLongNonBlockingWork(sts) ? lockGap : undefined);
    addLock = !!lockGap && !setEarlier(sts, lockGap.st.index, 'lock_timeout');
    addStatement = !!statementGap && !setEarlier(sts, statementGap.st.index, 'statement_timeout');
    if (finding === 'lock_timeout' ? !addLock : !(longGap && addStatement)) return undefined;
  }
  if (!addLock && !addStatement) return undefined;
  const lines = safetyHeaderLines(settings, { lock: addLock, statement: addStatement });
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const at = headerOffset(text, sts[0]?.span.start ?? firstCodeOffset(text));
  return {
    title: `Add ${lines.map((l) => l.replace(/ =.*/, '')).join(' and ')} at the top of the file`,
    edits: [{ span: { start: at, end: at }, newText: lines.map((l) => l + eol).join('') }],
    preferred: true,
  };
}

const RUNNER_DIRECTIVE = /^--\s*(?:!|migrate:|atlas:|\+goose\b|flyway:)/;

/** Offset of the first line that is neither blank nor a comment (the text length when there is none). */
function firstCodeOffset(text: string): number {
  let pos = 0;
  let inBlock = false;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(pos, end).trim();
    if (inBlock) {
      if (line.includes('*/')) inBlock = false;
    } else if (line.startsWith('/*')) {
      if (!line.includes('*/')) inBlock = true;
    } else if (line !== '' && !line.startsWith('--')) return pos;
    if (nl < 0) break;
    pos = nl + 1;
  }
  return text.length;
}

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
