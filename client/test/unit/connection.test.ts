// The connection's fault policy against a fake collector and clock, and against a real PostgreSQL.
import { strict as assert } from 'assert';
import type { StatsSnapshot } from '@pg-preflight/shared';
import { CollectError, collectStats, type CollectErrorCode } from '@pg-preflight/shared/dist/collect';
import * as net from 'net';
import { BACKOFF_MS, envConnectionUrl, StatsConnection, type ConnectionHost } from '../../src/connection';
import { FAULT_LABELS, statusView } from '../../src/status';
import { freePort, sharedPostgres } from 'pg-preflight/dist/test/support/postgres';

function snapshot(): StatsSnapshot {
  return { formatVersion: 1, capturedAt: '2025-03-01T12:00:00.000Z', serverVersionNum: 150008, tables: [] };
}

class FakeHost implements ConnectionHost {
  sent: (StatsSnapshot | null)[] = [];
  notified: string[] = [];
  logs: string[] = [];
  timers: { fn: () => void; ms: number; id: number }[] = [];
  t = 0;
  next: Array<CollectErrorCode | 'ok'> = [];
  private id = 0;
  async collect(): Promise<StatsSnapshot> {
    const r = this.next.shift() ?? 'ok';
    if (r === 'ok') return snapshot();
    throw new CollectError(r, `could not connect to db: ${r}`);
  }
  send(s: StatsSnapshot | null) {
    this.sent.push(s);
  }
  notifyFailure(state: { code: string }) {
    this.notified.push(state.code);
  }
  log(l: string) {
    this.logs.push(l);
  }
  now() {
    return this.t;
  }
  setTimer(fn: () => void, ms: number) {
    const id = ++this.id;
    this.timers.push({ fn, ms, id });
    return id;
  }
  clearTimer(h: unknown) {
    this.timers = this.timers.filter((t) => t.id !== h);
  }
  /** Runs the pending timer (there is at most one) and waits for the read it starts. */
  async fire(conn: StatsConnection): Promise<number> {
    assert.equal(this.timers.length, 1, 'one timer pending');
    const t = this.timers.shift()!;
    this.t += t.ms;
    t.fn();
    await conn.refresh(false); // joins the in-flight read
    return t.ms;
  }
}

const source = { url: 'postgresql://u@db:5432/app', name: 'db', origin: 'command' as const };

describe('StatsConnection', () => {
  it('connects, sends the snapshot, and refreshes on the interval', async () => {
    const h = new FakeHost();
    const c = new StatsConnection(h, 10);
    assert.equal(await c.connect(source, true), true);
    assert.equal(c.state.kind, 'connected');
    assert.equal(h.sent.length, 1);
    assert.equal(h.timers[0].ms, 600_000);
    await h.fire(c);
    assert.equal(h.sent.length, 2);
  });

  it('0 minutes refreshes only on command', async () => {
    const h = new FakeHost();
    const c = new StatsConnection(h, 0);
    await c.connect(source, true);
    assert.equal(h.timers.length, 0);
  });

  it('backs off on transient faults and notifies once per episode', async () => {
    const h = new FakeHost();
    const c = new StatsConnection(h, 10);
    h.next = ['refused', 'refused', 'timeout', 'dropped', 'unknown-host', 'refused', 'ok'];
    assert.equal(await c.connect(source, true), false);
    assert.equal(c.state.kind, 'error');
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) delays.push(await h.fire(c));
    assert.deepEqual(delays, [...BACKOFF_MS, BACKOFF_MS[BACKOFF_MS.length - 1]]);
    assert.deepEqual(h.notified, ['refused']);
    assert.equal(c.state.kind, 'connected');
    // A new episode after a success notifies again.
    h.next = ['dropped'];
    await h.fire(c);
    assert.deepEqual(h.notified, ['refused', 'dropped']);
  });

  it('does not retry auth, TLS, privileges or a bad URL on its own', async () => {
    for (const code of ['auth', 'tls', 'privileges', 'bad-url'] as CollectErrorCode[]) {
      const h = new FakeHost();
      const c = new StatsConnection(h, 10);
      h.next = [code];
      await c.connect(source, true);
      assert.equal(h.timers.length, 0, code);
      assert.ok(c.state.kind === 'error' && c.state.retryAt === undefined && c.state.code === code);
      assert.deepEqual(h.notified, [code]);
    }
  });

  it("keeps the last good snapshot through a failure, and a user's refresh notifies again", async () => {
    const h = new FakeHost();
    const c = new StatsConnection(h, 10);
    await c.connect(source, true);
    h.next = ['timeout'];
    await h.fire(c);
    assert.ok(c.state.kind === 'error' && c.state.lastGood);
    assert.ok(c.snapshot, 'snapshot kept');
    assert.ok(!h.sent.includes(null), 'not dropped at the server');
    h.next = ['timeout'];
    await c.refresh(true);
    assert.deepEqual(h.notified, ['timeout', 'timeout']);
  });

  it('disconnect drops the snapshot at the server and ignores a read still running', async () => {
    const h = new FakeHost();
    const c = new StatsConnection(h, 10);
    await c.connect(source, true);
    let release!: () => void;
    h.collect = () => new Promise((r) => (release = () => r(snapshot())));
    const p = c.refresh(true);
    await c.disconnect();
    release();
    assert.equal(await p, false);
    assert.equal(c.state.kind, 'disconnected');
    assert.equal(h.sent[h.sent.length - 1], null);
    assert.equal(h.timers.length, 0);
  });

  it('builds a URL from DATABASE_URL or the PG* variables', () => {
    assert.deepEqual(envConnectionUrl({ DATABASE_URL: 'postgres://a@b/c' }), { url: 'postgres://a@b/c', from: 'DATABASE_URL' });
    assert.equal(envConnectionUrl({})?.url, undefined);
    assert.equal(
      envConnectionUrl({
        PGHOST: 'db.example.com',
        PGPORT: '6543',
        PGUSER: 'read only',
        PGPASSWORD: 'p@ss',
        PGDATABASE: 'app',
        PGSSLMODE: 'require',
      })?.url,
      'postgresql://read%20only:p%40ss@db.example.com:6543/app?sslmode=require',
    );
    assert.equal(
      envConnectionUrl({ PGHOST: '/var/run/postgresql', PGDATABASE: 'app' })?.url,
      'postgresql:///app?host=%2Fvar%2Frun%2Fpostgresql',
    );
  });
});

describe('StatsConnection with the real collector (PostgreSQL)', () => {
  const realHost = (): ConnectionHost & { notified: string[] } => {
    const notified: string[] = [];
    return {
      notified,
      collect: (url) => collectStats(url, { connectTimeoutMs: 3000, statementTimeoutMs: 10000 }),
      send: () => undefined,
      notifyFailure: (s) => void notified.push(s.code),
      log: () => undefined,
      now: () => Date.now(),
      setTimer: () => 0,
      clearTimer: () => undefined,
    };
  };

  it('reads a real server, then reports a refused port as "refused"', async function () {
    this.timeout(120_000);
    const pg = await sharedPostgres();
    const h = realHost();
    const c = new StatsConnection(h, 10);
    assert.equal(await c.connect({ url: pg.url, name: 'pg', origin: 'command' }, true), true);
    assert.ok(c.state.kind === 'connected' && c.state.serverVersionNum >= 110000);
    const port = await freePort();
    assert.equal(
      await c.connect({ url: `postgresql://postgres@127.0.0.1:${port}/postgres`, name: 'nowhere', origin: 'command' }, true),
      false,
    );
    const state = c.state as { kind: string; code?: string };
    assert.ok(state.kind === 'error' && state.code === 'refused', JSON.stringify(state));
    assert.deepEqual(h.notified, ['refused']);
  });

  it('turns each real fault into its status-bar state and one notification', async function () {
    this.timeout(120_000);
    const pg = await sharedPostgres();
    // Loopback servers that accept and then stay silent, or hang up at once.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((sock) => void sockets.add(sock));
    const hangUp = net.createServer((sock) => sock.destroy());
    await Promise.all([silent, hangUp].map((srv) => new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))));
    const portOf = (srv: net.Server) => (srv.address() as net.AddressInfo).port;
    const u = new URL(pg.url);
    u.username = 'no_such_role';
    const cases: [string, string, string][] = [
      ['auth', u.toString(), 'auth failed'],
      ['tls', `${pg.url}${pg.url.includes('?') ? '&' : '?'}sslmode=require`, 'TLS failed'],
      ['timeout', `postgresql://postgres@127.0.0.1:${portOf(silent)}/postgres`, 'timed out'],
      ['dropped', `postgresql://postgres@127.0.0.1:${portOf(hangUp)}/postgres`, 'connection dropped'],
      ['unknown-host', 'postgresql://postgres@no-such-host.invalid/postgres', 'unknown host'],
      ['bad-url', 'mysql://root@localhost/db', 'invalid URL'],
    ];
    try {
      for (const [code, url, label] of cases) {
        const notified: string[] = [];
        const c = new StatsConnection(
          {
            collect: (x) => collectStats(x, { connectTimeoutMs: 1000, statementTimeoutMs: 5000 }),
            send: () => undefined,
            notifyFailure: (st) => void notified.push(st.code),
            log: () => undefined,
            now: () => Date.now(),
            setTimer: () => 0,
            clearTimer: () => undefined,
          },
          10,
        );
        assert.equal(await c.connect({ url, name: code, origin: 'command' }, true), false, code);
        const st = c.state as { kind: string; code?: string };
        assert.equal(st.code, code, `${url}: ${JSON.stringify(st)}`);
        assert.equal(FAULT_LABELS[code as keyof typeof FAULT_LABELS], label);
        assert.equal(statusView(c.state, Date.now()).text, `$(error) pg-preflight: error: ${label}`);
        assert.deepEqual(notified, [code]);
        assert.ok(c.state.kind === 'error' && !/\n/.test(c.state.message) && c.state.message.length > 10, 'a one-line cause');
      }
    } finally {
      for (const sock of sockets) sock.destroy();
      silent.close();
      hangUp.close();
    }
  });
});
