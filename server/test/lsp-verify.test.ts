// pgPreflight.verifyLocks, the dry run in the editor: the language server runs the open document on the
// embedded PostgreSQL (PGlite) or on a scratch PostgreSQL 15 the settings list, and shows what the engine
// did as diagnostics on the statements until the next edit. Real engines, a real LSP client connection.
import { strict as assert } from 'assert';
import { COMMANDS, type VerifyLocksResult } from '@pg-preflight/shared';
import { Client } from 'pg';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { loadParser } from '../src/core/syntax/parse';
import { LineIndex } from '../src/core/syntax/text';
import { databaseChecksum } from './support/checksum';
import { FULL_CAPABILITIES, LspClient } from './support/lsp-client';
import { Project } from './support/lsp-project';
import { sharedPostgres } from './support/postgres';

const TRACE_SOURCE = 'pg-preflight trace';
const FOLDER = 'migrations';

const SCHEMA = `CREATE TABLE public.customers (id bigserial PRIMARY KEY, email text NOT NULL);
CREATE TABLE public.orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES public.customers (id), total numeric NOT NULL, status text);
`;

// Non-ASCII before and inside the statements: ranges must still land on the right lines and columns.
const MIGRATION = `-- Lieferstatus für Bestellungen ✓ 😀
SET lock_timeout = '5s';
ALTER TABLE public.orders ADD COLUMN note text DEFAULT 'née';
CREATE INDEX orders_status_idx ON public.orders (status);
CREATE INDEX CONCURRENTLY orders_total_idx ON public.orders (total);
UPDATE public.orders SET status = 'ok' WHERE status IS NULL;
`;

function traceDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.filter((d) => d.source === TRACE_SOURCE);
}

function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  return new LineIndex(text).positionAt(i).line;
}

function at(ds: Diagnostic[], line: number, code: string): Diagnostic {
  const d = ds.find((x) => x.range.start.line === line && x.code === code);
  assert.ok(d, `no ${code} on line ${line} among ${ds.map((x) => `${x.code}@${x.range.start.line}`).join(', ')}`);
  return d;
}

describe('lsp: pgPreflight.verifyLocks (the dry run in the editor)', function () {
  this.timeout(120_000);
  before(loadParser);

  describe('on the embedded engine (PGlite)', () => {
    let project: Project;
    let c: LspClient;
    before(async () => {
      project = new Project({ '.pg-preflight.json': '{}', [`${FOLDER}/20240101000000_schema.sql`]: SCHEMA });
      c = await LspClient.inProcess();
      await c.initialize(project.uri(''));
    });
    after(async () => {
      await c.shutdown();
      c.dispose();
      project.remove();
    });

    it('is advertised among the commands', () => {
      assert.ok(c.initializeResult!.capabilities.executeCommandProvider!.commands.includes(COMMANDS.verifyLocks));
    });

    it('puts what PostgreSQL did on each statement as information diagnostics, beside the lint, with progress', async () => {
      const uri = project.uri(`${FOLDER}/20240201000000_orders_note.sql`);
      await c.open(uri, MIGRATION);
      const lint = await c.diagnostics(uri);
      assert.deepEqual(traceDiagnostics(lint), [], 'no dry-run results before the command');
      const progressBefore = c.progress.length;
      const r = (await c.executeCommand(COMMANDS.verifyLocks, [uri])) as VerifyLocksResult;
      assert.equal(r.traced, true, r.reason);
      assert.equal(r.engine, 'pglite');
      assert.ok(r.serverVersionNum! >= 180000, String(r.serverVersionNum));
      assert.equal(r.replayed, 1, 'the earlier migration rebuilt the schema');
      assert.equal(r.rolledBack, true);
      assert.equal(r.disagreements, 0, r.summary);
      assert.equal(r.notTracedStatements, 1, 'CONCURRENTLY cannot run on the embedded engine');
      assert.equal(r.tracedStatements, 4);
      assert.match(r.summary, /4 statements traced on PGlite \(PostgreSQL 18\); 1 not traced .*the locks match the model; rolled back/);

      const all = await c.diagnostics(uri, r.version);
      const trace = traceDiagnostics(all);
      // The lint's findings are still there, next to the dry run's.
      assert.ok(
        all.some((d) => d.source === 'pg-preflight' && d.code === 'require-concurrent-index-creation'),
        all.map((d) => d.code).join(', '),
      );
      const addColumn = at(trace, lineOf(MIGRATION, 'ALTER TABLE'), 'trace-observed');
      assert.equal(addColumn.severity, 3 /* Information */);
      assert.match(
        addColumn.message,
        /^Dry run \(PGlite, PostgreSQL 18, in a transaction, rolled back, [\d.]+ ms\): ACCESS EXCLUSIVE on public\.orders — as the model predicts\. Changes: column public\.orders\.note added/,
      );
      assert.deepEqual(addColumn.range, { start: { line: 2, character: 0 }, end: { line: 2, character: MIGRATION.split('\n')[2].length } });
      assert.match(
        at(trace, lineOf(MIGRATION, 'CREATE INDEX orders_status_idx'), 'trace-observed').message,
        /: SHARE on public\.orders \(ACCESS EXCLUSIVE already held by an earlier statement\) — as the model predicts/,
      );
      assert.match(at(trace, lineOf(MIGRATION, 'UPDATE'), 'trace-observed').message, /ROW EXCLUSIVE on public\.orders/);
      const cic = at(trace, lineOf(MIGRATION, 'CONCURRENTLY'), 'trace-not-traced');
      assert.match(cic.message, /not traced on the embedded engine.*The model predicts SHARE UPDATE EXCLUSIVE on public\.orders/);
      assert.ok(
        trace.every((d) => d.severity === 3),
        'observations are information',
      );

      const values = c.progress.slice(progressBefore).map((p) => (p as { value: { kind: string; message?: string } }).value);
      assert.equal(values[0].kind, 'begin');
      assert.equal(values[values.length - 1].kind, 'end');
      assert.ok(
        values.some((v) => v.kind === 'report' && /statement|replay/i.test(v.message ?? '')),
        JSON.stringify(values),
      );
    });

    it('the next edit clears the dry run; a second run is warm and gives the same observations', async () => {
      const uri = project.uri(`${FOLDER}/20240201000000_orders_note.sql`);
      const v = await c.append(uri, '-- reviewed\n');
      const after = await c.diagnostics(uri, v);
      assert.deepEqual(traceDiagnostics(after), [], 'cleared by the edit');
      assert.ok(
        after.some((d) => d.source === 'pg-preflight'),
        'the lint stays',
      );
      const r = (await c.executeCommand(COMMANDS.verifyLocks, [uri])) as VerifyLocksResult;
      assert.equal(r.traced, true);
      assert.equal(r.version, v);
      const again = traceDiagnostics(await c.diagnostics(uri, v));
      assert.equal(again.filter((d) => d.code === 'trace-observed').length, 4);
    });

    it('a statement PostgreSQL refuses: an error at its range after non-ASCII text, the rest not traced', async () => {
      const uri = project.uri(`${FOLDER}/20240202000000_broken.sql`);
      const text =
        "-- é ✓ 😀\nALTER TABLE public.orders ADD COLUMN flag boolean;\nUPDATE public.orders SET status = 'é ✓ 😀' || nosuch_col; -- typo\nCREATE INDEX ON public.orders (flag);\n";
      await c.open(uri, text);
      const r = (await c.executeCommand(COMMANDS.verifyLocks, [uri])) as VerifyLocksResult;
      assert.equal(r.traced, true);
      assert.deepEqual(r.failed, { line: 2, message: 'column "nosuch_col" does not exist' });
      const trace = traceDiagnostics(await c.diagnostics(uri, r.version));
      const err = at(trace, 2, 'trace-failed');
      assert.equal(err.severity, 1 /* Error */);
      assert.match(err.message, /column "nosuch_col" does not exist.*The statements after it were not traced/);
      // PostgreSQL's error position (UTF-8 bytes into the statement) lands on the column name in UTF-16.
      assert.equal(err.range.start.character, text.split('\n')[2].indexOf('nosuch_col'));
      assert.ok(!trace.some((d) => d.range.start.line === 3), 'nothing after the failure');
      assert.match(r.summary, /line 3 fails: column "nosuch_col" does not exist/);
    });

    it('a broken earlier migration is named on the first line; nothing is traced', async () => {
      const p = new Project({
        '.pg-preflight.json': '{}',
        [`${FOLDER}/20240101000000_schema.sql`]: SCHEMA,
        [`${FOLDER}/20240102000000_bad.sql`]: 'ALTER TABLE public.nope ADD COLUMN y int;\n',
      });
      const c2 = await LspClient.inProcess();
      try {
        await c2.initialize(p.uri(''));
        const uri = p.uri(`${FOLDER}/20240201000000_next.sql`);
        await c2.open(uri, 'CREATE INDEX ON public.orders (status);\n');
        const r = (await c2.executeCommand(COMMANDS.verifyLocks, [uri])) as VerifyLocksResult;
        assert.equal(r.replayFailure?.path, `${FOLDER}/20240102000000_bad.sql`);
        const trace = traceDiagnostics(await c2.diagnostics(uri, r.version));
        assert.equal(trace.length, 1);
        assert.equal(trace[0].code, 'trace-replay-failed');
        assert.equal(trace[0].range.start.line, 0);
        assert.match(
          trace[0].message,
          /earlier migration migrations\/20240102000000_bad\.sql fails .*relation "public\.nope" does not exist/,
        );
      } finally {
        await c2.shutdown();
        c2.dispose();
        p.remove();
      }
    });

    it('an edit while the dry run runs: nothing stale is shown', async () => {
      const uri = project.uri(`${FOLDER}/20240203000000_race.sql`);
      await c.open(uri, 'ALTER TABLE public.orders ADD COLUMN r1 int;\nCREATE INDEX ON public.orders (r1);\n');
      await c.diagnostics(uri);
      const pending = c.executeCommand(COMMANDS.verifyLocks, [uri]) as Promise<VerifyLocksResult>;
      const v = await c.append(uri, '-- typing\n');
      const r = await pending;
      assert.equal(r.traced, false);
      assert.match(r.reason!, /the document changed during the dry run/);
      assert.deepEqual(traceDiagnostics(await c.diagnostics(uri, v)), []);
    });

    it('a database URL the settings do not mark as scratch is refused before any connection', async () => {
      const uri = project.uri(`${FOLDER}/20240201000000_orders_note.sql`);
      const url = 'postgres://app:s3cret-pw@127.0.0.1:1/production';
      const r = (await c.executeCommand(COMMANDS.verifyLocks, [uri, { databaseUrl: url }])) as VerifyLocksResult;
      assert.equal(r.traced, false);
      assert.match(r.reason!, /not marked as a scratch database/);
      assert.ok(!JSON.stringify(r).includes('s3cret-pw'), 'no password in the result');
      await assert.rejects(c.executeCommand(COMMANDS.verifyLocks, [uri, 'postgres://x']), /second argument/);
      await assert.rejects(c.executeCommand(COMMANDS.verifyLocks, [project.uri('nowhere.sql')]), /not open/);
    });
  });

  describe('pull diagnostics', () => {
    it('a pull after the dry run returns its diagnostics under a new result id', async () => {
      const project = new Project({ '.pg-preflight.json': '{}', [`${FOLDER}/20240101000000_schema.sql`]: SCHEMA });
      const caps = {
        ...FULL_CAPABILITIES,
        textDocument: { ...FULL_CAPABILITIES.textDocument, diagnostic: { dynamicRegistration: false } },
        workspace: { ...FULL_CAPABILITIES.workspace, diagnostics: { refreshSupport: true } },
      };
      const c = await LspClient.inProcess({ capabilities: caps });
      try {
        await c.initialize(project.uri(''));
        const uri = project.uri(`${FOLDER}/20240201000000_idx.sql`);
        await c.open(uri, 'CREATE INDEX ON public.orders (status);\n');
        const first = await c.pull(uri);
        assert.equal(first.kind, 'full');
        assert.deepEqual(traceDiagnostics(first.items!), []);
        const r = (await c.executeCommand(COMMANDS.verifyLocks, [uri])) as VerifyLocksResult;
        assert.equal(r.traced, true, r.reason);
        const second = await c.pull(uri, first.resultId);
        assert.equal(second.kind, 'full', 'the dry run changed what is shown');
        assert.notEqual(second.resultId, first.resultId);
        assert.match(at(traceDiagnostics(second.items!), 0, 'trace-observed').message, /SHARE on public\.orders/);
      } finally {
        await c.shutdown();
        c.dispose();
        project.remove();
      }
    });
  });

  describe('on a scratch PostgreSQL 15 listed in scratchDatabaseUrls', () => {
    it('traces there, leaves the database as it was, and says which engine it used', async () => {
      const serverUrl = (await sharedPostgres()).url;
      const name = `pgpf_lsp_verify_${process.pid}`;
      const admin = new Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const u = new URL(serverUrl);
      u.pathname = `/${name}`;
      const url = u.toString();
      const db = new Client({ connectionString: url });
      await db.connect();
      await db.query(SCHEMA);
      await db.query(
        `INSERT INTO public.customers (email) SELECT 'c' || g FROM generate_series(1, 50) g; INSERT INTO public.orders (customer_id, total) SELECT id, id FROM public.customers;`,
      );
      await db.end();

      const project = new Project({ '.pg-preflight.json': JSON.stringify({ scratchDatabaseUrls: [url] }) });
      const c = await LspClient.inProcess();
      try {
        await c.initialize(project.uri(''));
        const uri = project.uri(`${FOLDER}/20240201000000_orders_note.sql`);
        await c.open(uri, MIGRATION);
        const before = await databaseChecksum(url);
        const r = (await c.executeCommand(COMMANDS.verifyLocks, [uri, { databaseUrl: url }])) as VerifyLocksResult;
        assert.equal(r.traced, true, r.reason);
        assert.equal(r.engine, 'postgres');
        assert.equal(Math.floor(r.serverVersionNum! / 10000), 15);
        assert.equal(r.disagreements, 0, r.summary);
        assert.deepEqual(await databaseChecksum(url), before, 'schema and data as before the dry run');
        const trace = traceDiagnostics(await c.diagnostics(uri, r.version));
        assert.match(
          at(trace, lineOf(MIGRATION, 'ALTER TABLE'), 'trace-observed').message,
          /^Dry run \(PostgreSQL 15 scratch database, in a transaction, rolled back, [\d.]+ ms\): ACCESS EXCLUSIVE on public\.orders/,
        );
        assert.match(at(trace, lineOf(MIGRATION, 'CONCURRENTLY'), 'trace-not-traced').message, /runNoTransaction|run-no-transaction/);
      } finally {
        await c.shutdown();
        c.dispose();
        project.remove();
      }
    });
  });
});
