// The extension in a real VS Code (desktop through @vscode/test-electron, or code-server through
// scripts/e2e/run-ext-tests.mjs), on a temporary copy of test-fixtures/vscode/supabase-project: diagnostics,
// hover, a quick fix, the split command, the lock analysis view, New Migration, and the connection's status
// bar against a throwaway PostgreSQL this suite starts (connected, refused, auth failed). Every wait is on an
// event (diagnostics changed, connection state changed) with a deadline, never a fixed sleep.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { validateStatsSnapshot, type LockAnalysis, type SplitResult, type VerifyLocksResult } from '@pg-preflight/shared';
import type { PgPreflightApi } from '../../src/extension';

const EXTENSION_ID = 'pg-preflight.pg-preflight';
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

interface ThrowawayPostgres {
  url: string;
  port: number;
  major: number;
  stop(): Promise<void>;
}

let api: PgPreflightApi;
let folder: vscode.Uri;
const migration = (name: string) => vscode.Uri.joinPath(folder, 'supabase', 'migrations', name);

/** Resolves with the value once `probe` returns one, re-checking on every event; rejects after `ms`. */
function until<T>(what: string, probe: () => T | undefined | false, events: vscode.Event<unknown>[], ms = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const subs: vscode.Disposable[] = [];
    const done = (fn: () => void) => {
      clearTimeout(timer);
      for (const s of subs) s.dispose();
      fn();
    };
    const check = () => {
      let v: T | undefined | false;
      try {
        v = probe();
      } catch (err) {
        done(() => reject(err));
        return;
      }
      if (v) done(() => resolve(v as T));
    };
    const timer = setTimeout(() => done(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`))), ms);
    for (const e of events) subs.push(e(check));
    check();
  });
}

function diagnosticsFor(uri: vscode.Uri, predicate: (d: vscode.Diagnostic[]) => boolean, what: string): Promise<vscode.Diagnostic[]> {
  return until(what, () => {
    const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'pg-preflight');
    return predicate(d) ? d : undefined;
  }, [vscode.languages.onDidChangeDiagnostics as vscode.Event<unknown>]);
}

const ruleOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' && d.code ? String(d.code.value) : String(d.code));

function statusText(): string {
  return api.statusBar.text;
}

function stateChange(): vscode.Event<unknown> {
  return (listener: (e: unknown) => unknown) => api.database.connection.onDidChange(listener) as vscode.Disposable;
}

before(async function () {
  this.timeout(120_000);
  const ext = vscode.extensions.getExtension<PgPreflightApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
  api = await ext.activate();
  await api.ready;
  const ws = vscode.workspace.workspaceFolders?.[0];
  assert.ok(ws, 'the runner must open a copy of test-fixtures/vscode/supabase-project');
  folder = ws.uri;
  assert.ok(fs.existsSync(migration('20240301000000_orders_by_user.sql').fsPath), 'the workspace is not the supabase-project fixture');
});

describe('language features', () => {
  let doc: vscode.TextDocument;

  it('activates on a Supabase migration and publishes diagnostics', async () => {
    doc = await vscode.workspace.openTextDocument(migration('20240301000000_orders_by_user.sql'));
    await vscode.window.showTextDocument(doc);
    const diags = await diagnosticsFor(
      doc.uri,
      (d) => d.some((x) => ruleOf(x) === 'require-concurrent-index-creation'),
      'require-concurrent-index-creation',
    );
    const d = diags.find((x) => ruleOf(x) === 'require-concurrent-index-creation')!;
    assert.equal(d.range.start.line, 1);
    assert.match(d.message, /SHARE lock on public\.orders/);
  });

  it('hovers the statement with its lock mode', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(1, 3));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
    assert.match(text, /SHARE/);
    assert.match(text, /public\.orders/);
  });

  it('applies the CONCURRENTLY quick fix', async () => {
    // VS Code hands the provider the diagnostics it holds for the range at that moment, and may cancel
    // the request (CI runs saw an empty list, and once "Canceled"). Ask again for a few seconds before
    // concluding there is no fix.
    let titles: string[] = [];
    let fix: vscode.CodeAction | undefined;
    for (const end = Date.now() + 10_000; !fix?.edit && Date.now() < end; ) {
      const d = vscode.languages.getDiagnostics(doc.uri).find((x) => ruleOf(x) === 'require-concurrent-index-creation');
      const actions = d
        ? await vscode.commands
            .executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value)
            .then(
              (a) => a,
              (err: Error) => {
                if (err?.name !== 'Canceled' && err?.message !== 'Canceled') throw err;
                return [] as vscode.CodeAction[];
              },
            )
        : [];
      titles = actions.map((a) => a.title);
      fix = actions.find((a) => /CONCURRENTLY/.test(a.title));
      if (!fix?.edit) await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(fix?.edit, `no CONCURRENTLY quick fix among: ${titles.join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    // The Supabase CLI runs a file in a transaction, where CONCURRENTLY cannot run: the fix may move the
    // statement into a new migration file. Either way some document now builds the index CONCURRENTLY.
    const touched = fix.edit.entries().map(([u]) => u);
    const texts = await Promise.all(touched.map(async (u) => (await vscode.workspace.openTextDocument(u)).getText()));
    assert.ok(
      texts.some((t) => /create\s+index\s+concurrently\s+(if\s+not\s+exists\s+)?orders_user_id_idx/i.test(t)),
      texts.join('\n---\n'),
    );
    await diagnosticsFor(doc.uri, (x) => !x.some((y) => ruleOf(y) === 'require-concurrent-index-creation'), 'the finding to go away');
  });

  it('inserts the safety header', async () => {
    const tighten = await vscode.workspace.openTextDocument(migration('20240401000000_tighten_orders.sql'));
    await vscode.window.showTextDocument(tighten);
    await diagnosticsFor(tighten.uri, (d) => d.length > 0, 'diagnostics of tighten_orders');
    await vscode.commands.executeCommand('pgPreflight.insertSafetyHeader', tighten.uri.toString());
    assert.match(tighten.getText(), /SET lock_timeout = '5s'/i);
    assert.match(tighten.getText(), /SET statement_timeout = '30s'/i);
    await vscode.commands.executeCommand('undo');
  });

  it('shows the lock analysis timeline in a webview with a strict CSP', async () => {
    const uri = migration('20240401000000_tighten_orders.sql');
    const result = await vscode.commands.executeCommand<LockAnalysis>('pgPreflight.showLockAnalysis', uri.toString());
    assert.ok(result && Array.isArray(result.rows) && result.rows.length >= 3, JSON.stringify(result));
    const html = api.panel.html;
    assert.match(html, /Risk \d+\/10/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src [^;]* 'nonce-[^']+'; script-src 'nonce-/);
    assert.equal((html.match(/class="row"/g) ?? []).length, new Set(result.rows.map((r) => r.statementIndex)).size);
    assert.doesNotMatch(html, /\sstyle="/);
  });

  it('verifies the locks on the embedded PostgreSQL and shows them on the statements until the next edit', async function () {
    this.timeout(120_000);
    const uri = migration('20240401000000_tighten_orders.sql');
    const tighten = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(tighten);
    const result = await vscode.commands.executeCommand<VerifyLocksResult>('pgPreflight.verifyLocks', uri.toString());
    assert.ok(result?.traced, `not traced: ${result?.reason ?? JSON.stringify(result)}`);
    assert.equal(result.engine, 'pglite');
    assert.equal(result.rolledBack, true);
    assert.equal(result.tracedStatements, 3, result.summary);
    const traced = await until("the dry run's diagnostics", () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'pg-preflight trace');
      return d.length ? d : undefined;
    }, [vscode.languages.onDidChangeDiagnostics as vscode.Event<unknown>]);
    const typeChange = traced.find((d) => /bigint/.test(tighten.lineAt(d.range.start.line).text));
    assert.ok(typeChange, traced.map((d) => `${d.range.start.line}: ${d.message}`).join('\n'));
    assert.equal(typeChange.severity, vscode.DiagnosticSeverity.Information);
    // The earlier SET NOT NULL already holds ACCESS EXCLUSIVE (the mode the model predicts here):
    // PostgreSQL shows the type change's new SHARE (the index rebuild) and the rewrite (a new relfilenode).
    assert.match(
      typeChange.message,
      /^Dry run \(PGlite, PostgreSQL 18, in a transaction, rolled back, [\d.]+ ms\): SHARE on public\.orders \(rewrite; ACCESS EXCLUSIVE already held by an earlier statement\)/,
    );
    assert.equal(api.ui.lastVerify?.version, result.version);
    // An edit clears them; undo restores the text but not the stale results.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(0, 0), '-- reviewed\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await until(
      "the dry run's diagnostics to clear",
      () => !vscode.languages.getDiagnostics(uri).some((x) => x.source === 'pg-preflight trace'),
      [vscode.languages.onDidChangeDiagnostics as vscode.Event<unknown>],
    );
    await vscode.commands.executeCommand('undo');
  });

  it('splits a migration into zero-downtime steps and creates the files', async () => {
    const uri = migration('20240401000000_tighten_orders.sql');
    const before = new Set(fs.readdirSync(path.dirname(uri.fsPath)));
    const result = await vscode.commands.executeCommand<SplitResult>('pgPreflight.splitIntoSteps', uri.toString());
    assert.ok(result?.applied, `not applied: ${result?.reason ?? JSON.stringify(result)}`);
    assert.ok(result.steps.length >= 2, `${result.steps.length} steps`);
    const created = result.steps.slice(1).map((s) => vscode.Uri.parse(s.uri));
    for (const u of created) {
      assert.ok(fs.existsSync(u.fsPath), `${u.fsPath} was not created`);
      assert.ok(!before.has(path.basename(u.fsPath)), `${u.fsPath} existed before`);
      const text = (await vscode.workspace.openTextDocument(u)).getText();
      assert.ok(text.trim().length > 0, `${u.fsPath} is empty`);
    }
    // The created files are open for review.
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    for (const u of created) assert.ok(open.has(u.toString()), `${u} is not open`);
    await vscode.commands.executeCommand('workbench.action.files.saveAll');
  });

  it('creates a new Supabase migration named with a 14-digit UTC timestamp', async () => {
    const started = new Date();
    const uri = await vscode.commands.executeCommand<vscode.Uri>('pgPreflight.newMigration', {
      folder: 'supabase/migrations',
      description: 'Add orders status index',
    });
    const name = path.basename(uri.fsPath);
    const m = /^(\d{14})_add_orders_status_index\.sql$/.exec(name);
    assert.ok(m, name);
    const ts = m[1];
    const t = Date.UTC(+ts.slice(0, 4), +ts.slice(4, 6) - 1, +ts.slice(6, 8), +ts.slice(8, 10), +ts.slice(10, 12), +ts.slice(12, 14));
    assert.ok(Math.abs(t - started.getTime()) < 120_000, `${ts} is not now in UTC`);
    assert.match(fs.readFileSync(uri.fsPath, 'utf8'), /SET lock_timeout = '5s';/);
  });

  it('registers the postgres language for .pgsql files and lints them', async () => {
    const uri = vscode.Uri.joinPath(folder, 'scratch.pgsql');
    fs.writeFileSync(uri.fsPath, 'ALTER TABLE public.orders ADD CONSTRAINT c CHECK (total_cents >= 0);\n');
    const pg = await vscode.workspace.openTextDocument(uri);
    assert.equal(pg.languageId, 'postgres');
    await vscode.window.showTextDocument(pg);
    await diagnosticsFor(
      uri,
      (d) => d.some((x) => ruleOf(x) === 'constraint-missing-not-valid'),
      'constraint-missing-not-valid in a .pgsql file',
    );
  });
});

describe('database connection and status bar (throwaway PostgreSQL)', function () {
  let pg: ThrowawayPostgres | undefined;

  before(async function () {
    this.timeout(180_000);
    const support = path.join(ROOT, 'server', 'dist', 'test', 'support', 'postgres.js');
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const { startThrowawayPostgres } = require(support) as { startThrowawayPostgres(): Promise<ThrowawayPostgres> };
      pg = await startThrowawayPostgres();
    } catch (err) {
      console.log(`SKIP database tests: no PostgreSQL server binaries here (${(err as Error).message.split('\n')[0]})`);
      this.skip();
    }
    const { Client } = require('pg') as typeof import('pg');
    const c = new Client({ connectionString: pg!.url });
    await c.connect();
    await c.query(fs.readFileSync(path.join(ROOT, 'test-fixtures', 'vscode', 'database.sql'), 'utf8'));
    await c.end();
  });

  after(async function () {
    this.timeout(60_000);
    await api?.database.connection.disconnect();
    await pg?.stop();
  });

  it('starts not connected', () => {
    assert.equal(api.database.connection.state.kind === 'connected', false);
    assert.match(statusText(), /pg-preflight: (not connected|error)/);
  });

  it('connects, shows "<name> · PG <version> · stats just now", and the findings scale with the sizes', async () => {
    const doc = await vscode.workspace.openTextDocument(migration('20240101000000_init.sql'));
    const other = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'scratch.pgsql'));
    await vscode.window.showTextDocument(other);
    await diagnosticsFor(other.uri, (d) => d.some((x) => ruleOf(x) === 'constraint-missing-not-valid'), 'constraint-missing-not-valid');
    assert.ok(doc);
    const ok = await vscode.commands.executeCommand<boolean>('pgPreflight.connect', { url: pg!.url, name: 'test-db', save: false });
    assert.equal(ok, true, statusText());
    assert.match(statusText(), new RegExp(`pg-preflight: test-db · PG ${pg!.major}\\.\\d+ · stats just now`));
    // 300,000 orders: the CHECK's full-table scan under a blocking lock is now an error.
    await diagnosticsFor(
      other.uri,
      (d) => d.some((x) => ruleOf(x) === 'constraint-missing-not-valid' && x.severity === vscode.DiagnosticSeverity.Error),
      'an error-severity finding once sizes are known',
    );
  });

  it('exports the statistics snapshot that pg-preflight check --stats reads', async () => {
    const target = path.join(folder.fsPath, 'stats.json');
    const written = await vscode.commands.executeCommand<string>('pgPreflight.exportStatistics', target);
    assert.equal(written, target);
    const v = validateStatsSnapshot(JSON.parse(fs.readFileSync(target, 'utf8')));
    assert.ok(v.ok, v.ok ? '' : v.error);
    assert.ok(v.snapshot.tables.some((t) => t.name === 'orders' && t.rows >= 250_000));
    assert.ok(!fs.readFileSync(target, 'utf8').includes(pg!.url), 'the URL is not in the snapshot');
  });

  it('shows "error: connection refused" with one notification, and linting carries on', async () => {
    const before = api.database.notifications.length;
    const refusedUrl = `postgresql://postgres@127.0.0.1:${pg!.port === 1 ? 2 : 1}/postgres`;
    const ok = await vscode.commands.executeCommand<boolean>('pgPreflight.connect', { url: refusedUrl, name: 'nowhere', save: false });
    assert.equal(ok, false);
    assert.match(statusText(), /pg-preflight: error: connection refused/);
    assert.equal(api.database.notifications.length, before + 1);
    assert.match(api.database.notifications[api.database.notifications.length - 1], /connection refused/);
    const state = api.database.connection.state;
    assert.ok(state.kind === 'error' && state.retryAt !== undefined, 'a transient fault is retried');
    // A retry that fails again does not notify again.
    await api.database.connection.refresh(false);
    assert.equal(api.database.notifications.length, before + 1);
    const other = vscode.Uri.joinPath(folder, 'scratch.pgsql');
    assert.ok(vscode.languages.getDiagnostics(other).some((x) => ruleOf(x) === 'constraint-missing-not-valid'));
  });

  it('shows "error: auth failed" for an unknown role, without retrying on its own', async () => {
    const u = new URL(pg!.url);
    u.username = 'no_such_role';
    const ok = await vscode.commands.executeCommand<boolean>('pgPreflight.connect', { url: u.toString(), name: 'bad-role', save: false });
    assert.equal(ok, false);
    assert.match(statusText(), /pg-preflight: error: auth failed/);
    const state = api.database.connection.state;
    assert.ok(state.kind === 'error' && state.code === 'auth' && state.retryAt === undefined);
  });

  it('keeps a URL given to Connect in SecretStorage, never in the settings', async () => {
    const url = `${pg!.url}${pg!.url.includes('?') ? '&' : '?'}application_name=secret-test`;
    assert.equal(await vscode.commands.executeCommand<boolean>('pgPreflight.connect', { url, name: 'saved-db' }), true);
    const saved = await api.database.saved();
    assert.deepEqual(saved, { url, name: 'saved-db' });
    const cfg = vscode.workspace.getConfiguration('pgPreflight');
    assert.ok(!JSON.stringify(cfg).includes('secret-test'), 'the URL is not in any pgPreflight setting');
    const settingsFile = vscode.Uri.joinPath(folder, '.vscode', 'settings.json');
    assert.ok(!fs.existsSync(settingsFile.fsPath) || !fs.readFileSync(settingsFile.fsPath, 'utf8').includes('secret-test'));
  });

  it('reconnects, then disconnects to "not connected"', async () => {
    assert.equal(
      await vscode.commands.executeCommand<boolean>('pgPreflight.connect', { url: pg!.url, name: 'test-db', save: false }),
      true,
    );
    await until('connected', () => api.database.connection.state.kind === 'connected', [stateChange()]);
    await vscode.commands.executeCommand('pgPreflight.disconnect');
    assert.match(statusText(), /pg-preflight: not connected/);
    assert.equal(await api.database.saved(), undefined, 'Disconnect forgets the saved URL');
  });
});
