// CI the way its users set it up, on a real git repository made in a temp dir: `check --changed-since`,
// the GitHub Action's `run:` script (taken from action.yml and run as the runner runs it: bash -eo
// pipefail, inputs through env) and the pre-commit hook's entry (run with the staged files, as pre-commit
// runs it). Both run `npx --yes pg-preflight@<version>`: the fixture has the package installed locally
// (a link to this workspace's server/, as `npm i -D pg-preflight` would leave it) and npm runs offline,
// so npx resolves exactly that version or fails.
//
// The fixture: main has 0001 (orders + a view on orders.note), 0002, 0003_audit_log, db/seed.sql; the
// branch `feature` modifies 0002, renames 0003_audit_log to 0003_audit, adds 0004 and changes seed.sql;
// main then changes 0001 after the branch point; on feature, 0005 (a type change of orders.note) is
// staged, not committed. 0001 is never changed on feature: it must not be reported, but its view is what
// makes 0005 an error (type-change-breaks-view).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';

const REPO = path.resolve(__dirname, '../../..');
const BIN = path.join(REPO, 'server/bin/pg-preflight.js');
const VERSION: string = JSON.parse(fs.readFileSync(path.join(REPO, 'server/package.json'), 'utf8')).version;
const M = 'db/migrations';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a child: no npm_* variables of the test runner, npm offline (npx must resolve locally). */
function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^npm_/i.test(k)) env[k] = v;
  return { ...env, NO_COLOR: '', npm_config_offline: 'true', npm_config_update_notifier: 'false', npm_config_fund: 'false', ...extra };
}

function run(cmd: string, args: string[], cwd: string, env = childEnv()): Run {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env, timeout: 90_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function cli(args: string[], cwd: string, env = childEnv()): Run {
  return run(process.execPath, [BIN, ...args], cwd, env);
}

function git(cwd: string, ...args: string[]): string {
  const r = run('git', args, cwd);
  assert.equal(r.code, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function write(root: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

const ORDERS = `CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL, note varchar(100));
CREATE VIEW order_notes AS SELECT id, note FROM orders;
`;

/** The fixture repository (see the top of the file), checked out on `feature` with 0005 staged. */
function makeRepo(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgpf-ci-'));
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'config', 'user.name', 'pg-preflight test');
  git(root, 'config', 'user.email', 'test@pg-preflight.invalid');
  git(root, 'config', 'commit.gpgsign', 'false');
  write(root, '.gitignore', 'node_modules/\n');
  write(root, 'README.md', 'fixture\n');
  write(root, `${M}/0001_schema.sql`, ORDERS);
  write(root, `${M}/0002_status.sql`, 'ALTER TABLE orders ADD COLUMN status text;\n');
  write(
    root,
    `${M}/0003_audit_log.sql`,
    'CREATE TABLE audit_log (\n  id bigint PRIMARY KEY,\n  at timestamptz NOT NULL,\n  what text NOT NULL\n);\n',
  );
  write(root, 'db/seed.sql', "INSERT INTO orders VALUES (1, 1, 'x');\n");
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'initial schema');

  git(root, 'checkout', '-qb', 'feature');
  write(
    root,
    `${M}/0002_status.sql`,
    'ALTER TABLE orders ADD COLUMN status text;\nALTER TABLE orders ADD COLUMN flag boolean DEFAULT false;\n',
  );
  git(root, 'mv', `${M}/0003_audit_log.sql`, `${M}/0003_audit.sql`);
  write(root, `${M}/0004_index.sql`, 'CREATE INDEX orders_user_id_idx ON orders (user_id);\n');
  write(root, 'db/seed.sql', "INSERT INTO orders VALUES (2, 2, 'y');\n");
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'feature work');

  // On main after the branch point: a three-dot diff does not see it; a two-dot one would.
  git(root, 'checkout', '-q', 'main');
  write(root, `${M}/0001_schema.sql`, `-- reviewed\n${ORDERS}`);
  git(root, 'commit', '-qam', 'main moves on');
  git(root, 'checkout', '-q', 'feature');

  write(root, `${M}/0005_note_type.sql`, 'ALTER TABLE orders ALTER COLUMN note TYPE varchar(200);\n');
  write(root, 'README.md', 'fixture, edited\n');
  git(root, 'add', `${M}/0005_note_type.sql`, 'README.md');

  // pg-preflight installed in the project, as `npm i -D pg-preflight` leaves it (node_modules is ignored).
  fs.mkdirSync(path.join(root, 'node_modules/.bin'), { recursive: true });
  fs.symlinkSync(path.join(REPO, 'server'), path.join(root, 'node_modules/pg-preflight'), 'dir');
  fs.symlinkSync('../pg-preflight/bin/pg-preflight.js', path.join(root, 'node_modules/.bin/pg-preflight'));
  return root;
}

interface JsonReport {
  files: { path: string; findings: { rule: string; severity: string }[] }[];
}

function json(r: Run): JsonReport {
  assert.ok(r.stdout.trim().startsWith('{'), `not a JSON report (exit ${r.code}): ${r.stdout.slice(0, 200)} ${r.stderr}`);
  return JSON.parse(r.stdout) as JsonReport;
}

const CHANGED = [`${M}/0002_status.sql`, `${M}/0003_audit.sql`, `${M}/0004_index.sql`, `${M}/0005_note_type.sql`];

describe('ci integrations (a real git repository)', function () {
  this.timeout(120_000);
  let root: string;
  const temps: string[] = [];
  before(() => {
    root = makeRepo();
    temps.push(root);
  });
  after(() => {
    for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
  });

  describe('check --changed-since', () => {
    it('checks the added, modified, renamed and staged migrations since the merge base; the untouched history is schema only', () => {
      const r = cli(['check', '--changed-since', 'main', '--format', 'json'], root);
      assert.equal(r.code, 1, r.stderr);
      const report = json(r);
      assert.deepEqual(
        report.files.map((f) => f.path),
        CHANGED,
      );
      const f5 = report.files.find((f) => f.path.endsWith('0005_note_type.sql'));
      assert.ok(
        f5?.findings.some((x) => x.rule === 'type-change-breaks-view' && x.severity === 'error'),
        JSON.stringify(f5?.findings),
      );
    });

    it('the error in 0005 comes from the view in the unreported 0001: alone, the file has none', () => {
      const alone = fs.mkdtempSync(path.join(os.tmpdir(), 'pgpf-ci-alone-'));
      temps.push(alone);
      write(alone, `${M}/0005_note_type.sql`, fs.readFileSync(path.join(root, M, '0005_note_type.sql'), 'utf8'));
      const report = json(cli(['check', `${M}/0005_note_type.sql`, '--format', 'json'], alone));
      assert.equal(report.files.length, 1);
      assert.ok(!report.files[0].findings.some((x) => x.rule === 'type-change-breaks-view'), JSON.stringify(report.files[0].findings));
    });

    it('untracked migrations count; files outside migrationGlobs do not', () => {
      write(root, `${M}/0006_untracked.sql`, 'SELECT 1;\n');
      try {
        const report = json(cli(['check', '--changed-since', 'main', '--format', 'json', '--fail-on', 'never'], root));
        assert.deepEqual(
          report.files.map((f) => f.path),
          [...CHANGED, `${M}/0006_untracked.sql`],
        );
        assert.ok(!report.files.some((f) => f.path === 'db/seed.sql'));
      } finally {
        fs.rmSync(path.join(root, M, '0006_untracked.sql'));
      }
    });

    it('with paths, only the changed files among them', () => {
      const report = json(
        cli(
          [
            'check',
            '--changed-since',
            'main',
            '--format',
            'json',
            '--fail-on',
            'never',
            `${M}/0004_index.sql`,
            `${M}/0001_schema.sql`,
            'db/seed.sql',
          ],
          root,
        ),
      );
      assert.deepEqual(
        report.files.map((f) => f.path),
        [`${M}/0004_index.sql`, 'db/seed.sql'],
      );
    });

    it('from a subfolder, with the paths shown relative to it', () => {
      const report = json(cli(['check', '--changed-since', 'main', '--format', 'json', '--fail-on', 'never', '.'], path.join(root, M)));
      assert.deepEqual(
        report.files.map((f) => f.path),
        CHANGED.map((p) => path.basename(p)),
      );
    });

    it('no changed migration: exit 0 and a one-line note; an --output report is still written (empty)', () => {
      const clean = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pgpf-ci-wt-')), 'main');
      temps.push(path.dirname(clean));
      git(root, 'worktree', 'add', '-q', clean, 'main');
      try {
        const text = cli(['check', '--changed-since', 'HEAD'], clean);
        assert.equal(text.code, 0, text.stderr);
        assert.equal(text.stdout, '');
        assert.equal(text.stderr, 'pg-preflight: note: no migration changed since HEAD among the files matching migrationGlobs\n');
        const sarif = cli(['check', '--changed-since', 'HEAD', '--format', 'sarif', '--output', 'out.sarif'], clean);
        assert.equal(sarif.code, 0, sarif.stderr);
        assert.equal(sarif.stderr.split('\n').filter(Boolean).length, 1, sarif.stderr);
        assert.deepEqual(JSON.parse(fs.readFileSync(path.join(clean, 'out.sarif'), 'utf8')).runs[0].results, []);
      } finally {
        git(root, 'worktree', 'remove', '--force', clean);
      }
    });

    it('one-line errors: not a git repository, an unknown ref, a ref that looks like an option, no merge base, git not installed', () => {
      const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'pgpf-ci-nogit-'));
      temps.push(outside);
      write(outside, `${M}/0001_x.sql`, 'SELECT 1;\n');
      // A commit with no history in common with HEAD (a `git diff A...HEAD` without a merge base).
      const unrelated = git(root, 'commit-tree', 'HEAD^{tree}', '-m', 'unrelated').trim();
      const cases: [string[], string, NodeJS.ProcessEnv?][] = [
        [
          ['check', '--changed-since', 'main'],
          `pg-preflight: --changed-since: ${fs.realpathSync(outside)} is not inside a git repository\n`,
        ],
        [['check', '--changed-since', 'no-such-branch'], "pg-preflight: --changed-since: unknown git ref 'no-such-branch'\n"],
        [['check', '--changed-since=-p'], "pg-preflight: --changed-since: '-p' is not a git ref\n"],
        [['check', '--changed-since', unrelated], `pg-preflight: --changed-since: '${unrelated}' and HEAD have no common ancestor\n`],
        [
          ['check', '--changed-since', 'main'],
          'pg-preflight: --changed-since: git is not installed (no git on PATH)\n',
          { PATH: path.join(outside, 'no-bin') },
        ],
      ];
      for (const [i, [args, expected, env]] of cases.entries()) {
        const cwd = i === 0 ? outside : root; // the first case runs outside any repository
        const r = cli(args, cwd, childEnv((env ?? {}) as Record<string, string>));
        assert.deepEqual([r.code, r.stderr, r.stdout], [2, expected, ''], args.join(' '));
      }
    });

    it('the flag is declared for check only', () => {
      const r = cli(['split', `${M}/0004_index.sql`, '--changed-since', 'main'], root);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^pg-preflight: split: unknown option --changed-since/);
    });
  });

  describe('the GitHub Action (action.yml)', () => {
    const action = parseYaml(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>;
      outputs: Record<string, { value: string }>;
      runs: {
        using: string;
        steps: { id?: string; run?: string; shell?: string; env?: Record<string, string>; 'working-directory'?: string }[];
      };
    };
    const steps = action.runs.steps.filter((s) => s.run !== undefined);

    /** GitHub's evaluation of the few expressions the action uses; any other is a test failure. */
    function evaluate(text: string, inputs: Record<string, string>): string {
      return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_m, expr: string) => {
        const input = /^inputs\.([\w-]+)$/.exec(expr);
        if (input) {
          assert.ok(input[1] in action.inputs, `action.yml uses an undeclared input ${input[1]}`);
          return inputs[input[1]] ?? action.inputs[input[1]].default ?? '';
        }
        if (expr === 'github.action_path') return REPO;
        assert.fail(`action.yml uses an expression the test does not evaluate: ${expr}`);
      });
    }

    /** The action's run step as the runner runs it, in the workflow's workspace (the fixture). */
    function runAction(inputs: Record<string, string>): Run & { outputs: Record<string, string> } {
      const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgpf-ci-gh-'));
      temps.push(outDir);
      const step = steps[0];
      const script = path.join(outDir, 'step.sh');
      fs.writeFileSync(script, step.run as string);
      const env: Record<string, string> = { GITHUB_WORKSPACE: root, GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: path.join(outDir, 'output') };
      for (const [k, v] of Object.entries(step.env ?? {})) env[k] = evaluate(String(v), inputs);
      const cwd = path.resolve(root, evaluate(step['working-directory'] ?? '.', inputs));
      // shell: bash on a GitHub runner
      const r = run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], cwd, childEnv(env));
      const outputs: Record<string, string> = {};
      const file = env.GITHUB_OUTPUT;
      if (fs.existsSync(file))
        for (const line of fs.readFileSync(file, 'utf8').split('\n'))
          if (line.includes('=')) outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
      return { ...r, outputs };
    }

    it('is a composite action with one bash step that splices no expression into its script', () => {
      assert.equal(action.runs.using, 'composite');
      assert.equal(steps.length, 1);
      assert.equal(steps[0].shell, 'bash');
      assert.ok(!(steps[0].run as string).includes('${{'), 'an input spliced into the script could inject shell code; pass it through env');
      for (const name of ['paths', 'format', 'output', 'fail-on', 'stats', 'pg-version', 'changed-since']) {
        assert.ok(name in action.inputs, `input ${name}`);
        assert.ok(
          Object.values(steps[0].env ?? {}).some((v) => v === `\${{ inputs.${name} }}`),
          `input ${name} reaches the step`,
        );
      }
      assert.equal(action.inputs.format.default, 'github');
      assert.equal(action.outputs.report.value, `\${{ steps.${steps[0].id}.outputs.report }}`);
    });

    it('default format: annotations for the changed migrations only; the step fails on an error', () => {
      const r = runAction({ 'changed-since': 'main' });
      assert.equal(r.code, 1, r.stderr);
      const files = new Set([...r.stdout.matchAll(/^::(?:error|warning|notice) file=([^,]+),/gm)].map((m) => m[1]));
      assert.ok(files.size > 0, r.stdout);
      for (const f of files) assert.ok(CHANGED.includes(f), `annotation for ${f}, which did not change`);
      assert.match(r.stdout, /^::error file=db\/migrations\/0005_note_type\.sql,line=1,.*title=type-change-breaks-view::/m);
      assert.deepEqual(r.outputs, {}, 'no report file for the annotations format');
    });

    it('sarif: written to pg-preflight.sarif, its path in the report output; stats, pg-version and fail-on reach the CLI', () => {
      fs.copyFileSync(path.join(REPO, 'test-fixtures/rules/stats.json'), path.join(root, 'stats.json'));
      try {
        const r = runAction({ 'changed-since': 'main', format: 'sarif', stats: 'stats.json', 'pg-version': '15', 'fail-on': 'never' });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, '');
        assert.equal(r.outputs.report, path.join(root, 'pg-preflight.sarif'));
        const sarif = JSON.parse(fs.readFileSync(r.outputs.report, 'utf8'));
        const uris = new Set<string>(
          sarif.runs[0].results.map(
            (x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
              x.locations[0].physicalLocation.artifactLocation.uri,
          ),
        );
        assert.ok(uris.has(`${M}/0005_note_type.sql`), [...uris].join(' '));
        for (const u of uris) assert.ok(CHANGED.includes(u), `result for ${u}, which did not change`);
        assert.deepEqual(Object.keys(sarif.runs[0].properties.riskScores), CHANGED);
        // A bad pg-version is the CLI's one-line error, and no report output is set.
        const bad = runAction({ format: 'sarif', 'pg-version': '9' });
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /pg-preflight: --pg-version: expected a PostgreSQL major version from 11 to 18, got '9'/);
      } finally {
        fs.rmSync(path.join(root, 'stats.json'), { force: true });
        fs.rmSync(path.join(root, 'pg-preflight.sarif'), { force: true });
      }
    });

    it('paths: one per line, trimmed, globs left to the CLI; with changed-since only the changed ones among them', () => {
      const ok = runAction({
        paths: `  ${M}/0004_index.sql \n\n${M}/000[12]_*.sql\n`,
        'changed-since': 'main',
        format: 'json',
        'fail-on': 'never',
      });
      assert.equal(ok.code, 0, ok.stderr);
      assert.deepEqual(
        json(ok).files.map((f) => f.path),
        [`${M}/0004_index.sql`, `${M}/0002_status.sql`],
      );
    });

    it('version: overrides the release npx runs (offline here, so another version is not found)', () => {
      const r = runAction({ version: '0.0.0-not-installed' });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /ENOTCACHED[\s\S]*registry\.npmjs\.org\/pg-preflight/);
    });
  });

  describe('the pre-commit hook (.pre-commit-hooks.yaml)', () => {
    const hooks = parseYaml(fs.readFileSync(path.join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as {
      id: string;
      entry: string;
      language: string;
      files: string;
      pass_filenames?: boolean;
    }[];
    const hook = hooks.find((h) => h.id === 'pg-preflight');

    it('declares a hook on .sql files that gets the file names and runs this release', () => {
      assert.ok(hook, 'no pg-preflight hook');
      assert.ok(['node', 'system'].includes(hook.language));
      assert.notEqual(hook.pass_filenames, false);
      assert.equal(hook.entry, `npx --yes pg-preflight@${VERSION} check`, 'the entry pins the version of server/package.json');
      assert.ok(new RegExp(hook.files).test('supabase/migrations/20240101000000_x.sql') && !new RegExp(hook.files).test('README.md'));
    });

    it('run as pre-commit runs it: the staged .sql files, from the repository root; the history is schema', () => {
      assert.ok(hook);
      // pre-commit's list of staged files, then its `files` filter (a Python regex; this one reads the same in JS).
      const staged = git(root, 'diff', '--staged', '--name-only', '--no-ext-diff', '-z', '--diff-filter=ACMRTUXB')
        .split('\0')
        .filter(Boolean);
      assert.deepEqual(staged.sort(), ['README.md', `${M}/0005_note_type.sql`]);
      const files = staged.filter((f) => new RegExp(hook.files).test(f));
      // pre-commit splits the entry with shlex and appends the file names; no shell.
      const [cmd, ...args] = hook.entry.split(/\s+/);
      const r = run(cmd, [...args, ...files], root);
      assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /^db\/migrations\/0005_note_type\.sql:1:\d+ error type-change-breaks-view /m);
      assert.match(r.stdout, /Checked 1 file: 1 error/);
      assert.doesNotMatch(r.stdout, /0004_index|0002_status|0001_schema\.sql:/);
    });
  });
});
