// The statistics snapshot: what pg-preflight knows about a live database's tables.
// Produced by the collector (collect.ts, through `pg`), by the VS Code client, or read from a JSON file
// (`pg-preflight check --stats snapshot.json`). The JSON schema is schemas/stats-snapshot.schema.json;
// a test keeps the two in step.

export const STATS_FORMAT_VERSION = 1;

export interface StatsSnapshot {
  formatVersion: 1;
  /** ISO 8601 time the snapshot was read. */
  capturedAt: string;
  /** server_version_num, e.g. 150008. */
  serverVersionNum: number;
  /** Where it came from, for display only: "host:port/db". Never a password. */
  source?: string;
  tables: TableStats[];
}

export type RelationKind = 'table' | 'partitioned' | 'matview' | 'view' | 'foreign';

export interface TableStats {
  schema: string;
  name: string;
  kind: RelationKind;
  /** pg_class.reltuples, clamped at 0 (-1 means never analysed). */
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
  columns: ColumnStats[];
  indexes: IndexStats[];
  constraints: ConstraintStats[];
}

export interface ColumnStats {
  name: string;
  /** format_type(atttypid, atttypmod), e.g. "character varying(20)". */
  type: string;
  notNull: boolean;
  /** pg_get_expr of the default, or null. */
  default?: string | null;
  /** pg_stats.avg_width when known. */
  avgWidth?: number | null;
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
  /** pg_constraint.contype: p f c u x n. */
  type: 'p' | 'f' | 'c' | 'u' | 'x' | 'n' | 't';
  definition: string;
  validated: boolean;
  columns: string[];
  /** For foreign keys: the referenced table, schema-qualified. */
  references?: string | null;
}

/** Checks an untrusted value (parsed JSON) and returns a snapshot or a one-line reason it is not one. */
export function validateStatsSnapshot(value: unknown): { ok: true; snapshot: StatsSnapshot } | { ok: false; error: string } {
  const fail = (error: string) => ({ ok: false as const, error });
  if (!isObject(value)) return fail('the snapshot is not a JSON object');
  if (value.formatVersion !== STATS_FORMAT_VERSION) return fail(`formatVersion must be ${STATS_FORMAT_VERSION}`);
  if (typeof value.capturedAt !== 'string' || Number.isNaN(Date.parse(value.capturedAt))) return fail('capturedAt must be an ISO 8601 time');
  if (!isCount(value.serverVersionNum) || value.serverVersionNum < 90000) return fail('serverVersionNum must be a number such as 150008');
  if (!Array.isArray(value.tables)) return fail('tables must be an array');
  for (let i = 0; i < value.tables.length; i++) {
    const t = value.tables[i];
    const where = `tables[${i}]`;
    if (!isObject(t)) return fail(`${where} is not an object`);
    if (typeof t.schema !== 'string' || typeof t.name !== 'string') return fail(`${where} needs string schema and name`);
    for (const k of ['rows', 'totalBytes', 'tableBytes', 'indexBytes', 'inserts', 'updates', 'deletes', 'seqScans', 'idxScans']) {
      if (!isCount(t[k])) return fail(`${where}.${k} must be a non-negative number`);
    }
    for (const k of ['columns', 'indexes', 'constraints']) {
      if (!Array.isArray(t[k])) return fail(`${where}.${k} must be an array`);
    }
    for (const [j, c] of (t.columns as unknown[]).entries()) {
      if (!isObject(c) || typeof c.name !== 'string' || typeof c.type !== 'string') return fail(`${where}.columns[${j}] needs string name and type`);
    }
  }
  return { ok: true, snapshot: value as unknown as StatsSnapshot };
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
function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}
