// The statistics snapshot: what pg-preflight knows about a live database's tables.
// Produced by the collector (collect.ts, through `pg`), by the VS Code client, or read from a JSON file
// (`pg-preflight check --stats snapshot.json`). The JSON schema is schemas/stats-snapshot.schema.json and
// the format is documented in docs/stats-snapshot.md; server/test/schemas.test.ts keeps them in step.

export const STATS_FORMAT_VERSION = 1;

export interface StatsSnapshot {
  formatVersion: 1;
  /** ISO 8601 time the snapshot was read. */
  capturedAt: string;
  /** server_version_num, e.g. 150008. */
  serverVersionNum: number;
  /** Where it came from, for display only: "user@host:port/db". Never a password. */
  source?: string;
  /**
   * True when read from a hot standby (pg_is_in_recovery()). A standby's write counters do not count the
   * primary's writes, so inserts/updates/deletes then say nothing about how write-hot a table is.
   */
  inRecovery?: boolean;
  tables: TableStats[];
  /**
   * The migration runners' own history tables found in the database (none found: absent or empty). Lets
   * the ordering rules compare local migration files with what the database has applied.
   */
  appliedMigrations?: AppliedHistory[];
}

/** Runners whose history table the collector reads. */
export type HistoryRunner =
  | 'supabase'
  | 'prisma'
  | 'flyway'
  | 'golang-migrate'
  | 'dbmate'
  | 'drizzle'
  | 'node-pg-migrate'
  | 'atlas'
  | 'graphile-migrate';

export const HISTORY_RUNNERS: readonly HistoryRunner[] = [
  'supabase',
  'prisma',
  'flyway',
  'golang-migrate',
  'dbmate',
  'drizzle',
  'node-pg-migrate',
  'atlas',
  'graphile-migrate',
];

/** One runner's history table. */
export interface AppliedHistory {
  runner: HistoryRunner;
  /** The table read, schema-qualified, e.g. "supabase_migrations.schema_migrations". */
  table: string;
  /** Applied migrations in the order the runner applied them (failed and rolled-back ones left out). */
  entries: AppliedMigration[];
  /**
   * The runner records only the newest applied version (golang-migrate): every version up to it counts
   * as applied, and whether one particular older file ran cannot be told.
   */
  latestOnly?: boolean;
  /** golang-migrate's dirty flag: the last migration failed half way and needs `migrate force`. */
  dirty?: boolean;
  /** Flyway's baseline version: versions up to it were never run by Flyway and need no file. */
  baseline?: string;
}

export interface AppliedMigration {
  /** The version as the runner records it (Flyway '1.2', a timestamp, a counter). */
  version: string;
  /** The migration's name where the runner records one (Prisma's folder name, Flyway's script). */
  name?: string;
  /** The runner's checksum of the file (Prisma: sha256 hex; Flyway: CRC32 as a signed integer, in decimal). */
  checksum?: string;
  /** When it was applied, ISO 8601. */
  appliedAt?: string;
}

export type RelationKind = 'table' | 'partitioned' | 'matview' | 'view' | 'foreign';

export const RELATION_KINDS: readonly RelationKind[] = ['table', 'partitioned', 'matview', 'view', 'foreign'];

export interface TableStats {
  schema: string;
  name: string;
  kind: RelationKind;
  /**
   * pg_class.reltuples, clamped at 0 (-1 means never analysed). For a partitioned table: the sum over its
   * leaf partitions, as are the sizes and counters below.
   */
  rows: number;
  /** pg_total_relation_size, pg_table_size, pg_indexes_size, in bytes. */
  totalBytes: number;
  tableBytes: number;
  indexBytes: number;
  /** Cumulative counters from pg_stat_user_tables since statsSince. */
  inserts: number;
  updates: number;
  deletes: number;
  seqScans: number;
  idxScans: number;
  /** When the counters started (pg_stat_database.stats_reset, or the server start), ISO 8601. */
  statsSince?: string | null;
  /**
   * True when another session held (or queued for) ACCESS EXCLUSIVE on the table while the snapshot was read,
   * typically a running migration. The collector does not wait for locks, so values that need one were not
   * read: sizes are estimates from pg_class.relpages, and index and constraint definitions, expression index
   * keys and generation expressions are empty strings / null. Absent otherwise.
   */
  incomplete?: boolean;
  columns: ColumnStats[];
  indexes: IndexStats[];
  constraints: ConstraintStats[];
  /**
   * For a view or materialized view: the columns of other relations its query reads, from its rule's
   * dependencies (pg_depend), as PostgreSQL records them: ALTER COLUMN ... TYPE of one of them fails, and
   * a whole-relation dependency has no columns. Absent for other kinds and in older snapshots.
   */
  reads?: ViewRead[];
  /** For a view or materialized view: pg_get_viewdef, the query (`SELECT ...`); '' when a lock kept it from being read. */
  viewDefinition?: string | null;
}

export interface ViewRead {
  /** Schema-qualified relation the view reads. */
  table: string;
  columns: string[];
}

export interface ColumnStats {
  name: string;
  /** format_type(atttypid, atttypmod), e.g. "character varying(20)". */
  type: string;
  notNull: boolean;
  /** pg_get_expr of the default, or null. */
  default?: string | null;
  /** pg_stats.avg_width in bytes when known. */
  avgWidth?: number | null;
  /**
   * pg_stats.n_distinct when known: above 0 the number of distinct values, below 0 minus the fraction of rows
   * that are distinct (-1: all distinct). Sizes index builds (docs/estimates.md).
   */
  nDistinct?: number | null;
  /** GENERATED ... AS IDENTITY: 'always' or 'by-default' (pg_attribute.attidentity); absent otherwise. */
  identity?: 'always' | 'by-default' | null;
  /** Generated column (PG 12+): 'stored' or 'virtual' (PG 18); absent otherwise. */
  generated?: 'stored' | 'virtual' | null;
  /** The generation expression of a generated column (pg_get_expr). */
  generationExpression?: string | null;
}

export interface IndexStats {
  name: string;
  /** pg_get_indexdef. */
  definition: string;
  unique: boolean;
  primary: boolean;
  valid: boolean;
  columns: string[];
}

export interface ConstraintStats {
  name: string;
  /** pg_constraint.contype: p primary key, f foreign key, c check, u unique, x exclusion, n not null (PG 18), t constraint trigger. */
  type: 'p' | 'f' | 'c' | 'u' | 'x' | 'n' | 't';
  definition: string;
  validated: boolean;
  columns: string[];
  /** For foreign keys: the referenced table, schema-qualified. */
  references?: string | null;
}

export const CONSTRAINT_TYPES: readonly ConstraintStats['type'][] = ['p', 'f', 'c', 'u', 'x', 'n', 't'];

/** Top-level fields validateStatsSnapshot requires (the JSON schema's "required" lists are tested against these). */
export const SNAPSHOT_REQUIRED_FIELDS = ['formatVersion', 'capturedAt', 'serverVersionNum', 'tables'] as const;
/** Table fields that must be non-negative numbers. */
export const TABLE_COUNT_FIELDS = [
  'rows',
  'totalBytes',
  'tableBytes',
  'indexBytes',
  'inserts',
  'updates',
  'deletes',
  'seqScans',
  'idxScans',
] as const;
/** Table fields that must be arrays. */
export const TABLE_ARRAY_FIELDS = ['columns', 'indexes', 'constraints'] as const;
/** Every table field validateStatsSnapshot requires. */
export const TABLE_REQUIRED_FIELDS = ['schema', 'name', 'kind', ...TABLE_COUNT_FIELDS, ...TABLE_ARRAY_FIELDS] as const;
export const COLUMN_REQUIRED_FIELDS = ['name', 'type', 'notNull'] as const;
export const INDEX_REQUIRED_FIELDS = ['name', 'definition', 'unique', 'primary', 'valid', 'columns'] as const;
export const CONSTRAINT_REQUIRED_FIELDS = ['name', 'type', 'definition', 'validated', 'columns'] as const;

/** Checks an untrusted value (parsed JSON) and returns a snapshot or a one-line reason it is not one. */
export function validateStatsSnapshot(value: unknown): { ok: true; snapshot: StatsSnapshot } | { ok: false; error: string } {
  const fail = (error: string) => ({ ok: false as const, error });
  if (!isObject(value)) return fail('the snapshot is not a JSON object');
  if (value.formatVersion !== STATS_FORMAT_VERSION) return fail(`formatVersion must be ${STATS_FORMAT_VERSION}`);
  if (typeof value.capturedAt !== 'string' || Number.isNaN(Date.parse(value.capturedAt)))
    return fail('capturedAt must be an ISO 8601 time');
  if (!isCount(value.serverVersionNum) || !Number.isInteger(value.serverVersionNum) || value.serverVersionNum < 90000)
    return fail('serverVersionNum must be a number such as 150008');
  if (value.source !== undefined && typeof value.source !== 'string') return fail('source must be a string');
  if (value.inRecovery !== undefined && typeof value.inRecovery !== 'boolean') return fail('inRecovery must be true or false');
  if (!Array.isArray(value.tables)) return fail('tables must be an array');
  if (value.appliedMigrations !== undefined) {
    const why = historyProblem(value.appliedMigrations);
    if (why) return fail(why);
  }
  for (let i = 0; i < value.tables.length; i++) {
    const t = value.tables[i];
    const where = `tables[${i}]`;
    if (!isObject(t)) return fail(`${where} is not an object`);
    if (typeof t.schema !== 'string' || typeof t.name !== 'string') return fail(`${where} needs string schema and name`);
    if (!RELATION_KINDS.includes(t.kind as RelationKind)) return fail(`${where}.kind must be one of ${RELATION_KINDS.join(', ')}`);
    for (const k of TABLE_COUNT_FIELDS) {
      if (!isCount(t[k])) return fail(`${where}.${k} must be a non-negative number`);
    }
    for (const k of TABLE_ARRAY_FIELDS) {
      if (!Array.isArray(t[k])) return fail(`${where}.${k} must be an array`);
    }
    if (t.incomplete !== undefined && typeof t.incomplete !== 'boolean') return fail(`${where}.incomplete must be true or false`);
    if (t.reads !== undefined) {
      if (!Array.isArray(t.reads)) return fail(`${where}.reads must be an array`);
      for (const [j, r] of t.reads.entries()) {
        if (!isObject(r) || typeof r.table !== 'string' || !isStringArray(r.columns)) {
          return fail(`${where}.reads[${j}] needs a string table and a columns array of strings`);
        }
      }
    }
    if (t.viewDefinition !== undefined && t.viewDefinition !== null && typeof t.viewDefinition !== 'string') {
      return fail(`${where}.viewDefinition must be a string or null`);
    }
    if (
      t.statsSince !== undefined &&
      t.statsSince !== null &&
      (typeof t.statsSince !== 'string' || Number.isNaN(Date.parse(t.statsSince)))
    ) {
      return fail(`${where}.statsSince must be an ISO 8601 time or null`);
    }
    for (const [j, c] of (t.columns as unknown[]).entries()) {
      if (!isObject(c) || typeof c.name !== 'string' || typeof c.type !== 'string' || typeof c.notNull !== 'boolean') {
        return fail(`${where}.columns[${j}] needs string name and type and boolean notNull`);
      }
    }
    for (const [j, ix] of (t.indexes as unknown[]).entries()) {
      if (
        !isObject(ix) ||
        typeof ix.name !== 'string' ||
        typeof ix.definition !== 'string' ||
        !isStringArray(ix.columns) ||
        typeof ix.unique !== 'boolean' ||
        typeof ix.primary !== 'boolean' ||
        typeof ix.valid !== 'boolean'
      ) {
        return fail(
          `${where}.indexes[${j}] needs string name and definition, boolean unique, primary and valid, and a columns array of strings`,
        );
      }
    }
    for (const [j, c] of (t.constraints as unknown[]).entries()) {
      if (
        !isObject(c) ||
        typeof c.name !== 'string' ||
        typeof c.definition !== 'string' ||
        !isStringArray(c.columns) ||
        typeof c.validated !== 'boolean' ||
        !CONSTRAINT_TYPES.includes(c.type as ConstraintStats['type'])
      ) {
        return fail(
          `${where}.constraints[${j}] needs string name and definition, a type among ${CONSTRAINT_TYPES.join(' ')}, boolean validated and a columns array of strings`,
        );
      }
    }
  }
  return { ok: true, snapshot: value as unknown as StatsSnapshot };
}

function historyProblem(v: unknown): string | undefined {
  if (!Array.isArray(v)) return 'appliedMigrations must be an array';
  for (const [i, h] of v.entries()) {
    const where = `appliedMigrations[${i}]`;
    if (!isObject(h)) return `${where} is not an object`;
    if (!HISTORY_RUNNERS.includes(h.runner as HistoryRunner)) return `${where}.runner must be one of ${HISTORY_RUNNERS.join(', ')}`;
    if (typeof h.table !== 'string') return `${where}.table must be a string`;
    if (h.latestOnly !== undefined && typeof h.latestOnly !== 'boolean') return `${where}.latestOnly must be true or false`;
    if (h.dirty !== undefined && typeof h.dirty !== 'boolean') return `${where}.dirty must be true or false`;
    if (h.baseline !== undefined && typeof h.baseline !== 'string') return `${where}.baseline must be a string`;
    if (!Array.isArray(h.entries)) return `${where}.entries must be an array`;
    for (const [j, e] of h.entries.entries()) {
      const at = `${where}.entries[${j}]`;
      if (!isObject(e) || typeof e.version !== 'string') return `${at} needs a string version`;
      for (const k of ['name', 'checksum', 'appliedAt'] as const) {
        if (e[k] !== undefined && typeof e[k] !== 'string') return `${at}.${k} must be a string`;
      }
    }
  }
  return undefined;
}

/** Writes per second over the snapshot's counter window, or undefined when the window is unknown. */
export function writesPerSecond(t: TableStats, capturedAt: string): number | undefined {
  if (!t.statsSince) return undefined;
  const seconds = (Date.parse(capturedAt) - Date.parse(t.statsSince)) / 1000;
  if (!(seconds > 0)) return undefined;
  return (t.inserts + t.updates + t.deletes) / seconds;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}
function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}
