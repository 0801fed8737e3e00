// The database's own migration history: each runner's real table shape on PostgreSQL 15, read by
// `pg-preflight stats`, and compared with the local files by `check --database-url` and `check --stats`.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { validateStatsSnapshot, type StatsSnapshot } from '@pg-preflight/shared';
import { crc32, flywayChecksum, prismaChecksumMatches, sha256Hex, utf8 } from '../src/core/migrations/checksums';
import { sharedPostgres } from './support/postgres';

const REPO = path.resolve(__dirname, '../../..');
const BIN = path.join(REPO, 'server/bin/pg-preflight.js');

function run(args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Finding {
  rule: string;
  message: string;
}
function findings(stdout: string): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of JSON.parse(stdout).files as { path: string; findings: Finding[] }[]) out.set(f.path.replace(/\\/g, '/'), f.findings);
  return out;
}

describe('checksums as the runners compute them', () => {
  it('CRC32 is the IEEE one (check value of "123456789")', () => {
    assert.equal(crc32(utf8('123456789')), 0xcbf43926);
  });
  it("Flyway's checksum ignores line endings and a BOM, and sees every other change", () => {
    const lf = 'CREATE TABLE a (id int);\n\nCREATE INDEX ON a (id);\n';
    assert.equal(flywayChecksum(lf), flywayChecksum(lf.replace(/\n/g, '\r\n')));
    assert.equal(flywayChecksum(lf), flywayChecksum(`\uFEFF${lf}`));
    assert.notEqual(flywayChecksum(lf), flywayChecksum(lf.replace('id int', 'id bigint')));
    // Signed like Java's int: the CRC of these bytes is above 2^31.
    const s = flywayChecksum('select 1;');
    assert.equal(Number(s), crc32(utf8('select 1;')) | 0);
  });
  it('sha256 agrees with node:crypto across block boundaries and non-ASCII text', () => {
    for (const t of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'é€😀\r\nx'.repeat(40), 'x'.repeat(1000)]) {
      assert.equal(sha256Hex(utf8(t)), createHash('sha256').update(t, 'utf8').digest('hex'), `length ${t.length}`);
    }
  });
  it("Prisma's checksum matches the file with either line endings, not an edited one", () => {
    const text = 'CREATE TABLE a (id int);\nALTER TABLE a ADD b int;\n';
    const recorded = createHash('sha256').update(text).digest('hex');
    assert.ok(prismaChecksumMatches(text, recorded));
    assert.ok(prismaChecksumMatches(text.replace(/\n/g, '\r\n'), recorded));
    assert.ok(!prismaChecksumMatches(text.replace('b int', 'b bigint'), recorded));
  });
});

/** One runner: its table as the runner creates it, the rows it would write, and a local folder. */
interface Case {
  runner: string;
  table: string;
  ddl: string;
  rows: string;
  /** Local files (relative to the project): the applied ones plus `late`, which sorts before the newest applied. */
  files: Record<string, string>;
  late: string;
  /** A local file whose recorded checksum differs, where the runner records one. */
  edited?: string;
}

const SQL = (t: string) => `CREATE TABLE ${t} (id bigint PRIMARY KEY);\n`;
const sha = (t: string) => createHash('sha256').update(t).digest('hex');

const CASES: Case[] = [
  {
    runner: 'supabase',
    table: 'supabase_migrations.schema_migrations',
    ddl: 'CREATE SCHEMA supabase_migrations; CREATE TABLE supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY, statements text[], name text)',
    rows: "INSERT INTO supabase_migrations.schema_migrations VALUES ('20240101000000', '{}', 'init'), ('20240110000000', '{}', 'orders'), ('20240120000000', '{}', 'payments')",
    files: {
      'supabase/migrations/20240101000000_init.sql': SQL('a'),
      'supabase/migrations/20240110000000_orders.sql': SQL('orders'),
      'supabase/migrations/20240105000000_invoices.sql': SQL('invoices'),
    },
    late: 'supabase/migrations/20240105000000_invoices.sql',
  },
  {
    runner: 'prisma',
    table: 'public._prisma_migrations',
    // Prisma Migrate's own table.
    ddl: `CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY NOT NULL, checksum varchar(64) NOT NULL, finished_at timestamptz,
      migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz, started_at timestamptz NOT NULL DEFAULT now(),
      applied_steps_count integer NOT NULL DEFAULT 0)`,
    rows: `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES
      ('1', '${sha(SQL('a'))}', now(), '20240101000000_init', 1),
      ('2', '${sha(SQL('orders'))}', now(), '20240110000000_orders', 1),
      ('3', '${sha('something else')}', NULL, '20240111000000_failed', 0)`,
    files: {
      'prisma/migrations/20240101000000_init/migration.sql': SQL('a'),
      'prisma/migrations/20240110000000_orders/migration.sql': `${SQL('orders')}-- edited after it ran\n`,
      'prisma/migrations/20240105000000_invoices/migration.sql': SQL('invoices'),
    },
    late: 'prisma/migrations/20240105000000_invoices/migration.sql',
    edited: 'prisma/migrations/20240110000000_orders/migration.sql',
  },
  {
    runner: 'flyway',
    table: 'public.flyway_schema_history',
    // Flyway's table on PostgreSQL.
    ddl: `CREATE TABLE flyway_schema_history (installed_rank integer NOT NULL PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL,
      type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum integer, installed_by varchar(100) NOT NULL,
      installed_on timestamp NOT NULL DEFAULT now(), execution_time integer NOT NULL, success boolean NOT NULL)`,
    rows: `INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES
      (1, '1', 'init', 'SQL', 'V1__init.sql', ${flywayChecksum(SQL('a'))}, 'me', 1, true),
      (2, '3', 'orders', 'SQL', 'V3__orders.sql', ${flywayChecksum(SQL('orders'))}, 'me', 1, true),
      (3, NULL, 'views', 'SQL', 'R__views.sql', 1, 'me', 1, true)`,
    files: {
      'db/migration/V1__init.sql': SQL('a').replace(/\n/g, '\r\n'),
      'db/migration/V3__orders.sql': SQL('orders').replace('bigint', 'int'),
      'db/migration/V2__invoices.sql': SQL('invoices'),
    },
    late: 'db/migration/V2__invoices.sql',
    edited: 'db/migration/V3__orders.sql',
  },
  {
    runner: 'golang-migrate',
    table: 'public.schema_migrations',
    // golang-migrate keeps one row: the current version and whether it failed half way.
    ddl: 'CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)',
    rows: 'INSERT INTO schema_migrations VALUES (3, false)',
    files: {
      'migrations/1_init.up.sql': SQL('a'),
      'migrations/1_init.down.sql': 'DROP TABLE a;\n',
      'migrations/2_invoices.up.sql': SQL('invoices'),
    },
    late: 'migrations/2_invoices.up.sql',
  },
  {
    runner: 'dbmate',
    table: 'public.schema_migrations',
    ddl: 'CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)',
    rows: "INSERT INTO schema_migrations VALUES ('20240101000000'), ('20240120000000')",
    files: {
      'db/migrations/20240101000000_init.sql': `-- migrate:up\n${SQL('a')}`,
      'db/migrations/20240120000000_orders.sql': `-- migrate:up\n${SQL('orders')}`,
      'db/migrations/20240105000000_invoices.sql': `-- migrate:up\n${SQL('invoices')}`,
    },
    late: 'db/migrations/20240105000000_invoices.sql',
  },
];

describe('applied migration history on PostgreSQL 15', function () {
  this.timeout(180_000);
  let base: URL;
  let admin: Client;
  const dirs: string[] = [];

  before(async () => {
    const pg = await sharedPostgres();
    base = new URL(pg.url);
    admin = new Client({ connectionString: pg.url });
    await admin.connect();
  });
  after(async () => {
    await admin?.end();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  async function database(name: string, ddl: string[]): Promise<string> {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(base.href);
    url.pathname = `/${name}`;
    const c = new Client({ connectionString: url.href });
    await c.connect();
    try {
      for (const s of ddl) await c.query(s);
    } finally {
      await c.end();
    }
    return url.href;
  }

  function project(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgpf-history-'));
    dirs.push(dir);
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    return dir;
  }

  for (const c of CASES) {
    it(`${c.runner}: stats reads ${c.table}; check --database-url and check --stats report the late migration`, async () => {
      const url = await database(`hist_${c.runner.replace(/-/g, '_')}`, [c.ddl, c.rows]);
      const dir = project(c.files);

      const stats = run(['stats', '--database-url', url, '--output', 'snapshot.json'], dir);
      assert.equal(stats.code, 0, stats.stderr);
      const v = validateStatsSnapshot(JSON.parse(fs.readFileSync(path.join(dir, 'snapshot.json'), 'utf8')));
      assert.ok(v.ok, v.ok ? '' : v.error);
      const snapshot = (v as { snapshot: StatsSnapshot }).snapshot;
      const history = snapshot.appliedMigrations ?? [];
      assert.deepEqual(
        history.map((h) => [h.runner, h.table]),
        [[c.runner, c.table]],
      );
      // The history table itself is still there and unchanged: the read was read-only.
      const after = await new Client({ connectionString: url });
      await after.connect();
      const count = (await after.query(`SELECT count(*)::int AS n FROM ${c.table}`)).rows[0].n;
      await after.end();
      assert.ok(count >= 1);

      const folder = c.runner === 'prisma' ? 'prisma/migrations' : path.posix.dirname(c.late);
      for (const source of [
        ['--database-url', url],
        ['--stats', 'snapshot.json'],
      ]) {
        const r = run(['check', '--format', 'json', ...source, folder], dir);
        assert.ok(r.code === 0 || r.code === 1, r.stderr);
        const byFile = findings(r.stdout);
        const late = (byFile.get(c.late) ?? []).filter((f) => f.rule === 'migration-out-of-order');
        assert.equal(late.length, 1, `${source[0]}: ${JSON.stringify([...byFile])}`);
        assert.match(late[0].message, new RegExp(c.table.split('.').pop()!.replace(/_/g, '_')));
        // No other file is called out of order: the applied ones are known to be applied.
        const others = [...byFile].filter(([f, list]) => f !== c.late && list.some((x) => x.rule === 'migration-out-of-order'));
        assert.deepEqual(others, []);
        const mismatched = [...byFile]
          .filter(([, list]) => list.some((x) => x.rule === 'migration-history-mismatch' && /changed after/.test(x.message)))
          .map(([f]) => f);
        assert.deepEqual(mismatched, c.edited ? [c.edited] : [], `${source[0]} checksum findings`);
      }
    });
  }

  it('drift: an applied migration with no local file is reported once, on the newest local file', async () => {
    const url = await database('hist_drift', [CASES[0].ddl, CASES[0].rows]);
    const dir = project({
      'supabase/migrations/20240101000000_init.sql': SQL('a'),
      'supabase/migrations/20240110000000_orders.sql': SQL('orders'),
    });
    const r = run(['check', '--format', 'json', '--database-url', url, 'supabase/migrations'], dir);
    const byFile = findings(r.stdout);
    const drift = [...byFile].flatMap(([f, list]) =>
      list.filter((x) => x.rule === 'migration-history-mismatch').map((x) => [f, x.message] as const),
    );
    assert.equal(drift.length, 1, JSON.stringify(drift));
    assert.equal(drift[0][0], 'supabase/migrations/20240110000000_orders.sql');
    assert.match(drift[0][1], /20240120000000/);
  });

  it('a database without any history table has no appliedMigrations, and check falls back to the sibling files', async () => {
    const url = await database('hist_none', ['CREATE TABLE t (id int)']);
    const dir = project({});
    const r = run(['stats', '--database-url', url], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).appliedMigrations, undefined);
  });
});
