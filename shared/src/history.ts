// The migration runners' history tables, read by the collector inside its read-only transaction.
// Each runner keeps its own table and shape; a table that is missing, has another shape or cannot be
// read (no privilege, locked) is simply no history: nothing here fails the snapshot. Table names are
// fixed identifiers (the runners' defaults), never user input. Imported by collect.ts only (loads `pg`).

import type { Client } from 'pg';
import type { AppliedHistory, AppliedMigration, HistoryRunner } from './stats';

type Row = Record<string, unknown>;

interface Source {
  runner: HistoryRunner;
  /** As given to to_regclass: unqualified names resolve through the session's search_path, as the runner's do. */
  table: string;
  /** Columns the table must have to be this runner's. */
  needs: string[];
  /** Columns it must not have (golang-migrate and dbmate share the name schema_migrations). */
  without?: string[];
  sql: string;
  read(rows: Row[], history: AppliedHistory): void;
}

const text = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
const iso = (v: unknown): string | undefined => {
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString();
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(v).toISOString();
  return undefined;
};
const leadingVersion = (name: string): string | undefined => /^(\d+)(?=[_.-]|$)/.exec(name)?.[1];

function entry(version: string, more: { name?: unknown; checksum?: unknown; appliedAt?: unknown }): AppliedMigration {
  const e: AppliedMigration = { version };
  const name = text(more.name);
  const checksum = text(more.checksum);
  const appliedAt = iso(more.appliedAt);
  if (name !== undefined) e.name = name;
  if (checksum !== undefined) e.checksum = checksum;
  if (appliedAt !== undefined) e.appliedAt = appliedAt;
  return e;
}

const SOURCES: Source[] = [
  {
    runner: 'supabase',
    table: 'supabase_migrations.schema_migrations',
    needs: ['version'],
    // The name column came with later CLI versions; version is the file's timestamp.
    sql: "SELECT version, to_jsonb(m) ->> 'name' AS name FROM supabase_migrations.schema_migrations m ORDER BY version",
    read: (rows, h) => {
      for (const r of rows) if (text(r.version)) h.entries.push(entry(String(r.version), { name: r.name }));
    },
  },
  {
    runner: 'prisma',
    table: '_prisma_migrations',
    needs: ['migration_name', 'checksum', 'finished_at', 'rolled_back_at'],
    // Only finished, not rolled-back migrations count as applied (Prisma's own reading).
    sql: 'SELECT migration_name, checksum, finished_at FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY finished_at, migration_name',
    read: (rows, h) => {
      for (const r of rows) {
        const name = String(r.migration_name);
        h.entries.push(entry(leadingVersion(name) ?? name, { name, checksum: r.checksum, appliedAt: r.finished_at }));
      }
    },
  },
  {
    runner: 'flyway',
    table: 'flyway_schema_history',
    needs: ['installed_rank', 'version', 'script', 'checksum', 'type', 'success', 'installed_on'],
    sql: 'SELECT version, script, checksum, type, installed_on FROM flyway_schema_history WHERE success ORDER BY installed_rank',
    read: (rows, h) => {
      for (const r of rows) {
        const type = String(r.type);
        const version = text(r.version);
        if (type === 'BASELINE' && version) h.baseline = version;
        // Repeatable migrations have no version; SCHEMA, BASELINE, DELETE and UNDO rows are not files run forward.
        if (!version || (type !== 'SQL' && type !== 'JDBC' && type !== 'SCRIPT')) continue;
        h.entries.push(entry(version, { name: r.script, checksum: r.checksum, appliedAt: r.installed_on }));
      }
    },
  },
  {
    runner: 'golang-migrate',
    table: 'schema_migrations',
    needs: ['version', 'dirty'],
    sql: 'SELECT version, dirty FROM schema_migrations',
    read: (rows, h) => {
      // One row: the newest applied version.
      h.latestOnly = true;
      for (const r of rows) {
        if (text(r.version) === undefined) continue;
        h.entries.push({ version: String(r.version) });
        if (r.dirty === true) h.dirty = true;
      }
    },
  },
  {
    runner: 'dbmate',
    table: 'schema_migrations',
    needs: ['version'],
    without: ['dirty'],
    sql: 'SELECT version FROM schema_migrations ORDER BY version',
    read: (rows, h) => {
      for (const r of rows) if (text(r.version)) h.entries.push({ version: String(r.version) });
    },
  },
  {
    runner: 'drizzle',
    table: 'drizzle.__drizzle_migrations',
    needs: ['hash', 'created_at'],
    // created_at is the journal's "when" (milliseconds) of the migration, hash the sha256 of its SQL.
    sql: 'SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY created_at, id',
    read: (rows, h) => {
      for (const r of rows) h.entries.push(entry(String(r.created_at), { checksum: r.hash }));
    },
  },
  {
    runner: 'node-pg-migrate',
    table: 'pgmigrations',
    needs: ['name', 'run_on'],
    sql: 'SELECT name, run_on FROM pgmigrations ORDER BY run_on, id',
    read: (rows, h) => {
      for (const r of rows) {
        const name = String(r.name);
        h.entries.push(entry(leadingVersion(name) ?? name, { name, appliedAt: r.run_on }));
      }
    },
  },
  {
    runner: 'atlas',
    table: 'atlas_schema_revisions.atlas_schema_revisions',
    needs: ['version', 'description', 'type', 'executed_at', 'error', 'hash'],
    // type 1 is a baseline revision; a revision with an error was not applied in full.
    sql: `SELECT version, description, type, executed_at, hash FROM atlas_schema_revisions.atlas_schema_revisions
      WHERE error IS NULL OR error = '' ORDER BY version`,
    read: (rows, h) => {
      for (const r of rows) {
        if (Number(r.type) === 1) h.baseline = String(r.version);
        h.entries.push(entry(String(r.version), { name: r.description, checksum: r.hash, appliedAt: r.executed_at }));
      }
    },
  },
  {
    runner: 'graphile-migrate',
    table: 'graphile_migrate.migrations',
    needs: ['hash', 'filename', 'date'],
    sql: 'SELECT hash, filename, date FROM graphile_migrate.migrations ORDER BY filename',
    read: (rows, h) => {
      for (const r of rows) {
        const name = String(r.filename);
        h.entries.push(entry(leadingVersion(name) ?? name, { name, checksum: r.hash, appliedAt: r.date }));
      }
    },
  },
];

const COLUMNS_SQL = `SELECT a.attname AS name, n.nspname || '.' || c.relname AS shown
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  WHERE c.oid = to_regclass($1)`;

/** Every runner history table found; `[]` when there is none. Errors other than "cannot read it" propagate. */
export async function readHistories(client: Client): Promise<AppliedHistory[]> {
  const out: AppliedHistory[] = [];
  for (const s of SOURCES) {
    const h = await tolerant(client, async () => {
      const cols = (await client.query(COLUMNS_SQL, [s.table])).rows as Row[];
      if (cols.length === 0) return undefined;
      const names = new Set(cols.map((c) => String(c.name)));
      if (!s.needs.every((n) => names.has(n)) || (s.without ?? []).some((n) => names.has(n))) return undefined;
      const history: AppliedHistory = { runner: s.runner, table: String(cols[0].shown), entries: [] };
      s.read((await client.query(s.sql)).rows as Row[], history);
      return history;
    });
    if (h) out.push(h);
  }
  return out;
}

/** Insufficient privilege, a lock held by a running migration, a shape that differs after all: no history. */
const SKIPPED = new Set(['42501', '55P03', '42P01', '42703', '3F000', '42883', '22P02']);

async function tolerant<T>(client: Client, run: () => Promise<T>): Promise<T | undefined> {
  await client.query('SAVEPOINT pg_preflight_history');
  try {
    const v = await run();
    await client.query('RELEASE SAVEPOINT pg_preflight_history');
    return v;
  } catch (err) {
    if (!SKIPPED.has(String((err as { code?: unknown }).code))) throw err;
    await client.query('ROLLBACK TO SAVEPOINT pg_preflight_history');
    await client.query('RELEASE SAVEPOINT pg_preflight_history');
    return undefined;
  }
}
