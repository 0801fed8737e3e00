// The language server's bound on analysis work (issue 10 §2): a large or slow document is analysed in a
// worker thread, so hovers and code actions on other documents are answered while it runs; its
// diagnostics still arrive and equal analyze()'s; edits during its analysis publish only the newest
// version; its quick fixes are rendered in the worker; an analysis past the budget is stopped and
// reported. Order of events is asserted, not wall-clock thresholds.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { analyze, RULE_CRASH } from '../src/core/analyze';
import { loadParser } from '../src/core/syntax/parse';
import { LineIndex } from '../src/core/syntax/text';
import type { InternalStats } from '../src/lsp/server';
import { generateMigration } from '../bench/bench';
import { LspClient } from './support/lsp-client';
import { Project } from './support/lsp-project';

const INDEX = 'CREATE INDEX ON public.orders (status);\n';

function expected(text: string, rel: string): string[] {
  const a = analyze({ text, path: rel });
  const lines = new LineIndex(text);
  return a.violations
    .filter((v) => v.rule !== RULE_CRASH)
    .map((v) => `${v.rule}@${JSON.stringify(lines.rangeOf(v.span))}`)
    .sort();
}

function got(ds: Diagnostic[]): string[] {
  return ds.map((d) => `${d.code}@${JSON.stringify(d.range)}`).sort();
}

const stats = (c: LspClient) => c.connection.sendRequest('pgPreflight/internalStats') as Promise<InternalStats>;
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lsp: analysis off the request loop', function () {
  this.timeout(300_000);
  // ~1.8 million characters of generated statements: over a second of analysis on this machine.
  let big: string;
  let project: Project;
  let c: LspClient;
  const smallRel = 'supabase/migrations/20240101000000_small.sql';

  before(async () => {
    await loadParser();
    big = generateMigration(15_000, 'bound') + '\n' + INDEX;
    project = new Project();
    c = await LspClient.inProcess({});
    await c.initialize(project.uri(''));
    await c.open(project.uri(smallRel), INDEX);
    await c.diagnostics(project.uri(smallRel), 1);
  });
  after(() => {
    c.dispose();
    project.remove();
  });
  afterEach(() => c.assertNoErrors());

  it('a hover and a code action on another document are answered before the large document is analysed', async () => {
    const small = project.uri(smallRel);
    const smallDiags = c.published.get(small)!.diagnostics;
    assert.ok(smallDiags.some((d) => d.code === 'require-concurrent-index-creation'));
    const rel = 'supabase/migrations/20240102000000_big.sql';
    const uri = project.uri(rel);
    const events: string[] = [];
    const done = c
      .waitFor(uri, (p) => p.version === 1)
      .then((p) => {
        events.push('big diagnostics');
        return p;
      });
    const before = await stats(c);
    await c.open(uri, big);
    // Give the server time to start on the large document (on the request loop, without the worker).
    await tick(150);
    const hover = c.hover(small, 0, 3).then((h) => {
      events.push('hover');
      return h;
    });
    const actions = c.codeActions(small, smallDiags).then((a) => {
      events.push('code actions');
      return a;
    });
    const [h, a, p] = await Promise.all([hover, actions, done]);
    assert.deepEqual(events, ['hover', 'code actions', 'big diagnostics']);
    assert.match(JSON.stringify(h), /CREATE INDEX/);
    assert.ok(
      a.some((x) => /CONCURRENTLY/i.test(x.title)),
      a.map((x) => x.title).join('; '),
    );
    assert.deepEqual(got(p.diagnostics), expected(big, rel), "the large document's diagnostics are analyze()'s");
    const after = await stats(c);
    assert.ok(after.workerJobs > before.workerJobs, 'the large document went to the worker');

    // Its own requests wait for the worker's analysis and carry its quick fixes (rendered in the worker).
    const idx = p.diagnostics.find(
      (d) => d.code === 'require-concurrent-index-creation' && d.range.start.line === c.text(uri).split('\n').length - 2,
    )!;
    assert.ok(idx, 'the appended CREATE INDEX is flagged');
    const own = await c.codeActions(uri, [idx]);
    const fix = own.find((x) => /CONCURRENTLY/i.test(x.title));
    assert.ok(fix?.edit, own.map((x) => x.title).join('; '));
    assert.match(JSON.stringify(fix.edit), /CREATE INDEX CONCURRENTLY/);
    const hov = await c.hover(uri, idx.range.start.line, 2);
    assert.match(JSON.stringify(hov), /quick fix: /);
    await c.close(uri);
  });

  it('edits during the analysis of a large document publish the newest version only, with its diagnostics', async () => {
    const rel = 'supabase/migrations/20240103000000_edited.sql';
    const uri = project.uri(rel);
    await c.open(uri, big);
    await tick(150); // the first analysis is under way
    await c.append(uri, 'ALTER TABLE public.orders ADD COLUMN c int DEFAULT random();\n');
    const last = await c.append(uri, 'DROP INDEX public.orders_status_idx;\n');
    const p = await c.waitFor(uri, (x) => x.version === last);
    await c.hover(project.uri(smallRel), 0, 0); // a round trip: anything published meanwhile has arrived
    const versions = c.log.filter((x) => x.uri === uri).map((x) => x.version);
    assert.deepEqual(versions, [last], `published versions ${versions}`);
    assert.deepEqual(got(p.diagnostics), expected(c.text(uri), rel));
    assert.ok(got(p.diagnostics).some((d) => d.startsWith('require-concurrent-index-deletion@')));
    await c.close(uri);
  });

  it('small documents stay on the request loop (no worker round trip per keystroke)', async () => {
    const small = project.uri(smallRel);
    // A first, cold analysis may take long enough to send the next one to the worker (and back): warm up.
    for (const ch of '-- warm\n') await c.diagnostics(small, await c.append(small, ch));
    const before = await stats(c);
    for (const ch of 'SELECT 1;\n') await c.diagnostics(small, await c.append(small, ch));
    const after = await stats(c);
    assert.equal(after.workerJobs, before.workerJobs);
    assert.ok(after.lints >= before.lints + 10);
  });

  it('an analysis past the budget is stopped and reported; other documents are answered, and the file is analysed again once it is quick', async () => {
    const p2 = new Project();
    const b = await LspClient.inProcess({ initializationOptions: { analysisBudgetMs: 100 } });
    try {
      await b.initialize(p2.uri(''));
      const small = p2.uri(smallRel);
      await b.open(small, INDEX);
      await b.diagnostics(small, 1);
      const uri = p2.uri('supabase/migrations/20240104000000_slow.sql');
      const events: string[] = [];
      const done = b
        .waitFor(uri, (p) => p.version === 1)
        .then((p: PublishDiagnosticsParams) => {
          events.push('slow diagnostics');
          return p;
        });
      await b.open(uri, big);
      await tick(50);
      const h = await b.hover(small, 0, 3);
      events.push('hover');
      const p = await done;
      assert.deepEqual(events, ['hover', 'slow diagnostics']);
      assert.match(JSON.stringify(h), /CREATE INDEX/);
      assert.deepEqual(
        p.diagnostics.map((d) => d.code),
        ['analysis-timeout'],
      );
      assert.match(p.diagnostics[0].message, /^pg-preflight: not analysed: the analysis took longer than 0\.1 s/);
      // (Re-lints of the same version, when the workspace generation moves, may time out again.)
      assert.ok(((await b.connection.sendRequest('pgPreflight/internalStats')) as InternalStats).workerTimeouts >= 1);
      assert.equal(await b.hover(uri, 0, 3), null);
      // A fresh worker analyses the shrunk file.
      const v = await b.replaceAll(uri, INDEX);
      assert.deepEqual(got(await b.diagnostics(uri, v)), expected(INDEX, 'supabase/migrations/20240104000000_slow.sql'));
      assert.ok(((await b.connection.sendRequest('pgPreflight/internalStats')) as InternalStats).workerJobs >= 2);
      b.assertNoErrors();
    } finally {
      b.dispose();
      p2.remove();
    }
  });

  it('an idle analysis worker does not keep the process alive (a test run that never ended)', () => {
    // In its own process: the worker has analysed a document and is idle; nothing disposes it.
    const remote = path.join(__dirname, '../src/lsp/remote.js');
    const settings = path.join(__dirname, '../../../shared/dist/index.js');
    const script = `
const { RemoteAnalyzer } = require(${JSON.stringify(remote)});
const { DEFAULT_SETTINGS } = require(${JSON.stringify(settings)});
const r = new RemoteAnalyzer(() => 60000, (m) => console.error(m));
const waiting = setInterval(() => undefined, 1000); // the analysis itself may keep the process (the server's connection does)
r.analyze('a', { text: 'CREATE INDEX i ON t (a);', path: 'migrations/1.sql', settings: DEFAULT_SETTINGS, priorFiles: [], siblingNames: [], appFiles: [], isMigration: true })
  .then((o) => { console.log(o.kind, o.analysis && o.analysis.violations.map((v) => v.rule).join(',')); clearInterval(waiting); });
`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.signal, null, 'the process ended by itself');
    assert.match(r.stdout, /^done .*require-concurrent-index/, r.stderr);
  });
});

describe('lsp: the worker sees the project context the request loop sees', function () {
  this.timeout(60_000);
  let project: Project;
  afterEach(() => project?.remove());

  for (const workerMinChars of [1_000_000, 0]) {
    const where = workerMinChars === 0 ? 'in the worker' : 'on the request loop';
    it(`diesel: metadata.toml's transaction and a down.sql's rollback, ${where}`, async () => {
      await loadParser();
      project = new Project({
        '.git/HEAD': 'ref: refs/heads/main\n',
        'migrations/2024-01-10-120000_create_posts/up.sql': 'create table posts (id bigint primary key, body text);\n',
        'migrations/2024-01-10-120000_create_posts/down.sql': 'drop table posts;\n',
        'migrations/2024-02-01-090000_index_body/up.sql': 'create index concurrently posts_body on posts (body);\n',
        'migrations/2024-02-01-090000_index_body/metadata.toml': 'run_in_transaction = false\n',
      });
      const c = await LspClient.inProcess({ initializationOptions: { workerMinChars } });
      try {
        await c.initialize(project.uri(''));
        const down = project.uri('migrations/2024-01-10-120000_create_posts/down.sql');
        await c.open(down, 'drop table posts;\n');
        const drops = (await c.diagnostics(down, 1)).filter((d) => d.code === 'drop-table');
        // 3 is the LSP's Information severity.
        assert.deepEqual(
          drops.map((d) => d.severity),
          [3],
        );
        const index = project.uri('migrations/2024-02-01-090000_index_body/up.sql');
        await c.open(index, 'create index concurrently posts_body on posts (body);\n');
        const codes = (await c.diagnostics(index, 1)).map((d) => d.code);
        assert.ok(!codes.includes('concurrently-in-transaction'), codes.join(', '));
        const s = await stats(c);
        assert.equal(s.workerJobs > 0, workerMinChars === 0, `worker jobs: ${s.workerJobs}`);
        c.assertNoErrors();
      } finally {
        c.dispose();
      }
    });
  }
});
