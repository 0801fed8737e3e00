// The two engines a trace runs on, behind one small session interface:
//   - PGlite (PostgreSQL 18 compiled to WASM, in-process, one connection): the default. One warm
//     instance per process (PgliteHost), reused between traces; see host.ts for its state.
//   - a scratch PostgreSQL server through `pg` (only when the caller marked it scratch; index.ts checks).
// User SQL always goes through the extended query protocol, which refuses more than one command per
// call: a statement text can never smuggle a COMMIT past the trace.
import type { PGlite } from '@electric-sql/pglite';
import type { TraceEngineKind } from './types';

export interface TraceSession {
  kind: TraceEngineKind;
  serverVersionNum: number;
  /** Backend pid of this session. */
  pid: number;
  /** One statement, extended protocol (exactly one command), optional $n parameters. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Internal SQL only (never user text): several statements, simple protocol. */
  exec(sql: string): Promise<void>;
}

/** A PostgreSQL error's fields, from PGlite or node-postgres (both use the wire protocol's names). */
export interface SqlErrorInfo {
  message: string;
  code?: string;
  /** 1-based character (code point) position in the statement text, when PostgreSQL gave one. */
  position?: number;
  detail?: string;
  hint?: string;
  /** The table the error is about (schema and table fields of the error), when PostgreSQL said. */
  table?: string;
}

export function sqlErrorOf(err: unknown): SqlErrorInfo {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as Record<string, unknown>;
  const info: SqlErrorInfo = { message: oneLine(typeof e.message === 'string' ? e.message : String(err)) };
  if (typeof e.code === 'string') info.code = e.code;
  const pos = Number(e.position);
  if (Number.isInteger(pos) && pos > 0) info.position = pos;
  if (typeof e.detail === 'string' && e.detail) info.detail = oneLine(e.detail);
  if (typeof e.hint === 'string' && e.hint) info.hint = oneLine(e.hint);
  if (typeof e.table === 'string' && e.table) info.table = `${typeof e.schema === 'string' && e.schema ? e.schema : 'public'}.${e.table}`;
  return info;
}

export function oneLine(s: string): string {
  return String(s).replace(/\s+/g, ' ').trim();
}

/** A PGlite instance as a session. */
export async function pgliteSession(db: PGlite): Promise<TraceSession> {
  const r = await db.query<{ v: string; pid: number }>(`SELECT current_setting('server_version_num') AS v, pg_backend_pid() AS pid`);
  return {
    kind: 'pglite',
    serverVersionNum: Number(r.rows[0].v),
    pid: Number(r.rows[0].pid),
    async query<T>(sql: string, params?: unknown[]) {
      return (await db.query<T>(sql, params as unknown[] | undefined)).rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
  };
}

/** Minimal shape of a node-postgres Client that a session needs. */
export interface PgClientLike {
  query(config: { text: string; values?: unknown[]; queryMode?: 'extended' }): Promise<{ rows: unknown[] }>;
  query(text: string): Promise<unknown>;
}

export async function serverSession(client: PgClientLike): Promise<TraceSession> {
  const rows = (
    await client.query({ text: `SELECT current_setting('server_version_num') AS v, pg_backend_pid() AS pid`, queryMode: 'extended' })
  ).rows as { v: string; pid: number }[];
  return {
    kind: 'postgres',
    serverVersionNum: Number(rows[0].v),
    pid: Number(rows[0].pid),
    async query<T>(sql: string, params?: unknown[]) {
      return (await client.query({ text: sql, values: params ?? [], queryMode: 'extended' })).rows as T[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  };
}

/** Milliseconds since `t0` with 0.1 ms precision. */
export function since(t0: number): number {
  return Math.round((performance.now() - t0) * 10) / 10;
}
