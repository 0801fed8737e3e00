// `pg-preflight split` and `pg-preflight plan` through the real CLI entry (main, in-process): files are
// written only when no target exists, nothing is half-written, --dry-run writes nothing, and the plan
// document has every section the brief asks for.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../src/cli/main';
import { MAIN_USAGE } from '../src/cli/usage';

const REPO = path.resolve(__dirname, '../../..');
const SPLIT = path.join(REPO, 'test-fixtures/split');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], cwd: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    cwd,
    env: { NO_COLOR: '1' },
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

const tempDirs: string[] = [];
after(() => {
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A Supabase project: the schema as the first migration, the mixed migration second. */
function project(): { dir: string; migration: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgpf-split-'));
  tempDirs.push(dir);
  const migrations = path.join(dir, 'supabase/migrations');
  fs.mkdirSync(migrations, { recursive: true });
  fs.copyFileSync(path.join(SPLIT, 'mixed/schema.sql'), path.join(migrations, '20240101000000_schema.sql'));
  fs.copyFileSync(path.join(SPLIT, 'mixed/migration.sql'), path.join(migrations, '20240102000000_mixed.sql'));
  fs.copyFileSync(path.join(SPLIT, 'stats.json'), path.join(dir, 'stats.json'));
  return { dir, migration: 'supabase/migrations/20240102000000_mixed.sql' };
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).sort();
}

describe('cli: split and plan', function () {
  this.timeout(60_000);

  it('are in the main help', () => {
    assert.match(MAIN_USAGE, /pg-preflight split <migration\.sql>/);
    assert.match(MAIN_USAGE, /pg-preflight plan <migration\.sql>/);
  });

  it('split --dry-run prints every step and writes nothing', async () => {
    const p = project();
    const before = listFiles(p.dir);
    const r = await run(['split', p.migration, '--dry-run', '--stats', 'stats.json'], p.dir);
    assert.equal(r.code, 0, r.stderr);
    const headers = r.stdout.match(/^==> .* <==$/gm) ?? [];
    assert.ok(headers.length >= 8, r.stdout.slice(0, 400));
    assert.match(r.stdout, /CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx/);
    assert.match(r.stdout, /VALIDATE CONSTRAINT users_account_id_fkey/);
    assert.match(r.stdout, /DO \$backfill\$/);
    assert.deepEqual(listFiles(p.dir), before);
  });

  it('split writes the steps to a new folder, and refuses (exit 2, one line, nothing written) when any target exists', async () => {
    const p = project();
    const r = await run(['split', p.migration, '--stats', 'stats.json'], p.dir);
    assert.equal(r.code, 0, r.stderr);
    const out = path.join(p.dir, 'supabase/migrations/20240102000000_mixed.split');
    const written = fs.readdirSync(out).sort();
    assert.equal(written[0], '20240102000000_mixed.sql');
    assert.ok(written.length >= 8);
    assert.ok(!fs.readdirSync(out).some((f) => f.endsWith('.tmp')), 'temporary files are left');
    // A second run would write the same names: refused before anything is written.
    const again = await run(['split', p.migration, '--stats', 'stats.json'], p.dir);
    assert.equal(again.code, 2);
    assert.equal(again.stderr.trim().split('\n').length, 1, again.stderr);
    assert.match(again.stderr, /already exists; split never overwrites/);
    assert.deepEqual(fs.readdirSync(out).sort(), written);
    // Only the last target taken: still nothing is written.
    const other = path.join(p.dir, 'other');
    fs.mkdirSync(other);
    const last = written[written.length - 1];
    fs.writeFileSync(path.join(other, last), 'taken');
    const partial = await run(['split', p.migration, '--stats', 'stats.json', '--out', 'other'], p.dir);
    assert.equal(partial.code, 2);
    assert.deepEqual(fs.readdirSync(other), [last]);
    assert.equal(fs.readFileSync(path.join(other, last), 'utf8'), 'taken');
  });

  it("split into the migrations folder itself refuses: the first step has the input's name", async () => {
    const p = project();
    const before = listFiles(p.dir);
    const r = await run(['split', p.migration, '--stats', 'stats.json', '--out', 'supabase/migrations'], p.dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /it is the migration being split/);
    assert.deepEqual(listFiles(p.dir), before);
  });

  it('split --out where no folder can be made: one line, exit 2, nothing written', async () => {
    const p = project();
    fs.writeFileSync(path.join(p.dir, 'plain.txt'), 'a regular file');
    const before = listFiles(p.dir);
    // Under a regular file (ENOTDIR) and under /proc, where even root cannot create a folder.
    for (const out of ['plain.txt/steps', '/proc/pgpf-no-such/steps']) {
      const r = await run(['split', p.migration, '--stats', 'stats.json', '--out', out], p.dir);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /cannot create the folder: /);
      assert.doesNotMatch(r.stderr, /internal error|\bat /);
      assert.deepEqual(listFiles(p.dir), before);
    }
  });

  it('split --format json --dry-run gives the plan as data', async () => {
    const p = project();
    const r = await run(['split', p.migration, '--dry-run', '--format', 'json', '--stats', 'stats.json'], p.dir);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout);
    assert.ok(Array.isArray(plan.steps) && plan.steps.length >= 8);
    for (const s of plan.steps)
      for (const k of ['name', 'sql', 'transactional', 'phase', 'locks', 'reverse']) assert.ok(k in s, `step lacks ${k}`);
    assert.deepEqual([...new Set(plan.steps.map((s: { phase: string }) => s.phase))].sort(), [
      'backfill',
      'contract',
      'expand',
      'migrate',
      'validate',
    ]);
  });

  it('plan --format markdown prints the plan document', async () => {
    const p = project();
    const r = await run(['plan', p.migration, '--format', 'markdown', '--stats', 'stats.json'], p.dir);
    assert.equal(r.code, 0, r.stderr);
    for (const h of [
      '# Migration plan',
      '## Summary and risk',
      '## Change set',
      '## Dependencies and ordering',
      '## Lock analysis',
      '## Steps and deploy phases',
      '## Backfill and verification queries',
      '## Rollback and forward fix',
      '## Tests to run',
      '## Operational runbook',
    ]) {
      assert.ok(r.stdout.includes(h), `missing ${h}`);
    }
    assert.match(r.stdout, /Risk as written: \d+\/10/);
    assert.match(r.stdout, /\| SHARE \|/);
    assert.match(r.stdout, /preflight\.backfill_progress/);
  });

  it('usage errors exit 2 with one line', async () => {
    const p = project();
    for (const args of [['split'], ['split', 'a.sql', 'b.sql'], ['plan', p.migration, '--format', 'pdf'], ['split', 'missing.sql']]) {
      const r = await run(args, p.dir);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});
