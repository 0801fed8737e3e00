// `pg-preflight mcp` as an assistant meets it: the official SDK's Client starts
// `node server/bin/pg-preflight.js mcp` over stdio, lists the tools and resources, and calls each tool
// on a fixture project. Nothing is written unless split_migration is asked to write, and then never over
// a file; bad input is a tool error result and the server goes on answering.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

const REPO = path.resolve(__dirname, '../../..');
const BIN = path.join(REPO, 'server/bin/pg-preflight.js');
const SPLIT = path.join(REPO, 'test-fixtures/split');
const TOOLS = ['check_migration', 'explain_locks', 'plan_migration', 'split_migration', 'verify_locks'];

const SCHEMA = `CREATE TABLE public.orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL);\n`;
const INDEX = `CREATE INDEX orders_customer_idx ON public.orders (customer_id);\n`;

/** Every file under `dir` with its bytes: the folder's state, to compare before and after. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p, 'base64'));
    }
  };
  walk(dir);
  return out;
}

function text(r: CallToolResult): string {
  return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

describe('mcp: the MCP server over stdio (the SDK client)', function () {
  let dir: string;
  let client: Client;
  let stderr = '';

  async function call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    return (await client.callTool({ name, arguments: args })) as CallToolResult;
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgpf-mcp-'));
    const migrations = path.join(dir, 'supabase/migrations');
    fs.mkdirSync(migrations, { recursive: true });
    fs.writeFileSync(path.join(migrations, '20240101000000_schema.sql'), SCHEMA);
    fs.writeFileSync(path.join(migrations, '20240102000000_index.sql'), INDEX);
    fs.mkdirSync(path.join(dir, 'split'));
    fs.copyFileSync(path.join(SPLIT, 'mixed/schema.sql'), path.join(dir, 'split/20240101000000_schema.sql'));
    fs.copyFileSync(path.join(SPLIT, 'mixed/migration.sql'), path.join(dir, 'split/20240102000000_mixed.sql'));
    fs.writeFileSync(path.join(dir, 'junk.sql'), Buffer.from([0x43, 0x52, 0x00, 0xff, 0xfe, 0x01]));
    client = new Client({ name: 'pg-preflight-test', version: '0.0.0' });
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], cwd: dir, stderr: 'pipe' });
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await client.connect(transport);
  });

  after(async () => {
    await client?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists the five tools, each with a description and input and output schemas', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
    for (const t of tools) {
      assert.ok((t.description ?? '').length > 100, `${t.name}: a description that says when to use it`);
      assert.equal(t.inputSchema.type, 'object', t.name);
      assert.equal(t.outputSchema?.type, 'object', t.name);
    }
    const verify = tools.find((t) => t.name === 'verify_locks');
    assert.ok(
      !Object.keys(verify?.inputSchema.properties ?? {}).some((k) => /url|database/i.test(k)),
      'verify_locks takes no database URL',
    );
  });

  it('check_migration on a plain CREATE INDEX names the SHARE lock and suggests CONCURRENTLY; nothing is written', async () => {
    const before = snapshot(dir);
    const r = await call('check_migration', { path: 'supabase/migrations/20240102000000_index.sql' });
    assert.ok(!r.isError, text(r));
    const data = r.structuredContent as {
      findings: { rule: string; message: string; fix?: string }[];
      locks: { table: string; mode: string; modeName: string; blocks: string[]; work: string }[];
      riskScore: number;
    };
    const finding = data.findings.find((f) => f.rule === 'require-concurrent-index-creation');
    assert.ok(finding, JSON.stringify(data.findings));
    assert.match(finding.message, /CONCURRENTLY/);
    assert.deepEqual(
      data.locks.map((l) => [l.table, l.mode, l.modeName, l.work]),
      [['public.orders', 'ShareLock', 'SHARE', 'index build']],
    );
    assert.ok(data.locks[0].blocks.includes('INSERT') && !data.locks[0].blocks.includes('SELECT'));
    assert.ok(data.riskScore >= 1 && data.riskScore <= 10);
    assert.match(text(r), /SHARE/);
    assert.match(text(r), /CONCURRENTLY/);
    assert.deepEqual(snapshot(dir), before);
  });

  it('check_migration on SQL text reads the folder it would go in as its schema', async () => {
    const alone = await call('check_migration', { sql: 'ALTER TABLE public.orders ALTER COLUMN status SET NOT NULL;' });
    const inFolder = await call('check_migration', {
      sql: 'ALTER TABLE public.orders ADD COLUMN note text NOT NULL;',
      folder: 'supabase/migrations',
    });
    assert.ok(!alone.isError && !inFolder.isError, text(alone) + text(inFolder));
    // Without a folder the text is checked alone, under a name of its own.
    assert.equal((alone.structuredContent as { file: string }).file, 'new_migration.sql');
    const d = inFolder.structuredContent as { file: string; findings: { rule: string }[] };
    // The name sorts after the folder's last migration; the table is known from the earlier file.
    assert.equal(d.file, 'supabase/migrations/20240102000001_new_migration.sql');
    assert.ok(
      d.findings.some((f) => f.rule === 'add-column-not-null-without-default'),
      JSON.stringify(d.findings),
    );
    assert.ok(!fs.existsSync(path.join(dir, d.file)));
  });

  it('check_migration and plan_migration on SQL no statement of which parses: riskScore null, "not analysed"', async () => {
    const r = await call('check_migration', { sql: 'ALTER TABLE `orders` ADD COLUMN `x` INT;' });
    assert.ok(!r.isError, text(r));
    assert.equal((r.structuredContent as { riskScore: number | null }).riskScore, null);
    assert.match(text(r), /: risk not analysed \(no statement parsed\)/);
    fs.writeFileSync(path.join(dir, 'mysql.sql'), 'ALTER TABLE `orders` ADD COLUMN `x` INT;\n');
    const p = await call('plan_migration', { path: 'mysql.sql' });
    assert.ok(!p.isError, text(p));
    assert.equal((p.structuredContent as { riskScore: number | null }).riskScore, null);
    assert.match(text(p), /Risk as written: not analysed/);
  });

  it('explain_locks: each statement, its locks and what they block, on the given version', async () => {
    const r = await call('explain_locks', {
      sql: 'ALTER TABLE t ADD COLUMN c int DEFAULT random();\nCREATE INDEX CONCURRENTLY i ON t (c);',
      pgVersion: 11,
    });
    assert.ok(!r.isError, text(r));
    const d = r.structuredContent as {
      pgVersion: number;
      statements: { label: string; locks: { mode: string; blocks: string[]; rewrite: boolean }[] }[];
    };
    assert.equal(d.pgVersion, 11);
    assert.equal(d.statements.length, 2);
    assert.deepEqual(
      d.statements[0].locks.map((l) => [l.mode, l.rewrite]),
      [['AccessExclusiveLock', true]],
    );
    assert.ok(d.statements[0].locks[0].blocks.includes('SELECT'));
    assert.deepEqual(
      d.statements[1].locks.map((l) => [l.mode, l.blocks]),
      [['ShareUpdateExclusiveLock', ['DDL']]],
    );
  });

  it('plan_migration returns the plan document', async () => {
    const r = await call('plan_migration', { path: 'split/20240102000000_mixed.sql' });
    assert.ok(!r.isError, text(r));
    const d = r.structuredContent as { markdown: string; steps: number };
    assert.ok(d.steps > 1);
    assert.match(d.markdown, /## Lock analysis/);
    assert.equal(text(r), d.markdown);
  });

  it('split_migration returns the steps and writes nothing; with write: true writes new files only, never overwriting', async () => {
    const before = snapshot(dir);
    const dry = await call('split_migration', { path: 'split/20240102000000_mixed.sql' });
    assert.ok(!dry.isError, text(dry));
    const d = dry.structuredContent as { steps: { file: string }[]; files: { path: string; text: string }[]; written: string[] };
    assert.ok(d.steps.length > 1 && d.files.length >= d.steps.length);
    assert.deepEqual(d.written, []);
    assert.ok(d.files.some((f) => /CONCURRENTLY/.test(f.text)));
    assert.deepEqual(snapshot(dir), before);

    const w = await call('split_migration', { path: 'split/20240102000000_mixed.sql', write: true });
    assert.ok(!w.isError, text(w));
    const written = (w.structuredContent as { written: string[] }).written;
    assert.deepEqual(
      written,
      d.files.map((f) => f.path),
    );
    for (const f of d.files) assert.equal(fs.readFileSync(path.join(dir, f.path), 'utf8'), f.text);
    const after = snapshot(dir);
    assert.deepEqual([...after.keys()].filter((k) => !before.has(k)).sort(), written.map((p) => path.normalize(p)).sort());
    for (const [k, v] of before) assert.equal(after.get(k), v, `${k} unchanged`);

    // Again: every target exists now; nothing is overwritten and nothing written.
    const again = await call('split_migration', { path: 'split/20240102000000_mixed.sql', write: true });
    assert.equal(again.isError, true);
    assert.match(text(again), /already exists; split never overwrites/);
    assert.deepEqual(snapshot(dir), after);

    const outside = await call('split_migration', { path: 'split/20240102000000_mixed.sql', write: true, outDir: '../elsewhere' });
    assert.equal(outside.isError, true);
    assert.match(text(outside), /outside the workspace/);
    assert.deepEqual(snapshot(dir), after);
  });

  it('verify_locks: the dry run on PGlite shows the SHARE lock the model predicts, and writes nothing', async () => {
    const before = snapshot(dir);
    const r = await call('verify_locks', { path: 'supabase/migrations/20240102000000_index.sql' });
    assert.ok(!r.isError, text(r));
    const d = r.structuredContent as {
      engine: string;
      replayed: string[];
      statements: { observed: { table: string; mode: string }[] }[];
      disagreements: string[];
      rolledBack: boolean;
    };
    assert.match(d.engine, /PGlite/);
    assert.deepEqual(d.replayed, ['supabase/migrations/20240101000000_schema.sql']);
    assert.ok(
      d.statements.some((s) => s.observed.some((o) => o.table === 'public.orders' && o.mode === 'ShareLock')),
      JSON.stringify(d.statements),
    );
    assert.deepEqual(d.disagreements, []);
    assert.equal(d.rolledBack, true);
    assert.deepEqual(snapshot(dir), before);
  });

  it('bad input is a tool error result, and the server keeps running', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['check_migration', { path: 'supabase/migrations/nope.sql' }, /no such file or directory/],
      ['check_migration', { path: '../../etc/passwd' }, /outside the workspace/],
      ['check_migration', { path: '/etc/passwd' }, /outside the workspace/],
      ['check_migration', { path: 'junk.sql' }, /binary file/],
      ['check_migration', { sql: 'CR\u0000\u00ff\u0001 junk' }, /binary data/],
      ['check_migration', {}, /give path/],
      ['explain_locks', { sql: '\u0000\u0001\u0002' }, /binary data/],
      ['explain_locks', { sql: 'SELECT 1', folder: '..' }, /outside the workspace/],
      ['plan_migration', { path: 'supabase/migrations' }, /is a folder/],
      ['verify_locks', { path: 'missing.sql' }, /no such file or directory/],
      ['verify_locks', { sql: 'SELECT 1', folder: '/tmp' }, /outside the workspace/],
    ];
    for (const [tool, args, expected] of cases) {
      const r = await call(tool, args);
      assert.equal(r.isError, true, `${tool} ${JSON.stringify(args)}: ${text(r)}`);
      assert.match(text(r), expected, `${tool} ${JSON.stringify(args)}`);
    }
    // A symbolic link that leads out of the workspace is outside too.
    fs.symlinkSync(os.tmpdir(), path.join(dir, 'out'));
    const link = await call('check_migration', { sql: 'SELECT 1;', folder: 'out' });
    assert.equal(link.isError, true);
    assert.match(text(link), /outside the workspace/);
    // Still answering.
    const ok = await call('explain_locks', { sql: 'TRUNCATE t;' });
    assert.ok(!ok.isError, text(ok));
    assert.doesNotMatch(stderr, /internal error/);
  });

  it('serves the rule pages as pg-preflight://rules/<id> resources', async () => {
    const { resources } = await client.listResources();
    const uri = 'pg-preflight://rules/require-concurrent-index-creation';
    assert.ok(resources.some((r) => r.uri === uri && r.mimeType === 'text/markdown'));
    assert.ok(resources.length >= 30, `${resources.length} rule pages`);
    const page = await client.readResource({ uri });
    const body = page.contents[0];
    assert.ok('text' in body);
    assert.equal(body.text, fs.readFileSync(path.join(REPO, 'docs/rules/require-concurrent-index-creation.md'), 'utf8'));
    await assert.rejects(client.readResource({ uri: 'pg-preflight://rules/no-such-rule' }), /no such rule/);
  });
});
