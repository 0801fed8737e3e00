// The language server's JIT warm-up (lsp/warm-up.ts): it starts after the first analysis, steps aside
// while a document waits for its lint, runs its fixed number of analyses and stops; it leaves the work
// counters as they were, and initializationOptions.warmUp: false turns it off.
import { strict as assert } from 'assert';
import { pathToFileURL } from 'url';
import { astCounters } from '../src/core/syntax/ast';
import { loadParser, parseCounters } from '../src/core/syntax/parse';
import type { InternalStats } from '../src/lsp/server';
import { WARM_UP_ANALYSES, WarmUp } from '../src/lsp/warm-up';
import { LspClient } from './support/lsp-client';
import { Project } from './support/lsp-project';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('lsp: JIT warm-up', function () {
  this.timeout(60_000);
  before(loadParser);

  it('runs only while no lint is pending, stops at its count, and leaves the work counters alone', async () => {
    let busy = true;
    let asked = 0;
    const w = new WarmUp({
      busy: () => {
        asked++;
        return busy;
      },
    });
    const parsed = parseCounters.parsed;
    const walked = astCounters.walk;
    w.start();
    w.start(); // a second start is no second warm-up
    await until('it asked twice', () => asked >= 2);
    assert.equal(w.analyses, 0, 'nothing ran while busy');
    busy = false;
    await until('it finished', () => w.analyses >= WARM_UP_ANALYSES);
    for (let i = 0; i < 20; i++) await turn();
    assert.equal(w.analyses, WARM_UP_ANALYSES, 'it stops at its count');
    assert.equal(parseCounters.parsed, parsed);
    assert.equal(astCounters.walk, walked);
  });

  it('stop() ends it between slices', async () => {
    const w = new WarmUp({ busy: () => false });
    w.start();
    await until('a few slices ran', () => w.analyses >= 3);
    w.stop();
    const at = w.analyses;
    for (let i = 0; i < 20; i++) await turn();
    assert.equal(w.analyses, at);
    assert.ok(at < WARM_UP_ANALYSES);
  });

  for (const warmUp of [true, false]) {
    it(`the analysis worker ${warmUp ? 'warms up in its pauses too' : 'does not warm up with warmUp: false'}`, async () => {
      const project = new Project({ 'supabase/migrations/20240101000000_init.sql': 'CREATE TABLE public.t (id bigint);\n' });
      const c = await LspClient.inProcess({ initializationOptions: { workerMinChars: 0, ...(warmUp ? {} : { warmUp: false }) } });
      try {
        await c.initialize(pathToFileURL(project.root).href);
        const stats = () => c.connection.sendRequest('pgPreflight/internalStats') as Promise<InternalStats>;
        const uri = project.uri('supabase/migrations/20240102000000_next.sql');
        await c.open(uri, 'ALTER TABLE public.t ADD COLUMN note text;\n');
        await c.diagnostics(uri, 1);
        assert.ok((await stats()).workerJobs >= 1, 'analysed in the worker');
        // The count arrives with the worker's next reply: edit after a pause long enough for the warm-up.
        await new Promise((r) => setTimeout(r, warmUp ? 1500 : 500));
        const v = await c.append(uri, 'CREATE INDEX ON public.t (note);\n');
        const d = await c.diagnostics(uri, v);
        assert.ok(d.some((x) => x.code === 'require-concurrent-index-creation'));
        const s = await stats();
        if (warmUp) assert.ok(s.workerWarmUpAnalyses > 0, `worker warm-up analyses: ${s.workerWarmUpAnalyses}`);
        else assert.equal(s.workerWarmUpAnalyses, 0);
      } finally {
        c.dispose();
        project.remove();
      }
    });

    it(`the server ${warmUp ? 'warms up after its first analysis' : 'does not warm up with warmUp: false'}`, async () => {
      const project = new Project({ 'supabase/migrations/20240101000000_init.sql': 'CREATE TABLE public.t (id bigint);\n' });
      const c = await LspClient.inProcess(warmUp ? {} : { initializationOptions: { warmUp: false } });
      try {
        await c.initialize(pathToFileURL(project.root).href);
        const stats = () => c.connection.sendRequest('pgPreflight/internalStats') as Promise<InternalStats>;
        assert.equal((await stats()).warmUpAnalyses, 0, 'not before the first analysis');
        const uri = project.uri('supabase/migrations/20240102000000_next.sql');
        await c.open(uri, 'ALTER TABLE public.t ADD COLUMN note text;\n');
        await c.diagnostics(uri, 1);
        if (warmUp) await until('the warm-up finished', async () => (await stats()).warmUpAnalyses === WARM_UP_ANALYSES);
        else {
          await new Promise((r) => setTimeout(r, 300));
          assert.equal((await stats()).warmUpAnalyses, 0);
        }
        // The document's own analysis is unaffected: edits are still linted and published.
        const v = await c.append(uri, 'CREATE INDEX ON public.t (note);\n');
        const d = await c.diagnostics(uri, v);
        assert.ok(d.some((x) => x.code === 'require-concurrent-index-creation'));
      } finally {
        c.dispose();
        project.remove();
      }
    });
  }
});
