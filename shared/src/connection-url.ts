// postgresql:// URLs split into the parts that name a database. Pure and free of `pg`, so the trace's
// scratch check (loaded by every CLI command) can use it without pulling in the driver; collect.ts
// builds its messages on it. Imported by path: '@pg-preflight/shared/dist/connection-url'.

export interface ConnectionUrlParts {
  user: string;
  password: string;
  /** As written (not lower-cased); 'localhost' when empty. */
  host: string;
  /** '5432' when absent. */
  port: string;
  database: string;
}

/** The parts of a postgresql:// URL, query parameters (host, user, port, dbname, password) winning; undefined when it is not one. */
export function parseConnectionUrl(url: string): ConnectionUrlParts | undefined {
  if (typeof url !== 'string' || !/^postgres(ql)?:\/\//i.test(url.trim())) return undefined;
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return undefined;
  }
  // A malformed %-escape is kept as typed rather than rejecting the URL.
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const q = u.searchParams;
  const host = q.get('host') ?? dec(u.hostname);
  return {
    user: q.get('user') ?? dec(u.username),
    password: q.get('password') ?? dec(u.password),
    host: host || 'localhost',
    port: q.get('port') ?? (u.port || '5432'),
    database: q.get('dbname') ?? dec(u.pathname.replace(/^\//, '')),
  };
}

// ---------------------------------------------------------------------------------------------------
// The connection target: the one parse of a URL whose result is handed to `pg` as explicit fields (never
// as a connectionString, which `pg` would parse again with other rules: pg-connection-string lets ?host=,
// ?port= and ?user= win over the authority, ignores ?dbname= and falls back to PG* variables for anything
// empty). Every field the driver uses to pick the server, the database and the role is filled here, so
// what the scratch check compares is exactly what the driver connects to.

/** TLS as the `pg` driver understands sslmode: 'verify' = certificate and host name checked. */
export type TlsMode = 'disable' | 'verify' | 'no-verify';

export interface ConnectionTarget {
  /** Host name or address (IPv6 without brackets), or a Unix socket directory (starts with '/'). */
  host: string;
  port: number;
  database: string;
  user: string;
  /** From the URL; undefined leaves it to PGPASSWORD / ~/.pgpass, which `pg` reads. */
  password?: string;
  tls: TlsMode;
  /** sslrootcert / sslcert / sslkey: file paths, read when the connection is opened. */
  tlsFiles: { rootcert?: string; cert?: string; key?: string };
}

export type ResolvedConnection = { ok: true; target: ConnectionTarget } | { ok: false; reason: string };

/** The environment variables `pg` reads; process.env by default. */
export type ConnectionEnv = Record<string, string | undefined>;

/** Query parameters that name the target: accepted only where they agree with the URL's authority and path. */
const TARGET_PARAMS = ['host', 'port', 'user', 'dbname', 'password'] as const;
const OTHER_PARAMS = new Set(['sslmode', 'sslrootcert', 'sslcert', 'sslkey']);
/**
 * Parameters that cannot change the server, database, user or session and are dropped (not handed to pg):
 * libpq's application_name and connect_timeout, and the ones Prisma's DATABASE_URL carries for its own client.
 */
const IGNORED_PARAMS = new Set([
  'application_name',
  'connect_timeout',
  'schema',
  'pgbouncer',
  'connection_limit',
  'pool_timeout',
  'socket_timeout',
  'statement_cache_size',
]);
// sslmode as `pg` 8 treats it: prefer/require/verify-ca behave as verify-full (docs/stats-snapshot.md).
const SSL_MODES: Record<string, TlsMode> = {
  disable: 'disable',
  prefer: 'verify',
  require: 'verify',
  'verify-ca': 'verify',
  'verify-full': 'verify',
  'no-verify': 'no-verify',
};

function defaultEnv(): ConnectionEnv {
  return typeof process !== 'undefined' && process.env ? process.env : {};
}

/**
 * The server, port, database and user a postgresql:// URL connects to, with the PG* variables `pg` falls
 * back on (PGHOST, PGPORT, PGUSER, PGDATABASE, PGSSLMODE; USER when no user is named; the user's name
 * when no database is). Refuses (one line, no password) a URL whose query parameters disagree with its
 * authority or path, name several hosts, or are not understood (hostaddr, service, options, ...: they
 * could change the target or the session), and a PGOPTIONS environment variable for the same reason.
 */
export function resolveConnection(url: string, env: ConnectionEnv = defaultEnv()): ResolvedConnection {
  const bad = (reason: string): ResolvedConnection => ({ ok: false, reason });
  if (typeof url !== 'string' || !/^postgres(ql)?:\/\//i.test(url.trim()))
    return bad('the database URL is not valid: expected postgresql://user[:password]@host[:port]/database[?sslmode=require]');
  let u: URL;
  let noHost = false;
  try {
    u = new URL(url.trim());
  } catch {
    // WHATWG URLs refuse user info without a host (postgresql://user@/db?host=/socket), which libpq and
    // pg accept: parse it with a placeholder host, then treat the host as not given.
    try {
      u = new URL(url.trim().replace('@/', '@placeholder.invalid/'));
      noHost = true;
    } catch {
      return bad('the database URL is not valid: expected postgresql://user[:password]@host[:port]/database[?sslmode=require]');
    }
  }
  let malformed = false;
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      malformed = true;
      return s;
    }
  };
  const query = new Map<string, string>();
  for (const [key, value] of u.searchParams) {
    if (query.has(key)) return bad(`the database URL gives the parameter ${key} twice`);
    if (IGNORED_PARAMS.has(key)) continue;
    if (!(TARGET_PARAMS as readonly string[]).includes(key) && !OTHER_PARAMS.has(key)) {
      return bad(
        `the database URL has the parameter ${JSON.stringify(key.slice(0, 40))}, which pg-preflight does not accept: it could change which server, database or session the connection reaches (accepted: ${[...TARGET_PARAMS, ...OTHER_PARAMS, ...IGNORED_PARAMS].join(', ')})`,
      );
    }
    query.set(key, value);
  }
  // The authority and path as written; a %-encoded host is a Unix socket directory.
  const fromUrl: Record<(typeof TARGET_PARAMS)[number], string> = {
    host: noHost ? '' : dec(u.hostname).replace(/^\[(.*)\]$/, '$1'),
    port: u.port,
    user: dec(u.username),
    dbname: dec(u.pathname.replace(/^\//, '')),
    password: dec(u.password),
  };
  if (malformed) return bad('the database URL has a malformed %-escape');
  const picked: Partial<Record<(typeof TARGET_PARAMS)[number], string>> = {};
  for (const key of TARGET_PARAMS) {
    const a = fromUrl[key];
    const b = query.get(key);
    const same = key === 'host' ? a.toLowerCase() === (b ?? '').toLowerCase() : key === 'port' ? Number(a) === Number(b) : a === b;
    if (a && b !== undefined && b !== '' && !same) {
      return bad(
        key === 'password'
          ? 'the database URL gives two different passwords'
          : `the database URL names ${key === 'dbname' ? 'database' : key} ${JSON.stringify(a)} and ?${key}=${JSON.stringify(b.slice(0, 100))}: refusing a URL whose parts disagree`,
      );
    }
    if (a || b) picked[key] = a || b;
  }
  if (env.PGOPTIONS?.trim()) {
    return bad(
      'the PGOPTIONS environment variable is set: the pg driver would send its settings (search_path, role, ...) to the server, which pg-preflight cannot vouch for; unset it',
    );
  }
  const host = picked.host || env.PGHOST || 'localhost';
  if (host.includes(',')) return bad(`the database URL names several hosts (${JSON.stringify(host.slice(0, 100))}): give exactly one`);
  const portText = picked.port || env.PGPORT || '5432';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535)
    return bad(`the port ${JSON.stringify(portText.slice(0, 20))}${picked.port ? '' : ' (PGPORT)'} is not a TCP port number`);
  const user = picked.user || env.PGUSER || env.USER || env.USERNAME || '';
  if (!user) return bad('the database URL names no user, and neither PGUSER nor USER is set');
  const database = picked.dbname || env.PGDATABASE || user;
  const sslmode = query.get('sslmode') ?? env.PGSSLMODE ?? 'disable';
  const tls = SSL_MODES[sslmode];
  if (!tls)
    return bad(
      `sslmode ${JSON.stringify(sslmode.slice(0, 20))}${query.has('sslmode') ? '' : ' (PGSSLMODE)'} is not one of ${Object.keys(SSL_MODES).join(', ')}`,
    );
  const tlsFiles = {
    rootcert: query.get('sslrootcert') || undefined,
    cert: query.get('sslcert') || undefined,
    key: query.get('sslkey') || undefined,
  };
  if (tls === 'disable' && (tlsFiles.rootcert || tlsFiles.cert || tlsFiles.key))
    return bad('the database URL gives TLS files with sslmode=disable');
  return { ok: true, target: { host, port, database, user, password: picked.password || undefined, tls, tlsFiles } };
}

/** user@host:port/db of a target (host lower-cased, IPv6 in brackets): what the scratch check compares. */
export function targetIdentity(t: ConnectionTarget): string {
  return `${t.user}@${displayHost(t.host.toLowerCase())}:${t.port}/${t.database}`;
}

/** user@host:port/db for messages: never the password. */
export function describeTarget(t: ConnectionTarget): string {
  return `${t.user}@${displayHost(t.host)}:${t.port}/${t.database}`;
}

function displayHost(host: string): string {
  return host.includes(':') && !host.startsWith('/') ? `[${host}]` : host;
}
