// The CLI's bundle and code cache (src/cli/bundle.ts, written by `npm run build`): the bin runs the one-shot
// commands from them, so they must give exactly what the module files give, and the cache must be one
// V8 accepts (else every run silently compiles the bundle again).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUNDLE_FILE, CODE_CACHE_FILE } from '../src/cli/bundle';

const REPO = path.resolve(__dirname, '../../..');
const BIN = path.join(REPO, 'server/bin/pg-preflight.js');
const MODULES_MAIN = path.join(REPO, 'server/dist/src/cli/main.js');
const LOADER = path.join(REPO, 'server/dist/src/cli/bundle.js');

/** The CLI from the bin (bundle) and from dist/src's module files, same arguments and folder. */
function both(args: string[], cwd: string): { bundled: ReturnType<typeof spawnSync>; modules: ReturnType<typeof spawnSync> } {
  const opts = { cwd, encoding: 'utf8' as const, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 };
  const bundled = spawnSync(process.execPath, [BIN, ...args], opts);
  const script = `require(${JSON.stringify(MODULES_MAIN)}).main(${JSON.stringify(args)}).then((c) => { process.exitCode = c; })`;
  const modules = spawnSync(process.execPath, ['-e', script], opts);
  return { bundled, modules };
}

/** How a fresh process with the bin's V8 flags loads the CLI: 'cached', 'bundle' or 'modules'. */
function loadedFrom(): string {
  const script = `require('v8').setFlagsFromString('--liftoff-only'); process.stdout.write(require(${JSON.stringify(LOADER)}).loadCli().from)`;
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' }).stdout;
}

describe('cli bundle: the bin runs the CLI from one bundle and its code cache', function () {
  this.timeout(120_000);

  it('the build wrote the bundle and a code cache V8 accepts', () => {
    assert.ok(fs.existsSync(BUNDLE_FILE), `${BUNDLE_FILE} missing: npm run build makes it`);
    assert.ok(fs.existsSync(CODE_CACHE_FILE), `${CODE_CACHE_FILE} missing`);
    assert.equal(loadedFrom(), 'cached');
  });

  const cases: { name: string; args: string[]; cwd: string }[] = [
    {
      name: 'check of the demo project, JSON with stats',
      args: ['check', 'supabase/migrations', '--stats', 'stats.json', '--format', 'json', '--fail-on', 'never'],
      cwd: path.join(REPO, 'test-fixtures/demo'),
    },
    { name: 'check of every rule fixture, text', args: ['check', 'test-fixtures/rules', '--fail-on', 'warning'], cwd: REPO },
    {
      name: 'split --dry-run of a rule fixture',
      args: ['split', 'test-fixtures/rules/require-concurrent-index-creation/bad.sql', '--dry-run'],
      cwd: REPO,
    },
    { name: 'a usage error', args: ['check', '--no-such-flag'], cwd: REPO },
    { name: '--help', args: ['--help'], cwd: REPO },
  ];
  for (const c of cases) {
    it(`gives what the module files give: ${c.name}`, () => {
      const { bundled, modules } = both(c.args, c.cwd);
      assert.equal(bundled.stdout, modules.stdout);
      assert.equal(bundled.stderr, modules.stderr);
      assert.equal(bundled.status, modules.status);
      assert.ok(`${bundled.stdout}${bundled.stderr}`.length > 0, 'no output at all');
    });
  }

  it('a cache made for another bundle is not used, and the CLI still runs', () => {
    // A copy of the install whose bundle differs by one byte from what its cache was made for.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-preflight-bundle-'));
    try {
      const dist = path.join(tmp, 'dist', 'src');
      fs.mkdirSync(path.join(dist, 'cli'), { recursive: true });
      fs.mkdirSync(path.join(dist, 'bundle'), { recursive: true });
      fs.copyFileSync(LOADER, path.join(dist, 'cli', 'bundle.js'));
      fs.copyFileSync(CODE_CACHE_FILE, path.join(dist, 'bundle', 'cli.js.code-cache'));
      fs.writeFileSync(path.join(dist, 'bundle', 'cli.js'), `${fs.readFileSync(BUNDLE_FILE, 'utf8')} `);
      const loader = path.join(dist, 'cli', 'bundle.js');
      const script =
        `require('v8').setFlagsFromString('--liftoff-only'); const c = require(${JSON.stringify(loader)}).loadCli();` +
        `c.main(['--version'], { stdout: { write: (s) => process.stdout.write(c.from + ' ' + s) } })`;
      const r = spawnSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        env: { ...process.env, NODE_PATH: path.join(REPO, 'node_modules') },
      });
      assert.match(r.stdout, /^bundle pg-preflight \d/, r.stderr);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
