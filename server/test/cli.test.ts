// The pg-preflight CLI end to end: the real binary as a child process for exit codes and stderr, and
// main() with injected io for the output formats. Inputs are the demo project and the rule fixtures;
// bad inputs (a file over 10 MB, a binary file, invalid UTF-8, broken JSON, ...) are made in a temp dir.
import { strict as assert } from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { validateStatsSnapshot } from '@pg-preflight/shared';
import { analyze } from '../src/core/analyze';
import { loadParser } from '../src/core/syntax/parse';
import { RULES as RULE_LIST } from '../src/core/rules';
import { LineIndex } from '../src/core/syntax/text';
import type { Analysis } from '../src/core/types';
import { collectAppFiles, ContextBuilder } from '../src/project/context';
import { MAX_INPUT_BYTES } from '../src/project/fsutil';
import { compileGlob } from '../src/project/glob';
import { main } from '../src/cli/main';
import type { FileResult } from '../src/cli/report/common';
import { escapeData, escapeProperty, renderGithub } from '../src/cli/report/github';
import { REPORTERS } from '../src/cli/report';
import { CHECK_USAGE, MAIN_USAGE } from '../src/cli/usage';
import { check, keywordsOf, KNOWN_KEYWORDS } from './support/json-schema';
import { freePort, sharedPostgres } from './support/postgres';

const REPO = path.resolve(__dirname, '../../..');
const BIN = path.join(REPO, 'server/bin/pg-preflight.js');
const DEMO = path.join(REPO, 'test-fixtures/demo');
const DEMO_MIGRATIONS = path.join(DEMO, 'supabase/migrations');
const RULES = path.join(REPO, 'test-fixtures/rules');
const RULE_STATS = path.join(RULES, 'stats.json');
const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO, 'server/schemas/check-output.schema.json'), 'utf8'));
const PASSWORD = 'Hunter2-very-secret';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real CLI, as CI runs it. */
function runBin(args: string[], cwd = REPO, env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', ...env },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The real CLI with a reader that goes away early, like `pg-preflight check ... | head -1`: the pipe of
 * `closed` is closed right away, or after its first chunk; the other stream is captured.
 */
function runBinClosingEarly(
  args: string[],
  closed: 'stdout' | 'stderr',
  when: 'at-once' | 'after-first-chunk',
): Promise<Run & { signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const reader = closed === 'stdout' ? child.stdout : child.stderr;
    const other = closed === 'stdout' ? child.stderr : child.stdout;
    let captured = '';
    other.setEncoding('utf8');
    other.on('data', (d: string) => (captured += d));
    if (when === 'at-once') reader.destroy();
    else reader.once('data', () => reader.destroy());
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code: code ?? -1, signal, stdout: closed === 'stdout' ? '' : captured, stderr: closed === 'stderr' ? '' : captured }),
    );
  });
}

/** main() in-process with captured streams. */
async function runMain(args: string[], opts: { cwd?: string; env?: Record<string, string>; tty?: boolean } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: opts.cwd ?? REPO,
    env: opts.env ?? {},
  });
  return { code, stdout, stderr };
}

describe('cli', function () {
  this.timeout(60_000);
  let tmp: string;
  let port: number;

  before(async () => {
    await loadParser();
    port = await freePort(); // released, so nothing listens there: connections are refused
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-preflight-cli-'));
    fs.mkdirSync(path.join(tmp, 'no-sql'));
    fs.writeFileSync(path.join(tmp, 'no-sql', 'README.txt'), 'nothing here\n');
    // Over the limit by one byte; sparse, so it costs no disk.
    const big = path.join(tmp, 'big.sql');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, MAX_INPUT_BYTES + 1);
    fs.writeFileSync(path.join(tmp, 'binary.sql'), Buffer.from([0x53, 0x45, 0x4c, 0x00, 0x01, 0x02, 0xff]));
    fs.writeFileSync(
      path.join(tmp, 'latin1.sql'),
      Buffer.concat([Buffer.from('SELECT 1;\n-- caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    );
    fs.writeFileSync(path.join(tmp, 'ok.sql'), 'SELECT 1;\n');
    const stats = JSON.parse(fs.readFileSync(RULE_STATS, 'utf8'));
    stats.tables[1].rows = -5;
    fs.writeFileSync(path.join(tmp, 'bad-stats.json'), JSON.stringify(stats));
    fs.writeFileSync(path.join(tmp, 'broken.json'), '{"formatVersion": 1,');
    fs.mkdirSync(path.join(tmp, 'bad-config'));
    fs.writeFileSync(path.join(tmp, 'bad-config', '.pg-preflight.json'), JSON.stringify({ pgVersion: 99, colour: 'red' }));
    fs.mkdirSync(path.join(tmp, 'broken-config'));
    fs.writeFileSync(path.join(tmp, 'broken-config', '.pg-preflight.json'), '{ "runner": ');
    fs.mkdirSync(path.join(tmp, 'unknown-rule-config'));
    fs.writeFileSync(
      path.join(tmp, 'unknown-rule-config', '.pg-preflight.json'),
      JSON.stringify({ rules: { 'require-concurrent-index': 'off' } }),
    );
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('bad input: exit 2 and one line on stderr', () => {
    const dbUrl = () => `postgresql://alice:${PASSWORD}@127.0.0.1:${port}/app`;
    const CASES: { name: string; args: () => string[]; cwd?: () => string; stderr: RegExp }[] = [
      {
        name: 'a missing file',
        args: () => ['check', 'no/such/file.sql'],
        stderr: /^pg-preflight: no\/such\/file\.sql: no such file or directory$/,
      },
      {
        name: 'a directory with no .sql',
        args: () => ['check', path.join(tmp, 'no-sql')],
        stderr: /no-sql: no \.sql files in this directory$/,
      },
      { name: 'a glob matching nothing', args: () => ['check', `${tmp}/*.nothing`], stderr: /\*\.nothing: no files match this pattern$/ },
      {
        name: 'a file over 10 MB',
        args: () => ['check', path.join(tmp, 'big.sql')],
        stderr: /big\.sql: file is too large: 10485761 bytes, over the 10 MB limit$/,
      },
      {
        name: 'a binary file',
        args: () => ['check', path.join(tmp, 'binary.sql')],
        stderr: /binary\.sql: binary file \(NUL byte at byte 3\), not SQL text$/,
      },
      {
        name: 'invalid UTF-8',
        args: () => ['check', path.join(tmp, 'latin1.sql')],
        stderr: /latin1\.sql: invalid UTF-8 at byte 16; save the file as UTF-8$/,
      },
      {
        name: 'a --stats file with a bad field',
        args: () => ['check', path.join(tmp, 'ok.sql'), '--stats', path.join(tmp, 'bad-stats.json')],
        stderr: /bad-stats\.json: not a valid statistics snapshot: tables\[1\]\.rows must be a non-negative number$/,
      },
      {
        name: 'a --stats file that is not JSON',
        args: () => ['check', path.join(tmp, 'ok.sql'), '--stats', path.join(tmp, 'broken.json')],
        stderr: /broken\.json: not a statistics snapshot: invalid JSON: /,
      },
      {
        name: 'a missing --stats file',
        args: () => ['check', path.join(tmp, 'ok.sql'), '--stats', 'nope.json'],
        stderr: /^pg-preflight: nope\.json: no such file or directory$/,
      },
      {
        name: 'an unreachable --database-url',
        args: () => ['check', path.join(tmp, 'ok.sql'), '--database-url', dbUrl()],
        stderr: /^pg-preflight: --database-url: could not connect to alice@127\.0\.0\.1:\d+\/app: connection refused/,
      },
      {
        name: 'stats with an unreachable database',
        args: () => ['stats', '--database-url', dbUrl()],
        stderr: /^pg-preflight: --database-url: could not connect to alice@127\.0\.0\.1:\d+\/app: /,
      },
      {
        name: 'stats with a database URL that is not one',
        args: () => ['stats', '--database-url', `mysql://root:${PASSWORD}@localhost/db`],
        stderr: /^pg-preflight: --database-url: the database URL is not valid/,
      },
      { name: 'stats without --database-url', args: () => ['stats'], stderr: /^pg-preflight: stats: --database-url is required/ },
      {
        name: '--stats with --database-url',
        args: () => ['check', path.join(tmp, 'ok.sql'), '--stats', RULE_STATS, '--database-url', dbUrl()],
        stderr: /^pg-preflight: --stats: cannot be combined with --database-url/,
      },
      {
        name: 'a --pg-version out of range',
        args: () => ['check', path.join(tmp, 'ok.sql'), '--pg-version', '9'],
        stderr: /^pg-preflight: --pg-version: expected a PostgreSQL major version from 11 to 18, got '9'$/,
      },
      {
        name: 'a --pg-version that is not a number',
        args: () => ['check', path.join(tmp, 'ok.sql'), '--pg-version=15.2'],
        stderr: /^pg-preflight: --pg-version: expected .* got '15\.2'$/,
      },
      {
        name: 'an unknown runner',
        args: () => ['check', path.join(tmp, 'ok.sql'), '--runner', 'liquibase'],
        stderr: /^pg-preflight: --runner: unknown runner 'liquibase'; expected auto, supabase, /,
      },
      {
        name: 'an unknown format',
        args: () => ['check', path.join(tmp, 'ok.sql'), '--format', 'xml'],
        stderr: /^pg-preflight: --format: expected one of text, json, sarif, github, markdown, got 'xml'$/,
      },
      {
        name: 'an unknown --fail-on',
        args: () => ['check', path.join(tmp, 'ok.sql'), '--fail-on', 'info'],
        stderr: /^pg-preflight: --fail-on: expected one of error, warning, never/,
      },
      {
        name: 'a flag without its value',
        args: () => ['check', path.join(tmp, 'ok.sql'), '--format'],
        stderr: /^pg-preflight: --format: needs a value/,
      },
      {
        name: 'an unknown flag',
        args: () => ['check', '--colour', path.join(tmp, 'ok.sql')],
        stderr: /^pg-preflight: check: unknown option --colour/,
      },
      {
        name: 'a value for a boolean flag',
        args: () => ['check', '--no-app-refs=yes', path.join(tmp, 'ok.sql')],
        stderr: /^pg-preflight: --no-app-refs: takes no value/,
      },
      {
        name: 'an unknown command',
        args: () => ['lint', 'x.sql'],
        stderr: /^pg-preflight: unknown command 'lint': expected check, stats, trace, split, plan, lsp, mcp or help \(see/,
      },
      {
        name: 'no command',
        args: () => [],
        stderr: /^pg-preflight: no command given: expected check, stats, trace, split, plan, lsp, mcp or help/,
      },
      {
        name: 'help for an unknown command',
        args: () => ['help', 'lint'],
        stderr: /^pg-preflight: unknown command 'lint': expected check, stats, trace, split, plan, lsp, mcp \(see/,
      },
      {
        name: 'a .pg-preflight.json naming no rule',
        args: () => ['check', path.join(tmp, 'ok.sql')],
        cwd: () => path.join(tmp, 'unknown-rule-config'),
        stderr:
          /^pg-preflight: \.pg-preflight\.json: rules\.require-concurrent-index names no rule; did you mean 'require-concurrent-index-creation'\?/,
      },
      { name: 'an unknown top-level flag', args: () => ['--verbose'], stderr: /^pg-preflight: --verbose: unknown option/ },
      {
        name: 'a bad .pg-preflight.json',
        args: () => ['check', path.join(tmp, 'ok.sql')],
        cwd: () => path.join(tmp, 'bad-config'),
        stderr: /^pg-preflight: \.pg-preflight\.json: pgVersion must be an integer from 11 to 18; unknown setting 'colour'$/,
      },
      {
        name: 'a .pg-preflight.json that is not JSON',
        args: () => ['check', path.join(tmp, 'ok.sql')],
        cwd: () => path.join(tmp, 'broken-config'),
        stderr: /^pg-preflight: \.pg-preflight\.json: invalid JSON: /,
      },
      {
        name: 'a missing --config file',
        args: () => ['check', path.join(tmp, 'ok.sql'), '--config', 'nope.json'],
        stderr: /^pg-preflight: --config nope\.json: no such file$/,
      },
      {
        name: 'an --output folder that does not exist',
        args: () => ['check', path.join(tmp, 'ok.sql'), '--output', path.join(tmp, 'no/such/dir/out.txt')],
        stderr: /out\.txt: cannot write: folder .*: no such file or directory$/,
      },
    ];

    for (const c of CASES) {
      it(c.name, () => {
        const r = runBin(c.args(), c.cwd?.() ?? REPO);
        assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
        assert.equal(r.stdout, '', 'nothing on stdout');
        assert.ok(
          r.stderr.endsWith('\n') && r.stderr.indexOf('\n') === r.stderr.length - 1,
          `exactly one line on stderr: ${JSON.stringify(r.stderr)}`,
        );
        assert.match(r.stderr.trimEnd(), c.stderr);
        assert.ok(!r.stderr.includes(PASSWORD), 'the password never appears');
        assert.ok(!r.stderr.includes('internal error'), r.stderr);
      });
    }
  });

  describe('help and version', () => {
    it('--help prints the usage and exits 0', async () => {
      const r = await runMain(['--help']);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, MAIN_USAGE);
      assert.match(r.stdout, /pg-preflight check/);
      assert.match(r.stdout, /pg-preflight stats --database-url URL/);
    });

    it('check --help and help check print the check usage', async () => {
      for (const args of [
        ['check', '--help'],
        ['check', '-h'],
        ['help', 'check'],
      ]) {
        const r = await runMain(args);
        assert.equal(r.code, 0);
        assert.equal(r.stdout, CHECK_USAGE);
      }
      for (const flag of [
        '--pg-version',
        '--stats',
        '--database-url',
        '--runner',
        '--format',
        '--fail-on',
        '--config',
        '--no-app-refs',
        '--output',
      ]) {
        assert.ok(CHECK_USAGE.includes(flag), `check usage lacks ${flag}`);
      }
    });

    it('--version prints the package version', () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'server/package.json'), 'utf8'));
      const r = runBin(['--version']);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `pg-preflight ${pkg.version}\n`);
    });
  });

  describe('exit codes and --fail-on', () => {
    const fixture = path.join(RULES, 'require-concurrent-index-creation/bad.sql');

    it('exits 1 with --fail-on warning on a fixture with warnings, 0 with --fail-on never', async () => {
      const json = JSON.parse((await runMain(['check', fixture, '--format', 'json'])).stdout);
      const severities: string[] = json.files[0].findings.map((f: { severity: string }) => f.severity);
      assert.ok(severities.includes('warning'), `the fixture has warnings without stats: ${severities}`);
      assert.equal(runBin(['check', fixture, '--fail-on', 'warning']).code, 1);
      assert.equal(runBin(['check', fixture]).code, severities.includes('error') ? 1 : 0);
      assert.equal(runBin(['check', fixture, '--fail-on', 'never']).code, 0);
    });

    it('exits 1 on errors by default and 0 on a clean file', async () => {
      assert.equal((await runMain(['check', path.join(RULES, 'constraint-missing-not-valid/bad.sql'), '--stats', RULE_STATS])).code, 1);
      const clean = await runMain(['check', path.join(tmp, 'ok.sql')]);
      assert.equal(clean.code, 0, clean.stderr + clean.stdout);
      assert.match(clean.stdout, /Checked 1 file: 0 errors, 0 warnings/);
    });
  });

  describe('the demo', () => {
    it('npm run demo prints the lock analysis table and the risk score and exits 0', () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
      const script: string = pkg.scripts.demo;
      // The script is `npm run build && cd test-fixtures/demo && node ../../server/bin/pg-preflight.js check ...`; run its CLI part.
      const m = /cd (\S+) && node (\S+) (check .*)$/.exec(script);
      assert.ok(m, `unexpected demo script: ${script}`);
      const r = spawnSync(process.execPath, [m[2], ...m[3].split(/\s+/)], {
        cwd: path.join(REPO, m[1]),
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Lock Analysis Table: supabase\/migrations\/20240301000000_add_index\.sql/);
      assert.match(r.stdout, /line \| table\s+\| lock mode\s+\| blocks\s+\| rewrite\/scan \| est\. duration/);
      assert.match(r.stdout, /public\.orders \(48M rows\) \| SHARE\s+\| writes, DDL\s+\| index build\s+\| ~\d+ min/);
      assert.match(r.stdout, /public\.orders \(48M rows\) \| ACCESS EXCLUSIVE/);
      assert.match(r.stdout, /Risk score: \d+\/10/);
      assert.match(r.stdout, /Checked 4 files: /);
    });

    it('its stats snapshot is valid and its config is used', async () => {
      const v = validateStatsSnapshot(JSON.parse(fs.readFileSync(path.join(DEMO, 'stats.json'), 'utf8')));
      assert.ok(v.ok, v.ok ? '' : v.error);
      // Run from a folder below the config: .pg-preflight.json is found walking up (pgVersion 15, runner supabase).
      const r = await runMain(['check', '20240301000000_add_index.sql', '--format', 'json'], { cwd: DEMO_MIGRATIONS });
      const file = JSON.parse(r.stdout).files[0];
      assert.equal(file.pgVersion, 15);
      assert.equal(file.runner, 'supabase');
      // A flag beats the config.
      const o = await runMain(['check', '20240301000000_add_index.sql', '--format', 'json', '--pg-version', '17', '--runner', 'plain'], {
        cwd: DEMO_MIGRATIONS,
      });
      assert.equal(JSON.parse(o.stdout).files[0].pgVersion, 17);
      assert.equal(JSON.parse(o.stdout).files[0].runner, 'plain');
    });

    it('with no paths, checks the files matching migrationGlobs under the project root', async () => {
      const r = await runMain(['check', '--format', 'json', '--fail-on', 'never', '--no-app-refs'], {
        cwd: path.join(DEMO, 'supabase/functions'),
      });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        JSON.parse(r.stdout).files.map((f: { path: string }) => path.basename(f.path)),
        fs.readdirSync(DEMO_MIGRATIONS).sort(),
      );
    });
  });

  describe('json output', () => {
    it('the schema uses only keywords the test checker understands, and the checker rejects bad output', async () => {
      const used = [...keywordsOf(SCHEMA)].filter((k) => !KNOWN_KEYWORDS.has(k));
      assert.deepEqual(used, []);
      const r = await runMain([
        'check',
        DEMO_MIGRATIONS,
        '--stats',
        path.join(DEMO, 'stats.json'),
        '--format',
        'json',
        '--fail-on',
        'never',
      ]);
      const out = JSON.parse(r.stdout);
      delete out.files[0].riskScore;
      out.files[1].statements[0].locks[0].mode = 'BigLock';
      out.files[1].extra = true;
      const errors = check(SCHEMA, out);
      assert.ok(
        errors.some((e) => /files\[0\]: missing required riskScore/.test(e)),
        errors.join('\n'),
      );
      assert.ok(
        errors.some((e) => /locks\[0\]\.mode: "BigLock" is not one of/.test(e)),
        errors.join('\n'),
      );
      assert.ok(
        errors.some((e) => /files\[1\]: unexpected property extra/.test(e)),
        errors.join('\n'),
      );
    });

    it('matches the schema and the documented shape (demo with stats, rule fixtures without)', async () => {
      const runs = [
        ['check', DEMO_MIGRATIONS, '--stats', path.join(DEMO, 'stats.json'), '--format', 'json', '--fail-on', 'never'],
        ['check', `${RULES}/*/bad.sql`, '--format', 'json', '--fail-on', 'never'],
      ];
      let sawNull = false;
      let sawNumber = false;
      for (const args of runs) {
        const r = await runMain(args);
        assert.equal(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        assert.deepEqual(check(SCHEMA, out), []);
        assert.equal(out.version, 1);
        assert.ok(out.files.length >= 2);
        for (const f of out.files) {
          assert.deepEqual(Object.keys(f), ['path', 'riskScore', 'pgVersion', 'runner', 'statements', 'findings']);
          for (const s of f.statements) {
            for (const l of s.locks) {
              assert.deepEqual(Object.keys(l), ['relation', 'mode', 'blocks', 'rewrite', 'scan', 'estimatedSeconds']);
              if (l.estimatedSeconds === null) sawNull = true;
              else sawNumber = true;
            }
          }
        }
      }
      assert.ok(sawNull, 'estimatedSeconds is null when the size is unknown');
      assert.ok(sawNumber, 'estimatedSeconds is a number when the size is known');
    });

    it('ranges are 0-based LSP positions in UTF-16 code units', async () => {
      const dir = fs.mkdtempSync(path.join(tmp, 'utf16-'));
      // é is 1 UTF-16 unit (2 bytes), 😀 is 2 units (4 bytes): CREATE starts at character 14 (byte 17, code point 13).
      const sql = "-- ✓ café\r\nSELECT 'é😀'; CREATE INDEX i ON orders (user_id);\r\n";
      fs.writeFileSync(path.join(dir, 'x.sql'), sql);
      const out = JSON.parse((await runMain(['check', path.join(dir, 'x.sql'), '--format', 'json', '--fail-on', 'never'])).stdout);
      const st = out.files[0].statements.find((s: { kind: string }) => s.kind === 'IndexStmt');
      assert.deepEqual(st.range, { start: { line: 1, character: 14 }, end: { line: 1, character: 49 } });
      const lines = new LineIndex(sql);
      assert.equal(sql.slice(lines.offsetAt(st.range.start), lines.offsetAt(st.range.end)), 'CREATE INDEX i ON orders (user_id);');
    });

    it('docs/cli.md documents every field, with an example that matches the schema', () => {
      const md = fs.readFileSync(path.join(REPO, 'docs/cli.md'), 'utf8');
      const example = /## JSON output[\s\S]*?```json\n([\s\S]*?)```/.exec(md);
      assert.ok(example, 'docs/cli.md has a JSON output section with a json example');
      assert.deepEqual(check(SCHEMA, JSON.parse(example[1])), []);
      for (const field of [
        'version',
        'files',
        'path',
        'riskScore',
        'pgVersion',
        'runner',
        'statements',
        'range',
        'kind',
        'label',
        'transactional',
        'locks',
        'relation',
        'mode',
        'blocks',
        'rewrite',
        'scan',
        'estimatedSeconds',
        'findings',
        'rule',
        'severity',
        'message',
        'fix',
      ]) {
        assert.ok(md.includes(`\`${field}\``), `docs/cli.md does not describe \`${field}\``);
      }
    });
  });

  describe('sarif output', () => {
    it('has the required SARIF 2.1.0 fields', async () => {
      const r = await runMain([
        'check',
        DEMO_MIGRATIONS,
        '--stats',
        path.join(DEMO, 'stats.json'),
        '--format',
        'sarif',
        '--fail-on',
        'never',
      ]);
      const log = JSON.parse(r.stdout);
      assert.equal(log.version, '2.1.0');
      assert.match(log.$schema, /sarif-2\.1\.0/);
      const run = log.runs[0];
      assert.equal(run.tool.driver.name, 'pg-preflight');
      const rules: { id: string; helpUri: string; shortDescription: { text: string } }[] = run.tool.driver.rules;
      assert.ok(rules.length > 0);
      for (const rule of rules) {
        assert.match(rule.helpUri, new RegExp(`^https://.*/docs/rules/${rule.id}\\.md$`));
        assert.ok(rule.shortDescription.text);
      }
      assert.ok(run.results.length > 0);
      for (const res of run.results) {
        assert.ok(
          rules.some((x) => x.id === res.ruleId),
          `${res.ruleId} is described in rules`,
        );
        assert.equal(rules[res.ruleIndex].id, res.ruleId);
        assert.ok(['error', 'warning', 'note'].includes(res.level));
        assert.ok(res.message.text);
        const loc = res.locations[0].physicalLocation;
        assert.match(loc.artifactLocation.uri, /^test-fixtures\/demo\/supabase\/migrations\/\d{14}_\w+\.sql$/);
        assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
        assert.ok(loc.region.endLine >= loc.region.startLine);
      }
      const index = run.results.find((x: { ruleId: string }) => x.ruleId === 'require-concurrent-index-creation');
      assert.deepEqual(index.locations[0].physicalLocation.region, { startLine: 2, startColumn: 1, endLine: 2, endColumn: 60 });
    });
  });

  describe('github output', () => {
    it('escapes data and properties as the workflow-command spec says', () => {
      assert.equal(escapeData('100% done\r\nnext: a,b'), '100%25 done%0D%0Anext: a,b');
      assert.equal(escapeProperty('a:b,c%\n'), 'a%3Ab%2Cc%25%0A');
      const text = 'SELECT 1;\n';
      const analysis: Analysis = {
        pgVersion: 17,
        runner: 'plain',
        statements: [],
        riskScore: 1,
        lockedTables: [],
        wrappedInTransaction: false,
        violations: [
          { rule: 'demo-rule', severity: 'warning', message: 'takes 100% of\nthe table, really', span: { start: 0, end: 6 } },
          { rule: 'other', severity: 'info', message: 'multi', span: { start: 0, end: 10 } },
        ],
      };
      const results: FileResult[] = [{ path: 'db/mig,rations:x.sql', text, lines: new LineIndex(text), analysis }];
      const lines = renderGithub(results).split('\n');
      assert.equal(
        lines[0],
        '::warning file=db/mig%2Crations%3Ax.sql,line=1,col=1,endLine=1,endColumn=6,title=demo-rule::takes 100%25 of%0Athe table, really',
      );
      assert.equal(lines[1], '::notice file=db/mig%2Crations%3Ax.sql,line=1,endLine=2,title=other::multi');
    });

    it('prints one annotation per finding for real files', async () => {
      const r = await runMain([
        'check',
        path.join(RULES, 'constraint-missing-not-valid/bad.sql'),
        '--stats',
        RULE_STATS,
        '--format',
        'github',
      ]);
      assert.equal(r.code, 1);
      const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error '));
      assert.ok(errors.length >= 2);
      for (const l of errors)
        assert.match(
          l,
          /^::error file=test-fixtures\/rules\/constraint-missing-not-valid\/bad\.sql,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[a-z-]+::[^\n]+$/,
        );
    });
  });

  describe('text and markdown output', () => {
    it('text: path:line:col, the source line with a caret underline, the lock table, the risk score', async () => {
      const r = await runMain(['check', path.join(RULES, 'require-concurrent-index-creation/bad.sql'), '--stats', RULE_STATS]);
      const out = r.stdout;
      assert.match(
        out,
        /^test-fixtures\/rules\/require-concurrent-index-creation\/bad\.sql:2:1 error require-concurrent-index-creation CREATE INDEX takes SHARE lock on public\.orders/m,
      );
      assert.ok(
        out.includes(
          '2 | CREATE INDEX orders_user_id_idx ON orders (user_id);\n  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n',
        ),
        out,
      );
      assert.match(out, /Lock Analysis Table: test-fixtures\/rules\/require-concurrent-index-creation\/bad\.sql\n line \| table/);
      assert.match(out, /\n {4}2 \| public\.orders \(40M rows\)\s+\| SHARE\s+\| writes, DDL \| index build\s+\| ~2 min\n/);
      assert.match(out, /Risk score: \d+\/10 \((low|medium|high|critical)\)/);
      assert.match(out, /Checked 1 file: \d+ errors?, \d+ warnings?/);
      assert.ok(!out.includes('\u001b['), 'no colours when stdout is not a TTY');
    });

    it('a file no statement of which parses is "not analysed", never risk 1/10 (low): text, json, markdown', async () => {
      // Another database's dialect (runner placeholders such as {{.Schema}} are read as names and analysed).
      const file = path.join(tmp, 'mysql.sql');
      fs.writeFileSync(file, 'CREATE TABLE `users` (`id` BIGINT) ENGINE=InnoDB;\nALTER TABLE `users` ADD COLUMN `x` INT;\n');
      const text = (await runMain(['check', file, '--fail-on', 'never'])).stdout;
      assert.match(text, /\nRisk score: not analysed\n/);
      assert.match(text, /Checked 1 file: 2 errors, 0 warnings; not analysed\.\n$/);
      assert.ok(!/1\/10/.test(text), text);
      const json = JSON.parse((await runMain(['check', file, '--format', 'json', '--fail-on', 'never'])).stdout);
      assert.equal(json.files[0].riskScore, null);
      assert.deepEqual(check(SCHEMA, json), []);
      const md = (await runMain(['check', file, '--format', 'markdown', '--fail-on', 'never'])).stdout;
      assert.match(md, /^## pg-preflight: risk ⚪ not analysed\n/);
      // One parsed statement is enough for a score: the file with the MySQL statement and a plain one gets one.
      const mixed = path.join(tmp, 'half-mysql.sql');
      fs.writeFileSync(mixed, 'CREATE TABLE plain (id bigint);\nALTER TABLE `users` ADD COLUMN `x` INT;\n');
      assert.match((await runMain(['check', mixed, '--fail-on', 'never'])).stdout, /\nRisk score: \d+\/10 \(low\)\n/);
    });

    it('colours only on a TTY without NO_COLOR', async () => {
      const args = ['check', path.join(RULES, 'require-concurrent-index-creation/bad.sql'), '--stats', RULE_STATS];
      assert.ok((await runMain(args, { tty: true })).stdout.includes('\u001b['));
      assert.ok(!(await runMain(args, { tty: true, env: { NO_COLOR: '1' } })).stdout.includes('\u001b['));
    });

    it('markdown: a summary with the risk, the lock table, the findings', async () => {
      const r = await runMain([
        'check',
        DEMO_MIGRATIONS,
        '--stats',
        path.join(DEMO, 'stats.json'),
        '--format',
        'markdown',
        '--fail-on',
        'never',
      ]);
      assert.match(r.stdout, /^## pg-preflight: risk .*\d+\/10/);
      assert.match(r.stdout, /\| Line \| Table \| Lock mode \| Blocks \| Rewrite\/scan \| Est\. duration \|/);
      assert.match(r.stdout, /\| 2 \| `public\.orders` \(48M rows\) \| SHARE \| writes, DDL \| index build \| \\?~\d+ min \|/);
      assert.match(r.stdout, /\*\*error\*\* `require-concurrent-index-creation` line 2: /);
    });
  });

  describe('--output', () => {
    it('writes the report to the file and nothing to stdout, leaving no temp file', async () => {
      const dir = fs.mkdtempSync(path.join(tmp, 'out-'));
      const r = await runMain([
        'check',
        DEMO_MIGRATIONS,
        '--stats',
        path.join(DEMO, 'stats.json'),
        '--format',
        'json',
        '--fail-on',
        'never',
        '--output',
        path.join(dir, 'report.json'),
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '');
      assert.deepEqual(fs.readdirSync(dir), ['report.json']);
      assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')).files.length, 4);
    });

    it('an error leaves no file, and an existing file untouched', () => {
      const dir = fs.mkdtempSync(path.join(tmp, 'out-'));
      const target = path.join(dir, 'report.txt');
      const bad = runBin(['check', path.join(tmp, 'binary.sql'), '--output', target]);
      assert.equal(bad.code, 2);
      assert.deepEqual(fs.readdirSync(dir), []);
      fs.writeFileSync(target, 'previous report\n');
      const bad2 = runBin(['check', path.join(tmp, 'ok.sql'), '--stats', path.join(tmp, 'bad-stats.json'), '--output', target]);
      assert.equal(bad2.code, 2);
      assert.deepEqual(fs.readdirSync(dir), ['report.txt']);
      assert.equal(fs.readFileSync(target, 'utf8'), 'previous report\n');
      const bad3 = runBin(['stats', '--database-url', `postgresql://alice:${PASSWORD}@127.0.0.1:${port}/app`, '--output', target]);
      assert.equal(bad3.code, 2);
      assert.ok(!bad3.stderr.includes(PASSWORD));
      assert.equal(fs.readFileSync(target, 'utf8'), 'previous report\n');
    });
  });

  describe('schema context and application files', () => {
    const names = (files: { path: string }[]) => files.map((f) => path.basename(f.path));

    it('each migration gets the earlier files of its folder, in version order', () => {
      const ctx = new ContextBuilder(REPO, DEMO, [compileGlob('supabase/migrations/*.sql')]);
      const files = fs.readdirSync(DEMO_MIGRATIONS).sort();
      const seen = files.map((f) => ctx.context(path.join(DEMO_MIGRATIONS, f)));
      assert.deepEqual(
        seen.map((c) => names(c.priorFiles)),
        [[], files.slice(0, 1), files.slice(0, 2), files.slice(0, 3)],
      );
      assert.deepEqual(seen[2].siblingNames, [files[0], files[1], files[3]]);
      // Checked files are the new ones: a checked file that sorts later is not an existing sibling.
      const abs = (f: string) => path.join(DEMO_MIGRATIONS, f);
      assert.deepEqual(ctx.context(abs(files[1]), new Set(files.map(abs))).siblingNames, [files[0]]);
      assert.deepEqual(ctx.context(abs(files[1]), new Set([abs(files[1]), abs(files[3])])).siblingNames, [files[0], files[2]]);
      assert.deepEqual(names(ctx.context(abs(files[1]), new Set(files.map(abs))).priorFiles), [files[0]]);
      assert.ok(seen.every((c) => c.isMigration));
      const fixture = ctx.context(path.join(RULES, 'constraint-missing-not-valid/bad.sql'));
      assert.deepEqual(fixture, { isMigration: false, priorFiles: [], siblingNames: [] });
    });

    it("Prisma's folder-per-migration layout, numeric version order and down migrations", () => {
      const root = fs.mkdtempSync(path.join(tmp, 'prisma-'));
      const mig = path.join(root, 'prisma/migrations');
      for (const d of ['20240201000000_b', '20240101000000_a', '20240301000000_c']) {
        fs.mkdirSync(path.join(mig, d), { recursive: true });
        fs.writeFileSync(path.join(mig, d, 'migration.sql'), `-- ${d}\nSELECT 1;\n`);
      }
      fs.writeFileSync(path.join(mig, 'migration_lock.toml'), 'provider = "postgresql"\n');
      const ctx = new ContextBuilder(root, root, []);
      const c = ctx.context(path.join(mig, '20240301000000_c/migration.sql'));
      assert.deepEqual(
        c.priorFiles.map((f) => f.path),
        ['prisma/migrations/20240101000000_a/migration.sql', 'prisma/migrations/20240201000000_b/migration.sql'],
      );
      assert.deepEqual(c.siblingNames, ['20240101000000_a/migration.sql', '20240201000000_b/migration.sql']);

      const plain = path.join(root, 'db/migrations');
      fs.mkdirSync(plain, { recursive: true });
      for (const f of ['10_ten.up.sql', '9_nine.up.sql', '9_nine.down.sql', '11_eleven.up.sql'])
        fs.writeFileSync(path.join(plain, f), 'SELECT 1;\n');
      const p = ctx.context(path.join(plain, '11_eleven.up.sql'));
      assert.deepEqual(names(p.priorFiles), ['9_nine.up.sql', '10_ten.up.sql']);
    });

    it('application files: under the project root, outside migration folders, capped with a note', () => {
      const found = collectAppFiles(DEMO, REPO, new Set([DEMO_MIGRATIONS]));
      assert.deepEqual(
        found.files.map((f) => f.path),
        ['test-fixtures/demo/supabase/functions/orders/index.ts'],
      );
      assert.match(found.files[0].text, /total_cents/);
      assert.equal(found.note, undefined);

      const root = fs.mkdtempSync(path.join(tmp, 'app-'));
      for (const d of ['src', 'node_modules/pkg', 'dist', 'migrations', '.git']) fs.mkdirSync(path.join(root, d), { recursive: true });
      for (const f of [
        'src/a.ts',
        'src/b.py',
        'src/c.go',
        'src/d.txt',
        'node_modules/pkg/x.js',
        'dist/x.js',
        'migrations/1_x.sql',
        '.git/x.js',
      ])
        fs.writeFileSync(path.join(root, f), 'select total_cents from orders\n');
      fs.writeFileSync(path.join(root, 'src/big.js'), 'x'.repeat(1024 * 1024 + 1));
      assert.deepEqual(
        collectAppFiles(root, root, new Set()).files.map((f) => f.path),
        ['src/a.ts', 'src/b.py', 'src/c.go'],
      );
      const capped = collectAppFiles(root, root, new Set(), { files: 2, bytes: 1e9 });
      assert.equal(capped.files.length, 2);
      assert.match(capped.note ?? '', /stopped after 2 files/);
    });

    it('the checked files see their folder as schema context (an index from an earlier file counts)', async function () {
      if (!RULE_LIST.some((r) => r.id === 'fk-without-index')) this.skip();
      // 20240401000000_constraints.sql adds a foreign key on orders(user_id); the index on it comes from
      // 20240301000000_add_index.sql, which is read as context even when only the later file is checked.
      const stats = path.join(DEMO, 'stats.json');
      const fkFindings = async (file: string) => {
        const r = await runMain(['check', file, '--stats', stats, '--format', 'json', '--fail-on', 'never', '--no-app-refs']);
        return JSON.parse(r.stdout).files[0].findings.filter((f: { rule: string }) => f.rule === 'fk-without-index').length;
      };
      assert.equal(await fkFindings(path.join(DEMO_MIGRATIONS, '20240401000000_constraints.sql')), 0);
      // The same file in a folder without the index migration: the finding appears.
      const mig = path.join(fs.mkdtempSync(path.join(tmp, 'ctx-')), 'supabase/migrations');
      fs.mkdirSync(mig, { recursive: true });
      for (const f of ['20240101000000_init.sql', '20240401000000_constraints.sql'])
        fs.copyFileSync(path.join(DEMO_MIGRATIONS, f), path.join(mig, f));
      assert.equal(await fkFindings(path.join(mig, '20240401000000_constraints.sql')), 1);
    });
  });

  it('checking a whole folder reports no ordering problem; checking an older file alone does', async function () {
    if (!RULE_LIST.some((r) => r.id === 'migration-out-of-order')) this.skip();
    const ordering = async (args: string[]) => {
      const r = await runMain(['check', ...args, '--format', 'json', '--fail-on', 'never', '--no-app-refs']);
      return JSON.parse(r.stdout).files.flatMap((f: { path: string; findings: { rule: string }[] }) =>
        f.findings.filter((x) => x.rule === 'migration-out-of-order').map(() => path.basename(f.path)),
      );
    };
    assert.deepEqual(await ordering([DEMO_MIGRATIONS]), []);
    assert.deepEqual(await ordering([path.join(DEMO_MIGRATIONS, '20240301000000_add_index.sql')]), ['20240301000000_add_index.sql']);
  });

  describe('stats on a real PostgreSQL', () => {
    const db = `pgpf_cli_${process.pid}`;
    let admin: Client | undefined;
    let url = '';

    before(async function () {
      this.timeout(120_000);
      const pg = await sharedPostgres();
      admin = new Client({ connectionString: pg.url });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${db}`);
      await admin.query(`CREATE DATABASE ${db}`);
      url = pg.url.replace(/\/postgres$/, `/${db}`);
      const c = new Client({ connectionString: url });
      await c.connect();
      await c.query(`CREATE TABLE public.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint NOT NULL, note text);
        INSERT INTO public.orders (user_id, note) SELECT i % 100, repeat('x', 50) FROM generate_series(1, 20000) i;
        ANALYZE public.orders;`);
      await c.end();
    });

    after(async () => {
      await admin?.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
      await admin?.end();
    });

    it('stats --output writes a snapshot that check --stats reads', () => {
      const out = path.join(fs.mkdtempSync(path.join(tmp, 'stats-')), 'stats.json');
      const r = runBin(['stats', '--database-url', url, '--output', out]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(
        r.stderr,
        /^pg-preflight: wrote statistics for \d+ tables from postgres@127\.0\.0\.1:\d+\/pgpf_cli_\d+ to .*stats\.json\n$/,
      );
      const v = validateStatsSnapshot(JSON.parse(fs.readFileSync(out, 'utf8')));
      assert.ok(v.ok, v.ok ? '' : v.error);
      const orders = v.snapshot.tables.find((t) => t.schema === 'public' && t.name === 'orders');
      assert.equal(orders?.rows, 20000);

      const sql = path.join(path.dirname(out), 'add_index.sql');
      fs.writeFileSync(sql, 'CREATE INDEX orders_user_id_idx ON public.orders (user_id);\n');
      const checked = runBin(['check', sql, '--stats', out, '--fail-on', 'never']);
      assert.equal(checked.code, 0, checked.stderr);
      assert.match(checked.stdout, /public\.orders \(20k rows\) \| SHARE/);
      // The same straight from the database.
      const direct = runBin(['check', sql, '--database-url', url, '--fail-on', 'never']);
      assert.equal(direct.code, 0, direct.stderr);
      assert.match(direct.stdout, /public\.orders \(20k rows\) \| SHARE/);
    });

    it('stats without --output prints the snapshot JSON', () => {
      const r = runBin(['stats', '--database-url', url]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.ok(validateStatsSnapshot(JSON.parse(r.stdout)).ok);
    });
  });

  describe('a reader that closes early (| head -1): no stack trace, the exit code it would have had', () => {
    let file: string;
    before(() => {
      // A report of several hundred kB: far more than a pipe buffers, so writing it meets the closed pipe.
      let sql = '';
      for (let i = 0; i < 1500; i++) sql += `CREATE INDEX early_${i} ON orders (user_id);\n`;
      file = path.join(tmp, 'many-findings.sql');
      fs.writeFileSync(file, sql);
    });

    for (const format of ['text', 'json']) {
      for (const when of ['at-once', 'after-first-chunk'] as const) {
        it(`${format}: stdout closed ${when}`, async () => {
          const args = ['check', file, '--stats', RULE_STATS, '--format', format, '--no-app-refs'];
          const full = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
          assert.equal(full.status, 1, full.stderr);
          assert.ok(full.stdout.length > 256 * 1024, `report of ${full.stdout.length} bytes`);
          const r = await runBinClosingEarly(args, 'stdout', when);
          assert.equal(r.signal, null);
          assert.equal(r.stderr, '');
          assert.equal(r.code, full.status);
        });
      }
    }

    it('stderr closed at once (2>&1 | head): an input error still exits 2', async () => {
      const args = ['check', path.join(tmp, 'missing.sql')];
      assert.equal(runBin(args).code, 2);
      const r = await runBinClosingEarly(args, 'stderr', 'at-once');
      assert.equal(r.signal, null);
      assert.equal(r.stdout, '');
      assert.equal(r.code, 2);
    });
  });

  describe('large input', () => {
    // Speed is measured by `npm run bench`, not asserted here; this checks the work is complete.
    it('a 5,000-statement file: every reporter renders it and the CLI checks it', async () => {
      const dir = fs.mkdtempSync(path.join(tmp, 'large-'));
      let sql = '';
      for (let i = 0; i < 2500; i++) sql += `CREATE INDEX idx_${i} ON orders (user_id);\nALTER TABLE users ADD COLUMN c_${i} integer;\n`;
      const file = path.join(dir, 'big.sql');
      fs.writeFileSync(file, sql);
      const stats = JSON.parse(fs.readFileSync(RULE_STATS, 'utf8'));
      const analysis = analyze({ text: sql, path: 'big.sql', stats });
      assert.equal(analysis.statements.length, 5000);
      const result: FileResult = { path: 'big.sql', text: sql, lines: new LineIndex(sql), analysis };
      for (const render of Object.values(REPORTERS)) assert.ok(render([result], {}).length > 0);
      const r = await runMain(['check', file, '--stats', RULE_STATS, '--format', 'json', '--fail-on', 'never', '--no-app-refs']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).files[0].statements.length, 5000);
    });
  });
});
