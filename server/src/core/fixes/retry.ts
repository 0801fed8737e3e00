// The lock-retry wrapper: a statement run in a DO block that tries it with a short lock_timeout, pauses
// with jitter between attempts and gives up after a bounded number of them. A lock_timeout alone still
// queues every later query on the table for the whole timeout, on each try; a short timeout per attempt
// bounds that stall, and the retries give the migration many chances instead of one.
//
// Each attempt runs in its own subtransaction (BEGIN ... EXCEPTION inside the block), so a failed
// attempt releases the locks it took and leaves the lock queue before the pause. Locks taken by
// earlier statements of the same transaction are not released: they stay held through the pauses,
// which is why the quick fix is offered only for the first traffic-blocking statement of a transaction.
// Pure.
import { blocksTraffic } from '../locks/modes';
import type { RuleContext, StatementView } from '../rules/rule';
import type { Fix } from '../types';
import { withoutSemicolon } from './sqltext';

export interface LockRetryOptions {
  /** lock_timeout per attempt (a PostgreSQL interval literal). */
  attemptTimeout: string;
  attempts: number;
  /** Pause before attempt n+1 is n * pauseSeconds, times a random factor in [0.5, 1.5), capped at pauseCapSeconds. */
  pauseSeconds: number;
  pauseCapSeconds: number;
}

export const LOCK_RETRY_DEFAULTS: LockRetryOptions = { attemptTimeout: '500ms', attempts: 20, pauseSeconds: 0.5, pauseCapSeconds: 5 };

/** `$tag$` (then `$tag1$`, `$tag2$`, ...) that occurs nowhere in `text`, so `text` can sit inside it unchanged. */
export function dollarTag(text: string, base: string): string {
  for (let i = 0; ; i++) {
    const tag = `$${base}${i === 0 ? '' : i}$`;
    if (!text.includes(tag)) return tag;
  }
}

/** A statement that the retry block can run: no trailing semicolon needed, the text kept byte for byte. */
export function lockRetrySql(statementText: string, label: string, options: LockRetryOptions = LOCK_RETRY_DEFAULTS, eol = '\n'): string {
  const stmt = withoutSemicolon(statementText);
  const inner = dollarTag(stmt, 'pgpf_stmt');
  // The outer tag must not occur in the statement nor clash with the inner one.
  const outer = dollarTag(stmt + inner, 'pgpf_retry');
  const what = label.replace(/'/g, "''").replace(/%/g, '%%');
  const timeout = options.attemptTimeout.replace(/'/g, "''").replace(/%/g, '%%');
  const lines = [
    `-- pg-preflight lock retry: each attempt waits at most ${options.attemptTimeout} for the lock (the app queues behind it only that long),`,
    `-- then pauses with jitter; gives up after ${options.attempts} attempts. Locks of earlier statements in this transaction stay held.`,
    `DO ${outer}`,
    'DECLARE',
    `  max_attempts constant int := ${options.attempts};`,
    "  saved_lock_timeout constant text := current_setting('lock_timeout');",
    '  attempt int := 0;',
    'BEGIN',
    '  LOOP',
    '    attempt := attempt + 1;',
    '    BEGIN',
    `      PERFORM set_config('lock_timeout', '${options.attemptTimeout.replace(/'/g, "''")}', true);`,
    `      EXECUTE ${inner}${stmt}${inner};`,
    "      PERFORM set_config('lock_timeout', saved_lock_timeout, true);",
    '      RETURN;',
    '    EXCEPTION WHEN lock_not_available THEN',
    '      IF attempt >= max_attempts THEN',
    `        RAISE EXCEPTION 'pg-preflight lock retry: ${what} did not get its lock in % attempts of ${timeout}; not applied', attempt`,
    "          USING ERRCODE = 'lock_not_available', HINT = 'A long transaction holds a conflicting lock: find it in pg_stat_activity, then rerun the migration.';",
    '      END IF;',
    `      RAISE NOTICE 'pg-preflight lock retry: attempt % of % for ${what} timed out after ${timeout}; retrying', attempt, max_attempts;`,
    '    END;',
    `    PERFORM pg_sleep(least(${options.pauseCapSeconds}, attempt * ${options.pauseSeconds} * (0.5 + random())));`,
    '  END LOOP;',
    'END',
    `${outer};`,
  ];
  return lines.join(eol);
}

/** Statements the block cannot or should not run through EXECUTE: transaction control, settings, DML, client I/O, nested blocks. */
const NOT_WRAPPED = new Set([
  'TransactionStmt',
  'VariableSetStmt',
  'VariableShowStmt',
  'DoStmt',
  'CallStmt',
  'CopyStmt',
  'SelectStmt',
  'InsertStmt',
  'UpdateStmt',
  'DeleteStmt',
  'MergeStmt',
  'ExplainStmt',
  'VacuumStmt',
  'LockStmt',
  'CreateFunctionStmt',
  'meta',
  'error',
]);

/**
 * The lock-retry block as a quick fix for one statement: offered when the statement may run in a
 * transaction (not CONCURRENTLY, VACUUM and the like, which also refuse to run from a function) and no
 * earlier statement of its transaction holds a traffic-blocking lock on an existing table, which the
 * pauses between attempts would keep held.
 */
export function lockRetryFix(ctx: RuleContext, st: StatementView, options: LockRetryOptions = LOCK_RETRY_DEFAULTS): Fix | undefined {
  if (!st.ast || NOT_WRAPPED.has(st.kind) || st.lockInfo.nonTransactional || st.lockInfo.notAnalysed.length) return undefined;
  if (!st.locks.some((l) => !l.newTable && blocksTraffic(l.mode))) return undefined;
  if (st.transactional && earlierBlockingLock(ctx.statements, st)) return undefined;
  const firstBreak = ctx.text.indexOf('\n');
  const eol = firstBreak > 0 && ctx.text[firstBreak - 1] === '\r' ? '\r\n' : '\n';
  return {
    title: `Retry ${st.label} with lock_timeout ${options.attemptTimeout} per attempt (up to ${options.attempts} attempts, in a DO block)`,
    edits: [{ span: st.span, newText: lockRetrySql(st.text, st.label, options, eol) }],
  };
}

function earlierBlockingLock(statements: readonly StatementView[], st: StatementView): boolean {
  return statements.some(
    (s) =>
      s.index < st.index &&
      s.transactional &&
      s.transactionId === st.transactionId &&
      s.locks.some((l) => !l.newTable && blocksTraffic(l.mode)),
  );
}
