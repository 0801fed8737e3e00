// collectStats against a real throwaway PostgreSQL (the shared cluster of support/postgres.ts), and its
// fault mapping against real failures: a closed port, an unknown host, a server that never answers, a
// server that hangs up, a wrong password, a missing CONNECT privilege, TLS against a server without it.

import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import { Client } from 'pg';
import { validateStatsSnapshot, StatsSnapshot, TableStats } from '@pg-preflight/shared';
import {
  classifyError,
  collectStats,
  CollectError,
  CollectErrorCode,
  describeConnection,
  redactConnectionString,
  scrubPasswords,
} from '@pg-preflight/shared/dist/collect';
import { freePort, openPglite, sharedPostgres, ThrowawayPostgres } from './support/postgres';
import { analyze } from '../src/core/analyze';
import { planSplit } from '../src/core/fixes/plan';
import { loadParser } from '../src/core/syntax/parse';

const SCHEMA = `pgpf_collect_${process.pid}`;
const q = (name: string) => `"${name}"`;

async function connect(url: string): Promise<Client> {
  const c = new Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

function withUser(url: string, user: string, password?: string, database?: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = password === undefined ? '' : encodeURIComponent(password);
  if (database) u.pathname = `/${database}`;
  return u.toString();
}

/** Expects collectStats to fail with `code`; checks the message is one line and free of `secret`. */
async function expectFailure(
  url: string,
  code: CollectErrorCode,
  secret: string,
  opts: Parameters<typeof collectStats>[1] = {},
): Promise<CollectError> {
  let caught: unknown;
  try {
    await collectStats(url, opts);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof CollectError, `expected a CollectError, got ${String(caught)}`);
  const e = caught as CollectError;
  assert.equal(e.code, code, `code for: ${e.message}`);
  assert.ok(!e.message.includes(secret), `message leaks the password: ${e.message}`);
  assert.ok(!(e.stack ?? '').includes(secret), 'stack leaks the password');
  assert.ok(!JSON.stringify(e).includes(secret), 'error fields leak the password');
  assert.doesNotMatch(e.message, /[\r\n]/, 'message is one line');
  return e;
}

/** A TCP server on 127.0.0.1 that does `onSocket` with each connection; returns its port and a closer. */
async function tcpServer(onSocket: (s: net.Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onSocket(s);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(() => resolve());
      }),
  };
}

describe('collectStats on a real PostgreSQL', function () {
  this.timeout(120_000);
  let pg: ThrowawayPostgres;
  let admin: Client;
  let serverVersionNum: number;

  before(async function () {
    await loadParser();
    pg = await sharedPostgres();
    admin = await connect(pg.url);
    serverVersionNum = Number((await admin.query(`SELECT current_setting('server_version_num') AS v`)).rows[0].v);
    await admin.query(`DROP SCHEMA IF EXISTS ${q(SCHEMA)} CASCADE`);
    await admin.query(`
      CREATE SCHEMA ${q(SCHEMA)};
      SET search_path = ${q(SCHEMA)};
      CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL UNIQUE);
      CREATE TABLE orders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id int NOT NULL REFERENCES customers (id),
        status varchar(20) NOT NULL DEFAULT 'new',
        amount numeric(10,2),
        note text,
        created_at timestamptz DEFAULT now()
      );
      CREATE INDEX orders_customer_id_idx ON orders (customer_id);
      CREATE INDEX orders_status_lower_idx ON orders (lower(status), created_at) INCLUDE (amount);
      ALTER TABLE orders ADD CONSTRAINT orders_amount_check CHECK (amount >= 0) NOT VALID;
      CREATE TABLE events (id int NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
      CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
      CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
      CREATE VIEW open_orders AS SELECT id, status FROM orders WHERE status = 'new';
      CREATE MATERIALIZED VIEW order_totals AS SELECT o.customer_id, sum(o.amount) AS total FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY 1;
      CREATE VIEW open_order_ids AS SELECT id FROM open_orders;
      RESET search_path;`);

    // Writes from a separate session that then disconnects: a backend flushes its statistics on exit,
    // so the counters are visible (PostgreSQL 15+ otherwise flushes up to 10 s later).
    const writer = await connect(pg.url);
    await writer.query(`
      SET search_path = ${q(SCHEMA)};
      INSERT INTO customers (email) SELECT 'c' || i || '@example.com' FROM generate_series(1, 200) i;
      INSERT INTO orders (customer_id, status, amount, note)
        SELECT 1 + i % 200, CASE WHEN i % 3 = 0 THEN 'shipped' ELSE 'new' END, i / 10.0, repeat('x', 100) FROM generate_series(1, 5000) i;
      UPDATE orders SET status = 'cancelled' WHERE id <= 100;
      DELETE FROM orders WHERE id > 4950;
      INSERT INTO events SELECT i, DATE '2024-01-01' + (i % 700) FROM generate_series(1, 3000) i;
      SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off;
      SELECT count(*) FROM orders;
      RESET enable_indexscan; SET enable_seqscan = off;
      SELECT * FROM orders WHERE id = 5;`);
    await writer.end();
    // A unique index built CONCURRENTLY over duplicates fails and stays behind, invalid.
    await admin.query(`CREATE UNIQUE INDEX CONCURRENTLY orders_status_uniq ON ${q(SCHEMA)}.orders (status)`).catch(() => undefined);
    await admin.query(`VACUUM ANALYZE ${q(SCHEMA)}.customers, ${q(SCHEMA)}.orders, ${q(SCHEMA)}.events_2024, ${q(SCHEMA)}.events_2025`);
    await admin.query(`ANALYZE ${q(SCHEMA)}.events`);

    const deadline = Date.now() + 20_000;
    for (;;) {
      await admin.query('SELECT pg_stat_clear_snapshot()');
      const r = await admin.query(`SELECT n_tup_ins::int AS ins FROM pg_stat_user_tables WHERE relid = '${q(SCHEMA)}.orders'::regclass`);
      if (r.rows[0]?.ins >= 5000) break;
      if (Date.now() > deadline) throw new Error('statistics of the writer session never became visible');
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  after(async function () {
    if (!admin) return;
    await admin.query(`DROP SCHEMA IF EXISTS ${q(SCHEMA)} CASCADE`).catch(() => undefined);
    await admin.end().catch(() => undefined);
  });

  describe('the snapshot', () => {
    let snap: StatsSnapshot;
    const trace: Array<{ sql: string; readOnly?: string; xid?: string | null; statementTimeout?: string }> = [];
    const clients: Client[] = [];
    const table = (name: string): TableStats => {
      const t = snap.tables.find((x) => x.name === name);
      assert.ok(t, `no table ${name} in ${snap.tables.map((x) => x.name).join(', ')}`);
      return t;
    };

    before(async () => {
      // Watch the collector's session: before each statement it sends, ask the same session whether it is
      // in a read-only transaction and whether that transaction has a transaction id (it gets one only
      // when it writes).
      const proto = Client.prototype as any;
      const originalQuery = proto.query;
      const originalConnect = proto.connect;
      proto.connect = function (this: Client, ...args: unknown[]) {
        clients.push(this);
        return originalConnect.apply(this, args);
      };
      proto.query = async function (this: Client, sql: unknown, ...rest: unknown[]) {
        const text = typeof sql === 'string' ? sql : String((sql as { text?: string })?.text);
        const entry: (typeof trace)[number] = { sql: text.trim().split('\n')[0] };
        // pg's _txStatus lags behind a failed statement, so a probe may meet an aborted transaction: ignore that.
        if ((this as any)._txStatus === 'T' && !/^ROLLBACK TO/.test(text)) {
          try {
            const probe = await originalQuery.call(
              this,
              `SELECT current_setting('transaction_read_only') AS ro, txid_current_if_assigned()::text AS xid, current_setting('statement_timeout') AS st`,
            );
            entry.readOnly = probe.rows[0].ro;
            entry.xid = probe.rows[0].xid;
            entry.statementTimeout = probe.rows[0].st;
          } catch {
            // aborted transaction
          }
        }
        trace.push(entry);
        return originalQuery.call(this, sql, ...rest);
      };
      try {
        snap = await collectStats(pg.url, { schemas: [SCHEMA] });
      } finally {
        proto.query = originalQuery;
        proto.connect = originalConnect;
      }
    });

    it('is accepted by validateStatsSnapshot, also after a JSON round trip', () => {
      const direct = validateStatsSnapshot(snap);
      assert.ok(direct.ok, direct.ok ? '' : direct.error);
      const parsed = validateStatsSnapshot(JSON.parse(JSON.stringify(snap)));
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    });

    it('names the server version, the capture time and the source without a password', () => {
      assert.equal(snap.formatVersion, 1);
      assert.equal(snap.serverVersionNum, serverVersionNum);
      assert.equal(Math.floor(snap.serverVersionNum / 10000), 15, 'the throwaway cluster is PostgreSQL 15');
      assert.ok(Math.abs(Date.parse(snap.capturedAt) - Date.now()) < 60_000, `capturedAt ${snap.capturedAt}`);
      assert.equal(snap.source, `postgres@127.0.0.1:${pg.port}/postgres`);
      assert.equal(snap.inRecovery, undefined, 'a primary is not in recovery');
      assert.deepEqual(
        snap.tables.filter((t) => t.incomplete).map((t) => t.name),
        [],
        'nothing was locked',
      );
    });

    it('holds exactly the relations of the requested schema, sorted by name', () => {
      assert.deepEqual(
        snap.tables.map((t) => `${t.schema}.${t.name}:${t.kind}`),
        [
          'customers:table',
          'events:partitioned',
          'events_2024:table',
          'events_2025:table',
          'open_order_ids:view',
          'open_orders:view',
          'order_totals:matview',
          'orders:table',
        ].map((s) => `${SCHEMA}.${s}`),
      );
    });

    it('reads row estimates and write counters', () => {
      const orders = table('orders');
      assert.equal(orders.rows, 4950);
      assert.equal(orders.inserts, 5000);
      assert.equal(orders.updates, 100);
      assert.equal(orders.deletes, 50);
      assert.ok(orders.seqScans >= 1, 'the writer forced a sequential scan');
      assert.ok(orders.idxScans >= 1, 'the writer forced an index scan');
      assert.equal(table('customers').rows, 200);
      assert.equal(table('customers').inserts, 200);
      assert.ok(orders.statsSince && Date.parse(orders.statsSince) <= Date.parse(snap.capturedAt), `statsSince ${orders.statsSince}`);
    });

    it('reads sizes that match pg_total_relation_size, pg_table_size and pg_indexes_size', async () => {
      for (const name of ['orders', 'customers', 'events_2024']) {
        const t = table(name);
        const r = await admin.query(
          `SELECT pg_total_relation_size($1::regclass)::float8 AS total, pg_table_size($1::regclass)::float8 AS tbl, pg_indexes_size($1::regclass)::float8 AS idx`,
          [`${q(SCHEMA)}.${q(name)}`],
        );
        assert.deepEqual([t.totalBytes, t.tableBytes, t.indexBytes], [r.rows[0].total, r.rows[0].tbl, r.rows[0].idx], name);
        assert.equal(t.totalBytes, t.tableBytes + t.indexBytes);
      }
      assert.ok(table('orders').tableBytes >= 5000 * 100, 'orders holds ~600 kB');
      assert.ok(table('orders').indexBytes > 0);
      const view = table('open_orders');
      assert.deepEqual([view.rows, view.totalBytes, view.tableBytes, view.indexBytes], [0, 0, 0, 0]);
    });

    it('sums the leaf partitions into a partitioned table', () => {
      const parent = table('events');
      const leaves = [table('events_2024'), table('events_2025')];
      assert.equal(parent.rows, 3000);
      assert.equal(parent.rows, leaves[0].rows + leaves[1].rows);
      assert.equal(parent.totalBytes, leaves[0].totalBytes + leaves[1].totalBytes);
      assert.equal(parent.inserts, 3000);
    });

    it('reads columns: type, NOT NULL, default, identity, average width and distinct values', () => {
      const cols = table('orders').columns;
      assert.deepEqual(
        cols.map((c) => [c.name, c.type, c.notNull]),
        [
          ['id', 'bigint', true],
          ['customer_id', 'integer', true],
          ['status', 'character varying(20)', true],
          ['amount', 'numeric(10,2)', false],
          ['note', 'text', false],
          ['created_at', 'timestamp with time zone', false],
        ],
      );
      const byName = Object.fromEntries(cols.map((c) => [c.name, c]));
      assert.equal(byName.id.identity, 'always');
      assert.equal(byName.id.default, null);
      assert.equal(byName.status.default, `'new'::character varying`);
      assert.equal(byName.created_at.default, 'now()');
      assert.equal(byName.id.avgWidth, 8);
      assert.ok(typeof byName.note.avgWidth === 'number' && byName.note.avgWidth >= 100, `note avgWidth ${byName.note.avgWidth}`);
      // pg_stats.n_distinct: -1 for a unique column, a count for few values (3 statuses, 200 customers).
      assert.equal(byName.id.nDistinct, -1);
      assert.equal(byName.status.nDistinct, 3);
      assert.equal(byName.customer_id.nDistinct, 200);
      assert.match(String(table('customers').columns[0].default), /^nextval\('.*customers_id_seq'::regclass\)$/);
    });

    it('reads indexes: definition, unique, primary, valid and key columns', () => {
      const ix = Object.fromEntries(table('orders').indexes.map((i) => [i.name, i]));
      assert.deepEqual(Object.keys(ix).sort(), ['orders_customer_id_idx', 'orders_pkey', 'orders_status_lower_idx', 'orders_status_uniq']);
      assert.deepEqual(
        [ix.orders_pkey.unique, ix.orders_pkey.primary, ix.orders_pkey.valid, ix.orders_pkey.columns],
        [true, true, true, ['id']],
      );
      assert.deepEqual(ix.orders_customer_id_idx.columns, ['customer_id']);
      assert.equal(
        ix.orders_customer_id_idx.definition,
        `CREATE INDEX orders_customer_id_idx ON ${SCHEMA}.orders USING btree (customer_id)`,
      );
      assert.deepEqual(ix.orders_status_lower_idx.columns, ['lower(status::text)', 'created_at'], 'expression keys, no INCLUDE columns');
      assert.equal(ix.orders_status_uniq.valid, false, 'the failed CREATE INDEX CONCURRENTLY left an invalid index');
      assert.equal(ix.orders_status_uniq.unique, true);
    });

    it('reads constraints: type, definition, validated, columns and referenced table', () => {
      const co = Object.fromEntries(table('orders').constraints.map((c) => [c.name, c]));
      assert.deepEqual(Object.keys(co).sort(), ['orders_amount_check', 'orders_customer_id_fkey', 'orders_pkey']);
      assert.deepEqual(co.orders_customer_id_fkey, {
        name: 'orders_customer_id_fkey',
        type: 'f',
        definition: `FOREIGN KEY (customer_id) REFERENCES ${SCHEMA}.customers(id)`,
        validated: true,
        columns: ['customer_id'],
        references: `${SCHEMA}.customers`,
      });
      assert.deepEqual(
        [co.orders_amount_check.type, co.orders_amount_check.validated, co.orders_amount_check.columns],
        ['c', false, ['amount']],
      );
      assert.match(co.orders_amount_check.definition, /NOT VALID$/);
      assert.deepEqual([co.orders_pkey.type, co.orders_pkey.references], ['p', null]);
      const customers = Object.fromEntries(table('customers').constraints.map((c) => [c.name, c.type]));
      assert.deepEqual(customers, { customers_email_key: 'u', customers_pkey: 'p' });
    });

    it("reads what each view reads, as PostgreSQL's dependencies record it, and its query", async () => {
      const reads = (name: string) => table(name).reads;
      assert.deepEqual(reads('open_orders'), [{ table: `${SCHEMA}.orders`, columns: ['id', 'status'] }]);
      assert.deepEqual(reads('open_order_ids'), [{ table: `${SCHEMA}.open_orders`, columns: ['id'] }]);
      assert.deepEqual(reads('order_totals'), [
        { table: `${SCHEMA}.customers`, columns: ['id'] },
        { table: `${SCHEMA}.orders`, columns: ['amount', 'customer_id'] },
      ]);
      assert.equal(table('orders').reads, undefined, 'only views and materialized views have reads');
      // The server agrees: every column listed blocks a type change while the view exists.
      for (const [view, read] of [
        ['open_orders', 'orders.status'],
        ['order_totals', 'orders.amount'],
        ['order_totals', 'customers.id'],
      ]) {
        const [t, c] = read.split('.');
        await assert.rejects(
          admin.query(`ALTER TABLE ${q(SCHEMA)}.${t} ALTER COLUMN ${c} TYPE text`),
          /cannot alter type of a column used by a view or rule/,
          `${view} reads ${read}`,
        );
      }
      assert.match(
        table('open_orders').viewDefinition ?? '',
        /^ SELECT orders\.id,\s+orders\.status\s+FROM .*orders\s+WHERE orders\.status::text = 'new'/s,
      );
      assert.match(table('order_totals').viewDefinition ?? '', /sum\(o\.amount\)/);
    });

    it('ran read-only: BEGIN READ ONLY first, ROLLBACK last, no transaction id ever assigned', () => {
      assert.ok(trace.length >= 8, `traced ${trace.length} statements`);
      assert.equal(trace[0].sql, 'BEGIN READ ONLY');
      assert.equal(trace[trace.length - 1].sql, 'ROLLBACK');
      const inTx = trace.slice(1);
      assert.ok(
        inTx.every((t) => t.readOnly !== undefined),
        'every statement after BEGIN was probed',
      );
      for (const t of inTx) {
        assert.equal(t.readOnly, 'on', `not read-only before: ${t.sql}`);
        assert.equal(t.xid, null, `a transaction id was assigned (a write happened) before: ${t.sql}`);
      }
      assert.ok(
        inTx.some((t) => /^SET LOCAL statement_timeout = 15000$/.test(t.sql)),
        'sets statement_timeout',
      );
      assert.equal(trace[trace.length - 1].statementTimeout, '15s', 'statement_timeout applied (default 15000 ms)');
      assert.ok(
        !trace.some((t) => /^\s*(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|TRUNCATE|COMMIT)\b/i.test(t.sql)),
        'no write or COMMIT sent',
      );
    });

    it('closed its connection', () => {
      assert.equal(clients.length, 1);
      assert.equal((clients[0] as any)._ended, true);
    });

    it('without a schema filter: includes public tables, never system schemas', async () => {
      const all = await collectStats(pg.url);
      const schemas = new Set(all.tables.map((t) => t.schema));
      assert.ok(schemas.has(SCHEMA));
      for (const s of schemas) assert.ok(!/^(pg_catalog|information_schema|pg_toast.*|pg_temp.*)$/.test(s), `system schema ${s}`);
      assert.ok(validateStatsSnapshot(all).ok);
    });
  });

  describe('a view only production has: from the snapshot to a split that runs', () => {
    const S = `${SCHEMA}_views`;
    after(() => admin.query(`DROP SCHEMA IF EXISTS ${q(S)} CASCADE`));

    it('type-change-breaks-view from the snapshot, and split drops and recreates the view from its definition', async () => {
      await admin.query(`
        CREATE SCHEMA ${q(S)};
        CREATE TABLE ${q(S)}.users (id int PRIMARY KEY, nickname varchar(30), score int);
        INSERT INTO ${q(S)}.users SELECT g, 'n' || g, g % 7 FROM generate_series(1, 500) g;
        CREATE VIEW ${q(S)}.high_scores AS SELECT id, nickname FROM ${q(S)}.users WHERE score > 3;`);
      const snap = await collectStats(pg.url, { schemas: [S] });
      const migration = `ALTER TABLE ${q(S)}.users ALTER COLUMN nickname TYPE varchar(60);\n`;
      // No earlier migration knows the view: only the snapshot does.
      const a = analyze({ text: migration, path: 'supabase/migrations/20240101000000_widen.sql', stats: snap, pgVersion: 15 });
      const f = a.violations.find((v) => v.rule === 'type-change-breaks-view');
      assert.ok(f, a.violations.map((v) => `${v.rule}: ${v.message}`).join('\n'));
      assert.match(f.message, /high_scores/);
      await assert.rejects(admin.query(migration), /cannot alter type of a column used by a view or rule/, 'the server agrees');
      const plan = planSplit({ text: migration, path: 'supabase/migrations/20240101000000_widen.sql', stats: snap, pgVersion: 15 });
      const sql = plan.steps.map((st) => st.sql).join('\n');
      assert.match(sql, /DROP VIEW/i, sql);
      assert.match(sql, /CREATE VIEW/i, sql);
      const before = (await admin.query(`SELECT * FROM ${q(S)}.high_scores ORDER BY id`)).rows;
      for (const st of plan.steps) {
        assert.ok(st.transactional, st.sql);
        await admin.query(`BEGIN;\n${st.sql}\nCOMMIT;`);
      }
      const type = await admin.query(
        `SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = '${q(S)}.users'::regclass AND attname = 'nickname'`,
      );
      assert.equal(type.rows[0].t, 'character varying(60)');
      assert.deepEqual((await admin.query(`SELECT * FROM ${q(S)}.high_scores ORDER BY id`)).rows, before, 'the view returns the same rows');
    });
  });

  describe('while a migration holds ACCESS EXCLUSIVE', () => {
    it('does not queue behind the lock: the locked table is marked incomplete, its sizes estimated', async () => {
      // Read what needs the lock before taking it.
      const exact = await admin.query(`SELECT pg_relation_size('${q(SCHEMA)}.orders'::regclass)::float8 AS main`);
      const customersTotal = await admin.query(`SELECT pg_total_relation_size('${q(SCHEMA)}.customers'::regclass)::float8 AS total`);
      const locker = await connect(pg.url);
      try {
        await locker.query('BEGIN');
        await locker.query(`LOCK TABLE ${q(SCHEMA)}.orders IN ACCESS EXCLUSIVE MODE`);
        const started = Date.now();
        const snap = await collectStats(pg.url, { schemas: [SCHEMA], statementTimeoutMs: 30_000 });
        const elapsed = Date.now() - started;
        assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
        const orders = snap.tables.find((t) => t.name === 'orders')!;
        // Estimated from relpages (as of the VACUUM): at least the main fork, and the same order of magnitude.
        assert.ok(
          orders.tableBytes >= exact.rows[0].main && orders.tableBytes < exact.rows[0].main * 2,
          `estimate ${orders.tableBytes} vs ${exact.rows[0].main}`,
        );
        assert.ok(orders.indexBytes > 0);
        assert.equal(orders.rows, 4950);
        assert.equal(orders.inserts, 5000);
        assert.equal(orders.incomplete, true);
        // What needs the table's lock is left empty; what the catalog alone tells is still there.
        const pkey = orders.indexes.find((i) => i.name === 'orders_pkey')!;
        assert.deepEqual([pkey.definition, pkey.primary, pkey.columns], ['', true, ['id']]);
        const expr = orders.indexes.find((i) => i.name === 'orders_status_lower_idx')!;
        assert.deepEqual(expr.columns, ['', 'created_at']);
        const fk = orders.constraints.find((c) => c.type === 'f')!;
        assert.deepEqual([fk.definition, fk.validated, fk.columns, fk.references], ['', true, ['customer_id'], `${SCHEMA}.customers`]);
        assert.equal(orders.columns.find((c) => c.name === 'status')!.default, `'new'::character varying`);
        const valid = validateStatsSnapshot(snap);
        assert.ok(valid.ok, valid.ok ? '' : valid.error);
        // The unlocked table is still measured exactly.
        const customers = snap.tables.find((t) => t.name === 'customers')!;
        assert.equal(customers.totalBytes, customersTotal.rows[0].total);
        assert.equal(customers.incomplete, undefined);
        // A view reading the locked table: its query is not deparsed (that locks what it reads), what it reads still is.
        const open = snap.tables.find((t) => t.name === 'open_orders')!;
        assert.deepEqual(
          [open.viewDefinition, open.incomplete, open.reads],
          ['', true, [{ table: `${SCHEMA}.orders`, columns: ['id', 'status'] }]],
        );
        assert.match(customers.indexes.find((i) => i.name === 'customers_pkey')!.definition, /^CREATE UNIQUE INDEX customers_pkey /);
      } finally {
        await locker.query('ROLLBACK').catch(() => undefined);
        await locker.end();
      }
    });
  });

  describe('on PostgreSQL 18 (PGlite)', () => {
    // PGlite speaks no wire protocol here, so the collector's `pg` Client is pointed at it for this one call:
    // the point is that every catalog query is valid on 18 (NOT NULL constraints, virtual generated columns).
    it('runs every catalog query and reads 18-only catalog facts', async () => {
      const db = await openPglite();
      const proto = Client.prototype as any;
      const saved = { connect: proto.connect, query: proto.query, end: proto.end };
      try {
        await db.exec(`
          CREATE TABLE a (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL DEFAULT 'x',
            doubled int GENERATED ALWAYS AS (id * 2) STORED, tripled int GENERATED ALWAYS AS (id * 3) VIRTUAL);
          CREATE TABLE b (id int PRIMARY KEY, a_id int, q int CHECK (q > 0));
          ALTER TABLE b ADD FOREIGN KEY (a_id) REFERENCES a (id) NOT VALID;
          INSERT INTO a (name) SELECT 'n' || i FROM generate_series(1, 100) i;
          ANALYZE;`);
        const sent: string[] = [];
        proto.connect = async function () {
          return this;
        };
        proto.end = async function () {};
        proto.query = async function (sql: string, params?: unknown[]) {
          sent.push(sql.trim().split('\n')[0]);
          return { rows: (await db.query(sql, params as any[])).rows };
        };
        // PGlite's one database is "postgres": the collector checks current_database() against the URL.
        const snap = await collectStats('postgres://app@localhost/postgres');
        proto.connect = saved.connect;
        proto.query = saved.query;
        proto.end = saved.end;
        assert.equal(Math.floor(snap.serverVersionNum / 10000), 18);
        assert.deepEqual([sent[0], sent[sent.length - 1]], ['BEGIN READ ONLY', 'ROLLBACK']);
        const valid = validateStatsSnapshot(snap);
        assert.ok(valid.ok, valid.ok ? '' : valid.error);
        const a = snap.tables.find((t) => t.name === 'a')!;
        assert.equal(a.rows, 100);
        assert.deepEqual(
          a.columns.map((c) => [c.name, c.identity ?? null, c.generated ?? null, c.generationExpression ?? null]),
          [
            ['id', 'always', null, null],
            ['name', null, null, null],
            ['doubled', null, 'stored', '(id * 2)'],
            ['tripled', null, 'virtual', '(id * 3)'],
          ],
        );
        assert.ok(
          a.constraints.some((c) => c.type === 'n' && c.definition === 'NOT NULL name' && c.columns[0] === 'name'),
          'PG 18 NOT NULL constraint',
        );
        const fk = snap.tables.find((t) => t.name === 'b')!.constraints.find((c) => c.type === 'f')!;
        assert.deepEqual([fk.validated, fk.references, fk.columns], [false, 'public.a', ['a_id']]);
      } finally {
        proto.connect = saved.connect;
        proto.query = saved.query;
        proto.end = saved.end;
        await db.close();
      }
    });
  });

  describe('faults', () => {
    it('a closed port -> refused', async () => {
      const port = await freePort(); // released, so nothing listens there
      const e = await expectFailure(`postgres://app:S3cret-refused@127.0.0.1:${port}/app`, 'refused', 'S3cret-refused');
      assert.match(e.message, new RegExp(`^could not connect to app@127\\.0\\.0\\.1:${port}/app: connection refused`));
      // A password given as a URL parameter is not shown either.
      await expectFailure(`postgres://app@127.0.0.1:${port}/app?password=S3cret-param`, 'refused', 'S3cret-param');
    });

    it('an unknown host name -> unknown-host', async () => {
      const e = await expectFailure('postgresql://app:S3cret-host@nohost.invalid:5432/app', 'unknown-host', 'S3cret-host');
      assert.match(e.message, /app@nohost\.invalid:5432\/app/);
    });

    it('a server that never answers -> timeout, after connectTimeoutMs', async () => {
      const srv = await tcpServer(() => undefined);
      try {
        const started = Date.now();
        const e = await expectFailure(`postgres://app:S3cret-timeout@127.0.0.1:${srv.port}/app`, 'timeout', 'S3cret-timeout', {
          connectTimeoutMs: 400,
        });
        const elapsed = Date.now() - started;
        assert.ok(elapsed >= 350 && elapsed < 5000, `failed after ${elapsed} ms`);
        assert.match(e.message, /timed out/);
      } finally {
        await srv.close();
      }
    });

    it('a server that hangs up at once -> dropped', async () => {
      const srv = await tcpServer((s) => s.destroy());
      try {
        await expectFailure(`postgres://app:S3cret-dropped@127.0.0.1:${srv.port}/app`, 'dropped', 'S3cret-dropped');
      } finally {
        await srv.close();
      }
    });

    it('TLS required but the server has none -> tls', async () => {
      const e = await expectFailure(withUser(pg.url, 'postgres', 'S3cret-tls') + '?sslmode=no-verify', 'tls', 'S3cret-tls');
      assert.match(e.message, /SSL/);
    });

    it('a URL that is not a PostgreSQL URL -> bad-url, without echoing it', async () => {
      await expectFailure('mysql://root:S3cret-url@localhost/app', 'bad-url', 'S3cret-url');
      await expectFailure('host=localhost password=S3cret-kv', 'bad-url', 'S3cret-kv');
      await expectFailure('postgres://root:S3cret-port@localhost:99999999/app', 'bad-url', 'S3cret-port');
    });

    describe('against roles of the real server', () => {
      const role = `pgpf_collect_role_${process.pid}`;
      const db = `pgpf_collect_noconnect_${process.pid}`;
      const password = 'Right-horse-battery-staple';
      let hbaFile: string | undefined;
      let hbaOriginal: string | undefined;

      before(async () => {
        await admin.query(`DROP ROLE IF EXISTS ${q(role)}`);
        await admin.query(`CREATE ROLE ${q(role)} LOGIN PASSWORD '${password}'`);
        await admin.query(`DROP DATABASE IF EXISTS ${q(db)}`);
        await admin.query(`CREATE DATABASE ${q(db)}`);
        await admin.query(`REVOKE CONNECT ON DATABASE ${q(db)} FROM PUBLIC`);
        // The throwaway cluster trusts everyone. Make password authentication apply to this one role
        // only (a first-match pg_hba.conf line), so no other test is affected; restored in after().
        hbaFile = (await admin.query('SHOW hba_file')).rows[0].hba_file as string;
        try {
          hbaOriginal = fs.readFileSync(hbaFile, 'utf8');
          fs.writeFileSync(hbaFile, `host all ${role} 127.0.0.1/32 scram-sha-256\n${hbaOriginal}`);
          await admin.query('SELECT pg_reload_conf()');
        } catch {
          hbaOriginal = undefined;
        }
      });

      after(async () => {
        if (hbaFile && hbaOriginal !== undefined) {
          fs.writeFileSync(hbaFile, hbaOriginal);
          await admin.query('SELECT pg_reload_conf()').catch(() => undefined);
        }
        await admin.query(`DROP DATABASE IF EXISTS ${q(db)}`).catch(() => undefined);
        await admin.query(`DROP OWNED BY ${q(role)}`).catch(() => undefined);
        await admin.query(`DROP ROLE IF EXISTS ${q(role)}`).catch(() => undefined);
      });

      it('a wrong password -> auth (the message names the user, never the password)', async function () {
        if (hbaOriginal === undefined) this.skip(); // pg_hba.conf not writable: trust auth cannot fail
        const wrong = withUser(pg.url, role, 'Wrong-horse-battery');
        // pg_reload_conf() is asynchronous: wait until the new rule is in force.
        const deadline = Date.now() + 10_000;
        let e: unknown;
        for (;;) {
          e = await collectStats(wrong).then(
            () => undefined,
            (err) => err,
          );
          if (e instanceof CollectError && e.code === 'auth') break;
          if (Date.now() > deadline) assert.fail(`wrong password not rejected: ${String(e)}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        const err = await expectFailure(wrong, 'auth', 'Wrong-horse-battery');
        assert.match(err.message, new RegExp(`password authentication failed for user "${role}"`));
        assert.ok(!err.message.includes(password));
        // And no password at all.
        await expectFailure(withUser(pg.url, role), 'auth', password);
      });

      it('the right password, as a role without superuser rights, works', async function () {
        if (hbaOriginal === undefined) this.skip();
        const snap = await collectStats(withUser(pg.url, role, password), { schemas: [SCHEMA] });
        assert.equal(snap.source, `${role}@127.0.0.1:${pg.port}/postgres`);
        const orders = snap.tables.find((t) => t.name === 'orders')!;
        assert.equal(orders.rows, 4950);
        assert.ok(orders.totalBytes > 0);
        // pg_stats hides columns the role may not SELECT: no average widths, no failure.
        assert.ok(orders.columns.every((c) => c.avgWidth === null && c.nDistinct === null));
        assert.ok(validateStatsSnapshot(snap).ok);
      });

      it('no CONNECT privilege on the database -> privileges', async () => {
        const e = await expectFailure(withUser(pg.url, role, password, db), 'privileges', password);
        assert.match(e.message, /permission denied for database/);
      });
    });
  });

  describe('classifyError (faults that cannot be provoked safely on a shared server)', () => {
    const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'ERROR' });
    const cases: Array<[string, unknown, 'connect' | 'query', CollectErrorCode]> = [
      ['statement timeout', pgError('57014', 'canceling statement due to statement timeout'), 'query', 'timeout'],
      ['lock timeout', pgError('55P03', 'canceling statement due to lock timeout'), 'query', 'timeout'],
      ['server shut down', pgError('57P01', 'terminating connection due to administrator command'), 'query', 'dropped'],
      ['connection lost mid-query', new Error('Connection terminated unexpectedly'), 'query', 'dropped'],
      ['reset by peer', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'query', 'dropped'],
      [
        'pg_hba demands SSL',
        pgError('28000', 'no pg_hba.conf entry for host "10.0.0.1", user "app", database "app", no encryption'),
        'connect',
        'tls',
      ],
      [
        'pg_hba demands SSL (PG 11-13 wording)',
        pgError('28000', 'no pg_hba.conf entry for host "10.0.0.1", user "app", database "app", SSL off'),
        'connect',
        'tls',
      ],
      [
        'no pg_hba entry',
        pgError('28000', 'no pg_hba.conf entry for host "10.0.0.1", user "app", database "app", SSL encryption'),
        'connect',
        'auth',
      ],
      ['password auth', pgError('28P01', 'password authentication failed for user "app"'), 'connect', 'auth'],
      ['no password given', new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'), 'connect', 'auth'],
      [
        'self-signed certificate',
        Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
        'connect',
        'tls',
      ],
      [
        'certificate chain',
        Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }),
        'connect',
        'tls',
      ],
      ['DNS timeout', Object.assign(new Error('getaddrinfo EAI_AGAIN db.example.com'), { code: 'EAI_AGAIN' }), 'connect', 'unknown-host'],
      ['TCP timeout', Object.assign(new Error('connect ETIMEDOUT 10.0.0.1:5432'), { code: 'ETIMEDOUT' }), 'connect', 'timeout'],
      ['pg connect timeout', new Error('timeout expired'), 'connect', 'timeout'],
      ['client read timeout', new Error('Query read timeout'), 'query', 'timeout'],
      ['permission denied', pgError('42501', 'permission denied for table secrets'), 'query', 'privileges'],
      ['database missing', pgError('3D000', 'database "nope" does not exist'), 'connect', 'other'],
    ];
    for (const [name, err, phase, code] of cases) {
      it(`${name} -> ${code}`, () => {
        assert.equal(classifyError(err, phase).code, code);
      });
    }
  });

  describe('connection strings', () => {
    const redactions: Array<[string, string]> = [
      ['postgres://app:hunter22@db.example.com:5432/app', 'postgres://app:****@db.example.com:5432/app'],
      ['postgresql://app:p%40ss%2Fword@db:6543/app?sslmode=require', 'postgresql://app:****@db:6543/app?sslmode=require'],
      ['postgres://app:pa/ss?wo#rd@db/app', 'postgres://app:****@db/app'],
      ['postgres://app@db/app?sslmode=require&password=hunter22', 'postgres://app@db/app?sslmode=require&password=****'],
      ['postgres://app@db/app', 'postgres://app@db/app'],
      ['host=db user=app password=hunter22 dbname=app', 'host=db user=app password=**** dbname=app'],
    ];
    for (const [input, expected] of redactions) {
      it(`redactConnectionString(${JSON.stringify(input)})`, () => {
        assert.equal(redactConnectionString(input), expected);
      });
    }
    const descriptions: Array<[string, string]> = [
      ['postgres://app:hunter22@db.example.com:5432/app', 'app@db.example.com:5432/app'],
      ['postgresql://app:x@db/app?sslmode=require', 'app@db:5432/app'],
      ['postgres://db.example.com', 'db.example.com:5432'],
      ['postgresql://app@[::1]:5433/app', 'app@[::1]:5433/app'],
      ['postgresql://app@%2Fvar%2Frun%2Fpostgresql/app', 'app@/var/run/postgresql:5432/app'],
      ['postgresql:///app?host=/tmp&user=me&port=5444', 'me@/tmp:5444/app'],
      ['not a url password=hunter22', 'the database'],
    ];
    for (const [input, expected] of descriptions) {
      it(`describeConnection(${JSON.stringify(input)}) = ${expected}`, () => {
        assert.equal(describeConnection(input), expected);
      });
    }
    // The second guard the CLI and the trace put on messages from other code: [message, url, scrubbed].
    const scrubs: Array<[string, string, string]> = [
      ['could not connect as app:hunter22 (hunter22)', 'postgres://app:hunter22@db/app', 'could not connect as app:**** (****)'],
      ['password p@ss/word rejected; p%40ss%2Fword', 'postgresql://app:p%40ss%2Fword@db/app', 'password **** rejected; ****'],
      ['auth failed for S3cret-param', 'postgres://app@db/app?sslmode=require&password=S3cret-param', 'auth failed for ****'],
      ['pw ab and abc', 'postgres://app:ab@db/app', 'pw ab and abc'],
      ['nothing secret here', 'postgres://app@db/app', 'nothing secret here'],
    ];
    for (const [message, url, expected] of scrubs) {
      it(`scrubPasswords(${JSON.stringify(message)}, ${JSON.stringify(url)})`, () => {
        assert.equal(scrubPasswords(message, url), expected);
      });
    }
  });
});
