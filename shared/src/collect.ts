// The stats collector: the only code in shared/ that does I/O. It is deliberately NOT re-exported from
// index.ts, so the pure core never pulls in `pg`; callers import '@pg-preflight/shared/dist/collect'.
//
// collectStats() opens one connection, reads the catalog and the cumulative statistics inside
// `BEGIN READ ONLY` ... `ROLLBACK`, and returns a StatsSnapshot (see stats.ts, docs/stats-snapshot.md).
// It never writes, never queues behind a migration's ACCESS EXCLUSIVE lock (lock_timeout 1 s; a locked
// table is marked `incomplete`, its sizes estimated from pg_class.relpages), and always closes the
// connection. Every failure becomes a CollectError whose message is one line and never contains the password.
//
// Catalog columns used exist on PostgreSQL 11..18; anything newer is read behind a version check.

import { Client } from 'pg';
import { describeTarget, parseConnectionUrl, resolveConnection, type ConnectionTarget } from './connection-url';
import { readHistories } from './history';
import { clientConfigFor, connectedAs, describeConnected, mismatch } from './pg-target';
import { ColumnStats, ConstraintStats, IndexStats, RelationKind, StatsSnapshot, STATS_FORMAT_VERSION, TableStats } from './stats';

export interface CollectOptions {
  /** Give up connecting after this many milliseconds (default 5000). */
  connectTimeoutMs?: number;
  /** statement_timeout for every catalog query, in milliseconds (default 15000). */
  statementTimeoutMs?: number;
  /** Only these schemas (default: every schema except pg_catalog, information_schema, pg_toast, pg_temp_*). */
  schemas?: string[];
}

export type CollectErrorCode =
  | 'refused'
  | 'unknown-host'
  | 'auth'
  | 'tls'
  | 'timeout'
  | 'privileges'
  | 'dropped'
  | 'bad-url'
  | 'wrong-database'
  | 'other';

export const COLLECT_ERROR_CODES: readonly CollectErrorCode[] = [
  'refused',
  'unknown-host',
  'auth',
  'tls',
  'timeout',
  'privileges',
  'dropped',
  'bad-url',
  'wrong-database',
  'other',
];

/** A collection failure. `message` is one line, names the source as user@host:port/db and never holds the password. */
export class CollectError extends Error {
  override readonly name = 'CollectError';
  constructor(
    readonly code: CollectErrorCode,
    message: string,
    /** The PostgreSQL SQLSTATE or Node error code behind it, when there was one (e.g. '28P01', 'ECONNREFUSED'). */
    readonly causeCode?: string,
  ) {
    super(message);
  }
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 15000;
/**
 * lock_timeout for the whole read. Only a few functions lock anything (ACCESS SHARE, which conflicts with
 * ACCESS EXCLUSIVE alone); the collector must never queue behind a running migration, so those waits are
 * cut short and the affected values estimated or left out.
 */
const LOCK_TIMEOUT_MS = 1000;

// ---------------------------------------------------------------------------------------------------
// Connection strings

/**
 * "user@host:port/db" for display: never the password, never query parameters. The target the driver
 * would connect to (PG* variables included); for a URL that is refused, its parts as written.
 */
export function describeConnection(url: string): string {
  const resolved = resolveConnection(url);
  if (resolved.ok) return describeTarget(resolved.target);
  const p = parseConnectionUrl(url);
  if (!p) return 'the database';
  const host = p.host.includes(':') && !p.host.startsWith('[') ? `[${p.host}]` : p.host;
  return `${p.user ? `${p.user}@` : ''}${host}:${p.port}${p.database ? `/${p.database}` : ''}`;
}

/** The connection string with any password (in the user-info part or a password= parameter) replaced by "****". */
export function redactConnectionString(url: string): string {
  if (typeof url !== 'string') return '';
  let out = url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/?#]*):[^@/?#]*@/i, '$1:****@');
  // A password holding an unescaped '/', '?' or '#' defeats the pattern above; cut at the last '@' of the authority.
  out = out.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):(?!\*\*\*\*@)[^@]*@/i, '$1:****@');
  out = out.replace(/([?&;\s]password\s*=\s*)('[^']*'|[^&\s]*)/gi, '$1****');
  out = out.replace(/^(password\s*=\s*)('[^']*'|[^&\s]*)/i, '$1****');
  return out;
}

/**
 * `message` with every password of `url` (raw and percent-decoded; user-info or a password= parameter)
 * replaced by "****": a second guard for messages from other code (pg, a trace) that may quote it.
 */
export function scrubPasswords(message: string, url: string): string {
  const secrets = new Set<string>();
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^:@/?#]*:([^@]*)@/i.exec(url.trim());
  if (m) secrets.add(m[1]);
  for (const p of url.matchAll(/[?&]password=([^&]*)/gi)) secrets.add(p[1]);
  for (const s of [...secrets]) {
    try {
      secrets.add(decodeURIComponent(s));
    } catch {
      // not percent-encoded
    }
  }
  let out = message;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('****');
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Errors

type Phase = 'url' | 'connect' | 'query';

interface ErrorLike {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
  severity?: unknown;
}

const TLS_NODE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

/** Maps a pg / Node error to a code and a short reason (without the source). Exported for tests. */
export function classifyError(
  err: unknown,
  phase: Phase,
  timedOut = false,
): { code: CollectErrorCode; reason: string; causeCode?: string } {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const msg = oneLine(typeof e.message === 'string' ? e.message : String(err));
  const isSqlState = !!code && /^[0-9A-Z]{5}$/.test(code) && typeof e.severity === 'string';
  const r = (c: CollectErrorCode, reason: string) => ({ code: c, reason, causeCode: code });

  if (isSqlState) {
    switch (code) {
      case '28P01':
        return r('auth', `${msg} (wrong user name or password)`);
      case '28000':
        if (/pg_hba\.conf/.test(msg) && /(SSL off|no encryption)/i.test(msg))
          return r('tls', `${msg} (the server requires SSL: add ?sslmode=require to the URL)`);
        return r('auth', msg);
      case '42501':
        return r('privileges', `${msg} (the role lacks a privilege the collector needs)`);
      case '57014':
        return r('timeout', `${msg} (raise statementTimeoutMs if the catalog is very large)`);
      case '55P03':
        return r('timeout', `${msg} (a table is locked by another session)`);
      case '57P01':
      case '57P02':
      case '57P05':
        return r('dropped', `the server closed the connection: ${msg}`);
      case '08006':
      case '08003':
        return r('dropped', msg);
      default:
        if (code.startsWith('28')) return r('auth', msg);
        if (code.startsWith('08')) return r(phase === 'connect' ? 'refused' : 'dropped', msg);
        return r('other', `${msg} (SQLSTATE ${code})`);
    }
  }

  switch (code) {
    case 'ECONNREFUSED':
      return r('refused', 'connection refused (is PostgreSQL running and listening on that host and port?)');
    case 'ENOTFOUND':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return r('unknown-host', 'host name not found');
    case 'EAI_AGAIN':
      return r('unknown-host', 'host name could not be resolved (DNS lookup failed or timed out)');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return r('refused', 'host unreachable');
    case 'ENOENT':
      if (phase === 'connect') return r('refused', 'no Unix socket at that path (is PostgreSQL running?)');
      break;
    case 'ETIMEDOUT':
      return r('timeout', 'the connection timed out');
    case 'ECONNRESET':
    case 'EPIPE':
      return r(timedOut ? 'timeout' : 'dropped', timedOut ? 'timed out while connecting' : 'the connection was reset by the server');
  }
  if (code && (TLS_NODE_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS'))) {
    return r('tls', `TLS error: ${msg}`);
  }
  if (/timeout expired|Query read timeout/i.test(msg) || (timedOut && phase === 'connect')) {
    return r(
      'timeout',
      phase === 'connect' ? 'timed out while connecting (no answer from the server)' : 'timed out waiting for the server to answer',
    );
  }
  if (/does not support SSL|SSL connection|certificate|self[- ]signed|\bTLS\b|\bSSL\b|sslmode/i.test(msg)) {
    return r('tls', `TLS error: ${msg}`);
  }
  if (/password must be a string|SASL|SCRAM|password authentication/i.test(msg)) {
    return r('auth', /must be a string/.test(msg) ? 'the server asked for a password and none was given' : msg);
  }
  if (/Connection terminated|socket hang up|ended by the other party|closed the connection/i.test(msg)) {
    return r(
      'dropped',
      phase === 'connect' ? 'the server closed the connection before it was ready' : 'the connection was closed while reading statistics',
    );
  }
  return r('other', msg || 'unknown error');
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function scrub(s: string, secrets: string[]): string {
  let out = s;
  for (const secret of secrets) {
    if (secret && secret.length >= 3) out = out.split(secret).join('****');
  }
  return out;
}

function toCollectError(err: unknown, phase: Phase, source: string, secrets: string[], timedOut: boolean): CollectError {
  if (err instanceof CollectError) return err;
  const { code, reason, causeCode } = classifyError(err, phase, timedOut);
  const verb = phase === 'query' ? 'could not read statistics from' : 'could not connect to';
  return new CollectError(code, scrub(oneLine(`${verb} ${source}: ${reason}`), secrets), causeCode);
}

// ---------------------------------------------------------------------------------------------------
// Queries (PostgreSQL 11..18)

// User relations: everything outside pg_catalog, information_schema, pg_toast, pg_temp_*, pg_toast_temp_*
// (schema names starting with pg_ are reserved for the system), and no temporary relations.
const USER_REL = `n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND c.relpersistence <> 't'
  AND c.relkind IN ('r', 'p', 'm', 'v', 'f')
  AND ($1::text[] IS NULL OR n.nspname = ANY ($1::text[]))`;

const META_SQL = `SELECT current_setting('server_version_num')::int AS version_num,
  now() AS captured_at,
  current_setting('block_size')::int AS block_size,
  pg_is_in_recovery() AS in_recovery,
  COALESCE((SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()), pg_postmaster_start_time()) AS stats_since`;

const TABLES_SQL = `SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind,
  GREATEST(c.reltuples, 0)::float8 AS reltuples,
  COALESCE(s.n_tup_ins, 0)::int8 AS ins, COALESCE(s.n_tup_upd, 0)::int8 AS upd, COALESCE(s.n_tup_del, 0)::int8 AS del,
  COALESCE(s.seq_scan, 0)::int8 AS seq, COALESCE(s.idx_scan, 0)::int8 AS idx
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE ${USER_REL}
ORDER BY n.nspname, c.relname`;

// Partition tree (parents are always relkind 'p'; plain inheritance children are not folded in).
const PARTITIONS_SQL = `SELECT i.inhrelid::int8 AS child, i.inhparent::int8 AS parent
FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
WHERE p.relkind = 'p'`;

// Exact sizes. Each function takes ACCESS SHARE on the relation (and its indexes); the caller runs this
// under a short lock_timeout and a savepoint. $2 lists oids to estimate instead of measuring; $3 = true
// estimates all of them.
const SIZES_SQL = `SELECT c.oid::int8 AS oid,
  CASE WHEN $3::bool OR c.oid = ANY ($2::int8[]) THEN NULL ELSE pg_total_relation_size(c.oid) END::int8 AS total,
  CASE WHEN $3::bool OR c.oid = ANY ($2::int8[]) THEN NULL ELSE pg_table_size(c.oid) END::int8 AS tbl,
  CASE WHEN $3::bool OR c.oid = ANY ($2::int8[]) THEN NULL ELSE pg_indexes_size(c.oid) END::int8 AS idx,
  (c.relpages::int8 + COALESCE(t.relpages, 0)) * current_setting('block_size')::int8 AS est_tbl,
  COALESCE((SELECT sum(ic.relpages) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid), 0)::int8
    * current_setting('block_size')::int8 AS est_idx
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND c.relpersistence <> 't'
  AND c.relkind IN ('r', 'p', 'm', 'v', 'f')
  AND ($1::text[] IS NULL OR n.nspname = ANY ($1::text[]) OR c.relispartition)`;

// Relations someone holds or awaits ACCESS EXCLUSIVE on (directly, through an index or TOAST table).
const LOCKED_SQL = `SELECT DISTINCT COALESCE(i.indrelid, t.oid, l.relation)::int8 AS oid
FROM pg_locks l
LEFT JOIN pg_index i ON i.indexrelid = l.relation
LEFT JOIN pg_class t ON t.reltoastrelid = l.relation
WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

// Defaults never reference columns, so pg_get_expr(adbin, 0) deparses them without opening (and locking)
// the table. A generation expression does reference columns and needs the relation, hence ACCESS SHARE:
// it is skipped for the oids in $2 (locked by others), or for all when $3 is true.
const columnsSql = (versionNum: number) => `WITH cols AS (
  SELECT a.attrelid, a.attnum, a.attname, a.atttypid, a.atttypmod, a.attnotnull, a.attidentity,
    ${versionNum >= 120000 ? 'a.attgenerated::text' : `''::text`} AS generated
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE a.attnum > 0 AND NOT a.attisdropped AND ${USER_REL}
)
SELECT a.attrelid::int8 AS oid, a.attname AS name,
  format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
  CASE WHEN d.adbin IS NULL THEN NULL
    WHEN a.generated = '' THEN pg_get_expr(d.adbin, 0)
    WHEN $3::bool OR a.attrelid::int8 = ANY ($2::int8[]) THEN NULL
    ELSE pg_get_expr(d.adbin, d.adrelid) END AS default_expr,
  a.attidentity::text AS identity,
  a.generated
FROM cols a
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
ORDER BY a.attrelid, a.attnum`;

// pg_stats only shows columns the role may SELECT; it runs under a savepoint so a failure costs only avgWidth.
const WIDTHS_SQL = `SELECT s.schemaname AS schema, s.tablename AS name, s.attname AS column, s.avg_width, s.n_distinct, s.inherited
FROM pg_stats s
WHERE s.schemaname !~ '^pg_' AND s.schemaname <> 'information_schema'
  AND ($1::text[] IS NULL OR s.schemaname = ANY ($1::text[]))`;

// pg_get_indexdef and pg_get_constraintdef open the table (ACCESS SHARE) to deparse; for tables in $2 (or all
// when $3) they are skipped and give ''. Flags, key column names and referenced tables need no lock.
const INDEXES_SQL = `SELECT i.indrelid::int8 AS oid, ic.relname AS name,
  CASE WHEN $3::bool OR i.indrelid::int8 = ANY ($2::int8[]) THEN '' ELSE pg_get_indexdef(i.indexrelid) END AS definition,
  i.indisunique AS is_unique, i.indisprimary AS is_primary, i.indisvalid AS is_valid,
  ARRAY(
    SELECT CASE WHEN i.indkey[k - 1] <> 0
      THEN (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1])::text
      WHEN $3::bool OR i.indrelid::int8 = ANY ($2::int8[]) THEN ''
      ELSE pg_get_indexdef(i.indexrelid, k, true) END
    FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k
  )::text[] AS columns
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${USER_REL}
ORDER BY i.indrelid, ic.relname`;

const CONSTRAINTS_SQL = `SELECT co.conrelid::int8 AS oid, co.conname AS name, co.contype::text AS type,
  CASE WHEN $3::bool OR co.conrelid::int8 = ANY ($2::int8[]) OR co.confrelid::int8 = ANY ($2::int8[]) THEN ''
    ELSE pg_get_constraintdef(co.oid, true) END AS definition,
  co.convalidated AS validated,
  ARRAY(
    SELECT a.attname::text FROM unnest(co.conkey) WITH ORDINALITY AS u(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = u.attnum
    ORDER BY u.ord
  )::text[] AS columns,
  CASE WHEN co.confrelid <> 0 THEN fn.nspname || '.' || fc.relname END AS refs
FROM pg_constraint co
JOIN pg_class c ON c.oid = co.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = co.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE ${USER_REL}
ORDER BY co.conrelid, co.conname`;

// What each view reads: the columns its rewrite rule depends on, as PostgreSQL records them (the
// dependencies that make ALTER COLUMN ... TYPE fail). Catalog rows only, no lock. refobjsubid 0 is a
// dependency on the whole relation (no column).
const VIEW_READS_SQL = `SELECT DISTINCT r.ev_class::int8 AS oid, tn.nspname || '.' || t.relname AS read, a.attname::text AS column_name
FROM pg_rewrite r
JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'n'
JOIN pg_class t ON t.oid = d.refobjid
JOIN pg_namespace tn ON tn.oid = t.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid AND d.refobjsubid > 0
WHERE c.relkind IN ('v', 'm') AND d.refobjid <> r.ev_class AND ${USER_REL}
ORDER BY 1, 2, 3`;

// The views' queries. pg_get_viewdef takes ACCESS SHARE on the view and on every relation its query reads
// (AcquireRewriteLocks): skipped for views that are, or read, an oid in $2, or all when $3.
const VIEW_DEFS_SQL = `SELECT c.oid::int8 AS oid,
  CASE WHEN $3::bool OR c.oid::int8 = ANY ($2::int8[]) OR EXISTS (
      SELECT 1 FROM pg_rewrite r
      JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
      WHERE r.ev_class = c.oid AND d.refobjid::int8 = ANY ($2::int8[]))
    THEN '' ELSE pg_get_viewdef(c.oid, true) END AS definition
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND ${USER_REL}`;

const KIND: Record<string, RelationKind> = { r: 'table', p: 'partitioned', m: 'matview', v: 'view', f: 'foreign' };

// ---------------------------------------------------------------------------------------------------
// collectStats

/**
 * Reads a StatsSnapshot from a live database through one read-only transaction that is rolled back.
 * Throws CollectError (never anything else) on failure.
 */
export async function collectStats(connection: string | ConnectionTarget, opts: CollectOptions = {}): Promise<StatsSnapshot> {
  const connectTimeoutMs = positive(opts.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS);
  const statementTimeoutMs = positive(opts.statementTimeoutMs, DEFAULT_STATEMENT_TIMEOUT_MS);
  const schemas = opts.schemas && opts.schemas.length > 0 ? [...opts.schemas] : null;

  const url = typeof connection === 'string' ? connection.trim() : '';
  // One parse: the target handed to `pg` is the one the messages and the snapshot's source name.
  let target: ConnectionTarget;
  if (typeof connection === 'object' && connection !== null) target = connection;
  else {
    const resolved = resolveConnection(url);
    if (!resolved.ok) throw new CollectError('bad-url', scrub(oneLine(resolved.reason), [url, parseConnectionUrl(url)?.password ?? '']));
    target = resolved.target;
  }
  const password = target.password ?? '';
  const secrets = [url, password, password && encodeURIComponent(password)];
  const source = describeTarget(target);

  let client: Client;
  try {
    client = new Client(
      clientConfigFor(target, {
        connectionTimeoutMillis: connectTimeoutMs,
        // A backstop for a server that stops answering mid-query (statement_timeout cannot fire then).
        query_timeout: statementTimeoutMs + Math.max(connectTimeoutMs, 5000),
        application_name: 'pg-preflight stats',
        keepAlive: true,
      }),
    );
  } catch (err) {
    const reason = err instanceof Error ? oneLine(err.message) : 'unparseable';
    throw new CollectError('bad-url', scrub(`the database URL is not valid: ${reason}`, secrets));
  }
  // An idle connection that dies emits 'error' on the client; without a listener that would crash the process.
  let lateError: unknown;
  client.on('error', (err) => {
    lateError ??= err;
  });

  let phase: Phase = 'connect';
  const started = Date.now();
  let inTransaction = false;
  try {
    await client.connect();
    phase = 'query';
    await client.query('BEGIN READ ONLY');
    inTransaction = true;
    // Before any catalog query: the session must be on the database that was named (a pooler may alias it).
    const here = await connectedAs(client);
    const wrong = mismatch(target, here);
    if (wrong) throw new CollectError('wrong-database', scrub(`refusing to read statistics: ${wrong}`, secrets));
    await client.query(`SET LOCAL statement_timeout = ${Math.round(statementTimeoutMs)}`);
    await client.query(`SET LOCAL lock_timeout = ${Math.min(LOCK_TIMEOUT_MS, Math.round(statementTimeoutMs))}`);
    return await readSnapshot(client, schemas, describeConnected(target, here));
  } catch (err) {
    const timedOut = phase === 'connect' && Date.now() - started >= connectTimeoutMs - 50;
    throw toCollectError(lateError ?? err, phase, source, secrets, timedOut);
  } finally {
    await closeQuietly(client, inTransaction);
  }
}

function positive(v: number | undefined, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}

async function closeQuietly(client: Client, inTransaction: boolean): Promise<void> {
  const c = client as unknown as { _queryable?: boolean; _ended?: boolean; connection?: { stream?: { destroy(): void } } };
  if (inTransaction && c._queryable !== false && !c._ended) {
    await withTimeout(
      client.query('ROLLBACK').then(
        () => undefined,
        () => undefined,
      ),
      2000,
    );
  }
  const ended = await withTimeout(
    client.end().then(
      () => true,
      () => true,
    ),
    2000,
  );
  if (!ended) c.connection?.stream?.destroy();
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

type Row = Record<string, unknown>;

const num = (v: unknown): number => {
  const n = typeof v === 'number' ? v : Number(v ?? 0);
  return Number.isFinite(n) && n > 0 ? n : 0;
};
const iso = (v: unknown): string | null => {
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString();
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(v).toISOString();
  return null;
};

async function readSnapshot(client: Client, schemas: string[] | null, source: string): Promise<StatsSnapshot> {
  const meta = (await client.query(META_SQL)).rows[0] as Row;
  const versionNum = num(meta.version_num);
  const capturedAt = iso(meta.captured_at) ?? new Date().toISOString();
  const statsSince = iso(meta.stats_since);

  const tableRows = (await client.query(TABLES_SQL, [schemas])).rows as Row[];
  const partRows = (await client.query(PARTITIONS_SQL)).rows as Row[];
  const locks = new LockedRelations(client);
  const sizes = await readSizes(client, schemas, locks);
  const columnRows = await lockTolerant(
    client,
    'columns',
    locks,
    async (skip, skipAll) => (await client.query(columnsSql(versionNum), [schemas, skip, skipAll])).rows as Row[],
  );
  const widths = await readWidths(client, schemas);
  const indexRows = await lockTolerant(
    client,
    'indexes',
    locks,
    async (skip, skipAll) => (await client.query(INDEXES_SQL, [schemas, skip, skipAll])).rows as Row[],
  );
  const constraintRows = await lockTolerant(
    client,
    'constraints',
    locks,
    async (skip, skipAll) => (await client.query(CONSTRAINTS_SQL, [schemas, skip, skipAll])).rows as Row[],
  );

  const viewReadRows = (await client.query(VIEW_READS_SQL, [schemas])).rows as Row[];
  const viewDefRows = await lockTolerant(
    client,
    'view_definitions',
    locks,
    async (skip, skipAll) => (await client.query(VIEW_DEFS_SQL, [schemas, skip, skipAll])).rows as Row[],
  );

  const byOid = new Map<string, TableStats>();
  const tables: TableStats[] = [];
  for (const r of tableRows) {
    const oid = String(r.oid);
    const size = sizes.get(oid);
    const t: TableStats = {
      schema: String(r.schema),
      name: String(r.name),
      kind: KIND[String(r.relkind)] ?? 'table',
      rows: Math.round(num(r.reltuples)),
      totalBytes: size?.total ?? 0,
      tableBytes: size?.table ?? 0,
      indexBytes: size?.index ?? 0,
      inserts: num(r.ins),
      updates: num(r.upd),
      deletes: num(r.del),
      seqScans: num(r.seq),
      idxScans: num(r.idx),
      statsSince,
      columns: [],
      indexes: [],
      constraints: [],
    };
    byOid.set(oid, t);
    tables.push(t);
  }

  // A partitioned table stores nothing itself: its rows, sizes and counters are the sums over its leaf partitions.
  const children = new Map<string, string[]>();
  for (const r of partRows) {
    const parent = String(r.parent);
    const list = children.get(parent) ?? [];
    list.push(String(r.child));
    children.set(parent, list);
  }
  for (const [oid, t] of byOid) {
    if (t.kind !== 'partitioned') continue;
    const leaves = leafPartitions(oid, children);
    if (leaves.length === 0) continue;
    // Counters and rows for leaves outside the schema filter are not in byOid; sizes are always read for partitions.
    let rows = 0,
      ins = 0,
      upd = 0,
      del = 0,
      seq = 0,
      idx = 0,
      total = 0,
      table = 0,
      index = 0;
    for (const leaf of leaves) {
      const lt = byOid.get(leaf);
      if (lt) {
        rows += lt.rows;
        ins += lt.inserts;
        upd += lt.updates;
        del += lt.deletes;
        seq += lt.seqScans;
        idx += lt.idxScans;
      }
      const s = sizes.get(leaf);
      if (s) {
        total += s.total;
        table += s.table;
        index += s.index;
      }
    }
    t.rows = Math.max(t.rows, rows);
    t.inserts += ins;
    t.updates += upd;
    t.deletes += del;
    t.seqScans += seq;
    t.idxScans += idx;
    t.totalBytes += total;
    t.tableBytes += table;
    t.indexBytes += index;
  }

  for (const r of columnRows) {
    const t = byOid.get(String(r.oid));
    if (!t) continue;
    const name = String(r.name);
    const generated = r.generated === 's' ? 'stored' : r.generated === 'v' ? 'virtual' : null;
    const identity = r.identity === 'a' ? 'always' : r.identity === 'd' ? 'by-default' : null;
    const expr = typeof r.default_expr === 'string' ? r.default_expr : null;
    const width = widths.get(`${t.schema}\u0000${t.name}\u0000${name}`);
    const c: ColumnStats = {
      name,
      type: String(r.type),
      notNull: r.not_null === true,
      default: generated ? null : expr,
      avgWidth: width?.avgWidth ?? null,
      nDistinct: width?.nDistinct ?? null,
    };
    if (identity) c.identity = identity;
    if (generated) {
      c.generated = generated;
      c.generationExpression = expr;
    }
    t.columns.push(c);
  }

  for (const r of indexRows) {
    const t = byOid.get(String(r.oid));
    if (!t) continue;
    const ix: IndexStats = {
      name: String(r.name),
      definition: String(r.definition),
      unique: r.is_unique === true,
      primary: r.is_primary === true,
      valid: r.is_valid === true,
      columns: Array.isArray(r.columns) ? r.columns.map(String) : [],
    };
    t.indexes.push(ix);
  }

  for (const r of constraintRows) {
    const t = byOid.get(String(r.oid));
    if (!t) continue;
    const c: ConstraintStats = {
      name: String(r.name),
      type: String(r.type) as ConstraintStats['type'],
      definition: String(r.definition),
      validated: r.validated === true,
      columns: Array.isArray(r.columns) ? r.columns.map(String) : [],
      references: typeof r.refs === 'string' ? r.refs : null,
    };
    t.constraints.push(c);
  }

  for (const t of byOid.values()) if (t.kind === 'view' || t.kind === 'matview') t.reads = [];
  for (const r of viewReadRows) {
    const reads = byOid.get(String(r.oid))?.reads;
    if (!reads) continue;
    const table = String(r.read);
    let read = reads.find((x) => x.table === table);
    if (!read) reads.push((read = { table, columns: [] }));
    if (typeof r.column_name === 'string') read.columns.push(r.column_name);
  }
  for (const r of viewDefRows) {
    const t = byOid.get(String(r.oid));
    if (t) t.viewDefinition = typeof r.definition === 'string' ? r.definition : null;
  }

  // Values that need a lock were skipped for tables another session held ACCESS EXCLUSIVE on (see lockTolerant).
  for (const [oid, t] of byOid) {
    const incomplete =
      locks.isIncomplete(oid) ||
      t.indexes.some((i) => i.definition === '') ||
      t.constraints.some((c) => c.definition === '') ||
      t.viewDefinition === '' ||
      (t.kind === 'partitioned' && leafPartitions(oid, children).some((leaf) => locks.isIncomplete(leaf)));
    if (incomplete) t.incomplete = true;
  }

  // The runners' history tables, in the same read-only transaction; absent when the database has none.
  const histories = await readHistories(client);

  const snapshot: StatsSnapshot = {
    formatVersion: STATS_FORMAT_VERSION,
    capturedAt,
    serverVersionNum: versionNum,
    source,
    ...(meta.in_recovery === true ? { inRecovery: true } : {}),
    tables,
    ...(histories.length > 0 ? { appliedMigrations: histories } : {}),
  };
  return snapshot;
}

function leafPartitions(oid: string, children: Map<string, string[]>): string[] {
  const out: string[] = [];
  const stack = [...(children.get(oid) ?? [])];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const o = stack.pop()!;
    if (seen.has(o)) continue;
    seen.add(o);
    const kids = children.get(o);
    if (kids) stack.push(...kids);
    else out.push(o);
  }
  return out;
}

interface Sizes {
  total: number;
  table: number;
  index: number;
}

/** Relations some other session holds or awaits ACCESS EXCLUSIVE on; read once, on the first lock timeout. */
class LockedRelations {
  private oids: string[] | undefined;
  /** Oids whose lock-taking values were skipped in a read that succeeded, or 'all'. */
  readonly skipped = new Set<string>();
  skippedAll = false;
  constructor(private readonly client: Client) {}
  isIncomplete(oid: string): boolean {
    return this.skippedAll || this.skipped.has(oid);
  }
  known(): string[] {
    return this.oids ?? [];
  }
  async refresh(): Promise<string[]> {
    this.oids = ((await this.client.query(LOCKED_SQL)).rows as Row[]).map((r) => String(r.oid));
    return this.oids;
  }
}

/**
 * Runs a read that may need ACCESS SHARE on user tables, under a savepoint: first skipping the relations
 * already known to be locked, then (after a lock timeout) the ones pg_locks shows locked now, and at last
 * skipping every lock-taking part. The collector never waits behind a migration for longer than lock_timeout.
 */
async function lockTolerant<T>(
  client: Client,
  name: string,
  locks: LockedRelations,
  run: (skip: string[], skipAll: boolean) => Promise<T>,
): Promise<T> {
  const savepoint = `pg_preflight_${name}`;
  const attempts: Array<() => Promise<[string[], boolean]>> = [
    async () => [locks.known(), false],
    async () => [await locks.refresh(), false],
    async () => [[], true],
  ];
  for (let i = 0; ; i++) {
    const [skip, skipAll] = await attempts[i]();
    await client.query(`SAVEPOINT ${savepoint}`);
    try {
      const result = await run(skip, skipAll);
      await client.query(`RELEASE SAVEPOINT ${savepoint}`);
      for (const oid of skip) locks.skipped.add(oid);
      if (skipAll) locks.skippedAll = true;
      return result;
    } catch (err) {
      if ((err as ErrorLike).code !== '55P03' || i === attempts.length - 1) throw err;
      await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      await client.query(`RELEASE SAVEPOINT ${savepoint}`);
    }
  }
}

/**
 * Exact sizes need ACCESS SHARE on every table, which waits behind a migration holding (or queueing for)
 * ACCESS EXCLUSIVE. Locked tables get estimates from pg_class.relpages (as of the last VACUUM / ANALYZE).
 */
async function readSizes(client: Client, schemas: string[] | null, locks: LockedRelations): Promise<Map<string, Sizes>> {
  const rows = await lockTolerant(
    client,
    'sizes',
    locks,
    async (skip, skipAll) => (await client.query(SIZES_SQL, [schemas, skip, skipAll])).rows as Row[],
  );
  const out = new Map<string, Sizes>();
  for (const r of rows) {
    if (r.total === null || r.total === undefined) {
      const table = num(r.est_tbl);
      const index = num(r.est_idx);
      out.set(String(r.oid), { total: table + index, table, index });
    } else {
      out.set(String(r.oid), { total: num(r.total), table: num(r.tbl), index: num(r.idx) });
    }
  }
  return out;
}

async function readWidths(client: Client, schemas: string[] | null): Promise<Map<string, { avgWidth: number; nDistinct: number | null }>> {
  const out = new Map<string, { avgWidth: number; nDistinct: number | null }>();
  await client.query('SAVEPOINT pg_preflight_widths');
  let rows: Row[];
  try {
    rows = (await client.query(WIDTHS_SQL, [schemas])).rows as Row[];
    await client.query('RELEASE SAVEPOINT pg_preflight_widths');
  } catch (err) {
    const code = (err as ErrorLike).code;
    // Only a privilege problem is tolerated here; anything else (timeout, dropped connection) is real.
    if (code !== '42501') throw err;
    await client.query('ROLLBACK TO SAVEPOINT pg_preflight_widths');
    await client.query('RELEASE SAVEPOINT pg_preflight_widths');
    return out;
  }
  // Prefer the table's own statistics over the inheritance-tree ones (partitioned parents only have the latter).
  for (const r of rows.sort((a, b) => Number(a.inherited === true) - Number(b.inherited === true))) {
    const key = `${String(r.schema)}\u0000${String(r.name)}\u0000${String(r.column)}`;
    if (!out.has(key) && typeof r.avg_width === 'number')
      out.set(key, { avgWidth: r.avg_width, nDistinct: typeof r.n_distinct === 'number' ? r.n_distinct : null });
  }
  return out;
}
