// A ConnectionTarget (connection-url.ts) as `pg` client options, and the check after connecting that the
// server really is that target. Both the stats collector and the trace engine open their connections
// through these two functions, so no code path hands `pg` a connection string to re-parse. Like collect.ts
// this module is NOT re-exported from index.ts (it pulls in `pg`); import '@pg-preflight/shared/dist/pg-target'.
import * as fs from 'node:fs';
import { isIP } from 'node:net';
import type { ClientConfig } from 'pg';
import { describeTarget, type ConnectionTarget } from './connection-url';

/**
 * Explicit client options for the target: host, port, database, user and TLS all set, so the driver has
 * nothing left to take from a connection string or the PG* variables (only PGPASSWORD and ~/.pgpass,
 * when the URL holds no password). TLS is passed as options, not as sslmode: pg-connection-string would
 * print a multi-line deprecation warning for sslmode=require. Throws an Error (one line) when a TLS file
 * cannot be read.
 */
export function clientConfigFor(
  t: ConnectionTarget,
  extra: Omit<ClientConfig, 'connectionString' | 'host' | 'port' | 'database' | 'user' | 'password' | 'ssl'> = {},
): ClientConfig {
  const config: ClientConfig = { ...extra, host: t.host, port: t.port, database: t.database, user: t.user };
  if (t.password !== undefined) config.password = t.password;
  if (t.tls === 'disable') config.ssl = false;
  else {
    const read = (what: string, file: string) => {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch (err) {
        throw new Error(`could not read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    };
    const ssl: NonNullable<Exclude<ClientConfig['ssl'], boolean>> = t.tls === 'no-verify' ? { rejectUnauthorized: false } : {};
    if (t.tlsFiles.rootcert) ssl.ca = read('sslrootcert', t.tlsFiles.rootcert);
    if (t.tlsFiles.cert) ssl.cert = read('sslcert', t.tlsFiles.cert);
    if (t.tlsFiles.key) ssl.key = read('sslkey', t.tlsFiles.key);
    config.ssl = ssl;
  }
  return config;
}

/** What the server says the session is connected to. */
export interface ConnectedAs {
  database: string;
  user: string;
  /** inet_server_addr() / inet_server_port(): null over a Unix socket. */
  serverAddress: string | null;
  serverPort: number | null;
  /** The server's `port` setting (also the number of its Unix socket). */
  portSetting: number;
}

interface Queryable {
  query(sql: string): Promise<{ rows: Array<Record<string, unknown>> }>;
}

export const CONNECTED_AS_SQL = `SELECT pg_catalog.current_database() AS database, session_user::text AS "user",
  pg_catalog.host(pg_catalog.inet_server_addr()) AS address, pg_catalog.inet_server_port() AS port,
  pg_catalog.current_setting('port')::int AS port_setting`;

/** Reads where the session really is; run it right after connecting, before anything else. */
export async function connectedAs(client: Queryable): Promise<ConnectedAs> {
  const row = (await client.query(CONNECTED_AS_SQL)).rows[0] ?? {};
  return {
    database: String(row.database ?? ''),
    user: String(row.user ?? ''),
    serverAddress: typeof row.address === 'string' ? row.address : null,
    serverPort: typeof row.port === 'number' ? row.port : null,
    portSetting: Number(row.port_setting),
  };
}

/**
 * Why the session is not on the target, or undefined when it is. The database must be the one named
 * (a pooler alias that maps a name to another database is refused); over a Unix socket the server's
 * port must be the socket's. Over TCP the server's own address and port are not compared: a port
 * mapping (Docker), an SSH tunnel or a pooler legitimately puts another address in between; the report
 * shows them instead (describeConnected). The user is not compared either (poolers rewrite it).
 */
export function mismatch(t: ConnectionTarget, as: ConnectedAs): string | undefined {
  if (as.database !== t.database)
    return `the connection to ${describeTarget(t)} reached the database ${JSON.stringify(as.database)} instead`;
  if (t.host.startsWith('/') && as.portSetting !== t.port)
    return `the socket of ${describeTarget(t)} belongs to a server on port ${as.portSetting}`;
  return undefined;
}

/** The target as the server reported it: user@host:port/current_database(), and the server's own address when it differs. */
export function describeConnected(t: ConnectionTarget, as: ConnectedAs): string {
  const base = describeTarget({ ...t, database: as.database });
  if (as.serverAddress === null || as.serverPort === null) return base;
  // A host name resolves to some address: only an address written in the URL can be seen to differ.
  const loopback = (h: string) => /^(localhost|127\.0\.0\.1|::1)$/i.test(h);
  const sameHost = !isIP(t.host) || as.serverAddress === t.host || (loopback(t.host) && loopback(as.serverAddress));
  if (sameHost && as.serverPort === t.port) return base;
  const addr = as.serverAddress.includes(':') ? `[${as.serverAddress}]` : as.serverAddress;
  return `${base} (the server sees itself as ${addr}:${as.serverPort})`;
}
