// The zero-downtime split, proved on real PostgreSQL 15 (a throwaway cluster) and on PGlite
// (PostgreSQL 18), data-driven over test-fixtures/split/<case>/{schema.sql, migration.sql, case.json?}.
// For every case:
//   same schema  - the original migration applied to one copy of schema.sql (with rows) and the steps,
//                  in order, to another copy give identical catalogs (columns, types, defaults,
//                  nullability, constraints and whether they are validated, indexes and whether they
//                  are valid, triggers, functions, views) and identical data (a checksum per table);
//   safe locks   - the lock model, run on every step with the schema and the earlier steps as context
//                  and stats that mark the tables large, finds no ACCESS EXCLUSIVE with a rewrite or
//                  scan and no SHARE lock on an existing table;
//   runnable     - every step runs under its runner's transaction semantics: wrapped in BEGIN/COMMIT
//                  when transactional, each statement alone otherwise;
//   resumable    - every backfill is interrupted after its first batches (PG 15: the session is
//                  terminated mid-run; PGlite: it stops after one batch), rerun, and still ends with
//                  the right data.
// Nothing is mocked: PostgreSQL runs every statement.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { normalizeSettings, validateStatsSnapshot, type RunnerId, type StatsSnapshot } from '@pg-preflight/shared';
import { analyze } from '../src/core/analyze';
import { planSplit, type SplitPlan, type SplitStep } from '../src/core/fixes';
import { unsafeLocks } from '../src/core/fixes/plan';
import { UNUSED_IGNORE } from '../src/core/ignore';
import { loadParser } from '../src/core/syntax/parse';
import { splitSql } from '../src/core/syntax/split';
import { connectPg, pgliteEngine, type SqlEngine } from './support/engine';
import { REPO } from './support/fixtures';
import {
  declaredEmbeddedPostgres,
  embeddedPostgresBinDir,
  sharedPostgres,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from './support/postgres';

const SPLIT_FIXTURES = path.join(REPO, 'test-fixtures/split');

interface CaseConfig {
  /** Virtual path of the migration (runner detection and file names); default a Supabase migration. */
  path?: string;
  runner?: RunnerId;
  /** Columns filled by a volatile default: compared as "no NULLs" rather than by value. */
  volatile?: Record<string, string[]>;
  /** Plan warnings that must appear (substrings). */
  expectWarnings?: string[];
  /** false: the split cannot be equivalent (a warning says why); skip the same-schema comparison. */
  compare?: boolean;
  /** Text some step must contain (e.g. where the application still uses a dropped column). */
  expectInSteps?: string[];
  /** Major versions to run on: 15 (initdb), 18 (PGlite), 11 (npm binaries); default [15, 18]. */
  versions?: number[];
  /**
   * The original fails on PostgreSQL with one of these messages (the split is the fix): it is run to
   * prove that, the steps must run, and `expectSql` (a query returning one boolean column "ok") must hold after them.
   */
  originalFails?: string[];
  expectSql?: string;
}

interface Case {
  name: string;
  schema: string;
  migration: string;
  config: CaseConfig;
  stats: StatsSnapshot;
  /** Application sources (test-fixtures/split/<case>/app/**), searched for dropped or renamed names. */
  appFiles: { path: string; text: string }[];
}

function loadCases(): Case[] {
  const shared = validateStatsSnapshot(JSON.parse(fs.readFileSync(path.join(SPLIT_FIXTURES, 'stats.json'), 'utf8')));
  if (!shared.ok) throw new Error(shared.error);
  return fs
    .readdirSync(SPLIT_FIXTURES)
    .filter((d) => fs.statSync(path.join(SPLIT_FIXTURES, d)).isDirectory())
    .sort()
    .map((name) => {
      const dir = path.join(SPLIT_FIXTURES, name);
      const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
      const config: CaseConfig = fs.existsSync(path.join(dir, 'case.json')) ? JSON.parse(read('case.json')) : {};
      let stats = shared.snapshot;
      if (fs.existsSync(path.join(dir, 'stats.json'))) {
        const v = validateStatsSnapshot(JSON.parse(read('stats.json')));
        if (!v.ok) throw new Error(`${name}/stats.json: ${v.error}`);
        stats = v.snapshot;
      }
      const appDir = path.join(dir, 'app');
      const appFiles = fs.existsSync(appDir)
        ? fs
            .readdirSync(appDir, { recursive: true })
            .map(String)
            .filter((f) => fs.statSync(path.join(appDir, f)).isFile())
            .map((f) => ({ path: `app/${f}`, text: read(`app/${f}`) }))
        : [];
      return { name, schema: read('schema.sql'), migration: read('migration.sql'), config, stats, appFiles };
    });
}

function planFor(c: Case, pgVersion: number): SplitPlan {
  return planSplit({
    text: c.migration,
    path: c.config.path ?? `supabase/migrations/20240101000000_${c.name.replace(/-/g, '_')}.sql`,
    settings: normalizeSettings({ runner: c.config.runner ?? 'supabase' }).settings,
    stats: c.stats,
    pgVersion,
    priorFiles: [{ path: 'schema.sql', text: c.schema }],
    appFiles: c.appFiles,
  });
}

// ------------------------------------------------------------------------------ running SQL

/** The original migration as its runner runs it: the up part, in one transaction unless it is psql. */
async function applyOriginal(engine: SqlEngine, c: Case): Promise<void> {
  let text = c.migration;
  const down = /^--\s*migrate:down\b/m.exec(text);
  if (down) text = text.slice(0, down.index);
  // psql sends one statement at a time (one string of several is one implicit transaction to PostgreSQL).
  if (c.config.runner === 'plain') {
    for (const s of statementsOf(text)) await engine.exec(s);
    return;
  }
  await inTransaction(engine, text);
}

async function inTransaction(engine: SqlEngine, sql: string): Promise<void> {
  await engine.exec('BEGIN');
  try {
    await engine.exec(sql);
    await engine.exec('COMMIT');
  } catch (err) {
    await engine.exec('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Statements of a step file (comments and runner directives are not statements). */
function statementsOf(sql: string): string[] {
  return splitSql(sql)
    .statements.filter((s) => s.kind !== 'meta')
    .map((s) => s.text);
}

/** A step under its runner's semantics: the runner's transaction, or each statement on its own. */
async function runStep(engine: SqlEngine, step: SplitStep): Promise<void> {
  if (step.transactional) {
    // psql-style steps carry their own BEGIN ... COMMIT; the others are wrapped by the runner.
    if (/^BEGIN;$/m.test(step.sql)) return engine.exec(step.sql);
    return inTransaction(engine, step.sql);
  }
  for (const s of statementsOf(step.sql)) await engine.exec(s);
}

function jobOf(step: SplitStep): string | undefined {
  return /pgpf_job\s+constant text := '([^']+)'/.exec(step.sql)?.[1];
}

// ------------------------------------------------------------------------ normalized dumps

const DUMP = `
SELECT json_build_object(
  'columns', (SELECT coalesce(json_agg(x ORDER BY x.t, x.col), '[]') FROM (
    SELECT c.relname AS t, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
           pg_get_expr(d.adbin, d.adrelid) AS dflt, a.attidentity::text AS identity, a.attgenerated::text AS generated, c.relkind::text AS kind
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped) x),
  'constraints', (SELECT coalesce(json_agg(x ORDER BY x.t, x.name), '[]') FROM (
    SELECT c.relname AS t, k.conname AS name, k.contype::text AS type, pg_get_constraintdef(k.oid) AS def, k.convalidated AS validated
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public') x),
  'indexes', (SELECT coalesce(json_agg(x ORDER BY x.name), '[]') FROM (
    SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS def, i.indisvalid AS valid, i.indisready AS ready, i.indisprimary AS primary, i.indisunique AS unique
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
    WHERE n.nspname = 'public') x),
  'triggers', (SELECT coalesce(json_agg(x ORDER BY x.name), '[]') FROM (
    SELECT t.tgname AS name, c.relname AS t FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND NOT t.tgisinternal) x),
  'functions', (SELECT coalesce(json_agg(p.proname ORDER BY p.proname), '[]') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'),
  'views', (SELECT coalesce(json_agg(x ORDER BY x.name), '[]') FROM (
    SELECT c.relname AS name, pg_get_viewdef(c.oid) AS def FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'v') x)
) AS dump`;

async function dump(engine: SqlEngine): Promise<any> {
  return (await engine.query<{ dump: any }>(DUMP)).rows[0].dump;
}

/** Per table: row count, NULL counts of volatile columns, and an order-independent checksum of the rest. */
async function data(engine: SqlEngine, volatile: Record<string, string[]> = {}): Promise<Record<string, unknown>> {
  const tables = (
    await engine.query<{ t: string }>(
      `SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1`,
    )
  ).rows.map((r) => r.t);
  const out: Record<string, unknown> = {};
  for (const t of tables) {
    const skip = volatile[`public.${t}`] ?? [];
    const nulls = skip.map((c) => `count(*) FILTER (WHERE t.${quote(c)} IS NULL) AS "nulls_${c}"`).join(', ');
    const r = await engine.query(
      `SELECT count(*) AS rows, md5(coalesce(string_agg(j, E'\\n' ORDER BY j), '')) AS checksum${nulls ? ', ' + nulls.replace(/t\./g, 's.') : ''}
       FROM (SELECT (to_jsonb(t) - $1::text[])::text AS j${skip.map((c) => `, t.${quote(c)}`).join('')} FROM public.${quote(t)} t) s`,
      [skip],
    );
    out[t] = r.rows[0];
  }
  return out;
}

function quote(id: string): string {
  return `"${id.replace(/"/g, '""')}"`;
}

// ------------------------------------------------------------------------------- engines

interface Db {
  engine: SqlEngine;
  /** A second, independent session on the same database (server engines only). */
  connect?: () => Promise<SqlEngine & { pid: number }>;
  close(): Promise<void>;
}

interface EngineKind {
  name: string;
  pgVersion: number;
  open(label: string): Promise<Db>;
}

let dbCounter = 0;

/** A fresh database on a server cluster, with a second session for interruptions. */
async function serverDb(serverUrl: string, label: string, force = true): Promise<Db> {
  const admin = await connectPg(serverUrl);
  const db = `pgpf_split_${label.replace(/[^a-z0-9]+/g, '_')}_${process.pid}_${++dbCounter}`;
  await admin.exec(`CREATE DATABASE ${quote(db)}`);
  const url = new URL(serverUrl);
  url.pathname = `/${db}`;
  const engine = await connectPg(url.toString());
  return {
    engine,
    connect: () => connectPg(url.toString()),
    async close() {
      await engine.close();
      // PG 11 and 12 have no DROP DATABASE ... WITH (FORCE); every session is closed by then.
      await admin.exec(`DROP DATABASE IF EXISTS ${quote(db)}${force ? ' WITH (FORCE)' : ''}`).catch(() => undefined);
      await admin.close();
    },
  };
}

// PG 11 (npm binaries), for the cases that ask for it: started on first use, stopped after the suite.
let pg11: Promise<ThrowawayPostgres> | undefined;
const PG11 = declaredEmbeddedPostgres().find((p) => p.major === 11);

const ENGINES: EngineKind[] = [
  {
    name: 'PostgreSQL 15',
    pgVersion: 15,
    async open(label) {
      return serverDb((await sharedPostgres()).url, label);
    },
  },
  {
    name: 'PGlite (PostgreSQL 18)',
    pgVersion: 18,
    async open() {
      const engine = await pgliteEngine();
      return { engine, close: () => engine.close() };
    },
  },
  {
    name: 'PostgreSQL 11 (npm binaries)',
    pgVersion: 11,
    async open(label) {
      if (!PG11) throw new Error('package.json declares no PostgreSQL 11 binaries (optionalDependencies pg11)');
      pg11 ??= startThrowawayPostgres({ binDir: embeddedPostgresBinDir(PG11.alias) });
      return serverDb((await pg11).url, label, false);
    },
  },
];

/** The engines a case runs on: PostgreSQL 15 and PGlite, and PG 11 when the case asks for it. */
const enginesFor = (c: Case) => ENGINES.filter((e) => (c.config.versions ?? [15, 18]).includes(e.pgVersion));

// ---------------------------------------------------------------------------------- tests

const CASES = loadCases();

describe('split into zero-downtime steps (real PostgreSQL)', function () {
  this.timeout(300_000);
  before(loadParser);

  it('has a fixture for every pattern and a mixed migration', () => {
    const names = new Set(CASES.map((c) => c.name));
    for (const n of [
      'create-index',
      'drop-index',
      'reindex',
      'foreign-key-and-check',
      'unique',
      'primary-key',
      'set-not-null',
      'volatile-default',
      'type-change',
      'type-change-using',
      'rename-column',
      'rename-table',
      'drop-column',
      'drop-table',
      'no-key',
      'user-dml',
      'mixed',
    ]) {
      assert.ok(names.has(n), `missing test-fixtures/split/${n}`);
    }
  });

  after(async () => {
    if (pg11) await (await pg11).stop();
  });

  for (const kind of ENGINES) {
    describe(kind.name, () => {
      for (const c of CASES.filter((x) => enginesFor(x).includes(kind))) {
        describe(c.name, () => {
          let plan: SplitPlan;
          before(() => {
            plan = planFor(c, kind.pgVersion);
          });

          it('plans steps whose locks are safe (lock model, tables marked large)', () => {
            for (const t of c.config.expectInSteps ?? [])
              assert.ok(
                plan.steps.some((s) => s.sql.includes(t)),
                `no step mentions "${t}"`,
              );
            for (const w of c.config.expectWarnings ?? [])
              assert.ok(
                plan.warnings.some((x) => x.includes(w)),
                `expected a warning containing "${w}"; got ${JSON.stringify(plan.warnings)}`,
              );
            assert.ok(!plan.warnings.some((w) => /still takes/.test(w)), plan.warnings.join('\n'));
            const prior = [{ path: 'schema.sql', text: c.schema }];
            const settings = normalizeSettings({ runner: c.config.runner ?? 'supabase' }).settings;
            // The steps pass check at the default --fail-on: an error there is one the original has too
            // (a drop no rewrite makes safe), and every ignore directive the split writes is used.
            const originalErrors = new Set(
              analyze({
                text: c.migration,
                path: 'migration.sql',
                settings,
                stats: c.stats,
                pgVersion: kind.pgVersion,
                priorFiles: [...prior],
              })
                .violations.filter((v) => v.severity === 'error')
                .map((v) => v.rule),
            );
            plan.steps.forEach((step, i) => {
              const a = analyze({
                text: step.sql,
                path: step.name,
                settings: normalizeSettings({ runner: c.config.runner ?? 'supabase' }).settings,
                stats: c.stats,
                pgVersion: kind.pgVersion,
                priorFiles: [...prior],
                isMigration: false,
                // The runner's switch outside the file (Flyway's <script>.sql.conf), as the project layer reads it.
                runsInTransaction: step.companionFiles?.some((f) => /^executeInTransaction=false$/m.test(f.text)) ? false : undefined,
              });
              assert.deepEqual(unsafeLocks(a), [], `step ${i + 1} ${step.name}:\n${step.sql}`);
              assert.deepEqual(
                a.violations
                  .filter((v) => (v.severity === 'error' && !originalErrors.has(v.rule)) || v.rule === UNUSED_IGNORE)
                  .map((v) => `${v.rule}: ${v.message}`),
                [],
                `step ${i + 1} ${step.name} fails check`,
              );
              assert.deepEqual(
                a.violations.filter((v) => v.rule === 'syntax-error').map((v) => v.message),
                [],
                `step ${i + 1} does not parse`,
              );
              if (!step.transactional)
                assert.equal(statementsOf(step.sql).length, 1, `non-transactional step ${step.name} must hold exactly one statement`);
              prior.push({ path: step.name, text: step.sql });
            });
          });

          it("steps run under the runner's transaction semantics and give the same schema and data as the original", async () => {
            const original = await kind.open(`${c.name}_a`);
            const split = await kind.open(`${c.name}_b`);
            try {
              await original.engine.exec(c.schema);
              await split.engine.exec(c.schema);
              if (c.config.originalFails) {
                await assert.rejects(applyOriginal(original.engine, c), (err: Error) =>
                  c.config.originalFails!.some((m) => err.message.includes(m)),
                );
              } else await applyOriginal(original.engine, c);
              for (const [i, step] of plan.steps.entries()) {
                const job = jobOf(step);
                if (job) await interruptBackfill(split, step, job);
                try {
                  await runStep(split.engine, step);
                } catch (err) {
                  throw new Error(`step ${i + 1} (${step.name}) failed: ${(err as Error).message}\n${step.sql}`);
                }
                if (job) {
                  const p = await split.engine.query<{ finished_at: unknown; pass: number }>(
                    `SELECT finished_at, pass FROM preflight.backfill_progress WHERE migration = $1`,
                    [job],
                  );
                  assert.ok(p.rows[0]?.finished_at, `backfill ${job} did not finish`);
                }
              }
              if (c.config.expectSql) {
                const r = await split.engine.query<{ ok: boolean }>(c.config.expectSql);
                assert.equal(r.rows[0]?.ok, true, `after the steps: ${c.config.expectSql}`);
              }
              if (c.config.compare === false || c.config.originalFails) return;
              assert.deepEqual(await dump(split.engine), await dump(original.engine), 'schema differs');
              const volatile = c.config.volatile ?? {};
              const [a, b] = [await data(original.engine, volatile), await data(split.engine, volatile)];
              assert.deepEqual(b, a, 'data differs');
              for (const [table, cols] of Object.entries(volatile)) {
                const row = a[table.split('.')[1]] as Record<string, string>;
                for (const col of cols) assert.equal(Number(row[`nulls_${col}`]), 0, `${table}.${col} has NULLs after the original`);
              }
            } finally {
              await original.close();
              await split.close();
            }
          });
        });
      }
    });
  }
});

/**
 * Runs the backfill partway and breaks it off: on a server, in a second session that is terminated
 * after its first committed batches; on PGlite (one session), with preflight.max_batches = 1. The
 * caller then reruns the step, which must resume and finish.
 */
async function interruptBackfill(db: Db, step: SplitStep, job: string): Promise<void> {
  const progress = async () =>
    (
      await db.engine
        .query<{ rows_done: string; finished_at: unknown }>(
          `SELECT rows_done, finished_at FROM preflight.backfill_progress WHERE migration = $1`,
          [job],
        )
        .catch(() => ({ rows: [] }))
    ).rows[0];
  if (db.connect) {
    const session = await db.connect();
    await session.exec(`SET preflight.batch_size = '200'; SET preflight.pause = '0.3'`);
    const running = runStep(session, step).then(
      () => undefined,
      (err: Error) => err,
    );
    const deadline = Date.now() + 30_000;
    let seen: { rows_done: string; finished_at: unknown } | undefined;
    for (;;) {
      seen = await progress();
      if (seen && Number(seen.rows_done) > 0) break;
      const early = await Promise.race([running, new Promise((r) => setTimeout(() => r('pending'), 1))]);
      if (early instanceof Error) throw new Error(`the backfill failed before it was interrupted: ${early.message}`);
      if (early !== 'pending') {
        // Nothing to interrupt: an earlier step's trigger already filled the column (at most one batch of work was left).
        const done = await progress();
        await session.close();
        assert.ok(
          done?.finished_at && Number(done.rows_done) <= 200,
          `the backfill finished before it could be interrupted: ${JSON.stringify(done)}`,
        );
        return;
      }
      assert.ok(Date.now() < deadline, 'the backfill made no progress');
      await new Promise((r) => setTimeout(r, 20));
    }
    await db.engine.query('SELECT pg_terminate_backend($1)', [session.pid]);
    const outcome = await running;
    await session.close();
    assert.ok(outcome instanceof Error, 'the backfill session should have been terminated mid-run');
    const after = await progress();
    assert.ok(after && !after.finished_at && Number(after.rows_done) > 0, `expected a partial backfill, got ${JSON.stringify(after)}`);
  } else {
    await db.engine.exec(`SET preflight.batch_size = '200'; SET preflight.max_batches = '1'`);
    await runStep(db.engine, step);
    await db.engine.exec(`RESET preflight.batch_size; RESET preflight.max_batches`);
    const after = await progress();
    // A column an earlier step's trigger already filled leaves nothing to do: the backfill just finishes.
    if (after?.finished_at && Number(after.rows_done) === 0) return;
    assert.ok(after && !after.finished_at && Number(after.rows_done) === 200, `expected one batch of 200, got ${JSON.stringify(after)}`);
  }
}
