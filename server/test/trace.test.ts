// The dry run (server/src/trace, `pg-preflight trace`) on real engines, no mocks: PGlite (PostgreSQL 18,
// in-process) and a throwaway PostgreSQL 15 cluster used as a scratch database.
//   - a realistic migration with earlier migrations in its folder (test-fixtures/trace/realistic): every
//     traced statement agrees with the lock model, on both engines;
//   - a failing statement is mapped to PostgreSQL's error position in a file with non-ASCII text;
//   - a broken earlier migration is named; a disagreement the model really has is reported;
//   - CONCURRENTLY is sampled on PG 15 from a second connection;
//   - the scratch database is left exactly as it was (checksums of schema, data and sequences): after a
//     trace, a trace that fails half-way, a sampled no-transaction statement, and a client killed with
//     kill -9 while a statement waits on a lock the test holds;
//   - an unmarked database is refused before any connection.
import { strict as assert } from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { DEFAULT_SETTINGS, type StatsSnapshot } from '@pg-preflight/shared';
import { analyze } from '../src/core/analyze';
import { loadParser } from '../src/core/syntax/parse';
import { LineIndex } from '../src/core/syntax/text';
import { ContextBuilder } from '../src/project/context';
import { globMatchers } from '../src/project/inputs';
import { main } from '../src/cli/main';
import { compareStatement } from '../src/trace/compare';
import { connectionIdentity, isListedScratch, shutdownTracer, traceDocument, TraceError, type TraceDocumentResult } from '../src/trace';
import { databaseChecksum } from './support/checksum';
import { check } from './support/json-schema';
import { freePort, sharedPostgres } from './support/postgres';

const REPO = path.resolve(__dirname, '../../..');
const BIN = path.join(REPO, 'server/bin/pg-preflight.js');
const REALISTIC = path.join(REPO, 'test-fixtures/trace/realistic');
const TARGET = path.join(REALISTIC, 'migrations/20240301000000_loyalty.sql');
const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO, 'server/schemas/trace-output.schema.json'), 'utf8'));
const PASSWORD = 'Tr4ce-very-secret';

/** The file's text and its earlier migrations, exactly as the CLI finds them (runner order). */
function migrationContext(file: string, root = path.dirname(path.dirname(file))) {
  const ctx = new ContextBuilder(root, root, globMatchers(DEFAULT_SETTINGS.migrationGlobs));
  return { text: ctx.text(file), priorFiles: ctx.context(file).priorFiles, path: path.relative(root, file) };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function runMain(args: string[], cwd: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd,
    env: {},
  });
  return { code, stdout, stderr };
}

function runBin(args: string[], cwd: string): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function tempProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-preflight-trace-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

let dbCounter = 0;

/** A fresh database on the shared cluster holding the earlier migrations of the realistic folder and some rows. */
async function scratchDatabase(serverUrl: string, rows = true): Promise<string> {
  const name = `pgpf_trace_${process.pid}_${++dbCounter}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(serverUrl, name);
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    for (const f of migrationContext(TARGET).priorFiles) await c.query(f.text);
    if (rows) {
      await c.query(`INSERT INTO public.customers (email, name) SELECT 'c' || g || '@example.com', 'customer ' || g FROM generate_series(1, 2000) AS g;
        INSERT INTO public.products (sku, price) SELECT 'sku-' || g, g FROM generate_series(1, 20) AS g;
        INSERT INTO public.orders (customer_id, total, note) SELECT id, id % 100, 'note' FROM public.customers;
        INSERT INTO public.order_items (order_id, product_id, qty) SELECT id, 1 + id % 20, 2 FROM public.orders;`);
    }
  } finally {
    await c.end();
  }
  return url;
}

// --- shared assertions ------------------------------------------------------------------------------

function statementAt(r: TraceDocumentResult, text: string, needle: string) {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `fixture lacks ${needle}`);
  const st = r.statements.find((s) => s.span.start <= at && at < s.span.end);
  assert.ok(st, `no statement at ${needle}`);
  return st;
}

function assertAgreesOnRealistic(r: TraceDocumentResult, text: string, sampledConcurrently: boolean): void {
  assert.deepEqual(r.disagreements, [], `disagreements: ${r.disagreements.map((d) => d.message).join('; ')}`);
  assert.equal(r.rolledBack, true);
  assert.equal(r.failedStatement, undefined, `failed: ${r.statements.find((s) => s.error)?.error?.message}`);
  const analysis = analyze({ text, path: 'migrations/20240301000000_loyalty.sql' });
  assert.equal(r.statements.length, analysis.statements.length, 'one result per statement of the core');
  // Every statement ran in the transaction except the one that cannot.
  const cic = statementAt(r, text, 'CREATE INDEX CONCURRENTLY');
  for (const s of r.statements) if (s !== cic) assert.equal(s.how, 'transaction', `${s.label} at ${s.span.start}: ${s.notTracedReason}`);
  assert.equal(cic.how, sampledConcurrently ? 'sampled' : 'not-traced');
  assert.deepEqual(
    cic.predicted.map((p) => [p.relation, p.mode]),
    [['public.customers', 'ShareUpdateExclusiveLock']],
  );
  // What PostgreSQL showed, spot-checked against what a reader expects.
  const first = statementAt(r, text, 'ADD COLUMN points');
  assert.deepEqual(
    first.observed.map((o) => [o.relation, o.mode, o.rewrite]),
    [['public.customers', 'AccessExclusiveLock', false]],
  );
  assert.deepEqual(
    first.changes.map((c) => [c.kind, c.name, c.change]),
    [['column', 'points', 'added']],
  );
  const retype = statementAt(r, text, 'ALTER COLUMN qty TYPE bigint');
  assert.equal(retype.observed.find((o) => o.relation === 'public.order_items')?.rewrite, true, 'int -> bigint rewrites order_items');
  const noRewrite = statementAt(r, text, 'ALTER COLUMN note TYPE text');
  assert.equal(noRewrite.observed.find((o) => o.relation === 'public.orders')?.rewrite, false, 'varchar -> text does not rewrite');
  const index = statementAt(r, text, 'CREATE INDEX order_items_product_id_idx');
  assert.ok(
    index.observed.some((o) => o.relation === 'public.order_items' && (o.mode === 'ShareLock' || o.alreadyHeld?.includes('ShareLock'))),
  );
  const validate = statementAt(r, text, 'VALIDATE CONSTRAINT customers_points_nonneg');
  assert.equal(validate.observed.find((o) => o.relation === 'public.customers')?.mode, 'ShareUpdateExclusiveLock');
  assert.deepEqual(
    validate.changes.map((c) => [c.name, c.detail]),
    [['customers_points_nonneg', 'validated']],
  );
  const fk = statementAt(r, text, 'CREATE TABLE public.loyalty_events');
  assert.equal(fk.observed.find((o) => o.relation === 'public.customers')?.mode, 'ShareRowExclusiveLock');
  assert.equal(fk.observed.find((o) => o.relation === 'public.loyalty_events')?.created, true);
}

// ------------------------------------------------------------------------------------------------------

describe('trace: which databases count as scratch (no engine)', () => {
  // The identity decides which database a dry run may write to: one case per rule of the comparison.
  // Resolved as the driver will connect (connection-url.ts), with this environment for what the URL omits.
  const env = { USER: 'osuser' };
  const identities: Array<[string, string | undefined]> = [
    ['postgresql://app:secret@DB.Example.COM:5432/app', 'app@db.example.com:5432/app'],
    ['postgres://app@db.example.com/app', 'app@db.example.com:5432/app'],
    ['  POSTGRESQL://app@db:6543/app  ', 'app@db:6543/app'],
    // Query parameters that disagree with the authority or path are refused, not allowed to win.
    ['postgresql://app@db/app?dbname=other&host=OTHER&user=me&port=5444&password=x', undefined],
    ['postgresql://app@db/app?dbname=app&host=DB&user=app&port=5432', 'app@db:5432/app'],
    ['postgresql://app@%2Fvar%2Frun%2Fpostgresql/my%20db', 'app@/var/run/postgresql:5432/my db'],
    ['postgresql://a%ZZb@db/app', undefined],
    ['postgresql://app@[::1]:5433/app', 'app@[::1]:5433/app'],
    ['postgresql://', 'osuser@localhost:5432/osuser'],
    ['mysql://root@db/x', undefined],
    ['postgresql://app@db:99999/app', undefined],
    ['host=db user=app dbname=app', undefined],
  ];
  for (const [url, id] of identities) {
    it(`connectionIdentity(${JSON.stringify(url)}) = ${id}`, () => assert.equal(connectionIdentity(url, env), id));
  }

  it('isListedScratch: same user, host (any case), port (5432 by default) and database; the password is ignored', () => {
    const settings = { scratchDatabaseUrls: ['postgresql://app@DB:5432/scratch', 'not a url'] };
    assert.equal(isListedScratch('postgres://app:secret@db/scratch', settings), true);
    for (const other of [
      'postgresql://other@db/scratch',
      'postgresql://app@db2/scratch',
      'postgresql://app@db:5433/scratch',
      'postgresql://app@db/prod',
      'not a url',
    ]) {
      assert.equal(isListedScratch(other, settings), false, other);
    }
    assert.equal(isListedScratch('postgresql://app@db/scratch', undefined), false);
  });
});

describe('trace: the dry run on real engines', function () {
  this.timeout(300_000);
  before(loadParser);
  after(shutdownTracer);

  describe('the comparison with the model', () => {
    const span = { start: 0, end: 10 };
    const ctx = { relkindOf: () => 'r', heldOn: () => [] as never[], existedAtStart: () => true };

    it('reports a stronger mode, a lock the model misses, a predicted lock never taken and a rewrite mismatch', () => {
      const d = compareStatement(
        {
          statementIndex: 0,
          span,
          how: 'transaction',
          observed: [
            { relation: 'public.a', relkind: 'r', mode: 'AccessExclusiveLock', modes: ['AccessExclusiveLock'], rewrite: true },
            { relation: 'public.b', relkind: 'r', mode: 'RowExclusiveLock', modes: ['RowExclusiveLock'], rewrite: false },
          ],
          predicted: [
            { relation: 'public.a', mode: 'ShareLock', rewrite: false, blocks: [], why: 'x' },
            { relation: 'public.c', mode: 'ShareRowExclusiveLock', rewrite: false, blocks: [], why: 'x' },
          ],
        },
        ctx,
      );
      assert.deepEqual(
        d.map((x) => [x.relation, x.observed, x.predicted, x.observedRewrite ?? null]),
        [
          ['public.a', 'AccessExclusiveLock', 'ShareLock', null],
          ['public.a', 'AccessExclusiveLock', 'ShareLock', true],
          ['public.b', 'RowExclusiveLock', null, null],
          ['public.c', null, 'ShareRowExclusiveLock', null],
        ],
      );
    });

    it('does not call unobservable locks disagreements: modes already held, sampled lower bounds, indexes, row-dependent checks', () => {
      const held = compareStatement(
        {
          statementIndex: 1,
          span,
          how: 'transaction',
          observed: [
            {
              relation: 'public.a',
              relkind: 'r',
              mode: 'ShareLock',
              modes: ['ShareLock'],
              rewrite: false,
              alreadyHeld: ['AccessExclusiveLock'],
            },
            { relation: 'public.a_idx', relkind: 'i', mode: 'AccessExclusiveLock', modes: ['AccessExclusiveLock'], rewrite: true },
          ],
          predicted: [
            { relation: 'public.a', mode: 'AccessExclusiveLock', rewrite: false, blocks: [], why: 'x' },
            {
              relation: 'public.parent',
              mode: 'RowShareLock',
              rewrite: false,
              blocks: [],
              why: 'the foreign key check reads public.parent with FOR KEY SHARE',
            },
            // DROP INDEX IF EXISTS of an index the engine does not have: nothing to verify against.
            { relation: 'public.legacy_idx', mode: 'AccessExclusiveLock', rewrite: false, blocks: [], why: 'x' },
          ],
        },
        { ...ctx, relkindOf: (n: string) => (n === 'public.a_idx' ? 'i' : n === 'public.legacy_idx' ? undefined : 'r') },
      );
      assert.deepEqual(held, []);
      const sampled = compareStatement(
        {
          statementIndex: 2,
          span,
          how: 'sampled',
          observed: [{ relation: 'public.a', relkind: 'r', mode: 'AccessShareLock', modes: ['AccessShareLock'], rewrite: false }],
          predicted: [
            { relation: 'public.a', mode: 'ShareUpdateExclusiveLock', rewrite: false, blocks: [], why: 'x' },
            { relation: 'public.b', mode: 'ShareLock', rewrite: false, blocks: [], why: 'x' },
          ],
        },
        ctx,
      );
      assert.deepEqual(sampled, [], 'a sample that saw less than predicted proves nothing');
    });
  });

  describe('on the embedded engine (PGlite)', () => {
    it('agrees with the lock model on a realistic migration, replaying the earlier migrations of its folder in runner order', async () => {
      const m = migrationContext(TARGET);
      assert.deepEqual(
        m.priorFiles.map((f) => path.basename(f.path)),
        ['20240101000000_init.sql', '20240201000000_orders.sql'],
        'the later migration is not schema context',
      );
      const r = await traceDocument({ text: m.text, path: m.path, priorFiles: m.priorFiles });
      assert.equal(r.engine, 'pglite');
      assert.equal(r.pgVersion, 18);
      assert.deepEqual(
        r.replayed.map((f) => path.basename(f.path)),
        ['20240101000000_init.sql', '20240201000000_orders.sql'],
      );
      assert.equal(r.replayFailure, undefined);
      assertAgreesOnRealistic(r, m.text, false);
      const cic = statementAt(r, m.text, 'CREATE INDEX CONCURRENTLY');
      assert.match(cic.notTracedReason ?? '', /not traced on the embedded engine/);
      assert.deepEqual(cic.observed, [], 'no invented observation');
      // The editor's view: an information diagnostic on every traced statement, none with a warning.
      assert.ok(r.diagnostics.length >= r.statements.length - 1);
      assert.deepEqual([...new Set(r.diagnostics.map((d) => d.severity))], ['info']);
    });

    it('stays warm: tracing the folder again replays nothing', async () => {
      const m = migrationContext(TARGET);
      const r = await traceDocument({ text: m.text, path: m.path, priorFiles: m.priorFiles });
      assert.ok(r.replayed.length === 2 && r.replayed.every((f) => f.cached), JSON.stringify(r.replayed));
      assertAgreesOnRealistic(r, m.text, false);
    });

    it('maps a failing statement to its PostgreSQL error position in non-ASCII text, and traces nothing after it', async () => {
      const m = migrationContext(TARGET);
      const text = [
        '-- é ✓ 😀: UTF-16 offsets, UTF-8 bytes and code points all differ on this line',
        'ALTER TABLE public.customers ADD COLUMN nickname text;',
        "SELECT 'é✓😀' AS emoji, nickname, nope_é FROM public.customers;",
        'ALTER TABLE public.customers ADD COLUMN never_traced int;',
        '',
      ].join('\n');
      const r = await traceDocument({ text, path: m.path, priorFiles: m.priorFiles });
      assert.equal(r.failedStatement, 1);
      const failed = r.statements[1];
      assert.ok(failed.error, 'the SELECT failed');
      assert.match(failed.error.message, /column "nope_é" does not exist/);
      assert.equal(failed.error.code, '42703');
      const at = text.indexOf('nope_é');
      assert.deepEqual(failed.error.span, { start: at, end: at + 'nope_é'.length });
      const lines = new LineIndex(text);
      assert.deepEqual(lines.positionAt(failed.error.span.start), { line: 2, character: "SELECT 'é✓😀' AS emoji, nickname, ".length });
      assert.equal(r.statements[0].traced, true, 'the statement before it was traced');
      assert.equal(r.statements[2].traced, false);
      assert.match(r.statements[2].notTracedReason ?? '', /earlier statement failed/);
      assert.equal(r.rolledBack, true);
      const diag = r.diagnostics.find((d) => d.code === 'trace-failed');
      assert.deepEqual(diag?.span, failed.error.span);
      // The CLI: exit 2, the error on stdout as path:line:column (1-based, UTF-16 columns).
      const dir = tempProject({ 'migrations/001_init.sql': m.priorFiles.map((f) => f.text).join('\n'), 'migrations/002_bad.sql': text });
      const cli = await runMain(['trace', 'migrations/002_bad.sql'], dir);
      assert.equal(cli.code, 2, cli.stderr);
      assert.ok(
        cli.stdout.includes(`migrations/002_bad.sql:3:${"SELECT 'é✓😀' AS emoji, nickname, ".length + 1}: column "nope_é" does not exist`),
        cli.stdout,
      );
    });

    it('names a broken earlier migration with its PostgreSQL error, and traces nothing', async () => {
      const dir = tempProject({
        'migrations/001_ok.sql': 'CREATE TABLE public.t (id int PRIMARY KEY);\n',
        'migrations/002_broken.sql': '-- ü\nCREATE TABLE public.u (id int);\nALTER TABLE public.missing ADD COLUMN x int;\n',
        'migrations/003_target.sql': 'ALTER TABLE public.t ADD COLUMN y int;\n',
      });
      const m = migrationContext(path.join(dir, 'migrations/003_target.sql'), dir);
      const r = await traceDocument({ text: m.text, path: m.path, priorFiles: m.priorFiles });
      assert.ok(r.replayFailure, 'the replay failed');
      assert.equal(r.replayFailure.path, 'migrations/002_broken.sql');
      assert.match(r.replayFailure.error.message, /relation "public.missing" does not exist/);
      const brokenText = fs.readFileSync(path.join(dir, 'migrations/002_broken.sql'), 'utf8');
      assert.equal(r.replayFailure.span.start, brokenText.indexOf('ALTER TABLE public.missing'));
      assert.ok(r.statements.every((s) => !s.traced));
      assert.equal(r.diagnostics[0].code, 'trace-replay-failed');
      assert.match(r.diagnostics[0].message, /002_broken\.sql/);
      const cli = await runMain(['trace', 'migrations/003_target.sql', '--format', 'json'], dir);
      assert.equal(cli.code, 2);
      const json = JSON.parse(cli.stdout);
      assert.deepEqual(check(SCHEMA, json), []);
      assert.equal(json.replayFailure.path, 'migrations/002_broken.sql');
      assert.deepEqual(json.replayFailure.range.start, { line: 2, character: 0 });
    });

    it('with a stats snapshot, fills tables with synthetic rows, so a statement that fails on a table with rows fails here too', async () => {
      const m = migrationContext(TARGET);
      const table = (name: string, rows: number) => ({
        schema: 'public',
        name,
        kind: 'table' as const,
        rows,
        totalBytes: rows * 100,
        tableBytes: rows * 80,
        indexBytes: rows * 20,
        inserts: 0,
        updates: 0,
        deletes: 0,
        seqScans: 0,
        idxScans: 0,
        columns: [],
        indexes: [],
        constraints: [],
      });
      const stats: StatsSnapshot = {
        formatVersion: 1,
        capturedAt: '2025-01-01T00:00:00Z',
        serverVersionNum: 180000,
        tables: [
          table('orders', 50_000),
          table('customers', 10_000),
          table('order_items', 90_000),
          table('products', 100),
          table('gone', 5),
        ],
      };
      const text = 'ALTER TABLE public.orders ADD COLUMN paid_at timestamptz NOT NULL;\n';
      const r = await traceDocument({ text, path: m.path, priorFiles: m.priorFiles, stats });
      assert.ok(r.syntheticRows, 'reported');
      // Parents before children, so foreign keys point at real rows.
      assert.deepEqual(r.syntheticRows.tables.map((t) => t.relation).sort(), [
        'public.customers',
        'public.order_items',
        'public.orders',
        'public.products',
      ]);
      const order = r.syntheticRows.tables.map((t) => t.relation);
      assert.ok(
        order.indexOf('public.customers') < order.indexOf('public.orders') &&
          order.indexOf('public.orders') < order.indexOf('public.order_items'),
      );
      assert.deepEqual(r.syntheticRows.skipped, [{ relation: 'public.gone', why: 'not in the schema the earlier migrations build' }]);
      assert.ok(r.notes.some((n) => /synthetic rows/.test(n)));
      const st = r.statements[0];
      assert.equal(st.error?.code, '23502', st.error?.message);
      assert.match(st.error?.note ?? '', /synthetic rows/);
      // The model predicted that failure too.
      assert.ok(analyze({ text, path: m.path, priorFiles: m.priorFiles, stats }).statements[0].fails);
      // Without the snapshot the table is empty and the statement succeeds.
      const empty = await traceDocument({ text, path: m.path, priorFiles: m.priorFiles });
      assert.equal(empty.statements[0].traced, true);
      assert.equal(empty.syntheticRows, undefined);
    });

    // A genuine gap of the model, kept as the live proof that disagreements reach the user: CREATE RULE
    // locks the tables its action writes (ROW EXCLUSIVE on orders here), which the model does not follow.
    it('reports a disagreement the model really has (CREATE RULE locks the table its action writes)', async () => {
      const m = migrationContext(TARGET);
      const setup = 'CREATE VIEW public.orders_v AS SELECT * FROM public.orders;\n';
      const priorFiles = [...m.priorFiles, { path: 'migrations/20240201500000_view.sql', text: setup }];
      const text =
        'SELECT 1;\nDROP INDEX IF EXISTS public.orders_legacy_idx;\nSELECT 2;\nCREATE RULE orders_v_ins AS ON INSERT TO public.orders_v DO INSTEAD INSERT INTO public.orders (customer_id, total, note) VALUES (NEW.customer_id, NEW.total, NEW.note);\n';
      const r = await traceDocument({ text, path: m.path, priorFiles });
      const gaps = r.disagreements.map((d) => [d.relation, d.observed, d.predicted]);
      assert.ok(
        gaps.some(([rel, observed, predicted]) => rel === 'public.orders' && observed === 'RowExclusiveLock' && predicted === null),
        `if the model learned CREATE RULE's action, pick another form it gets wrong (the comparator tests above cover the logic); the DROP INDEX IF EXISTS of a missing index is not one: ${JSON.stringify(gaps)}`,
      );
      const rule = text.indexOf('CREATE RULE');
      assert.ok(
        r.disagreements.every((d) => d.span.start === rule),
        'every disagreement is on the CREATE RULE',
      );
      assert.ok(r.diagnostics.some((d) => d.code === 'trace-disagreement' && d.severity === 'warning'));
      const dir = tempProject({ 'migrations/001_init.sql': priorFiles.map((f) => f.text).join('\n'), 'migrations/002_rule.sql': text });
      const cli = await runMain(['trace', 'migrations/002_rule.sql', '--format', 'json'], dir);
      assert.equal(cli.code, 1, cli.stderr);
      const json = JSON.parse(cli.stdout);
      assert.deepEqual(check(SCHEMA, json), []);
      assert.deepEqual(json.disagreements[0].range, {
        start: { line: 3, character: 0 },
        end: { line: 3, character: text.split('\n')[3].length },
      });
    });

    // The corpus schema must load on PostgreSQL 11, which has no generated columns and no identity on
    // partitioned tables: these recursions are proven here, on PGlite (18), one statement per trace so
    // that no earlier statement already holds the child's lock.
    it('SET / DROP EXPRESSION reach inheritance children and partitions, DROP IDENTITY the partitions (PG 18, observed)', async () => {
      const priorFiles = [
        {
          path: 'migrations/001_generated.sql',
          text: [
            'CREATE TABLE public.gen_parent (a int, g int GENERATED ALWAYS AS (a * 2) STORED);',
            'CREATE TABLE public.gen_child () INHERITS (public.gen_parent);',
            'CREATE TABLE public.gen_part (a int, g int GENERATED ALWAYS AS (a * 2) STORED, id int GENERATED ALWAYS AS IDENTITY) PARTITION BY RANGE (a);',
            'CREATE TABLE public.gen_part_1 PARTITION OF public.gen_part FOR VALUES FROM (0) TO (100);',
            '',
          ].join('\n'),
        },
      ];
      const cases: [string, string, string][] = [
        ['ALTER TABLE public.gen_parent ALTER COLUMN g SET EXPRESSION AS (a * 3);\n', 'public.gen_child', 'AccessExclusiveLock'],
        ['ALTER TABLE public.gen_parent ALTER COLUMN g DROP EXPRESSION;\n', 'public.gen_child', 'AccessExclusiveLock'],
        ['ALTER TABLE public.gen_part ALTER COLUMN g SET EXPRESSION AS (a * 3);\n', 'public.gen_part_1', 'AccessExclusiveLock'],
        ['ALTER TABLE public.gen_part ALTER COLUMN id DROP IDENTITY;\n', 'public.gen_part_1', 'AccessExclusiveLock'],
      ];
      for (const [text, child, mode] of cases) {
        const r = await traceDocument({ text, path: 'migrations/002_change.sql', priorFiles });
        assert.equal(r.statements[0].traced, true, `${text}: ${r.statements[0].error?.message ?? r.statements[0].notTracedReason}`);
        assert.deepEqual(r.disagreements, [], text);
        assert.equal(r.statements[0].observed.find((o) => o.relation === child)?.mode, mode, `${text}: observed on ${child}`);
        assert.equal(r.statements[0].predicted.find((p) => p.relation === child)?.mode, mode, `${text}: predicted on ${child}`);
      }
    });

    it('TRUNCATE of a table rewritten or created earlier in the transaction empties it in place: no disagreement (was one)', async () => {
      // A Supabase migration: one transaction, as the trace runs it.
      const priorFiles = [
        {
          path: 'supabase/migrations/20240101000000_tags.sql',
          text: "CREATE TABLE public.tags (id int, label text);\nINSERT INTO public.tags SELECT g, 'x' FROM generate_series(1, 500) g;\n",
        },
      ];
      for (const text of [
        'ALTER TABLE public.tags ALTER COLUMN label TYPE varchar(20);\nTRUNCATE public.tags;\n',
        'CREATE TABLE public.scratch (id int);\nINSERT INTO public.scratch VALUES (1);\nTRUNCATE public.scratch;\n',
      ]) {
        const r = await traceDocument({ text, path: 'supabase/migrations/20240102000000_truncate.sql', priorFiles });
        assert.deepEqual(
          r.disagreements.map((d) => d.message),
          [],
          text,
        );
        const truncate = r.statements[r.statements.length - 1];
        assert.equal(truncate.traced, true);
        assert.ok(
          truncate.predicted.every((p) => !p.rewrite),
          JSON.stringify(truncate.predicted),
        );
      }
      // Without the earlier rewrite, TRUNCATE gives the table a new file, and the model says so.
      const plain = await traceDocument({
        text: 'TRUNCATE public.tags;\n',
        path: 'supabase/migrations/20240102000000_truncate.sql',
        priorFiles,
      });
      assert.deepEqual(plain.disagreements, []);
      assert.ok(plain.statements[0].predicted.some((p) => p.relation === 'public.tags' && p.rewrite));
    });

    it('a partition the plan prunes, or that no inserted row is routed to, is not a disagreement; the partitions it does lock are predicted', async () => {
      const priorFiles = [
        {
          path: 'migrations/001_readings.sql',
          text: "CREATE TABLE public.readings (at date NOT NULL, value int) PARTITION BY RANGE (at);\nCREATE TABLE public.readings_2024 PARTITION OF public.readings FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\nCREATE TABLE public.readings_2025 PARTITION OF public.readings FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\n",
        },
      ];
      const text =
        "SELECT count(*) FROM public.readings WHERE at < '2024-06-01';\nINSERT INTO public.readings VALUES ('2025-03-01', 1);\nUPDATE public.readings SET value = 2;\n";
      const r = await traceDocument({ text, path: 'migrations/002_read.sql', priorFiles });
      assert.deepEqual(r.disagreements, []);
      const observed = r.statements.map((st) =>
        st.observed
          .filter((o) => o.relkind === 'r' && o.mode)
          .map((o) => o.relation)
          .sort(),
      );
      assert.deepEqual(
        observed,
        [['public.readings_2024'], ['public.readings_2025'], ['public.readings_2024']],
        'pruning, routing, then both (readings_2025 already held)',
      );
      const predicted = r.statements.map((st) => st.predicted.map((p) => p.relation).sort());
      for (const p of predicted) assert.deepEqual(p, ['public.readings', 'public.readings_2024', 'public.readings_2025']);
    });

    for (const file of ['pglite.wasm', 'pglite.data']) {
      it(`a PGlite that cannot start (${file} unreadable) gives one clear line (exit 2), and check is unaffected`, () => {
        // A damaged installation, injected at the process edge: reads of that one PGlite file fail with EIO.
        // It used to end in a stack trace (a PGlite promise left unhandled) or, for the .wasm, exit 0 silently.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-preflight-broken-pglite-'));
        const preload = path.join(dir, 'broken.js');
        fs.writeFileSync(
          preload,
          `const fs = require('fs');
const bad = (p) => String(p instanceof URL ? p.pathname : p).replace(/\\\\/g, '/').endsWith('/@electric-sql/pglite/dist/${file}');
const eio = (p) => Object.assign(new Error('EIO: i/o error, read ${file}'), { code: 'EIO' });
const [rf, rfs, prf] = [fs.readFile, fs.readFileSync, fs.promises.readFile];
fs.readFile = function (p, ...a) { if (bad(p)) return process.nextTick(a[a.length - 1], eio(p)); return rf.call(this, p, ...a); };
fs.readFileSync = function (p, ...a) { if (bad(p)) throw eio(p); return rfs.call(this, p, ...a); };
fs.promises.readFile = function (p, ...a) { if (bad(p)) return Promise.reject(eio(p)); return prf.call(this, p, ...a); };
`,
        );
        const broken = (args: string[]) => {
          const r = spawnSync(process.execPath, ['--require', preload, BIN, ...args], {
            cwd: REALISTIC,
            encoding: 'utf8',
            env: { ...process.env, PG_PREFLIGHT_CACHE_DIR: 'off' },
            timeout: 120_000,
          });
          return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
        };
        try {
          const r = broken(['trace', 'migrations/20240301000000_loyalty.sql']);
          assert.equal(r.code, 2, r.stderr);
          assert.equal(r.stderr, `pg-preflight: trace: the embedded PostgreSQL (PGlite) could not start: EIO: i/o error, read ${file}\n`);
          assert.equal(r.stdout, '');
          const lint = broken(['check', 'migrations/20240301000000_loyalty.sql', '--fail-on', 'never', '--no-app-refs']);
          assert.equal(lint.code, 0, lint.stderr);
          assert.match(lint.stdout, /Risk score/);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    }

    it("a promise of other work rejected while PGlite starts does not fail the start (it failed the editor's dry run)", () => {
      // In its own process: the rejection must reach node's unhandledRejection, not the test runner's.
      const script = `
const { PgliteHost } = require(${JSON.stringify(path.join(REPO, 'server/dist/src/trace/host.js'))});
const host = new PgliteHost();
const started = host.instance([]);
Promise.reject(new Error('Connection is disposed'));
started.then(async ({ db }) => { const r = await db.query('select 1 as one'); console.log('ready', r.rows[0].one); await host.close(); },
  (err) => { console.log('failed:', err.message); });
process.on('unhandledRejection', () => undefined);
`;
      const r = spawnSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        env: { ...process.env, PG_PREFLIGHT_CACHE_DIR: 'off' },
        timeout: 120_000,
      });
      assert.equal(r.stdout.trim(), 'ready 1', r.stderr);
    });

    it('CLI: the json output follows trace-output.schema.json; text and markdown show the lock table', async () => {
      const json = await runMain(['trace', 'migrations/20240301000000_loyalty.sql', '--format', 'json'], REALISTIC);
      assert.equal(json.code, 0, json.stderr + json.stdout.slice(0, 2000));
      const out = JSON.parse(json.stdout);
      assert.deepEqual(check(SCHEMA, out), []);
      assert.deepEqual(
        Object.keys(out).filter((k) => ['engine', 'serverVersionNum', 'statements', 'disagreements'].includes(k)),
        ['engine', 'serverVersionNum', 'statements', 'disagreements'],
      );
      const st = out.statements[3];
      assert.deepEqual(Object.keys(st).slice(0, 4), ['range', 'sql', 'label', 'traced']);
      assert.ok('elapsedMs' in st && Array.isArray(st.observed) && Array.isArray(st.predicted));
      for (const format of ['text', 'markdown']) {
        const r = await runMain(['trace', 'migrations/20240301000000_loyalty.sql', '--format', format], REALISTIC);
        assert.equal(r.code, 0, r.stderr);
        for (const h of ['Statement', 'Relation', 'Mode (observed)', 'Mode (predicted)', 'Rewrite', 'Blocks', 'ms'])
          assert.ok(r.stdout.includes(h), `${format} lacks ${h}`);
        assert.match(r.stdout, /no disagreement with the lock model/);
      }
      const usage = await runMain(['trace'], REALISTIC);
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /^pg-preflight: trace: expected the migration file to trace/);
      const scratchAlone = await runMain(['trace', 'x.sql', '--scratch'], REALISTIC);
      assert.equal(scratchAlone.code, 2);
      assert.match(scratchAlone.stderr, /--scratch: marks the --database-url connection/);
    });
  });

  describe('on a PostgreSQL 15 scratch database', () => {
    let serverUrl: string;
    before(async () => {
      serverUrl = (await sharedPostgres()).url;
    });

    it('agrees with the lock model on the same realistic migration (the database holds the earlier migrations, with rows)', async () => {
      const url = await scratchDatabase(serverUrl);
      const m = migrationContext(TARGET);
      const r = await traceDocument({ text: m.text, path: m.path, priorFiles: m.priorFiles, database: { url, scratch: true } });
      assert.equal(r.engine, 'postgres');
      assert.equal(r.pgVersion, 15);
      assert.deepEqual(r.replayed, [], 'nothing is replayed into a scratch database');
      assertAgreesOnRealistic(r, m.text, false);
      assert.match(statementAt(r, m.text, 'CREATE INDEX CONCURRENTLY').notTracedReason ?? '', /--run-no-transaction/);
      // With rows, the INSERT's foreign key check is really taken on customers.
      const insert = statementAt(r, m.text, 'INSERT INTO public.loyalty_events');
      assert.ok(
        insert.observed.some(
          (o) => o.relation === 'public.customers' && (o.mode === 'RowShareLock' || o.alreadyHeld?.includes('RowShareLock')),
        ),
      );
    });

    it('samples CREATE INDEX CONCURRENTLY from a second connection (--run-no-transaction), then drops the index it built', async () => {
      const url = await scratchDatabase(serverUrl);
      const m = migrationContext(TARGET);
      const before = await databaseChecksum(url);
      const r = await traceDocument({
        text: m.text,
        path: m.path,
        priorFiles: m.priorFiles,
        database: { url, scratch: true, runNoTransaction: true },
      });
      assertAgreesOnRealistic(r, m.text, true);
      const cic = statementAt(r, m.text, 'CREATE INDEX CONCURRENTLY');
      assert.equal(cic.traced, true);
      assert.deepEqual(
        cic.observed.filter((o) => o.relkind === 'r').map((o) => [o.relation, o.mode]),
        [['public.customers', 'ShareUpdateExclusiveLock']],
      );
      assert.ok(cic.sampling && cic.sampling.samples > 0 && cic.sampling.waitSeen, JSON.stringify(cic.sampling));
      assert.match(cic.sampling.undo ?? '', /dropped the index public\.customers_name_idx/);
      assert.deepEqual(await databaseChecksum(url), before, 'the scratch database is as it was');
    });

    it('--run-no-transaction: DROP INDEX / REINDEX CONCURRENTLY and VACUUM FULL are sampled and undone; REINDEX DATABASE is never run', async () => {
      const url = await scratchDatabase(serverUrl);
      const before = await databaseChecksum(url);
      const text = [
        'DROP INDEX CONCURRENTLY public.orders_customer_id_idx;',
        'REINDEX TABLE CONCURRENTLY public.order_items;',
        'VACUUM FULL public.products;',
        `REINDEX DATABASE ${new URL(url).pathname.slice(1)};`,
      ].join('\n');
      const r = await traceDocument({ text, path: 'migrations/x.sql', database: { url, scratch: true, runNoTransaction: true } });
      assert.deepEqual(r.disagreements, [], r.disagreements.map((d) => d.message).join('; '));
      assert.deepEqual(
        r.statements.map((s) => s.how),
        ['sampled', 'sampled', 'sampled', 'not-traced'],
      );
      assert.match(r.statements[0].sampling?.undo ?? '', /re-created the index orders_customer_id_idx/);
      const vacuum = r.statements[2].observed.find((o) => o.relation === 'public.products');
      assert.deepEqual([vacuum?.mode, vacuum?.rewrite], ['AccessExclusiveLock', true], 'VACUUM FULL rewrites under ACCESS EXCLUSIVE');
      assert.match(r.statements[3].notTracedReason ?? '', /cannot undo/);
      assert.deepEqual(await databaseChecksum(url), before, 'the scratch database is as it was');
    });

    it('refuses a database that is not marked scratch, before connecting, without showing the password', async () => {
      const port = await freePort(); // nothing listens there
      const secretUrl = `postgresql://app:${PASSWORD}@127.0.0.1:${port}/prod`;
      const dir = tempProject({ 'migrations/001.sql': 'ALTER TABLE t ADD COLUMN x int;\n' });
      const r = runBin(['trace', 'migrations/001.sql', '--database-url', secretUrl], dir);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `^pg-preflight: --database-url: refusing to trace on app@127\\.0\\.0\\.1:${port}/prod: it is not marked as a scratch database`,
        ),
      );
      assert.ok(!r.stderr.includes(PASSWORD) && !/connect/i.test(r.stderr), 'refused before any connection attempt');
      // The same whatever else is given (formats, --run-no-transaction, a settings file that lists another database).
      fs.writeFileSync(
        path.join(dir, '.pg-preflight.json'),
        JSON.stringify({ scratchDatabaseUrls: [`postgresql://app@127.0.0.1:${port}/staging`] }),
      );
      const r2 = runBin(['trace', 'migrations/001.sql', '--database-url', secretUrl, '--run-no-transaction', '--format', 'json'], dir);
      assert.equal(r2.code, 2);
      assert.match(r2.stderr, /refusing to trace/);
      await assert.rejects(
        traceDocument({ text: 'SELECT 1;', database: { url: secretUrl } }),
        (e: unknown) => e instanceof TraceError && e.code === 'refused' && !e.message.includes(PASSWORD),
      );
    });

    it('accepts a database listed in scratchDatabaseUrls (passwords ignored in the comparison)', async () => {
      const url = await scratchDatabase(serverUrl, false);
      const u = new URL(url);
      const listed = `postgresql://${u.username}@${u.host}${u.pathname}`;
      const withPassword = `postgresql://${u.username}:${PASSWORD}@${u.host}${u.pathname}`;
      const dir = tempProject({
        '.pg-preflight.json': JSON.stringify({ scratchDatabaseUrls: [listed] }),
        'migrations/001.sql': 'ALTER TABLE public.customers ADD COLUMN x int;\n',
      });
      const r = runBin(['trace', 'migrations/001.sql', '--database-url', withPassword, '--format', 'json'], dir);
      assert.equal(r.code, 0, r.stderr);
      const json = JSON.parse(r.stdout);
      assert.equal(json.engine, 'postgres');
      assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD));
      assert.deepEqual(
        json.statements[0].observed.map((o: { relation: string; mode: string }) => [o.relation, o.mode]),
        [['public.customers', 'AccessExclusiveLock']],
      );
    });

    it('leaves the database exactly as it was (schema, data and sequence checksums): a full trace and one that fails half-way', async () => {
      const url = await scratchDatabase(serverUrl);
      const m = migrationContext(TARGET);
      const before = await databaseChecksum(url);
      const ok = await traceDocument({ text: m.text, path: m.path, priorFiles: m.priorFiles, database: { url, scratch: true } });
      assert.equal(ok.failedStatement, undefined);
      assert.deepEqual(await databaseChecksum(url), before, 'after a full trace');
      // Half-way: data and schema changed by earlier statements, sequences advanced, then a failure.
      const half = [
        "UPDATE public.customers SET name = 'changed';",
        'INSERT INTO public.orders (customer_id, total) SELECT id, 1 FROM public.customers LIMIT 50;',
        'ALTER TABLE public.order_items ALTER COLUMN qty TYPE bigint;',
        'ALTER TABLE public.customers ADD COLUMN flag boolean DEFAULT true;',
        'DELETE FROM public.order_items;',
        'ALTER TABLE public.customers ADD COLUMN broken int NOT NULL;',
        'DROP TABLE public.products CASCADE;',
      ].join('\n');
      const failed = await traceDocument({ text: half, path: 'migrations/x.sql', database: { url, scratch: true } });
      assert.equal(failed.failedStatement, 5, JSON.stringify(failed.statements.map((s) => s.error?.message ?? s.notTracedReason ?? 'ok')));
      assert.equal(failed.statements[5].error?.code, '23502');
      assert.equal(failed.rolledBack, true);
      assert.ok(
        failed.notes.some((n) => /restored sequence public\.orders_id_seq/.test(n)),
        failed.notes.join('; '),
      );
      assert.deepEqual(await databaseChecksum(url), before, 'after a trace that failed half-way');
    });

    it('leaves the database exactly as it was when the client is killed (kill -9) while a statement waits on a lock', async () => {
      const url = await scratchDatabase(serverUrl);
      const before = await databaseChecksum(url);
      const dir = tempProject({
        '.pg-preflight.json': JSON.stringify({ lockTimeout: '60s', statementTimeout: '120s' }),
        // No sequence moves before the kill: sequences are not transactional, and a killed client cannot
        // put them back (docs/trace.md says so). Data and schema changes are rolled back by PostgreSQL.
        'migrations/001_kill.sql':
          "UPDATE public.customers SET name = 'killed';\nDELETE FROM public.order_items WHERE qty > 1;\nALTER TABLE public.customers ADD COLUMN k0 int;\nALTER TABLE public.orders ADD COLUMN k int;\n",
      });
      const holder = new Client({ connectionString: url });
      await holder.connect();
      const watcher = new Client({ connectionString: url });
      await watcher.connect();
      let child: ReturnType<typeof spawn> | undefined;
      try {
        await holder.query('BEGIN');
        await holder.query('LOCK TABLE public.orders IN ACCESS SHARE MODE');
        child = spawn(process.execPath, [BIN, 'trace', 'migrations/001_kill.sql', '--database-url', url, '--scratch'], {
          cwd: dir,
          stdio: 'ignore',
        });
        const exited = new Promise<number | null>((resolve) => child!.on('exit', (code, signal) => resolve(signal ? null : code)));
        // Wait until the trace's ALTER TABLE is queued behind the test's lock.
        let waiting = false;
        for (let i = 0; i < 600 && !waiting; i++) {
          const r = await watcher.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'pg-preflight trace' AND wait_event_type = 'Lock' AND query LIKE 'ALTER TABLE public.orders ADD COLUMN k%'`,
          );
          waiting = r.rows[0].n > 0;
          if (!waiting) await sleep(50);
        }
        assert.ok(waiting, 'the trace reached the statement that waits on the lock');
        child.kill('SIGKILL');
        assert.equal(await exited, null, 'killed by the signal');
        await holder.query('ROLLBACK');
        // The backend notices its client is gone (client_connection_check_interval) and aborts the transaction.
        let gone = false;
        for (let i = 0; i < 600 && !gone; i++) {
          const r = await watcher.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE 'pg-preflight trace%'`,
          );
          gone = r.rows[0].n === 0;
          if (!gone) await sleep(50);
        }
        assert.ok(gone, "the killed client's session ended");
      } finally {
        if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await holder.end().catch(() => undefined);
        await watcher.end().catch(() => undefined);
      }
      assert.deepEqual(await databaseChecksum(url), before, 'identical after the kill');
    });
  });
});
