// The one settings type. Defaults and normalize() live here; the VS Code contributes.configuration,
// the .pg-preflight.json schema (schemas/config.schema.json) and the CLI flags are all checked against it.

export type RunnerId =
  | 'supabase'
  | 'prisma'
  | 'flyway'
  | 'dbmate'
  | 'golang-migrate'
  | 'node-pg-migrate'
  | 'drizzle'
  | 'graphile-migrate'
  | 'atlas'
  | 'sqitch'
  | 'diesel'
  | 'pop'
  | 'plain';

export const RUNNER_IDS: readonly RunnerId[] = [
  'supabase',
  'prisma',
  'flyway',
  'dbmate',
  'golang-migrate',
  'node-pg-migrate',
  'drizzle',
  'graphile-migrate',
  'atlas',
  'sqitch',
  'diesel',
  'pop',
  'plain',
];

export type RuleLevel = 'off' | 'error' | 'warning' | 'info' | 'hint' | 'default';

export const RULE_LEVELS: readonly RuleLevel[] = ['off', 'error', 'warning', 'info', 'hint', 'default'];

/** Throughput used to turn table sizes into lock durations; see docs/estimates.md for how they were measured. */
export interface Throughput {
  /** Sequential scan under a lock (validation, SET NOT NULL), MB/s. */
  scanMBps: number;
  /** Table rewrite (ALTER TYPE, VACUUM FULL, CLUSTER), MB/s of the whole relation: heap, TOAST and indexes (pg_total_relation_size). */
  rewriteMBps: number;
  /** B-tree index build: MB/s of index entries (key width + 20 bytes, per row) sorted and written; the table scan is on scanMBps. */
  indexBuildMBps: number;
  /**
   * This server is this many times faster than the constants assume: every estimate is divided by it
   * (2 halves them). One number to calibrate with `npm run bench:estimates` (docs/estimates.md).
   */
  speedFactor: number;
}

export interface Settings {
  /** PostgreSQL major version the migration will run on (11..18); 'auto' takes it from the stats snapshot, else 17. */
  pgVersion: number | 'auto';
  /** Migration runner; 'auto' detects from the path and file. */
  runner: RunnerId | 'auto';
  /** Globs (relative to the workspace root) of migration folders' files. */
  migrationGlobs: string[];
  /** Values the safety header sets. */
  lockTimeout: string;
  statementTimeout: string;
  /** Per-rule level override; 'default' keeps the rule's own size-scaled severity. */
  rules: Record<string, RuleLevel>;
  /** Schemas exposed to clients (RLS is required there). */
  exposedSchemas: string[];
  /** Tables at or above this many rows count as large. */
  largeTableRows: number;
  /** A lock held longer than this (seconds) on a busy table is an error. */
  maxLockSeconds: number;
  throughput: Throughput;
  /**
   * A statistics snapshot file (JSON written by `pg-preflight stats`), relative to the project root (the
   * folder of .pg-preflight.json). The language server reads it and re-reads it when it changes. '' = none.
   */
  statsFile: string;
  /**
   * Base URL of the rule pages: a rule's page is <docsBaseUrl><rule-id>.md. '' = the docs bundled with the
   * server (a file: URL) when they are there, else the project's pages on GitHub.
   */
  docsBaseUrl: string;
  /**
   * Databases `pg-preflight trace` may run a migration on, inside a transaction it always rolls back:
   * scratch copies only (a branch, a restored snapshot, a local dev database), never production. Compared
   * with --database-url by user, host, port and database name; any password in them is ignored.
   */
  scratchDatabaseUrls: string[];
  /**
   * Scale each finding's severity by the table's size and estimated lock time (a hint on a 40-row table,
   * an error on 40M rows). false = every finding keeps its rule's default severity.
   */
  severityScaling: boolean;
}

export const DEFAULT_PG_VERSION = 17;

/** What docsBaseUrl accepts: '' or an absolute URL (scheme:/...); config.schema.json has the same pattern. */
export const DOCS_BASE_URL_PATTERN = /^\s*([A-Za-z][A-Za-z0-9+.-]*:\/\S*)?\s*$/u;

export const DEFAULT_SETTINGS: Settings = {
  pgVersion: 'auto',
  runner: 'auto',
  migrationGlobs: [
    'supabase/migrations/*.sql',
    'prisma/migrations/*/migration.sql',
    'db/migrations/*.sql',
    'migrations/**/*.sql',
    'src/main/resources/db/migration/*.sql',
    'drizzle/*.sql',
  ],
  lockTimeout: '5s',
  statementTimeout: '30s',
  rules: {},
  exposedSchemas: ['public'],
  largeTableRows: 100_000,
  maxLockSeconds: 5,
  throughput: { scanMBps: 500, rewriteMBps: 55, indexBuildMBps: 30, speedFactor: 1 },
  statsFile: '',
  docsBaseUrl: '',
  scratchDatabaseUrls: [],
  severityScaling: true,
};

/** What a scratchDatabaseUrls entry must look like; config.schema.json has the same pattern. */
export const SCRATCH_URL_PATTERN = /^postgres(ql)?:\/\/\S+$/u;

/** Merges an untrusted partial settings object over the defaults; returns the result and one line per ignored key. */
export function normalizeSettings(input: unknown, base: Settings = DEFAULT_SETTINGS): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const s: Settings = {
    ...base,
    rules: { ...base.rules },
    throughput: { ...base.throughput },
    migrationGlobs: [...base.migrationGlobs],
    exposedSchemas: [...base.exposedSchemas],
  };
  s.scratchDatabaseUrls = [...base.scratchDatabaseUrls];
  if (input === undefined || input === null) return { settings: s, problems };
  if (typeof input !== 'object' || Array.isArray(input)) return { settings: s, problems: ['settings must be an object'] };
  const o = input as Record<string, unknown>;
  for (const [key, value] of Object.entries(o)) {
    switch (key) {
      case '$schema':
        break;
      case 'pgVersion':
        if (value === 'auto') s.pgVersion = 'auto';
        else if (typeof value === 'number' && Number.isInteger(value) && value >= 11 && value <= 18) s.pgVersion = value;
        else problems.push('pgVersion must be an integer from 11 to 18');
        break;
      case 'runner':
        if (value === 'auto' || RUNNER_IDS.includes(value as RunnerId)) s.runner = value as RunnerId | 'auto';
        else problems.push(`runner must be one of auto, ${RUNNER_IDS.join(', ')}`);
        break;
      case 'migrationGlobs':
      case 'exposedSchemas':
        if (Array.isArray(value) && value.every((v) => typeof v === 'string')) s[key] = value as string[];
        else problems.push(`${key} must be an array of strings`);
        break;
      case 'lockTimeout':
      case 'statementTimeout':
        if (typeof value === 'string' && /^\d+\s*(ms|s|min|h)?$/.test(value.trim())) s[key] = value.trim();
        else problems.push(`${key} must be a duration such as '5s' or '500ms'`);
        break;
      case 'largeTableRows':
      case 'maxLockSeconds':
        if (typeof value === 'number' && value >= 0 && Number.isFinite(value)) s[key] = value;
        else problems.push(`${key} must be a non-negative number`);
        break;
      case 'rules':
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          for (const [rule, level] of Object.entries(value as Record<string, unknown>)) {
            if (RULE_LEVELS.includes(level as RuleLevel)) s.rules[rule] = level as RuleLevel;
            else problems.push(`rules.${rule} must be off, error, warning, info, hint or default`);
          }
        } else problems.push('rules must be an object of rule id to level');
        break;
      case 'statsFile':
        if (typeof value === 'string') s.statsFile = value.trim();
        else problems.push('statsFile must be a file path (a string)');
        break;
      case 'docsBaseUrl':
        if (typeof value === 'string' && DOCS_BASE_URL_PATTERN.test(value)) s.docsBaseUrl = value.trim();
        else problems.push("docsBaseUrl must be a URL such as 'https://example.com/rules/' or ''");
        break;
      case 'scratchDatabaseUrls':
        if (Array.isArray(value) && value.every((v) => typeof v === 'string' && SCRATCH_URL_PATTERN.test(v)))
          s.scratchDatabaseUrls = [...(value as string[])];
        else problems.push('scratchDatabaseUrls must be an array of postgresql:// URLs');
        break;
      case 'severityScaling':
        if (typeof value === 'boolean') s.severityScaling = value;
        else problems.push('severityScaling must be true or false');
        break;
      case 'throughput':
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            if (k in s.throughput && typeof v === 'number' && v > 0) s.throughput[k as keyof Throughput] = v;
            else problems.push(`throughput.${k} is not a known positive number`);
          }
        } else problems.push('throughput must be an object');
        break;
      default:
        problems.push(`unknown setting '${key}'`);
    }
  }
  return { settings: s, problems };
}

// ---------------------------------------------------------------------------------------------------
// Editor-only settings: the VS Code extension's own (pgPreflight.* in settings.json, never in
// .pg-preflight.json, which a repository can carry). client/package.json contributes.configuration is
// generated from Settings (through schemas/config.schema.json) plus these, and a test fails on drift.

export type TraceLevel = 'off' | 'messages' | 'verbose';

export interface EditorSettings {
  /** Minutes between statistics refreshes while connected to a database; 0 = only on command. */
  statsRefreshMinutes: number;
  /**
   * Read the connection from DATABASE_URL or the PG* variables (PGHOST, PGPORT, PGUSER, PGPASSWORD,
   * PGDATABASE, PGSSLMODE) of the editor's environment when no connection was saved. Trusted workspaces only.
   */
  allowEnvDatabaseUrl: boolean;
  /** Traces the messages between VS Code and the language server (the Output panel). */
  'trace.server': TraceLevel;
}

export const DEFAULT_EDITOR_SETTINGS: EditorSettings = {
  statsRefreshMinutes: 10,
  allowEnvDatabaseUrl: false,
  'trace.server': 'off',
};
