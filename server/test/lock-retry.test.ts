// The lock-retry block (core/fixes/retry.ts) on real PostgreSQL 15: applied in place of each statement it
// gives the same schema as the original; with a session holding a conflicting lock it retries and then
// succeeds once the holder commits; it gives up after N attempts with a clear error and applies nothing.
// No timing assertions: attempts are counted from the block's notices.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { normalizeSettings } from '@pg-preflight/shared';
import { analyze } from '../src/core/analyze';
import { lockRetrySql, type LockRetryOptions } from '../src/core/fixes/retry';
import { loadParser } from '../src/core/syntax/parse';
import { REPO } from './support/fixtures';
import { sharedPostgres } from './support/postgres';

const SCHEMA = `
CREATE TABLE users (id bigint PRIMARY KEY, email text, note text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, status text);
INSERT INTO users SELECT g, 'u' || g || '@x', NULL FROM generate_series(1, 200) g;
INSERT INTO orders SELECT g, 1 + g % 200, 'new' FROM generate_series(1, 500) g;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;`;

// Statements of the kinds the fix wraps, with text that would break naive quoting: quotes, the block's
// own dollar tags, a $$ body, a comment, mixed case.
const MIGRATION = [
  `ALTER TABLE users ADD COLUMN nickname text DEFAULT 'it''s $pgpf_stmt$ and $pgpf_retry$'`,
  `ALTER TABLE "users" ADD COLUMN "Score" int NOT NULL DEFAULT 0 -- a comment`,
  `CREATE INDEX orders_status_idx ON orders (status)`,
  `ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID`,
  `ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status <> $$x;y$$)`,
  `CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()`,
  `ALTER TABLE users RENAME COLUMN note TO remark`,
  `ALTER TABLE users DROP COLUMN remark`,
  `COMMENT ON TABLE users IS 'people'`,
];

const DUMP = `
SELECT json_build_object(
  'columns', (SELECT json_agg(x ORDER BY x.t, x.col) FROM (
    SELECT c.relname AS t, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS nn, pg_get_expr(d.adbin, d.adrelid) AS dflt
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped) x),
  'constraints', (SELECT json_agg(x ORDER BY x.name) FROM (
    SELECT k.conname AS name, pg_get_constraintdef(k.oid) AS def, k.convalidated AS validated
    FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace WHERE n.nspname = 'public') x),
  'indexes', (SELECT json_agg(pg_get_indexdef(i.indexrelid) ORDER BY 1) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'),
  'triggers', (SELECT json_agg(t.tgname ORDER BY 1) FROM pg_trigger t WHERE NOT t.tgisinternal),
  'comments', (SELECT json_agg(obj_description(c.oid, 'pg_class') ORDER BY c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'),
  'lock_timeout', current_setting('lock_timeout')
) AS dump`;

const FAST: LockRetryOptions = { attemptTimeout: '100ms', attempts: 40, pauseSeconds: 0.05, pauseCapSeconds: 0.2 };

describe('lock-retry quick fix: where it is offered', () => {
  before(loadParser);
  const prior = [{ path: 'schema.sql', text: SCHEMA }];
  /** For each statement flagged by missing-lock-timeout in turn (after the retry fix of the one before), whether the fix is offered. */
  function offered(text: string, runner: 'plain' | 'supabase'): string[] {
    const settings = normalizeSettings({ runner }).settings;
    const out: string[] = [];
    for (let guard = 0; guard < 10; guard++) {
      const v = analyze({ text, priorFiles: prior, settings }).violations.find((x) => x.rule === 'missing-lock-timeout');
      if (!v) break;
      const label = text.slice(v.span.start, v.span.end).split(/\s+/).slice(0, 3).join(' ');
      out.push(`${label}: ${v.alternativeFix ? 'retry' : 'header only'}`);
      if (!v.alternativeFix) break;
      const e = v.alternativeFix.edits[0];
      text = text.slice(0, e.span.start) + e.newText + text.slice(e.span.end);
    }
    return out;
  }

  it('runner without a transaction: every traffic-blocking statement, one after the other', () => {
    assert.deepEqual(offered('ALTER TABLE users ADD COLUMN a int;\nCREATE INDEX orders_status_idx ON orders (status);\n', 'plain'), [
      'ALTER TABLE users: retry',
      'CREATE INDEX orders_status_idx: retry',
    ]);
  });

  it("a transaction (the runner's or BEGIN ... COMMIT): only the first, whose pauses would otherwise keep earlier locks held", () => {
    assert.deepEqual(offered('ALTER TABLE users ADD COLUMN a int;\nCREATE INDEX orders_status_idx ON orders (status);\n', 'supabase'), [
      'ALTER TABLE users: retry',
      'CREATE INDEX orders_status_idx: header only',
    ]);
    assert.deepEqual(
      offered(
        'BEGIN;\nALTER TABLE users ADD COLUMN a int;\nALTER TABLE orders ADD COLUMN b int;\nCOMMIT;\nALTER TABLE orders ADD COLUMN c int;\n',
        'plain',
      ),
      ['ALTER TABLE users: retry', 'ALTER TABLE orders: header only'],
    );
    // A new table created earlier in the transaction blocks nobody: still offered.
    assert.deepEqual(offered('CREATE TABLE audit (id int);\nALTER TABLE users ADD COLUMN a int;\n', 'supabase'), [
      'ALTER TABLE users: retry',
    ]);
  });

  it('not for statements that cannot run in a transaction or from a function (VACUUM FULL)', () => {
    for (const text of ['VACUUM FULL users;\n', 'REINDEX TABLE users;\nVACUUM FULL users;\n']) {
      assert.deepEqual(
        offered(text, 'plain'),
        text.startsWith('VACUUM')
          ? ['VACUUM FULL users;: header only']
          : ['REINDEX TABLE users;: retry', 'VACUUM FULL users;: header only'],
      );
    }
  });

  it('the rule page shows exactly the SQL the fix writes', () => {
    const md = fs.readFileSync(path.join(REPO, 'docs/rules/missing-lock-timeout.md'), 'utf8');
    assert.ok(
      md.includes(lockRetrySql('ALTER TABLE users ADD COLUMN nickname text;', 'ALTER TABLE ADD COLUMN')),
      'docs/rules/missing-lock-timeout.md differs from lockRetrySql()',
    );
  });
});

describe('lock-retry block on PostgreSQL 15', function () {
  this.timeout(120_000);
  let admin: Client;
  let baseUrl: string;
  const dbs: string[] = [];

  async function freshDb(name: string): Promise<Client> {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    dbs.push(name);
    const u = new URL(baseUrl);
    u.pathname = `/${name}`;
    const c = new Client({ connectionString: u.toString() });
    c.on('error', () => undefined);
    await c.connect();
    await c.query(SCHEMA);
    return c;
  }

  async function session(name: string): Promise<Client & { notices: string[] }> {
    const u = new URL(baseUrl);
    u.pathname = `/${name}`;
    const c = new Client({ connectionString: u.toString() }) as Client & { notices: string[] };
    c.notices = [];
    c.on('error', () => undefined);
    c.on('notice', (n) => c.notices.push(n.message ?? ''));
    await c.connect();
    return c;
  }

  before(async () => {
    await loadParser();
    const pg = await sharedPostgres();
    baseUrl = pg.url;
    admin = new Client({ connectionString: pg.url });
    await admin.connect();
  });

  after(async () => {
    for (const d of dbs) await admin.query(`DROP DATABASE IF EXISTS ${d} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  });

  it('in place of each statement, gives the same schema as the original (with and without a wrapping transaction)', async () => {
    for (const wrapped of [false, true]) {
      const original = await freshDb('pgpf_retry_orig');
      const retried = await freshDb('pgpf_retry_wrapped');
      try {
        await original.query(`SET lock_timeout = '7s'`);
        await retried.query(`SET lock_timeout = '7s'`);
        if (wrapped) {
          await original.query('BEGIN');
          await retried.query('BEGIN');
        }
        for (const sql of MIGRATION) {
          await original.query(sql);
          await retried.query(lockRetrySql(sql + ';', sql.slice(0, 40), FAST));
        }
        if (wrapped) {
          await original.query('COMMIT');
          await retried.query('COMMIT');
        }
        const a = (await original.query(DUMP)).rows[0].dump;
        const b = (await retried.query(DUMP)).rows[0].dump;
        assert.deepEqual(b, a);
        // The block puts back the lock_timeout it found.
        assert.equal(b.lock_timeout, '7s');
        assert.ok(
          a.columns.some((c: { col: string; dflt: string }) => c.col === 'nickname' && c.dflt.includes('$pgpf_stmt$')),
          'the quoted default survived',
        );
      } finally {
        await original.end();
        await retried.end();
      }
    }
  });

  it('the lock model sees the same locks in the block as in the statement', () => {
    const prior = [{ path: 'schema.sql', text: SCHEMA }];
    for (const sql of MIGRATION) {
      const plain = analyze({ text: `${sql};`, priorFiles: prior }).statements[0].locks.map((l) => [l.relation, l.mode]);
      const block = analyze({ text: lockRetrySql(`${sql};`, 'x', FAST), priorFiles: prior });
      assert.deepEqual(
        block.statements[0].locks.map((l) => [l.relation, l.mode]),
        plain,
        sql,
      );
      assert.deepEqual(
        block.violations.filter((v) => v.rule === 'dynamic-sql-not-analysed' || v.rule === 'missing-lock-timeout').map((v) => v.message),
        [],
        sql,
      );
    }
  });

  it('with a transaction holding a weak lock, retries and succeeds once the holder commits; earlier work of its transaction is kept', async () => {
    const setup = await freshDb('pgpf_retry_holder');
    await setup.end();
    const holder = await session('pgpf_retry_holder');
    const migration = await session('pgpf_retry_holder');
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT count(*) FROM users'); // ACCESS SHARE until commit
      await migration.query('BEGIN');
      await migration.query('CREATE TABLE audit (id int)');
      const run = migration.query(lockRetrySql('ALTER TABLE users ADD COLUMN x int;', 'ALTER TABLE ADD COLUMN', FAST));
      // Let it time out a few times, then release.
      while (migration.notices.length < 3) await new Promise((r) => setTimeout(r, 50));
      await holder.query('COMMIT');
      await run;
      await migration.query('COMMIT');
      const cols = await migration.query(`SELECT attname FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'x'`);
      assert.equal(cols.rows.length, 1);
      assert.equal((await migration.query(`SELECT to_regclass('audit') IS NOT NULL AS ok`)).rows[0].ok, true);
      assert.ok(migration.notices.length >= 3);
      assert.match(
        migration.notices[0],
        /^pg-preflight lock retry: attempt 1 of 40 for ALTER TABLE ADD COLUMN timed out after 100ms; retrying$/,
      );
    } finally {
      await holder.end();
      await migration.end();
    }
  });

  it('gives up after N attempts with a clear lock_not_available error and applies nothing', async () => {
    const setup = await freshDb('pgpf_retry_giveup');
    await setup.end();
    const holder = await session('pgpf_retry_giveup');
    const migration = await session('pgpf_retry_giveup');
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT count(*) FROM users');
      const three: LockRetryOptions = { ...FAST, attempts: 3 };
      await assert.rejects(
        migration.query(lockRetrySql('ALTER TABLE users ADD COLUMN x int;', 'ALTER TABLE ADD COLUMN', three)),
        (err: { code?: string; message?: string; hint?: string }) => {
          assert.equal(err.code, '55P03');
          assert.equal(
            err.message,
            'pg-preflight lock retry: ALTER TABLE ADD COLUMN did not get its lock in 3 attempts of 100ms; not applied',
          );
          assert.match(err.hint ?? '', /pg_stat_activity/);
          return true;
        },
      );
      assert.equal(migration.notices.length, 2, 'one notice per retried attempt');
      await holder.query('COMMIT');
      const cols = await migration.query(`SELECT attname FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'x'`);
      assert.equal(cols.rows.length, 0);
      assert.equal(
        (await migration.query(`SHOW lock_timeout`)).rows[0].lock_timeout,
        '0',
        'the attempt timeout did not leak into the session',
      );
    } finally {
      await holder.end();
      await migration.end();
    }
  });
});
