// Migration runner conventions: how each runner names files, whether it wraps a file in a
// transaction, how a file opts out, and the name of the file that sorts right after another.
import type { RunnerId } from '@pg-preflight/shared';
import { splitSql } from '../syntax/split';
import { isFlywayPath, popName } from './naming';

export { compareVersions, migrationVersion, nextMigrationName } from './naming';

export interface RunnerConvention {
  id: RunnerId;
  title: string;
  /** The runner sends each file in one transaction (or one implicit-transaction batch). */
  wrapsInTransaction: boolean;
  /**
   * The file goes to the server as one multi-statement batch (an implicit transaction) rather than
   * inside the runner's own BEGIN/COMMIT, so an explicit BEGIN ... COMMIT in the file is legitimate.
   */
  sendsOneBatch: boolean;
  /** A line that makes the runner run the file outside a transaction, when the runner has one. */
  noTransactionDirective?: string;
  /** The directive appears in this text. */
  hasNoTransactionDirective(text: string): boolean;
  /**
   * The runner's way out of its transaction when it is not a line of the file (a file beside it, a part
   * of its name), for messages; the project layer reads that and passes the outcome to analyze().
   */
  noTransactionSwitch?: string;
}

const never = () => false;

/**
 * The statements Flyway's PostgreSQL parser knows cannot run in a transaction, read as it reads them:
 * the statement's first keywords, upper-cased, comments and runs of blanks gone (PostgreSQLParser's
 * detectCanExecuteInTransaction). It runs a migration made only of such statements outside a
 * transaction; one that mixes them with others it refuses, unless `mixed` is set.
 */
const FLYWAY_OUTSIDE_TRANSACTION = [
  /^(CREATE|DROP) (DATABASE|TABLESPACE|SUBSCRIPTION)\b/,
  /^ALTER SYSTEM\b/,
  /^(CREATE|DROP)( UNIQUE)? INDEX CONCURRENTLY\b/,
  /^REINDEX( VERBOSE)? (SCHEMA|DATABASE|SYSTEM)\b/,
  /^VACUUM\b/,
  /^DISCARD ALL\b/,
];

/** Flyway takes this statement for one that must run outside a transaction. */
export function flywayRunsAlone(statement: string): boolean {
  const simplified = statement
    .replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ')
    .trim()
    .replace(/\s+/g, ' ')
    .toUpperCase();
  return FLYWAY_OUTSIDE_TRANSACTION.some((re) => re.test(simplified));
}

let flywayLast: { text: string; outside: boolean } | undefined;

/** Every statement of the file is one Flyway runs outside a transaction, so it runs the file without one. */
function flywayRunsOutsideTransaction(text: string): boolean {
  if (flywayLast?.text === text) return flywayLast.outside;
  const statements = splitSql(text).statements.filter((st) => st.kind === 'sql');
  const outside = statements.length > 0 && statements.every((st) => flywayRunsAlone(st.text));
  flywayLast = { text, outside };
  return outside;
}

export const RUNNERS: Record<RunnerId, RunnerConvention> = {
  supabase: { id: 'supabase', sendsOneBatch: true, title: 'Supabase CLI', wrapsInTransaction: true, hasNoTransactionDirective: never },
  prisma: { id: 'prisma', sendsOneBatch: true, title: 'Prisma Migrate', wrapsInTransaction: true, hasNoTransactionDirective: never },
  flyway: {
    id: 'flyway',
    sendsOneBatch: false,
    title: 'Flyway',
    wrapsInTransaction: true,
    hasNoTransactionDirective: flywayRunsOutsideTransaction,
    noTransactionSwitch: 'a script configuration file <script>.sql.conf beside it holding executeInTransaction=false',
  },
  dbmate: {
    id: 'dbmate',
    sendsOneBatch: false,
    title: 'dbmate',
    wrapsInTransaction: true,
    noTransactionDirective: '-- migrate:up transaction:false',
    hasNoTransactionDirective: (t) => /^--\s*migrate:up\b.*\btransaction:false\b/m.test(t),
  },
  'golang-migrate': {
    id: 'golang-migrate',
    sendsOneBatch: true,
    title: 'golang-migrate',
    wrapsInTransaction: true,
    hasNoTransactionDirective: never,
  },
  'node-pg-migrate': {
    id: 'node-pg-migrate',
    sendsOneBatch: false,
    title: 'node-pg-migrate',
    wrapsInTransaction: true,
    hasNoTransactionDirective: never,
  },
  drizzle: { id: 'drizzle', sendsOneBatch: false, title: 'Drizzle Kit', wrapsInTransaction: true, hasNoTransactionDirective: never },
  'graphile-migrate': {
    id: 'graphile-migrate',
    sendsOneBatch: false,
    title: 'graphile-migrate',
    wrapsInTransaction: true,
    noTransactionDirective: '--! no-transaction',
    hasNoTransactionDirective: (t) => /^--!\s*no-transaction\b/m.test(t),
  },
  atlas: {
    id: 'atlas',
    sendsOneBatch: false,
    title: 'Atlas',
    wrapsInTransaction: true,
    noTransactionDirective: '-- atlas:txmode none',
    hasNoTransactionDirective: (t) => /^--\s*atlas:txmode\s+none\b/m.test(t),
  },
  sqitch: { id: 'sqitch', sendsOneBatch: false, title: 'Sqitch', wrapsInTransaction: false, hasNoTransactionDirective: never },
  // diesel runs up.sql in its own BEGIN ... COMMIT; with run_in_transaction = false it sends the file as one batch.
  diesel: {
    id: 'diesel',
    sendsOneBatch: false,
    title: 'diesel',
    wrapsInTransaction: true,
    hasNoTransactionDirective: never,
    noTransactionSwitch: 'a metadata.toml beside up.sql holding run_in_transaction = false',
  },
  // pop and popx run each file in a transaction of their own; popx's ".autocommit" name part turns it off.
  pop: {
    id: 'pop',
    sendsOneBatch: false,
    title: 'pop/popx',
    wrapsInTransaction: true,
    hasNoTransactionDirective: never,
    noTransactionSwitch: 'the name part .autocommit (ory popx: <version>_<name>.postgres.autocommit.up.sql)',
  },
  plain: { id: 'plain', sendsOneBatch: false, title: 'psql (no runner)', wrapsInTransaction: false, hasNoTransactionDirective: never },
};

/** Guesses the runner from the file's path and text. */
export function detectRunner(path: string | undefined, text: string): RunnerId {
  const p = (path ?? '').replace(/\\/g, '/');
  if (/(^|\/)supabase\/migrations\//.test(p)) return 'supabase';
  if (/(^|\/)migrations\/[^/]+\/migration\.sql$/.test(p)) return 'prisma';
  if (/(^|\/)[^/]+\/(up|down)\.sql$/.test(p)) return 'diesel';
  if (isFlywayPath(p)) return 'flyway';
  if (/^--\s*migrate:up\b/m.test(text)) return 'dbmate';
  // A dialect or .autocommit part is pop's/popx's alone; a plain .up.sql is golang-migrate's unless the
  // folder says otherwise (the project layer passes the runner it read from the folder).
  const pop = popName(p.slice(p.lastIndexOf('/') + 1));
  if (pop && (pop.dialect !== undefined || pop.autocommit)) return 'pop';
  if (/\.(up|down)\.sql$/.test(p)) return 'golang-migrate';
  if (/^--!\s*(no-transaction|Previous:|Hash:)/m.test(text) || /(^|\/)migrations\/(current\.sql|committed\/)/.test(p))
    return 'graphile-migrate';
  if (/^--\s*atlas:/m.test(text)) return 'atlas';
  if (/^-->\s*statement-breakpoint/m.test(text) || /(^|\/)drizzle\//.test(p)) return 'drizzle';
  if (/(^|\/)deploy\/[^/]+\.sql$/.test(p)) return 'sqitch';
  return 'plain';
}

/**
 * The convention a file runs under: the runner's, unless the file opts out of its transaction by a means
 * outside its text (diesel's metadata.toml, read by the project layer and passed as `runsInTransaction`;
 * popx's .autocommit name part), when it runs as if it carried the runner's directive.
 */
export function fileConvention(runner: RunnerConvention, path: string | undefined, runsInTransaction?: boolean): RunnerConvention {
  const base = (path ?? '').replace(/\\/g, '/').split('/').pop() ?? '';
  const optedOut = runsInTransaction === false || (runner.id === 'pop' && popName(base)?.autocommit === true);
  return optedOut && runner.wrapsInTransaction ? { ...runner, hasNoTransactionDirective: () => true } : runner;
}
