// Migration runner conventions: how each runner names files, whether it wraps a file in a
// transaction, how a file opts out, and the name of the file that sorts right after another.
import type { RunnerId } from '@pg-preflight/shared';

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
}

const never = () => false;

export const RUNNERS: Record<RunnerId, RunnerConvention> = {
  supabase: { id: 'supabase', sendsOneBatch: true, title: 'Supabase CLI', wrapsInTransaction: true, hasNoTransactionDirective: never },
  prisma: { id: 'prisma', sendsOneBatch: true, title: 'Prisma Migrate', wrapsInTransaction: true, hasNoTransactionDirective: never },
  flyway: { id: 'flyway', sendsOneBatch: false, title: 'Flyway', wrapsInTransaction: true, hasNoTransactionDirective: never },
  dbmate: {
    id: 'dbmate', sendsOneBatch: false, title: 'dbmate', wrapsInTransaction: true, noTransactionDirective: '-- migrate:up transaction:false',
    hasNoTransactionDirective: (t) => /^--\s*migrate:up\b.*\btransaction:false\b/m.test(t),
  },
  'golang-migrate': { id: 'golang-migrate', sendsOneBatch: true, title: 'golang-migrate', wrapsInTransaction: true, hasNoTransactionDirective: never },
  'node-pg-migrate': { id: 'node-pg-migrate', sendsOneBatch: false, title: 'node-pg-migrate', wrapsInTransaction: true, hasNoTransactionDirective: never },
  drizzle: { id: 'drizzle', sendsOneBatch: false, title: 'Drizzle Kit', wrapsInTransaction: true, hasNoTransactionDirective: never },
  'graphile-migrate': {
    id: 'graphile-migrate', sendsOneBatch: false, title: 'graphile-migrate', wrapsInTransaction: true, noTransactionDirective: '--! no-transaction',
    hasNoTransactionDirective: (t) => /^--!\s*no-transaction\b/m.test(t),
  },
  atlas: {
    id: 'atlas', sendsOneBatch: false, title: 'Atlas', wrapsInTransaction: true, noTransactionDirective: '-- atlas:txmode none',
    hasNoTransactionDirective: (t) => /^--\s*atlas:txmode\s+none\b/m.test(t),
  },
  sqitch: { id: 'sqitch', sendsOneBatch: false, title: 'Sqitch', wrapsInTransaction: false, hasNoTransactionDirective: never },
  plain: { id: 'plain', sendsOneBatch: false, title: 'psql (no runner)', wrapsInTransaction: false, hasNoTransactionDirective: never },
};

/** Guesses the runner from the file's path and text. */
export function detectRunner(path: string | undefined, text: string): RunnerId {
  const p = (path ?? '').replace(/\\/g, '/');
  if (/(^|\/)supabase\/migrations\//.test(p)) return 'supabase';
  if (/(^|\/)migrations\/[^/]+\/migration\.sql$/.test(p)) return 'prisma';
  if (/(^|\/)[VUR]\d+(?:[._]\d+)*__[^/]*\.sql$/.test(p)) return 'flyway';
  if (/^--\s*migrate:up\b/m.test(text)) return 'dbmate';
  if (/\.(up|down)\.sql$/.test(p)) return 'golang-migrate';
  if (/^--!\s*(no-transaction|Previous:|Hash:)/m.test(text) || /(^|\/)migrations\/(current\.sql|committed\/)/.test(p)) return 'graphile-migrate';
  if (/^--\s*atlas:/m.test(text)) return 'atlas';
  if (/^-->\s*statement-breakpoint/m.test(text) || /(^|\/)drizzle\//.test(p)) return 'drizzle';
  if (/(^|\/)deploy\/[^/]+\.sql$/.test(p)) return 'sqitch';
  return 'plain';
}

/** The sortable version part of a migration file name, or undefined when the name has none. */
export function migrationVersion(fileName: string): string | undefined {
  const base = fileName.replace(/\\/g, '/').split('/').filter(Boolean);
  const name = base[base.length - 1] === 'migration.sql' ? base[base.length - 2] ?? '' : base[base.length - 1] ?? '';
  const flyway = /^[VUR](\d+(?:[._]\d+)*)__/.exec(name);
  if (flyway) return flyway[1].replace(/_/g, '.');
  const lead = /^(\d+)(?=[_.-]|$)/.exec(name);
  return lead?.[1];
}

/** Compares versions numerically part by part (Flyway's 1.10 > 1.9; timestamps compare as numbers). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => BigInt(x));
  const pb = b.split('.').map((x) => BigInt(x));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? -1n;
    const y = pb[i] ?? -1n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * The name of a new migration that sorts `step` places right after `fileName` with the same width:
 * 14-digit timestamps advance by seconds, counters by one, Flyway versions gain a minor part.
 */
export function nextMigrationName(fileName: string, suffix: string, step = 1): string {
  const slash = fileName.lastIndexOf('/');
  const dir = slash >= 0 ? fileName.slice(0, slash + 1) : '';
  const name = fileName.slice(slash + 1);
  const flyway = /^([VUR])(\d+(?:\.\d+)*)__(.*)\.sql$/.exec(name);
  if (flyway) return `${dir}${flyway[1]}${flyway[2]}.${step}__${suffix}.sql`;
  const ts = /^(\d{14})(.*)$/.exec(name);
  if (ts) {
    const d = ts[1];
    const t = Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(8, 10), +d.slice(10, 12), +d.slice(12, 14)) + step * 1000;
    const iso = new Date(t).toISOString().replace(/[-:T]/g, '').slice(0, 14);
    return `${dir}${iso}_${suffix}${extensionOf(ts[2])}`;
  }
  const counter = /^(\d+)(.*)$/.exec(name);
  if (counter) {
    const n = (BigInt(counter[1]) + BigInt(step)).toString().padStart(counter[1].length, '0');
    return `${dir}${n}_${suffix}${extensionOf(counter[2])}`;
  }
  return `${dir}${name.replace(/\.sql$/, '')}_${step}_${suffix}.sql`;
}

function extensionOf(rest: string): string {
  if (/\.up\.sql$/.test(rest)) return '.up.sql';
  return '.sql';
}
