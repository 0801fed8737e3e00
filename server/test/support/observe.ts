// The lock corpus observer: runs each statement form of test-fixtures/locks/corpus.sql on a real
// PostgreSQL (a server through `pg`, or PGlite) and reports, per user relation, the strongest lock
// mode the form took (as pg_locks spells it) and whether its relfilenode changed (rewrite).
// Nothing is modelled or guessed here: this is the oracle the static lock model is checked against.
//
// How the form's locks are separated from everything else (in-transaction forms):
//   BEGIN; setup...; snapshot A (pg_class relfilenodes + this backend's relation locks);
//   form; snapshot B; ROLLBACK.
// PostgreSQL never releases a relation lock before the end of the transaction (except locks taken
// inside a subtransaction that is rolled back, which the observer never does), and pg_locks has
// one row per (relation, mode) per backend. So the (relation, mode) pairs in B that are not in A
// are exactly the modes the form took that were not already held. The observer's own catalog
// reads lock only system catalogs (pg_class, pg_namespace, pg_locks, pg_database), which are
// excluded. What cannot be seen: a mode the SETUP already held on the same relation, when the form
// takes that same mode again. Observation.setupHeld lists those pairs so a reader can tell; the
// corpus keeps setups rare and puts pre-existing state into schema.sql instead.
//
// No-transaction forms (CONCURRENTLY, VACUUM, ...) commit internally and cannot be wrapped. On a
// server they run in a fresh database cloned from a template holding schema.sql, while a second
// connection samples pg_locks for the form's backend (granted or waiting) every few ms, and one
// more connection per `-- hold:` line holds a lock chosen per form so the form must wait long
// enough to be sampled; a holder is released once pg_blocking_pids() has shown it blocking the
// form for a few samples (several holders stop the form in several phases, in turn). Locks held
// only between two samples can be missed, so a sampled observation is a lower bound;
// Observation.sampled says how many samples were taken and whether waits were seen. Sampled
// relation names are resolved from the sampler's pg_class (before/after snapshots, else the name
// visible at sampling time). On PGlite (one connection) such forms are reported as not traced,
// never invented.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { connectPg, majorOf, pgliteEngine, type SqlEngine } from './engine';
import { findUp } from './postgres';
import type { PGlite } from '@electric-sql/pglite';

export interface CorpusForm {
  name: string;
  /** The statement(s) of the form, comments and directive lines removed at the edges. */
  sql: string;
  /** `-- setup:` statements, in order. */
  setup: string[];
  minPg?: number;
  noTransaction: boolean;
  expectError: boolean;
  /** `-- hold:` statements a third connection runs in an open transaction (no-transaction forms). */
  hold?: string[];
}

/** Lock modes in PostgreSQL's numbering (lockdefs.h), weakest first. */
export const LOCK_MODES = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
] as const;

export function lockStrength(mode: string): number {
  return LOCK_MODES.indexOf(mode as (typeof LOCK_MODES)[number]);
}

export interface ObservedRelation {
  /** schema.name as the relation was named before the form (after, if the form created it). */
  relation: string;
  /** pg_class.relkind: r table, p partitioned table, m matview, v view, i index, I partitioned index, S sequence. */
  relkind: string;
  /** Strongest mode the form newly took on the relation (pg_locks spelling). */
  mode: string;
  /** relfilenode changed (the table/index/sequence got new storage: rewrite, rebuild or truncate). */
  rewrite: boolean;
  /** Every mode the form newly took on the relation, weakest first. */
  modes: string[];
  /**
   * In-transaction forms, tables and matviews only: the form read the relation with a sequential
   * scan (pg_stat_xact_user_tables.seq_scan grew): validation, rewrite copy, index build, DML.
   * Undefined where not measurable (sampled no-transaction forms, views, indexes, sequences).
   */
  scan?: boolean;
  /** The form created the relation. */
  created?: boolean;
  /** The form dropped the relation. */
  dropped?: boolean;
  /**
   * The relation was dropped and created again under the same name (new oid), as ALTER COLUMN
   * TYPE does with the indexes on the column. `rewrite` then says whether the new relation got
   * new storage (rebuilt) or kept the old relfilenode (PostgreSQL reused the index as is).
   */
  recreated?: boolean;
  /** The form renamed (or moved) the relation; `relation` is the old name. */
  renamedTo?: string;
  /** No-transaction forms: the form was seen waiting for this mode (granted = false). */
  waited?: boolean;
}

export interface Observation {
  form: string;
  /** Engine name ('pg15', 'pglite', ...). */
  engine?: string;
  /** Error message when the form failed (expected or not). */
  error?: string;
  /** The corpus marks the form `-- expect-error`. */
  expectError?: boolean;
  /** Set when the engine's major version is below the form's min-pg. */
  skipped?: string;
  /** Set when the engine cannot trace the form (no-transaction forms on PGlite). */
  notTraced?: string;
  relations: ObservedRelation[];
  /**
   * Relation locks on relations that exist neither before nor after the form (e.g. the transient
   * heap `pg_temp_<oid>` a table rewrite builds and drops). A non-zero count is a rewrite sign.
   */
  transientLocks?: number;
  /** (relation mode) pairs the setup already held; the form taking the same mode is invisible. */
  setupHeld?: string[];
  /** No-transaction forms: how the sampling went. */
  sampled?: {
    samples: number;
    waitSeen: boolean;
    /** Holders released because the form was seen blocked by them, out of `holds`. */
    holdsReleasedOnWait: number;
    holds: number;
    /** Lock types the form was seen waiting on: 'relation', 'virtualxid' (waiting for transactions), ... */
    waitedOn: string[];
    /** Number of sampled runs merged into this observation (ObserveOptions.sampleRuns). */
    runs?: number;
  };
  ms?: number;
}

// ------------------------------------------------------------------------------- corpus files

// `-- setup: <sql>`, `-- min-pg: <n>`, `-- hold: <sql>` take a value; the flags stand alone.
const DIRECTIVE = /^--\s*(?:(setup|min-pg|hold):\s*(.*)|(no-transaction|expect-error)\s*)$/i;
const FORM = /^--\s*form:\s*(\S+)\s*$/i;

/** Parses corpus text into forms. Pure; throws on a malformed directive or duplicate name. */
export function readCorpus(text: string): CorpusForm[] {
  const forms: CorpusForm[] = [];
  let cur: (CorpusForm & { lines: string[]; started: boolean }) | undefined;
  const finish = () => {
    if (!cur) return;
    const sql = cur.lines.join('\n').trim();
    if (!sql) throw new Error(`corpus form ${cur.name} has no statement`);
    const { lines: _l, started: _s, ...form } = cur;
    forms.push({ ...form, sql });
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const f = FORM.exec(line.trim());
    if (f) {
      finish();
      if (forms.some((x) => x.name === f[1])) throw new Error(`duplicate corpus form ${f[1]}`);
      cur = { name: f[1], sql: '', setup: [], noTransaction: false, expectError: false, lines: [], started: false };
      continue;
    }
    if (!cur) continue; // file header
    const d = !cur.started ? DIRECTIVE.exec(line.trim()) : null;
    if (d) {
      const key = d[1] ?? d[3];
      const value = d[2] ?? '';
      switch (key.toLowerCase()) {
        case 'setup':
          if (!value.trim()) throw new Error(`corpus form ${cur.name}: empty setup`);
          cur.setup.push(value.trim());
          break;
        case 'hold':
          if (!value.trim()) throw new Error(`corpus form ${cur.name}: empty hold`);
          (cur.hold ??= []).push(value.trim());
          break;
        case 'min-pg': {
          const n = Number(value.trim());
          if (!Number.isInteger(n)) throw new Error(`corpus form ${cur.name}: bad min-pg "${value}"`);
          cur.minPg = n;
          break;
        }
        case 'no-transaction':
          cur.noTransaction = true;
          break;
        case 'expect-error':
          cur.expectError = true;
          break;
      }
      continue;
    }
    // Comment/blank lines before the statement are not part of it; after it they are kept
    // (then trimmed), so a DO block's body survives intact.
    if (!cur.started && (line.trim() === '' || line.trim().startsWith('--'))) continue;
    cur.started = true;
    cur.lines.push(raw);
  }
  finish();
  // Trailing comment lines (section headers of the next form) are noise in the statement text.
  return forms.map((f) => ({ ...f, sql: stripTrailingComments(f.sql) }));
}

function stripTrailingComments(sql: string): string {
  const lines = sql.split('\n');
  while (lines.length && (lines[lines.length - 1].trim() === '' || lines[lines.length - 1].trim().startsWith('--'))) {
    lines.pop();
  }
  return lines.join('\n');
}

export function locksFixturePath(file: 'schema.sql' | 'corpus.sql'): string {
  const rel = path.join('test-fixtures', 'locks', file);
  const found = findUp(rel);
  if (!found) throw new Error(`cannot find ${rel} above ${__dirname}`);
  return found;
}

export function loadSchemaSql(): string {
  return fs.readFileSync(locksFixturePath('schema.sql'), 'utf8');
}

export function loadCorpus(): CorpusForm[] {
  return readCorpus(fs.readFileSync(locksFixturePath('corpus.sql'), 'utf8'));
}

// ------------------------------------------------------------------------------- fixtures

const TEMPLATE_DB = 'pgpf_lock_fixture';
const templates = new Map<string, Promise<string>>();
let dbCounter = 0;

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(db);
  return u.toString();
}

function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

async function adminQuery(url: string, sql: string, params?: unknown[]): Promise<any[]> {
  const c = new Client({ connectionString: withDatabase(url, 'postgres') });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return (await c.query(sql, params as any[])).rows;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * Makes sure the server holds a template database with schema.sql loaded (created once per
 * server per process) and returns its name. No connection stays open to it, so it can be used as
 * `CREATE DATABASE ... TEMPLATE`.
 */
export function ensureLockFixtureTemplate(url: string): Promise<string> {
  const key = new URL(url).host;
  let p = templates.get(key);
  if (!p) {
    p = (async () => {
      const exists = await adminQuery(url, `SELECT 1 FROM pg_database WHERE datname = $1`, [TEMPLATE_DB]);
      if (!exists.length) {
        await adminQuery(url, `CREATE DATABASE ${quoteIdent(TEMPLATE_DB)}`);
        const c = new Client({ connectionString: withDatabase(url, TEMPLATE_DB) });
        c.on('error', () => undefined);
        await c.connect();
        try {
          await c.query(loadSchemaSql());
        } catch (err) {
          await c.end().catch(() => undefined);
          await adminQuery(url, `DROP DATABASE IF EXISTS ${quoteIdent(TEMPLATE_DB)}`).catch(() => undefined);
          throw new Error(`schema.sql failed on ${key}: ${(err as Error).message}`);
        }
        await c.end();
      }
      return TEMPLATE_DB;
    })();
    templates.set(key, p);
    p.catch(() => templates.delete(key));
  }
  return p;
}

async function cloneFixtureDb(url: string, prefix: string): Promise<string> {
  const template = await ensureLockFixtureTemplate(url);
  const db = `${prefix}_${process.pid}_${++dbCounter}`;
  await adminQuery(url, `CREATE DATABASE ${quoteIdent(db)} TEMPLATE ${quoteIdent(template)}`);
  return db;
}

async function dropDb(url: string, db: string): Promise<void> {
  const force = (await adminQuery(url, `SELECT current_setting('server_version_num')::int >= 130000 AS f`))[0].f;
  await adminQuery(url, `DROP DATABASE IF EXISTS ${quoteIdent(db)}${force ? ' WITH (FORCE)' : ''}`);
}

/**
 * A server engine connected to a private copy of the fixture (a database cloned from the
 * template). Forms run in it are rolled back; close() disconnects and drops the database.
 * `serverUrl` is any URL of the server (its database part is ignored).
 */
export async function openPgLockFixture(serverUrl: string, name?: string): Promise<SqlEngine & { url: string }> {
  const db = await cloneFixtureDb(serverUrl, 'pgpf_lock_work');
  const engine = await connectPg(withDatabase(serverUrl, db), name);
  await engine.exec(`SET lock_timeout = '20s'; SET statement_timeout = '120s'`);
  const close = engine.close.bind(engine);
  return {
    ...engine,
    async close() {
      await close();
      await dropDb(serverUrl, db);
    },
  };
}

/** PGlite with schema.sql loaded (a fresh PGlite unless one is given; the caller then owns it). */
export async function openPgliteLockFixture(db?: PGlite): Promise<SqlEngine> {
  const engine = await pgliteEngine(db);
  await engine.exec(loadSchemaSql());
  return engine;
}

// ------------------------------------------------------------------------------- observation

interface RelInfo {
  oid: string;
  name: string;
  relkind: string;
  relfilenode: string;
}

const USER_RELATIONS_SQL = `
  SELECT c.oid::text AS oid, n.nspname || '.' || c.relname AS name, c.relkind::text AS relkind,
         c.relfilenode::text AS relfilenode
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'm', 'v', 'i', 'I', 'S', 'f')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

const OWN_LOCKS_SQL = `
  SELECT l.relation::text AS oid, l.mode, l.granted
  FROM pg_catalog.pg_locks l
  WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation'
    AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())`;

async function snapshotRelations(q: (sql: string) => Promise<{ rows: any[] }>): Promise<Map<string, RelInfo>> {
  const rows = (await q(USER_RELATIONS_SQL)).rows as RelInfo[];
  return new Map(rows.map((r) => [r.oid, r]));
}

/** Oids (from a lock list) that exist in pg_class now, whatever their schema. */
async function existingOids(q: (sql: string, p?: unknown[]) => Promise<{ rows: any[] }>, oids: string[]): Promise<Set<string>> {
  if (!oids.length) return new Set();
  const rows = (await q(`SELECT oid::text AS oid FROM pg_catalog.pg_class WHERE oid::text = ANY($1::text[])`, [oids])).rows;
  return new Set(rows.map((r: { oid: string }) => r.oid));
}

const FIRST_NORMAL_OBJECT_ID = 16384;

// Per-transaction table statistics: pending counters of this backend, never flushed inside a
// transaction, so the difference across the form is exactly what the form did.
const SEQ_SCANS_SQL = `SELECT relid::text AS oid, seq_scan::text AS n FROM pg_catalog.pg_stat_xact_user_tables`;

async function seqScans(q: (sql: string) => Promise<{ rows: any[] }>): Promise<Map<string, number>> {
  const rows = (await q(SEQ_SCANS_SQL)).rows as { oid: string; n: string }[];
  return new Map(rows.map((r) => [r.oid, Number(r.n)]));
}

function errorMessage(err: unknown): string {
  const e = err as { message?: string };
  return (e?.message ?? String(err)).split('\n')[0];
}

function relkindOrder(k: string): number {
  return ({ p: 0, r: 1, m: 2, v: 3, f: 4, I: 5, i: 6, S: 7 } as Record<string, number>)[k] ?? 9;
}

function sortRelations(rels: ObservedRelation[]): ObservedRelation[] {
  return rels.sort((a, b) => relkindOrder(a.relkind) - relkindOrder(b.relkind) || a.relation.localeCompare(b.relation));
}

interface LockEntry {
  oid: string;
  mode: string;
  /** Name/relkind seen at sampling time (no-transaction forms). */
  name?: string;
  relkind?: string;
  waited?: boolean;
}

/**
 * Turns the form's new (oid, mode) locks into per-relation results, keyed by relation NAME so
 * that a relation dropped and re-created under the same name (indexes on a column whose type
 * changes; REINDEX CONCURRENTLY's swap) is one entry, whose rewrite flag compares the storage
 * before and after. Renamed relations keep their old name (the one the statement uses).
 * Locks on oids that are neither in `before` nor in `after` and have no name count as transient.
 */
function buildRelations(
  locks: LockEntry[],
  before: Map<string, RelInfo>,
  after: Map<string, RelInfo>,
  scans?: { before: Map<string, number>; after: Map<string, number> },
): { relations: ObservedRelation[]; transient: number } {
  const beforeByName = new Map([...before.values()].map((r) => [r.name, r]));
  const afterByName = new Map([...after.values()].map((r) => [r.name, r]));
  const groups = new Map<string, { modes: Set<string>; relkind?: string; waited: boolean; oids: Set<string> }>();
  const transientOids = new Set<string>();
  for (const l of locks) {
    if (Number(l.oid) < FIRST_NORMAL_OBJECT_ID) continue; // system catalogs
    const name = before.get(l.oid)?.name ?? after.get(l.oid)?.name ?? l.name;
    if (!name) {
      transientOids.add(l.oid);
      continue;
    }
    const g = groups.get(name) ?? { modes: new Set<string>(), waited: false, oids: new Set<string>() };
    g.modes.add(l.mode);
    g.oids.add(l.oid);
    g.relkind ??= before.get(l.oid)?.relkind ?? after.get(l.oid)?.relkind ?? l.relkind;
    if (l.waited) g.waited = true;
    groups.set(name, g);
  }
  const relations: ObservedRelation[] = [];
  for (const [name, g] of groups) {
    const b = beforeByName.get(name);
    // The same relation afterwards: same oid (possibly renamed), else one re-created by name.
    const a = (b && after.get(b.oid)) ?? afterByName.get(name);
    const modes = [...g.modes].sort((x, y) => lockStrength(x) - lockStrength(y));
    const r: ObservedRelation = {
      relation: name,
      relkind: a?.relkind ?? b?.relkind ?? g.relkind ?? '?',
      mode: modes[modes.length - 1],
      rewrite: !!(a && b && b.relfilenode !== '0' && a.relfilenode !== b.relfilenode),
      modes,
    };
    if (!b) r.created = true;
    if (!a) r.dropped = true;
    if (a && b && a.oid !== b.oid) r.recreated = true;
    if (a && b && a.oid === b.oid && a.name !== b.name) r.renamedTo = a.name;
    if (g.waited) r.waited = true;
    if (scans && 'rmp'.includes(r.relkind)) {
      const oids = [...g.oids, ...(b ? [b.oid] : []), ...(a ? [a.oid] : [])];
      const measured = oids.filter((o) => scans.after.has(o));
      if (measured.length) r.scan = measured.some((o) => (scans.after.get(o) ?? 0) > (scans.before.get(o) ?? 0));
    }
    relations.push(r);
  }
  return { relations, transient: transientOids.size };
}

export interface ObserveOptions {
  /** Server engines: template database holding schema.sql (default: created on demand). */
  templateDb?: string;
  /** No-transaction forms: release every holder after this long even if no block was seen. */
  holdTimeoutMs?: number;
  /**
   * No-transaction forms: run the sampled observation this many times (each in a fresh clone) and
   * merge (union of modes, rewrite if any run saw it). Sampling is a lower bound, so more runs
   * see more of the short phases. Default 1.
   */
  sampleRuns?: number;
}

/** Observes one corpus form on one engine. Never throws for a failing form: it records the error. */
export async function observeForm(engine: SqlEngine, form: CorpusForm, opts: ObserveOptions = {}): Promise<Observation> {
  const start = Date.now();
  const base: Observation = { form: form.name, engine: engine.name, relations: [] };
  if (form.expectError) base.expectError = true;
  const major = majorOf(engine);
  if (form.minPg !== undefined && form.minPg > major) {
    return { ...base, skipped: `needs PG ${form.minPg}` };
  }
  let obs: Observation;
  if (form.noTransaction) {
    if (!engine.url) return { ...base, notTraced: 'embedded engine has one connection' };
    obs = await observeNoTransaction(engine.url, form, base, opts);
    for (let i = 1; i < (opts.sampleRuns ?? 1) && !obs.error; i++) {
      obs = mergeSampled(obs, await observeNoTransaction(engine.url, form, base, opts));
    }
  } else {
    obs = await observeInTransaction(engine, form, base);
  }
  obs.ms = Date.now() - start;
  return obs;
}

/** Union of two sampled observations of the same form (an error in either wins). */
function mergeSampled(a: Observation, b: Observation): Observation {
  if (a.error || b.error) return a.error ? a : b;
  const byName = new Map<string, ObservedRelation>();
  for (const r of [...a.relations, ...b.relations]) {
    const m = byName.get(r.relation);
    if (!m) {
      byName.set(r.relation, { ...r, modes: [...r.modes] });
      continue;
    }
    m.modes = [...new Set([...m.modes, ...r.modes])].sort((x, y) => lockStrength(x) - lockStrength(y));
    m.mode = m.modes[m.modes.length - 1];
    m.rewrite ||= r.rewrite;
    if (r.scan !== undefined) m.scan = !!m.scan || r.scan;
    for (const k of ['created', 'dropped', 'recreated', 'waited'] as const) if (r[k]) m[k] = true;
    m.renamedTo ??= r.renamedTo;
  }
  const out: Observation = { ...a, relations: sortRelations([...byName.values()]) };
  const t = Math.max(a.transientLocks ?? 0, b.transientLocks ?? 0);
  if (t) out.transientLocks = t;
  if (a.sampled && b.sampled) {
    out.sampled = {
      samples: a.sampled.samples + b.sampled.samples,
      waitSeen: a.sampled.waitSeen || b.sampled.waitSeen,
      holdsReleasedOnWait: a.sampled.holdsReleasedOnWait + b.sampled.holdsReleasedOnWait,
      holds: a.sampled.holds + b.sampled.holds,
      waitedOn: [...new Set([...a.sampled.waitedOn, ...b.sampled.waitedOn])].sort(),
      runs: (a.sampled.runs ?? 1) + (b.sampled.runs ?? 1),
    };
  }
  return out;
}

async function observeInTransaction(engine: SqlEngine, form: CorpusForm, base: Observation): Promise<Observation> {
  const q = (sql: string, p?: unknown[]) => engine.query(sql, p);
  await engine.exec('BEGIN');
  try {
    for (const s of form.setup) {
      try {
        await engine.exec(s);
      } catch (err) {
        return { ...base, error: `setup failed: ${errorMessage(err)}` };
      }
    }
    const before = await snapshotRelations(q);
    const scansBefore = await seqScans(q);
    const locksBefore = (await q(OWN_LOCKS_SQL)).rows as { oid: string; mode: string }[];
    try {
      await engine.exec(form.sql);
    } catch (err) {
      return { ...base, error: errorMessage(err) };
    }
    const scansAfter = await seqScans(q);
    const after = await snapshotRelations(q);
    const locksAfter = (await q(OWN_LOCKS_SQL)).rows as { oid: string; mode: string; granted: boolean }[];

    const held = new Set(locksBefore.map((l) => `${l.oid}/${l.mode}`));
    const fresh = locksAfter.filter((l) => !held.has(`${l.oid}/${l.mode}`));
    const unresolved = [...new Set(fresh.map((l) => l.oid))].filter(
      (oid) => !before.has(oid) && !after.has(oid) && Number(oid) >= FIRST_NORMAL_OBJECT_ID,
    );
    const stillThere = await existingOids(q, unresolved); // toast tables and the like
    const { relations, transient } = buildRelations(
      fresh.filter((l) => !stillThere.has(l.oid)).map((l) => ({ oid: l.oid, mode: l.mode })),
      before,
      after,
      { before: scansBefore, after: scansAfter },
    );
    // A relation whose storage changed although the form took no new mode on it (the setup held
    // the same mode already): still report the rewrite, with the strongest mode held.
    const reported = new Set(relations.map((r) => r.relation));
    for (const [oid, b] of before) {
      const a = after.get(oid);
      if (!a || reported.has(b.name) || b.relfilenode === '0' || a.relfilenode === b.relfilenode) continue;
      const modes = locksAfter
        .filter((l) => l.oid === oid)
        .map((l) => l.mode)
        .sort((x, y) => lockStrength(x) - lockStrength(y));
      relations.push({ relation: b.name, relkind: a.relkind, mode: modes[modes.length - 1] ?? '', rewrite: true, modes });
    }
    const obs: Observation = { ...base, relations: sortRelations(relations) };
    if (transient) obs.transientLocks = transient;
    const setupHeld = locksBefore.filter((l) => before.has(l.oid)).map((l) => `${before.get(l.oid)!.name} ${l.mode}`);
    if (setupHeld.length) obs.setupHeld = [...new Set(setupHeld)].sort();
    return obs;
  } finally {
    await engine.exec('ROLLBACK').catch(() => undefined);
  }
}

const SAMPLE_SQL = `
  SELECT l.locktype, l.relation::text AS oid, l.mode, l.granted,
         n.nspname || '.' || c.relname AS name, c.relkind::text AS relkind,
         (n.nspname IN ('pg_catalog', 'information_schema') OR n.nspname LIKE 'pg\\_toast%') AS system
  FROM pg_catalog.pg_locks l
  LEFT JOIN pg_catalog.pg_class c ON c.oid = l.relation
  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE l.pid = $1`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function observeNoTransaction(serverUrl: string, form: CorpusForm, base: Observation, opts: ObserveOptions): Promise<Observation> {
  let db: string;
  if (opts.templateDb) {
    db = `pgpf_lock_nt_${process.pid}_${++dbCounter}`;
    await adminQuery(serverUrl, `CREATE DATABASE ${quoteIdent(db)} TEMPLATE ${quoteIdent(opts.templateDb)}`);
  } else {
    db = await cloneFixtureDb(serverUrl, 'pgpf_lock_nt');
  }
  const url = withDatabase(serverUrl, db);
  const runner = await connectPg(url);
  const sampler = await connectPg(url);
  // One connection per `-- hold:` line, each in its own open transaction.
  const holders = await Promise.all((form.hold ?? []).map(() => connectPg(url)));
  try {
    await runner.exec(`SET statement_timeout = '120s'`);
    for (const s of form.setup) {
      try {
        await runner.exec(s);
      } catch (err) {
        return { ...base, error: `setup failed: ${errorMessage(err)}` };
      }
    }
    const sq = (sql: string, p?: unknown[]) => sampler.query(sql, p);
    const before = await snapshotRelations(sq);
    const holding = new Map<number, (typeof holders)[number]>();
    for (let i = 0; i < holders.length; i++) {
      await holders[i].exec('BEGIN');
      try {
        await holders[i].exec(form.hold![i]);
      } catch (err) {
        return { ...base, error: `hold failed: ${errorMessage(err)}` };
      }
      holding.set(holders[i].pid, holders[i]);
    }
    const release = async (pid: number) => {
      const h = holding.get(pid);
      if (!h) return;
      holding.delete(pid);
      await h.exec('ROLLBACK');
    };

    let done = false;
    let formError: unknown;
    const run = runner.exec(form.sql).then(
      () => void (done = true),
      (err) => {
        formError = err;
        done = true;
      },
    );

    const seen = new Map<string, LockEntry>();
    let samples = 0;
    let waitSeen = false;
    let releasedOnWait = 0;
    const waitedOn = new Set<string>();
    const blockedSamples = new Map<number, number>();
    const t0 = Date.now();
    const holdTimeout = opts.holdTimeoutMs ?? 10_000;
    while (!done) {
      const rows = (await sq(SAMPLE_SQL, [runner.pid])).rows as {
        locktype: string;
        oid: string | null;
        mode: string;
        granted: boolean;
        name: string | null;
        relkind: string | null;
        system: boolean | null;
      }[];
      samples++;
      let waiting = false;
      for (const r of rows) {
        if (!r.granted) {
          waiting = true;
          waitedOn.add(r.locktype);
        }
        if (r.locktype !== 'relation' || !r.oid || r.system) continue;
        const key = `${r.oid}/${r.mode}`;
        const e = seen.get(key) ?? { oid: r.oid, mode: r.mode };
        if (r.name) {
          e.name = r.name;
          e.relkind = r.relkind ?? undefined;
        }
        if (!r.granted) e.waited = true;
        seen.set(key, e);
      }
      if (waiting) {
        waitSeen = true;
        // Release a holder once the form has been seen blocked by it for a few samples, so the
        // locks the form holds while it waits are sampled more than once.
        if (holding.size) {
          const blockers = (await sq(`SELECT pg_catalog.pg_blocking_pids($1) AS b`, [runner.pid])).rows[0].b as number[];
          for (const pid of blockers ?? []) {
            if (!holding.has(pid)) continue;
            const n = (blockedSamples.get(pid) ?? 0) + 1;
            blockedSamples.set(pid, n);
            if (n >= 5) {
              releasedOnWait++;
              await release(pid);
            }
          }
        }
      }
      if (holding.size && Date.now() - t0 > holdTimeout) for (const pid of [...holding.keys()]) await release(pid);
      await sleep(2);
    }
    for (const pid of [...holding.keys()]) await release(pid);
    await run;
    const sampled = {
      samples,
      waitSeen,
      holdsReleasedOnWait: releasedOnWait,
      holds: holders.length,
      waitedOn: [...waitedOn].sort(),
    };
    if (formError) return { ...base, error: errorMessage(formError), sampled };

    const after = await snapshotRelations(sq);
    const { relations, transient } = buildRelations([...seen.values()], before, after);
    const obs: Observation = { ...base, relations: sortRelations(relations), sampled };
    if (transient) obs.transientLocks = transient;
    return obs;
  } finally {
    await Promise.all(holders.map((h) => h.exec('ROLLBACK').catch(() => undefined)));
    await Promise.all([runner.close(), sampler.close(), ...holders.map((h) => h.close())]);
    await dropDb(serverUrl, db).catch(() => undefined);
  }
}

/** Observes forms one after another (forms never run concurrently on one engine). */
export async function observeAll(
  engine: SqlEngine,
  forms: CorpusForm[],
  opts: ObserveOptions = {},
  onEach?: (o: Observation) => void,
): Promise<Observation[]> {
  const out: Observation[] = [];
  for (const f of forms) {
    const o = await observeForm(engine, f, opts);
    onEach?.(o);
    out.push(o);
  }
  return out;
}

// ------------------------------------------------------------------------------- formatting

/** 'AccessExclusiveLock' -> 'AccessExclusive' (for tables of results). */
export function shortMode(mode: string): string {
  return mode.replace(/Lock$/, '');
}

/** One relation as a table cell: `AccessExclusive R +new`. */
export function relationCell(r: ObservedRelation | undefined): string {
  if (!r) return '-';
  const flags = [
    r.rewrite ? 'R' : '',
    r.scan ? 'S' : '',
    r.created ? '+new' : '',
    r.dropped ? 'dropped' : '',
    r.recreated ? 'recreated' : '',
    r.renamedTo ? `->${r.renamedTo.replace(/^public\./, '')}` : '',
    r.waited ? 'waited' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const also = r.modes.length > 1 ? ` (+${r.modes.slice(0, -1).map(shortMode).join(',')})` : '';
  return `${shortMode(r.mode)}${also}${flags ? ' ' + flags : ''}`;
}

/**
 * Whether two observations of the same form agree: 'same'; 'differs' (a relation set, strongest
 * mode, rewrite, created/dropped flag or error presence differs); 'weaker-modes' (only the weaker
 * additional modes differ); 'n/a' (skipped or not traced on one side).
 */
export function compareObservations(a: Observation, b: Observation): 'same' | 'differs' | 'weaker-modes' | 'n/a' {
  if (a.skipped || b.skipped || a.notTraced || b.notTraced) return 'n/a';
  if (!!a.error !== !!b.error) return 'differs';
  if (a.error) return 'same';
  const key = (r: ObservedRelation) =>
    `${r.relation}|${r.relkind}|${r.mode}|${r.rewrite}|${r.scan}|${!!r.created}|${!!r.dropped}|${!!r.recreated}|${r.renamedTo ?? ''}`;
  const eq = (f: (r: ObservedRelation) => string) => {
    const ka = a.relations.map(f).sort();
    const kb = b.relations.map(f).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
  };
  if (!eq(key)) return 'differs';
  if (!eq((r) => key(r) + '|' + r.modes.join(','))) return 'weaker-modes';
  return 'same';
}

/** Whether two observations of the same form agree on everything but weaker modes (null: not comparable). */
export function sameObservation(a: Observation, b: Observation): boolean | null {
  const c = compareObservations(a, b);
  return c === 'n/a' ? null : c !== 'differs';
}
