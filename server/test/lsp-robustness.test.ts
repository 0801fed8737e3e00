// The language server under abuse: every prefix of every fixture file typed one character at a time
// (each version's diagnostics awaited, so every prefix is analysed), a 10 MB file, binary junk, and a
// document closed while it is being linted. No crash, no unhandled rejection, and the diagnostics of
// the last version are exactly what analyze() finds. Response times are not asserted here (timed
// assertions are flaky); `npm run bench:lsp` records the slowest response of the same sweep.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyze, RULE_CRASH } from '../src/core/analyze';
import { loadParser } from '../src/core/syntax/parse';
import { LineIndex } from '../src/core/syntax/text';
import { REPO } from './support/fixtures';
import { FULL_CAPABILITIES, LspClient } from './support/lsp-client';
import { Project } from './support/lsp-project';

function fixtureFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...fixtureFiles(p));
    else if (e.name.endsWith('.sql')) out.push(p);
  }
  return out.sort();
}

describe('lsp: robustness', function () {
  this.timeout(600_000);
  let project: Project;
  let c: LspClient;
  const problems: unknown[] = [];
  const onProblem = (err: unknown) => problems.push(err);

  before(async () => {
    await loadParser();
    process.on('unhandledRejection', onProblem);
    process.on('uncaughtException', onProblem);
    project = new Project();
    c = await LspClient.inProcess({});
    await c.initialize(project.uri(''));
  });
  after(() => {
    process.off('unhandledRejection', onProblem);
    process.off('uncaughtException', onProblem);
    c.dispose();
    project.remove();
  });
  afterEach(() => {
    assert.deepEqual(problems, [], 'no unhandled rejection or uncaught exception');
    c.assertNoErrors();
  });

  const files = fixtureFiles(path.join(REPO, 'test-fixtures'));
  it(`every prefix of every fixture file (${files.length} files), typed one character at a time (long files 8 at a time)`, async () => {
    // A pull-mode client: after each change it asks for the code lenses, which makes the server analyse
    // that very version (requests are answered in order, after the didChange before them) without
    // shipping every version's diagnostics over the wire. Every few hundred changes, and at the end of
    // each file, it pulls the diagnostics and compares them with analyze().
    const caps = JSON.parse(JSON.stringify(FULL_CAPABILITIES));
    caps.textDocument.diagnostic = { dynamicRegistration: false };
    const pull = await LspClient.inProcess({ capabilities: caps });
    await pull.initialize(project.uri(''));
    try {
      // Files above 4,000 characters (the lock corpus, the cross-check files: half the characters and most
      // of the time) are typed 8 characters at a time: npm test stays under its 10 minutes.
      const strideOf = (text: string) => (text.length > 4000 ? 8 : 1);
      const spent: [number, string][] = [];
      let changes = 0;
      const check = async (uri: string, text: string, rel: string, where: string) => {
        const r = await pull.pull(uri);
        const a = analyze({ text, path: rel });
        const lines = new LineIndex(text);
        const expected = a.violations
          .filter((v) => v.rule !== RULE_CRASH)
          .map((v) => `${v.rule}@${JSON.stringify(lines.rangeOf(v.span))}`)
          .sort();
        assert.deepEqual((r.items ?? []).map((d) => `${d.code}@${JSON.stringify(d.range)}`).sort(), expected, where);
      };
      for (const [i, f] of files.entries()) {
        const text = fs.readFileSync(f, 'utf8');
        const rel = `supabase/migrations/2025010100${String(i).padStart(4, '0')}_sweep.sql`;
        const uri = project.uri(rel);
        await pull.open(uri, '');
        const stride = strideOf(text);
        const t0 = Date.now();
        for (let k = 0; k < text.length; k += stride) {
          await pull.append(uri, text.slice(k, k + stride));
          changes++;
          await pull.codeLens(uri);
          if (k % 500 >= 500 - stride)
            await check(uri, text.slice(0, k + stride), rel, `${path.relative(REPO, f)} at ${Math.min(text.length, k + stride)}`);
        }
        await check(uri, text, rel, path.relative(REPO, f));
        spent.push([Date.now() - t0, path.relative(REPO, f)]);
        await pull.close(uri);
      }
      assert.ok(changes > 10_000);
      const stats = (await pull.connection.sendRequest('pgPreflight/internalStats')) as { lints: number };
      assert.ok(stats.lints >= changes, `every prefix typed was analysed (${stats.lints} lints for ${changes} changes)`);
      if (process.env.PG_PREFLIGHT_TEST_TIMES) console.log(spent.sort((a, b) => b[0] - a[0]).slice(0, 15));
      pull.assertNoErrors();
    } finally {
      pull.dispose();
    }
  });

  it('a 10 MB file is refused with one notice; the server keeps answering, and shrinking it lints it', async () => {
    const uri = project.uri('supabase/migrations/20250201000000_huge.sql');
    const line =
      "INSERT INTO public.log (id, note) VALUES (1, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');\n";
    const huge = line.repeat(Math.ceil(10_000_000 / line.length));
    await c.open(uri, huge);
    const ds = await c.diagnostics(uri, 1);
    assert.deepEqual(
      ds.map((d) => d.code),
      ['file-too-large'],
    );
    assert.equal(await c.hover(uri, 0, 3), null);
    assert.deepEqual(await c.codeLens(uri), []);
    const v = await c.replaceAll(uri, 'CREATE INDEX ON public.orders (status);\n');
    assert.ok((await c.diagnostics(uri, v)).some((d) => d.code === 'require-concurrent-index-creation'));
    await c.close(uri);
  });

  it('binary junk (NUL bytes, invalid surrogates, control characters) is linted without a crash', async () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    let junk = '';
    for (let i = 0; i < 200_000; i++) junk += String.fromCharCode(Math.floor(rnd() * 0x10000));
    junk += '\u0000\ud800\udfff\ufffe;;$$\'"/*--\\';
    const uri = project.uri('supabase/migrations/20250202000000_junk.sql');
    await c.open(uri, junk);
    await c.diagnostics(uri, 1);
    for (let k = 0; k < 50; k++) await c.diagnostics(uri, await c.append(uri, String.fromCharCode(Math.floor(rnd() * 0x10000))));
    assert.ok((await c.hover(uri, 0, 0)) !== undefined);
    await c.codeLens(uri);
    await c.close(uri);
  });

  it('a document closed while it is being linted: its diagnostics are cleared and nothing is published for it afterwards', async () => {
    const uri = project.uri('supabase/migrations/20250203000000_closing.sql');
    const big = 'ALTER TABLE public.orders ADD COLUMN c int;\n'.repeat(20_000);
    // didOpen and didClose back to back: the lint scheduled by the open runs after the close arrived.
    void c.open(uri, big);
    void c.close(uri);
    const other = project.uri('supabase/migrations/20250204000000_after.sql');
    await c.open(other, 'SELECT 1;\n');
    await c.diagnostics(other, 1);
    const mine = c.log.filter((p) => p.uri === uri);
    assert.ok(mine.length >= 1, 'the close cleared the diagnostics');
    assert.deepEqual(mine[mine.length - 1].diagnostics, [], 'the last word on the closed document is "no diagnostics"');
    // And a change to a document immediately followed by its close.
    await c.open(uri, 'SELECT 1;\n');
    await c.diagnostics(uri, 1);
    void c.append(uri, big);
    void c.close(uri);
    await c.open(other + '.x', 'SELECT 2;\n');
    await c.diagnostics(other + '.x', 1);
    const all = c.log.filter((p) => p.uri === uri);
    assert.deepEqual(all[all.length - 1].diagnostics, []);
  });
});
