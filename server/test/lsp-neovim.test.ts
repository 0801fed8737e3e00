// A real Neovim (Debian 12's 0.7, installed on first use when run as root) as the LSP client: `nvim --headless` runs
// support/neovim/apply-fix.lua, which starts `pg-preflight lsp --stdio` with vim.lsp.start_client, opens a
// Supabase migration with a plain CREATE INDEX on a large table (the demo statistics), applies "Use
// CONCURRENTLY" from the code action menu, and writes the buffer. Neovim 0.7 cannot apply CreateFile (no
// workspaceEdit.documentChanges), so this is the pgPreflight.applyFix path: the server writes the new file.
// The test then reads the files on disk. No skipping: without nvim the test fails and says how to get it.
import { strict as assert } from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { COMMANDS } from '@pg-preflight/shared';
import { REPO } from './support/fixtures';

const SCRIPT = path.join(REPO, 'server/test/support/neovim/apply-fix.lua');
const BIN = path.join(REPO, 'server/bin/pg-preflight.js');
const DEMO_STATS = path.join(REPO, 'test-fixtures/demo/stats.json');
const REL = 'supabase/migrations/20240401000000_orders_channel.sql';
const TEXT = 'ALTER TABLE public.orders ADD COLUMN channel text;\nCREATE INDEX orders_channel_idx ON public.orders (channel);\n';
/** Each wait inside Neovim; the whole run is killed after RUN_MS. */
const WAIT_MS = 20_000;
const RUN_MS = 60_000;

interface Offered {
  title: string;
  kind?: string;
  command?: string;
  hasEdit: boolean;
  diagnostics: string[];
}

interface NeovimRun {
  error?: string;
  messages: string[];
  diagnostics?: { code: string; line: number }[];
  offered?: Offered[];
  offeredAll?: Offered[];
  after?: string[];
}

/**
 * Debian's neovim, installed on first use when the test may (root with apt-get), as the e2e rig installs
 * Chromium: a fresh machine needs nothing but `npm ci && npm test`.
 */
function ensureNeovim(): void {
  if (!spawnSync('nvim', ['--version'], { timeout: 10_000 }).error) return;
  if (process.getuid?.() !== 0 || spawnSync('apt-get', ['--version']).error) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', timeout: 300_000, env });
  spawnSync('apt-get', ['install', '-y', '-qq', 'neovim'], { stdio: 'ignore', timeout: 300_000, env });
}

function nvimVersion(): string {
  const r = spawnSync('nvim', ['--version'], { encoding: 'utf8', timeout: 10_000 });
  assert.ok(
    !r.error && r.status === 0,
    `nvim is not installed or does not start (${r.error?.message ?? `exit ${r.status}`}): this test needs a real Neovim. ` +
      "the test installs Debian's neovim itself when it runs as root; otherwise: apt-get install -y neovim",
  );
  return r.stdout.split('\n')[0];
}

function runNeovim(
  root: string,
  file: string,
  out: string,
  home: string,
): Promise<{ code: number | null; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // Nothing from the machine's Neovim setup; logs and state inside the temp folder.
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_DATA_HOME: path.join(home, 'data'),
      XDG_STATE_HOME: path.join(home, 'state'),
      XDG_CACHE_HOME: path.join(home, 'cache'),
      PGPF_ROOT: root,
      PGPF_FILE: file,
      PGPF_BIN: BIN,
      PGPF_NODE: process.execPath,
      PGPF_OUT: out,
      PGPF_WAIT_MS: String(WAIT_MS),
    };
    const child = spawn('nvim', ['--headless', '-n', '-i', 'NONE', '--noplugin', '-u', SCRIPT], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stderr += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, RUN_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, timedOut });
    });
  });
}

describe('lsp: a real Neovim as the client', function () {
  this.timeout(RUN_MS + 30_000);
  before(function () {
    this.timeout(660_000); // apt-get on a fresh machine
    ensureNeovim();
  });

  it('Neovim 0.7 gets "Use CONCURRENTLY" for a Supabase migration once, applies it, and the new migration file is on disk', async () => {
    const version = nvimVersion();
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pgpf-nvim-')));
    try {
      fs.writeFileSync(path.join(root, '.pg-preflight.json'), JSON.stringify({ statsFile: 'stats.json' }));
      fs.copyFileSync(DEMO_STATS, path.join(root, 'stats.json'));
      const file = path.join(root, ...REL.split('/'));
      const dir = path.dirname(file);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file, TEXT);
      const home = path.join(root, '.nvim-home');
      fs.mkdirSync(home);
      const out = path.join(home, 'result.json');

      const t0 = Date.now();
      const run = await runNeovim(root, file, out, home);
      const took = Date.now() - t0;
      const detail = `${version}, ${took} ms, exit ${run.code}${run.timedOut ? ' (killed after the time limit)' : ''}\n${run.stderr.slice(-2000)}`;
      assert.ok(fs.existsSync(out), `Neovim wrote no result: ${detail}`);
      const r = JSON.parse(fs.readFileSync(out, 'utf8')) as NeovimRun;
      assert.equal(r.error ?? null, null, `in Neovim: ${r.error}\n${detail}`);
      assert.equal(run.code, 0, detail);

      // The menus: each action once; the new-file fix as the server's command (no edit the client cannot apply).
      for (const [label, offered] of [
        ['the CREATE INDEX line', r.offered!],
        ['the whole file', r.offeredAll!],
      ] as const) {
        const titles = offered.map((a) => a.title);
        assert.equal(new Set(titles).size, titles.length, `${label}: each action once: ${titles.join(' | ')}`);
        const conc = offered.filter((a) => /^Use CONCURRENTLY in a new migration file/.test(a.title));
        assert.equal(conc.length, 1, `${label}: one "Use CONCURRENTLY": ${titles.join(' | ')}`);
        assert.deepEqual(conc[0], {
          ...conc[0],
          kind: 'quickfix',
          command: COMMANDS.applyFix,
          hasEdit: false,
          diagnostics: ['require-concurrent-index-creation'],
        });
      }
      // The header, offered by missing-lock-timeout (line 1) and missing-statement-timeout (line 2): one action for both.
      const header = r.offeredAll!.filter((a) => /SET lock_timeout/.test(a.title));
      assert.equal(header.length, 1, `the header once: ${r.offeredAll!.map((a) => a.title).join(' | ')}`);
      assert.deepEqual(header[0].diagnostics, ['missing-lock-timeout', 'missing-statement-timeout']);

      // On disk: the migration without the CREATE INDEX (written by :write), and the new file the server made.
      assert.equal(fs.readFileSync(file, 'utf8'), 'ALTER TABLE public.orders ADD COLUMN channel text;\n');
      const created = fs.readdirSync(dir).filter((f) => f !== path.basename(file));
      assert.equal(created.length, 1, `one new file: ${created.join(', ')}`);
      assert.match(created[0], /^\d{14}_\w+\.sql$/);
      assert.ok(created[0] > path.basename(file), `${created[0]} runs after ${path.basename(file)}`);
      const body = fs.readFileSync(path.join(dir, created[0]), 'utf8');
      assert.match(body, /^CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_channel_idx ON public\.orders \(channel\);$/m);
      assert.doesNotMatch(body.replace(/^--.*$/gm, ''), /BEGIN|COMMIT/);
      assert.ok(
        r.messages.some((m) => m.includes(`created ${created[0]}`)),
        `Neovim showed where it went: ${r.messages.join(' | ')}`,
      );
      assert.ok(!r.after!.includes('require-concurrent-index-creation'));
      assert.ok(took < RUN_MS, `bounded: ${took} ms`);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
