// A repository's config cannot hang the tools, reach outside the project or, in an untrusted workspace,
// name a statistics file, a scratch database or a docs URL (issue 10, sections 2 and 3):
//   - globs match in linear time; a malformed one is one line naming the setting or argument;
//   - statsFile and migrationGlobs stay inside the project; error messages quote no file contents;
//   - the language server answers a hover on one document while another, pathological one is linted;
//   - workspace trust from initializationOptions and pgPreflight/workspaceTrust, over a real LSP connection.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { COMMANDS, WORKSPACE_TRUST_NOTIFICATION, type LockAnalysis, type VerifyLocksResult } from '@pg-preflight/shared';
import { loadParser } from '../src/core/syntax/parse';
import { collectAppFiles } from '../src/project/context';
import { jsonProblem } from '../src/project/errors';
import { compileGlob, confinedGlobProblem, expandGlob, GlobError, globProblem } from '../src/project/glob';
import { REPO } from './support/fixtures';
import { LspClient } from './support/lsp-client';
import { Project, STATS_FIXTURE } from './support/lsp-project';

const BIN = path.join(REPO, 'server/bin/pg-preflight.js');
const PATHOLOGICAL = Array(12).fill('**').join('/') + '/x';
const SECRET = 'root:x:0:0:SECRET-CONTENT-8d1f';

function runBin(args: string[], cwd: string): { code: number; stdout: string; stderr: string; ms: number } {
  const t = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '' }, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t };
}

function tmpDir(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pgpf-confine-')));
}

function deepPath(depth: number, name: string): string {
  return [...Array(depth).fill('d'), name].join('/');
}

describe('confinement: globs, paths and workspace trust', function () {
  this.timeout(60_000);
  before(loadParser);

  describe('globs', () => {
    it('match the documented syntax', () => {
      const cases: [string, string, boolean][] = [
        ['migrations/**/*.sql', 'migrations/a.sql', true],
        ['migrations/**/*.sql', 'migrations/x/y/a.sql', true],
        ['migrations/**/*.sql', 'migrationsX/a.sql', false],
        ['supabase/migrations/*.sql', 'supabase/migrations/x/1_a.sql', false],
        ['prisma/migrations/*/migration.sql', 'prisma/migrations/2024_x/migration.sql', true],
        ['{db,sql}/*.sql', 'sql/a.sql', true],
        ['{db,sql}/*.sql', 'x/a.sql', false],
        ['a/{b,c/{d,e}}/*.sql', 'a/c/e/f.sql', true],
        ['[!a]b?.sql', 'cbx.sql', true],
        ['[!a]b?.sql', 'abx.sql', false],
        ['[a-c]*.sql', 'b1.sql', true],
        ['[a-c]*.sql', 'd1.sql', false],
        ['*.sql', 'a/b.sql', false],
        ['a\\*b', 'a*b', true],
        ['a\\*b', 'axb', false],
        ['**', 'x/y', true],
      ];
      for (const [pattern, p, expected] of cases) assert.equal(compileGlob(pattern).test(p), expected, `${pattern} vs ${p}`);
    });

    it('match in linear time: repeated ** and many * against deep paths and long names', () => {
      const started = Date.now();
      // 5.9 s at 18 segments and 38 s at 22 with the backtracking regular expression
      assert.equal(compileGlob(PATHOLOGICAL).test(deepPath(27, 'y')), false);
      assert.equal(compileGlob(PATHOLOGICAL).test(deepPath(27, 'x')), true);
      // picomatch 4 takes minutes on this one against 60 characters
      assert.equal(compileGlob('*a*a*a*a*a*a*a*a*a*a*b').test('a'.repeat(255)), false);
      assert.equal(compileGlob('**/a*/**/a*/**/a*/**/a*/**/b').test(Array(2000).fill('a').join('/')), false);
      assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
    });

    it('a malformed pattern is a GlobError with one line', () => {
      assert.equal(globProblem('[z-a].sql'), 'character range z-a is out of order');
      assert.match(globProblem('{a,b.sql')!, /unclosed '\{'/);
      assert.match(globProblem('[abc.sql')!, /unclosed '\['/);
      assert.match(globProblem('{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}')!, /more than 256 alternatives/);
      assert.throws(() => expandGlob('[z-a]/*.sql', os.tmpdir()), GlobError);
      assert.equal(globProblem('migrations/**/*.sql'), undefined);
    });

    it('a repository glob may not leave the project root', () => {
      assert.match(confinedGlobProblem('/**/*.sql')!, /relative to the project root/);
      assert.match(confinedGlobProblem('../x.sql')!, /inside the project root/);
      assert.match(confinedGlobProblem('migrations/../../x.sql')!, /inside the project root/);
      assert.equal(confinedGlobProblem('migrations/**/*.sql'), undefined);
    });
  });

  it('the application-code search is bounded by folders too, not only by files and bytes', () => {
    const root = tmpDir();
    try {
      for (let i = 0; i < 30; i++) fs.mkdirSync(path.join(root, `empty${String(i).padStart(2, '0')}`));
      fs.mkdirSync(path.join(root, 'zz'));
      fs.writeFileSync(path.join(root, 'zz', 'a.ts'), 'export {};\n');
      const capped = collectAppFiles(root, root, new Set(), { files: 100, bytes: 1e9, dirs: 10 });
      assert.deepEqual(capped.files, []);
      assert.match(capped.note!, /stopped after 10 folders/);
      assert.deepEqual(
        collectAppFiles(root, root, new Set(), { files: 100, bytes: 1e9, dirs: 100 }).files.map((f) => f.path),
        ['zz/a.ts'],
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  describe('JSON errors quote no content', () => {
    for (const text of [SECRET, `{"a": ${SECRET}}`, `{"a": "${SECRET}`, '{"a": 1,}', `{"a": 1} ${SECRET}`]) {
      it(JSON.stringify(text.slice(0, 24)), () => {
        let err: unknown;
        try {
          JSON.parse(text);
        } catch (e) {
          err = e;
        }
        const why = jsonProblem(err, text);
        assert.match(why, /^invalid JSON/);
        assert.doesNotMatch(why, /SECRET|root|"/, why);
      });
    }
  });

  describe('cli', () => {
    let dir: string;
    beforeEach(() => (dir = tmpDir()));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    function write(rel: string, text: string): void {
      const f = path.join(dir, ...rel.split('/'));
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, text);
    }

    it('check with a pathological migrationGlobs and a file 27 folders deep finishes at once', () => {
      write('.pg-preflight.json', JSON.stringify({ migrationGlobs: [PATHOLOGICAL] }));
      write(deepPath(27, 'x'), 'SELECT 1;\n');
      write(deepPath(27, 'y.sql'), 'SELECT 1;\n');
      const r = runBin(['check', '--format', 'json'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        JSON.parse(r.stdout).files.map((f: { path: string }) => f.path),
        [deepPath(27, 'x')],
      );
      assert.ok(r.ms < 15_000, `took ${r.ms} ms`);
    });

    it('a malformed glob in the config: exit 2, one line naming migrationGlobs[i], no stack', () => {
      write('.pg-preflight.json', JSON.stringify({ migrationGlobs: ['migrations/*.sql', '[z-a]/*.sql'] }));
      write('migrations/1_a.sql', 'SELECT 1;\n');
      const r = runBin(['check'], dir);
      assert.equal(r.code, 2);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^pg-preflight: \.pg-preflight\.json: migrationGlobs\[1\]: character range z-a is out of order$/m);
      assert.doesNotMatch(r.stderr, /internal error|SyntaxError|at /);
    });

    it('a malformed glob argument: exit 2, one line', () => {
      const r = runBin(['check', '[z-a]/*.sql'], dir);
      assert.equal(r.code, 2);
      assert.equal(r.stderr.trim(), 'pg-preflight: [z-a]/*.sql: invalid glob: character range z-a is out of order');
    });

    for (const glob of ['/**/*.sql', '../x.sql']) {
      it(`a config glob ${glob} is refused before anything is walked`, () => {
        write('.pg-preflight.json', JSON.stringify({ migrationGlobs: [glob] }));
        const r = runBin(['check'], dir);
        assert.equal(r.code, 2);
        assert.match(
          r.stderr.trim(),
          /^pg-preflight: \.pg-preflight\.json: migrationGlobs\[0\]: must (be relative to|stay inside) the project root[^\n]*$/,
        );
      });
    }

    it('a statsFile outside the config folder is refused', () => {
      write('.pg-preflight.json', JSON.stringify({ statsFile: '/etc/passwd' }));
      write('migrations/1_a.sql', 'SELECT 1;\n');
      const r = runBin(['check'], dir);
      assert.equal(r.code, 2);
      assert.match(
        r.stderr.trim(),
        /^pg-preflight: \.pg-preflight\.json: statsFile must be a path inside the folder of \.pg-preflight\.json/,
      );
    });

    it('a config that is not JSON: the position, not the text', () => {
      write('.pg-preflight.json', SECRET);
      const r = runBin(['check'], dir);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /invalid JSON/);
      assert.doesNotMatch(r.stderr, /SECRET|root:/);
    });
  });

  describe('language server', () => {
    const projects: Project[] = [];
    const clients: LspClient[] = [];
    afterEach(async () => {
      for (const c of clients.splice(0)) c.dispose();
      for (const p of projects.splice(0)) p.remove();
    });

    async function start(files: Record<string, string>, initializationOptions?: unknown): Promise<{ project: Project; c: LspClient }> {
      const project = new Project(files);
      projects.push(project);
      const c = await LspClient.inProcess({ initializationOptions, configuration: () => ({}) });
      clients.push(c);
      await c.initialize(project.uri(''));
      return { project, c };
    }

    // warnOnce: window/logMessage (and a showMessageRequest the test client answers without logging)
    const shown = (c: LspClient) => c.serverLog;

    it('answers a hover on another document promptly while a pathological config is in play', async () => {
      // 20 folders and a name the pattern does not match: the backtracking matcher took seconds to say
      // no (5.9 s at 18 segments, 38 s at 22), blocking every request meanwhile.
      const deep = deepPath(20, 'y.sql');
      const { project, c } = await start({
        '.pg-preflight.json': JSON.stringify({ migrationGlobs: [PATHOLOGICAL] }),
        [deep]: '',
        'other.sql': '',
      });
      await c.open(project.uri('other.sql'), 'CREATE INDEX i ON t (a);\n');
      await c.diagnostics(project.uri('other.sql'));
      await c.open(project.uri(deep), 'ALTER TABLE t ADD COLUMN b int NOT NULL;\n');
      const started = Date.now();
      const hover = await c.hover(project.uri('other.sql'), 0, 2);
      const ms = Date.now() - started;
      assert.ok(hover, 'a hover');
      assert.ok(ms < 2000, `hover took ${ms} ms`);
      await c.diagnostics(project.uri(deep));
    });

    it('a malformed migrationGlobs is a settings problem naming migrationGlobs[i]; the document is still linted', async () => {
      const { project, c } = await start({
        '.pg-preflight.json': JSON.stringify({ migrationGlobs: ['[z-a]/*.sql'] }),
        'migrations/1_a.sql': '',
      });
      await c.open(project.uri('migrations/1_a.sql'), 'CREATE INDEX i ON t (a);\n');
      const ds = await c.diagnostics(project.uri('migrations/1_a.sql'));
      assert.ok(ds.some((d) => d.code === 'require-concurrent-index-creation'));
      assert.ok(
        shown(c).some((l) => /\.pg-preflight\.json: migrationGlobs\[0\]: character range z-a is out of order$/.test(l)),
        shown(c).join('\n'),
      );
    });

    it('a statsFile outside the project is not read (absolute, or a symbolic link out); no content is logged', async () => {
      const outside = tmpDir();
      try {
        const secret = path.join(outside, 'secret.txt');
        fs.writeFileSync(secret, SECRET);
        for (const statsFile of [secret, 'link.json']) {
          const { project, c } = await start({ '.pg-preflight.json': JSON.stringify({ statsFile }), 'm.sql': '' });
          fs.symlinkSync(secret, project.file('link.json'));
          await c.open(project.uri('m.sql'), 'SELECT 1;\n');
          await c.diagnostics(project.uri('m.sql'));
          const la = (await c.executeCommand(COMMANDS.showLockAnalysis, [project.uri('m.sql')])) as LockAnalysis;
          assert.equal(la.statsSource, 'none');
          const expected =
            statsFile === secret ? /statsFile must be a path inside the folder/ : /statsFile link\.json: is outside the project folder/;
          assert.ok(
            shown(c).some((l) => expected.test(l)),
            shown(c).join('\n'),
          );
          assert.ok(!c.serverLog.some((l) => /SECRET|root:x/.test(l)), c.serverLog.join('\n'));
        }
      } finally {
        fs.rmSync(outside, { recursive: true, force: true });
      }
    });

    it('a statsFile inside the project that is not JSON: the problem quotes none of it', async () => {
      const { project, c } = await start({
        '.pg-preflight.json': JSON.stringify({ statsFile: 'stats.json' }),
        'stats.json': SECRET,
        'm.sql': '',
      });
      await c.open(project.uri('m.sql'), 'SELECT 1;\n');
      await c.diagnostics(project.uri('m.sql'));
      assert.ok(
        shown(c).some((l) => /statsFile stats\.json: not a statistics snapshot: invalid JSON/.test(l)),
        shown(c).join('\n'),
      );
      assert.ok(!c.serverLog.some((l) => /SECRET|root:x/.test(l)), c.serverLog.join('\n'));
    });

    describe('workspace trust', () => {
      const files = () => ({
        '.pg-preflight.json': JSON.stringify({
          statsFile: 'stats.json',
          docsBaseUrl: 'https://docs.example.invalid/rules/',
          scratchDatabaseUrls: ['postgresql://u@127.0.0.1:1/scratch'],
        }),
        'stats.json': fs.readFileSync(STATS_FIXTURE, 'utf8'),
        'supabase/migrations/1_a.sql': '',
      });
      const SQL = 'CREATE INDEX orders_status_idx ON public.orders (status);\n';

      async function state(c: LspClient, uri: string): Promise<{ stats: string; href?: string }> {
        const la = (await c.executeCommand(COMMANDS.showLockAnalysis, [uri])) as LockAnalysis;
        const ds = await c.diagnostics(uri);
        return { stats: la.statsSource, href: ds.find((d) => d.code === 'require-concurrent-index-creation')?.codeDescription?.href };
      }

      it('untrusted: the repository config names no stats file, docs URL or scratch database, until trust is granted', async () => {
        const { project, c } = await start(files(), { workspaceTrusted: false });
        const uri = project.uri('supabase/migrations/1_a.sql');
        await c.open(uri, SQL);
        const before = await state(c, uri);
        assert.equal(before.stats, 'none');
        assert.ok(before.href && !before.href.startsWith('https://docs.example.invalid/'), before.href);
        assert.ok(
          c.serverLog.some((l) => /untrusted workspace: ignoring statsFile, scratchDatabaseUrls, docsBaseUrl/.test(l)),
          c.serverLog.join('\n'),
        );
        const v = (await c.executeCommand(COMMANDS.verifyLocks, [
          uri,
          { databaseUrl: 'postgresql://u@127.0.0.1:1/scratch' },
        ])) as VerifyLocksResult;
        assert.equal(v.traced, false);
        assert.match(v.reason!, /not marked as a scratch database/);

        const v2 = c.version(uri);
        await c.notify(WORKSPACE_TRUST_NOTIFICATION, { trusted: true });
        await c.waitFor(
          uri,
          (p) => p.version === v2 && p.diagnostics.some((d) => d.codeDescription?.href?.startsWith('https://docs.example.invalid/')),
        );
        const after = await state(c, uri);
        assert.equal(after.stats, 'file');
        assert.equal(after.href, 'https://docs.example.invalid/rules/require-concurrent-index-creation.md');
      });

      it('a client that says nothing of trust is trusted', async () => {
        const { project, c } = await start(files());
        const uri = project.uri('supabase/migrations/1_a.sql');
        await c.open(uri, SQL);
        const s = await state(c, uri);
        assert.equal(s.stats, 'file');
        assert.equal(s.href, 'https://docs.example.invalid/rules/require-concurrent-index-creation.md');
      });
    });
  });
});
