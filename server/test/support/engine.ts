// One small interface over the two real PostgreSQL engines the tests use, so the same observation
// code runs on a PostgreSQL server (via `pg`) and on PGlite (PostgreSQL 18 in WASM, in-process).

import { Client } from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { openPglite } from './postgres';

export interface SqlEngine {
  /** 'pg15' (server major N gives 'pgN') or 'pglite'. */
  name: 'pg15' | 'pglite' | string;
  /** server_version_num, e.g. 150018 or 180000. */
  serverVersionNum: number;
  /** One statement, optional $n parameters. */
  query<T = any>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Any number of statements, no parameters, no result. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
  /**
   * Server engines only: the connection URL, so helpers (e.g. the lock observer) can open more
   * connections to the same server. Absent on PGlite (one connection, in-process).
   */
  url?: string;
}

/** Major version from server_version_num (150018 -> 15). */
export function majorOf(engine: Pick<SqlEngine, 'serverVersionNum'>): number {
  return Math.floor(engine.serverVersionNum / 10000);
}

/** A `pg` Client connection as an engine. `name` defaults to `pg<major>` (e.g. 'pg15'). */
export async function connectPg(url: string, name?: string): Promise<SqlEngine & { url: string; pid: number; client: Client }> {
  const client = new Client({ connectionString: url });
  // An error on an idle client (e.g. the server was stopped) must not crash the test process.
  client.on('error', () => undefined);
  await client.connect();
  const v = await client.query<{ v: string; pid: number }>(`SELECT current_setting('server_version_num') AS v, pg_backend_pid() AS pid`);
  const serverVersionNum = Number(v.rows[0].v);
  let closed = false;
  return {
    name: name ?? `pg${Math.floor(serverVersionNum / 10000)}`,
    serverVersionNum,
    url,
    pid: v.rows[0].pid,
    client,
    async query<T = any>(sql: string, params?: unknown[]) {
      const r = await client.query(sql, params as any[] | undefined);
      return { rows: r.rows as T[] };
    },
    async exec(sql: string) {
      await client.query(sql); // simple protocol: multiple statements allowed
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.end().catch(() => undefined);
    },
  };
}

/**
 * PGlite as an engine. Without an argument a fresh PGlite is opened and closed with the engine;
 * with one, the caller keeps ownership and close() leaves it open.
 */
export async function pgliteEngine(db?: PGlite): Promise<SqlEngine & { db: PGlite }> {
  const owned = !db;
  const pg = db ?? (await openPglite());
  const v = await pg.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
  let closed = false;
  return {
    name: 'pglite',
    serverVersionNum: Number(v.rows[0].v),
    db: pg,
    async query<T = any>(sql: string, params?: unknown[]) {
      const r = await pg.query<T>(sql, params as any[] | undefined);
      return { rows: r.rows };
    },
    async exec(sql: string) {
      await pg.exec(sql);
    },
    async close() {
      if (closed || !owned) return;
      closed = true;
      await pg.close();
    },
  };
}
