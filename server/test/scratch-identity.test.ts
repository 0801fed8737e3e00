// The scratch-only rule holds whatever the URL says (issue 10, section 1): on a real PostgreSQL 15 with
// two databases, a "prod" one and a "scratch" one the config lists, every way of naming a database (path,
// ?dbname=, ?host=, ?port=, ?user=, options, PG* variables, a pooler that maps one name to another
// database) either traces on the scratch database, and the report says so, or is refused with one line.
// Through the CLI (`trace`, with --run-no-transaction and a CREATE INDEX CONCURRENTLY; `stats`) and the
// language server's pgPreflight.verifyLocks. The proof that nothing ran on prod is read from the server
// itself: pg_stat_database.sessions (no session was opened there, or exactly the one that found out it
// was the wrong database), the catalog checksum and its indexes.
// Also: sslmode=require gives one line, not pg-connection-string's multi-line warning.
import { strict as assert } from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { COMMANDS, type VerifyLocksResult } from '@pg-preflight/shared';
import { resolveConnection } from '@pg-preflight/shared/dist/connection-url';
import { loadParser } from '../src/core/syntax/parse';
import { connectionIdentity } from '../src/trace';
import { databaseChecksum } from './support/checksum';
import { LspClient } from './support/lsp-client';
import { Project } from './support/lsp-project';
import { sharedPostgres } from './support/postgres';

const REPO = path.resolve(__dirname, '../../..');
const BIN = path.join(REPO, 'server/bin/pg-preflight.js');
const PROD = `pgpf_prod_${process.pid}`;
const SCRATCH = `pgpf_scratch_${process.pid}`;
const OTHER_ROLE = 'pgpf_other_role';
const TABLES = `CREATE TABLE public.customers (id bigserial PRIMARY KEY, email text NOT NULL);
INSERT INTO public.customers (email) SELECT 'c' || g FROM generate_series(1, 200) g;`;
const ALTER = 'ALTER TABLE public.customers ADD COLUMN note text;\n';
const CIC = 'CREATE INDEX CONCURRENTLY customers_email_idx ON public.customers (email);\n';

/** The environment without any PG* variable of the machine running the tests. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^PG/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runBin(args: string[], cwd: string, env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env: cleanEnv(env) });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** As runBin, without blocking the event loop (the test's own proxy must keep serving). */
function runBinAsync(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * A pooler that maps a database name to another database (as pgbouncer's [databases] can): a TCP proxy
 * that rewrites the `database` of the startup message. What the URL names is then not what the session
 * is connected to, and only the server can tell.
 */
function aliasingProxy(targetPort: number, from: string, to: string): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 4 || buf.length < buf.readInt32BE(0)) return;
      client.off('data', onData);
      const len = buf.readInt32BE(0);
      // key\0value\0...key\0value\0\0
      const parts = buf
        .subarray(8, len - 2)
        .toString('utf8')
        .split('\0');
      for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i] === 'database' && parts[i + 1] === from) parts[i + 1] = to;
      const body = Buffer.from(parts.map((x) => `${x}\0`).join('') + '\0', 'utf8');
      const head = Buffer.alloc(8);
      head.writeInt32BE(8 + body.length, 0);
      head.writeInt32BE(buf.readInt32BE(4), 4);
      const upstream = net.connect(targetPort, '127.0.0.1', () => {
        upstream.write(Buffer.concat([head, body, buf.subarray(len)]));
        client.pipe(upstream);
        upstream.pipe(client);
      });
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
    };
    client.on('data', onData);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

describe('scratch-only: the database traced is the database named, whatever the URL and the environment say', function () {
  this.timeout(300_000);
  let port: number;
  let sockDir: string;
  let admin: Client;
  let dir: string;
  let proxy: { port: number; close: () => Promise<void> };
  const url = (db: string, user = 'postgres', p = port) => `postgresql://${user}@127.0.0.1:${p}/${db}`;
  let PROD_URL: string;

  before(async () => {
    await loadParser();
    const pg = await sharedPostgres();
    port = pg.port;
    sockDir = path.join(pg.dataDir, 'sock');
    admin = new Client({ connectionString: pg.url });
    await admin.connect();
    for (const db of [PROD, SCRATCH]) {
      await admin.query(`DROP DATABASE IF EXISTS ${db}`);
      await admin.query(`CREATE DATABASE ${db}`);
      const c = new Client({ connectionString: url(db) });
      await c.connect();
      await c.query(TABLES);
      await c.query(`CREATE TABLE public.${db === PROD ? 'prod_only' : 'scratch_only'} (id int)`);
      await c.end();
    }
    await admin.query(
      `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${OTHER_ROLE}') THEN CREATE ROLE ${OTHER_ROLE} LOGIN SUPERUSER; END IF; END $$`,
    );
    PROD_URL = url(PROD);
    proxy = await aliasingProxy(port, SCRATCH, PROD);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgpf-scratch-id-'));
    // Listed: the scratch database, directly and through the pooler (which really leads to prod).
    fs.writeFileSync(
      path.join(dir, '.pg-preflight.json'),
      JSON.stringify({ scratchDatabaseUrls: [url(SCRATCH), url(SCRATCH, 'postgres', proxy.port)] }),
    );
    fs.mkdirSync(path.join(dir, 'migrations'));
    fs.writeFileSync(path.join(dir, 'migrations/001_alter.sql'), ALTER);
    fs.writeFileSync(path.join(dir, 'migrations/002_cic.sql'), CIC);
    // A libpq service file that points at prod: `pg` does not read it, so neither may the check.
    fs.writeFileSync(path.join(dir, 'pg_service.conf'), `[prodsvc]\nhost=127.0.0.1\nport=${port}\ndbname=${PROD}\nuser=postgres\n`);
  });

  after(async () => {
    await proxy?.close();
    await admin?.end();
  });

  /** Sessions ever opened on the database, once every pg-preflight and checksum session has ended. */
  async function sessions(db: string): Promise<number> {
    for (let i = 0; i < 400; i++) {
      const busy = await admin.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 OR application_name LIKE 'pg-preflight%'`,
        [db],
      );
      if (busy.rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await admin.query('SELECT pg_stat_clear_snapshot()');
    return (await admin.query(`SELECT sessions::int AS n FROM pg_stat_database WHERE datname = $1`, [db])).rows[0].n;
  }

  /** Runs `fn`; asserts prod's catalog and data are unchanged, it has no new index, and `allowed` sessions at most reached it. */
  async function prodUntouched<T>(fn: () => Promise<T> | T, allowed = 0): Promise<T> {
    const before = await databaseChecksum(PROD_URL);
    const s0 = await sessions(PROD);
    const out = await fn();
    const s1 = await sessions(PROD);
    assert.equal(s1 - s0, allowed, `sessions opened on ${PROD}`);
    assert.deepEqual(await databaseChecksum(PROD_URL), before, `${PROD} is as it was`);
    const c = new Client({ connectionString: PROD_URL });
    await c.connect();
    const idx = await c
      .query(`SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = 'public.customers'::regclass`)
      .finally(() => c.end());
    assert.deepEqual(
      idx.rows.map((r) => r.name),
      ['customers_pkey'],
      `no index was built on ${PROD}`,
    );
    return out;
  }

  function assertRefused(r: Run, pattern: RegExp): void {
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, pattern);
  }

  describe('resolution (no server)', () => {
    it('the identity is what pg is handed: PG* variables fill what the URL leaves out, as pg does', () => {
      const env = { PGHOST: 'envhost', PGPORT: '6000', PGUSER: 'envuser', PGDATABASE: 'envdb', USER: 'osuser' };
      assert.equal(connectionIdentity('postgresql:///', env), 'envuser@envhost:6000/envdb');
      assert.equal(connectionIdentity('postgresql://u@h/', { USER: 'osuser' }), 'u@h:5432/u', 'no database: the user name, as pg does');
      assert.equal(connectionIdentity('postgresql://h/d', { USER: 'osuser' }), 'osuser@h:5432/d');
      assert.equal(
        connectionIdentity('postgresql://u@h:5433/d?dbname=d&host=H&port=5433&user=u', {}),
        'u@h:5433/d',
        'parameters that agree are fine',
      );
      assert.equal(connectionIdentity('postgresql://u@/d?host=/run/pg', {}), 'u@/run/pg:5432/d');
      const r = resolveConnection('postgresql://u:pw@h/d?sslmode=require', {});
      assert.ok(r.ok && r.target.tls === 'verify' && r.target.password === 'pw');
      for (const [u, why] of [
        ['postgresql://u@h/prod?dbname=scratch', /names database "prod" and \?dbname="scratch"/],
        ['postgresql://u@h/d?host=other', /names host "h" and \?host="other"/],
        ['postgresql://u@h:1/d?port=2', /names port "1" and \?port="2"/],
        ['postgresql://u@h/d?user=x', /names user "u" and \?user="x"/],
        ['postgresql://u@h/d?options=-c%20search_path%3Dx', /parameter "options"/],
        ['postgresql://u@h/d?hostaddr=10.0.0.1', /parameter "hostaddr"/],
        ['postgresql://u@h/d?service=prod', /parameter "service"/],
        ['postgresql://u@h/d?database=prod', /parameter "database"/],
        ['postgresql://u@h/d?dbname=d&dbname=x', /dbname twice/],
        ['postgresql://u@/d?host=a,b', /several hosts/],
        ['postgresql://u@h/d?sslmode=bogus', /sslmode "bogus"/],
      ] as Array<[string, RegExp]>) {
        const res = resolveConnection(u, {});
        assert.ok(!res.ok, u);
        assert.match(res.reason, why, u);
      }
      // Parameters that cannot move the connection (libpq's application_name, Prisma's schema/pgbouncer) are dropped, not refused.
      assert.equal(
        connectionIdentity('postgresql://u@h/d?schema=public&pgbouncer=true&application_name=x&connect_timeout=5', {}),
        'u@h:5432/d',
      );
      const opt = resolveConnection('postgresql://u@h/d', { PGOPTIONS: '-c search_path=x' });
      assert.ok(!opt.ok && /PGOPTIONS/.test(opt.reason));
    });
  });

  describe('pg-preflight trace', () => {
    const refusedUrls = (): Array<[string, string, Record<string, string>, RegExp]> => [
      [
        'path prod, ?dbname=scratch (the reported bypass)',
        `${url(PROD)}?dbname=${SCRATCH}`,
        {},
        /refusing to trace: the database URL names database "pgpf_prod_\d+" and \?dbname=/,
      ],
      ['path scratch, ?dbname=prod', `${url(SCRATCH)}?dbname=${PROD}`, {}, /refusing to trace: .*disagree/],
      [
        '?host= another way to the server',
        `${url(SCRATCH)}?host=${encodeURIComponent(sockDir)}`,
        {},
        /names host "127\.0\.0\.1" and \?host=/,
      ],
      ['?port= another port', `${url(SCRATCH)}?port=${port + 1}`, {}, /names port/],
      ['?user= another role', `${url(SCRATCH)}?user=${OTHER_ROLE}`, {}, /names user "postgres"/],
      ['options=-c search_path', `${url(SCRATCH)}?options=${encodeURIComponent('-c search_path=other')}`, {}, /parameter "options"/],
      ['?hostaddr=', `${url(SCRATCH)}?hostaddr=127.0.0.1`, {}, /parameter "hostaddr"/],
      ['?service=', `${url(SCRATCH)}?service=prodsvc`, {}, /parameter "service"/],
      [
        'no database in the URL, PGDATABASE=prod',
        `postgresql://postgres@127.0.0.1:${port}/`,
        { PGDATABASE: PROD },
        new RegExp(`refusing to trace on postgres@127\\.0\\.0\\.1:${port}/${PROD}: it is not marked`),
      ],
      [
        'no user in the URL, PGUSER=another role',
        `postgresql://127.0.0.1:${port}/${SCRATCH}`,
        { PGUSER: OTHER_ROLE },
        new RegExp(`refusing to trace on ${OTHER_ROLE}@`),
      ],
      [
        'no host or port in the URL, PGHOST/PGPORT elsewhere',
        `postgresql://postgres@/${SCRATCH}`,
        { PGHOST: sockDir, PGPORT: String(port) },
        /refusing to trace on postgres@\/.*: it is not marked/,
      ],
      ['PGOPTIONS=-c search_path', url(SCRATCH), { PGOPTIONS: '-c search_path=other' }, /PGOPTIONS/],
    ];

    it('refuses every URL that names prod, or names the scratch database in two ways, before connecting (also with --run-no-transaction and CONCURRENTLY)', async () => {
      for (const [what, u, env, why] of refusedUrls()) {
        await prodUntouched(() => {
          for (const file of ['migrations/001_alter.sql', 'migrations/002_cic.sql']) {
            const args = [
              'trace',
              file,
              '--database-url',
              u,
              '--format',
              'json',
              ...(file.includes('cic') ? ['--run-no-transaction'] : []),
            ];
            const r = runBin(args, dir, env);
            try {
              assertRefused(r, why);
            } catch (err) {
              throw new Error(`${what} (${file}): ${(err as Error).message}`);
            }
          }
        });
      }
    });

    it('traces on the scratch database when the URL and the environment agree on it, and the report names it', async () => {
      const cases: Array<[string, string, Record<string, string>]> = [
        [
          '?dbname= with an empty path, PGDATABASE=prod (pg alone would connect to prod)',
          `postgresql://postgres@127.0.0.1:${port}/?dbname=${SCRATCH}`,
          { PGDATABASE: PROD },
        ],
        [
          'host, port and user from PG* variables',
          `postgresql:///${SCRATCH}`,
          { PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'postgres' },
        ],
        ['parameters that repeat the URL', `${url(SCRATCH)}?dbname=${SCRATCH}&host=127.0.0.1&port=${port}&user=postgres`, {}],
        [
          'PGSERVICE naming prod (pg does not read service files)',
          url(SCRATCH),
          { PGSERVICEFILE: path.join(dir, 'pg_service.conf'), PGSERVICE: 'prodsvc', PGDATABASE: PROD },
        ],
      ];
      for (const [what, u, env] of cases) {
        await prodUntouched(() => {
          const r = runBin(['trace', 'migrations/001_alter.sql', '--database-url', u, '--format', 'json'], dir, env);
          assert.equal(r.code, 0, `${what}: ${r.stderr}`);
          const json = JSON.parse(r.stdout);
          assert.equal(json.engine, 'postgres', what);
          assert.equal(json.source, `postgres@127.0.0.1:${port}/${SCRATCH}`, what);
          assert.deepEqual(
            json.statements[0].observed.map((o: { relation: string; mode: string }) => [o.relation, o.mode]),
            [['public.customers', 'AccessExclusiveLock']],
            what,
          );
        });
      }
    });

    it('--run-no-transaction: CREATE INDEX CONCURRENTLY runs on the scratch database only, named by ?dbname= with PGDATABASE=prod', async () => {
      const scratchUrl = url(SCRATCH);
      const scratchBefore = await databaseChecksum(scratchUrl);
      await prodUntouched(() => {
        const r = runBin(
          [
            'trace',
            'migrations/002_cic.sql',
            '--database-url',
            `postgresql://postgres@127.0.0.1:${port}/?dbname=${SCRATCH}`,
            '--run-no-transaction',
            '--format',
            'json',
          ],
          dir,
          { PGDATABASE: PROD },
        );
        assert.equal(r.code, 0, r.stderr);
        const json = JSON.parse(r.stdout);
        assert.equal(json.source, `postgres@127.0.0.1:${port}/${SCRATCH}`);
        assert.equal(json.statements[0].how, 'sampled');
        assert.match(json.statements[0].sampling.undo, /dropped the index public\.customers_email_idx/);
      });
      assert.deepEqual(await databaseChecksum(scratchUrl), scratchBefore);
    });

    it('a pooler that maps the scratch name to prod: refused after connecting, before running anything', async () => {
      // The one session that reaches prod reads current_database() and leaves.
      await prodUntouched(async () => {
        for (const [file, extra] of [
          ['migrations/001_alter.sql', []],
          ['migrations/002_cic.sql', ['--run-no-transaction']],
        ] as Array<[string, string[]]>) {
          const r = await runBinAsync(['trace', file, '--database-url', url(SCRATCH, 'postgres', proxy.port), ...extra], dir);
          assertRefused(
            r,
            new RegExp(
              `refusing to trace: the connection to postgres@127\\.0\\.0\\.1:${proxy.port}/${SCRATCH} reached the database "${PROD}" instead`,
            ),
          );
        }
      }, 2);
    });

    it('a port mapping in between (Docker, a tunnel) is not refused: the report names the database and where the server sees itself', async () => {
      const mapping = await aliasingProxy(port, '', '');
      try {
        const r = await runBinAsync(
          ['trace', 'migrations/001_alter.sql', '--database-url', url(SCRATCH, 'postgres', mapping.port), '--scratch', '--format', 'json'],
          dir,
        );
        assert.equal(r.code, 0, r.stderr);
        assert.equal(
          JSON.parse(r.stdout).source,
          `postgres@127.0.0.1:${mapping.port}/${SCRATCH} (the server sees itself as 127.0.0.1:${port})`,
        );
      } finally {
        await mapping.close();
      }
    });

    it('--scratch over a Unix socket: the report names the socket and the database', async () => {
      const r = runBin(
        [
          'trace',
          'migrations/001_alter.sql',
          '--database-url',
          `postgresql://postgres@/${SCRATCH}?host=${encodeURIComponent(sockDir)}&port=${port}`,
          '--scratch',
          '--format',
          'json',
        ],
        dir,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).source, `postgres@${sockDir}:${port}/${SCRATCH}`);
    });
  });

  describe('pg-preflight stats', () => {
    it('reads the database named, and the snapshot source names it; a URL whose parts disagree is refused', async () => {
      await prodUntouched(() => {
        const refused = runBin(['stats', '--database-url', `${url(PROD)}?dbname=${SCRATCH}`], dir);
        assertRefused(refused, /^pg-preflight: --database-url: the database URL names database "pgpf_prod_\d+" and \?dbname=/);
        const r = runBin(['stats', '--database-url', `postgresql://postgres@127.0.0.1:${port}/?dbname=${SCRATCH}`], dir, {
          PGDATABASE: PROD,
        });
        assert.equal(r.code, 0, r.stderr);
        const snap = JSON.parse(r.stdout);
        assert.equal(snap.source, `postgres@127.0.0.1:${port}/${SCRATCH}`);
        const names = snap.tables.map((t: { name: string }) => t.name);
        assert.ok(names.includes('scratch_only') && !names.includes('prod_only'), names.join(', '));
      });
    });

    it('through a pooler that maps the name to another database: refused with one line', async () => {
      await prodUntouched(async () => {
        const r = await runBinAsync(['stats', '--database-url', url(SCRATCH, 'postgres', proxy.port)], dir);
        assertRefused(
          r,
          new RegExp(
            `refusing to read statistics: the connection to postgres@127\\.0\\.0\\.1:${proxy.port}/${SCRATCH} reached the database "${PROD}" instead`,
          ),
        );
      }, 1);
    });
  });

  describe('sslmode=require (the form the docs show)', () => {
    it('one line, no driver warning: stats and trace against a server without TLS', async () => {
      const stats = runBin(['stats', '--database-url', `${url(SCRATCH)}?sslmode=require`], dir);
      assertRefused(
        stats,
        /^pg-preflight: --database-url: could not connect to postgres@127\.0\.0\.1:\d+\/pgpf_scratch_\d+: TLS error: The server does not support SSL connections$/m,
      );
      const trace = runBin(['trace', 'migrations/001_alter.sql', '--database-url', `${url(SCRATCH)}?sslmode=require`, '--scratch'], dir);
      assertRefused(trace, /could not connect to .*TLS error/);
      for (const r of [stats, trace]) assert.ok(!/WARNING/.test(r.stderr), r.stderr);
      // PGSSLMODE is what pg reads when the URL has no sslmode: the same one line.
      const env = runBin(['stats', '--database-url', url(SCRATCH)], dir, { PGSSLMODE: 'require' });
      assertRefused(env, /TLS error/);
    });
  });

  describe('pgPreflight.verifyLocks', () => {
    let project: Project;
    let c: LspClient;
    const uri = () => project.uri('migrations/001_alter.sql');
    before(async () => {
      project = new Project({
        '.pg-preflight.json': JSON.stringify({ scratchDatabaseUrls: [url(SCRATCH), url(SCRATCH, 'postgres', proxy.port)] }),
        'migrations/001_alter.sql': ALTER,
      });
      c = await LspClient.inProcess();
      await c.initialize(project.uri(''));
      await c.open(uri(), ALTER + CIC);
    });
    after(async () => {
      await c.shutdown();
      c.dispose();
      project.remove();
    });

    const verify = async (databaseUrl: string, env: Record<string, string> = {}): Promise<VerifyLocksResult> => {
      const saved: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(env)) {
        saved[k] = process.env[k];
        process.env[k] = v;
      }
      try {
        return (await c.executeCommand(COMMANDS.verifyLocks, [uri(), { databaseUrl, runNoTransaction: true }])) as VerifyLocksResult;
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    };

    it('refuses URLs that name prod or name the scratch database twice, and a pooler alias; nothing runs on prod', async () => {
      const refused: Array<[string, Record<string, string>, RegExp]> = [
        [`${url(PROD)}?dbname=${SCRATCH}`, {}, /names database "pgpf_prod_\d+" and \?dbname=/],
        [`${url(SCRATCH)}?port=${port + 1}`, {}, /names port/],
        [`${url(SCRATCH)}?user=${OTHER_ROLE}`, {}, /names user/],
        [`${url(SCRATCH)}?options=${encodeURIComponent('-c search_path=other')}`, {}, /parameter "options"/],
        [`postgresql://postgres@127.0.0.1:${port}/`, { PGDATABASE: PROD }, /not marked as a scratch database/],
      ];
      await prodUntouched(async () => {
        for (const [u, env, why] of refused) {
          const r = await verify(u, env);
          assert.equal(r.traced, false, u);
          assert.match(r.reason ?? '', why, u);
          assert.equal(r.summary.split('\n').length, 1);
        }
      });
      await prodUntouched(async () => {
        const r = await verify(url(SCRATCH, 'postgres', proxy.port));
        assert.equal(r.traced, false);
        assert.match(r.reason ?? '', new RegExp(`reached the database "${PROD}" instead`));
      }, 1);
    });

    it('traces on the scratch database named by ?dbname= with PGDATABASE=prod in the server environment', async () => {
      await prodUntouched(async () => {
        const r = await verify(`postgresql://postgres@127.0.0.1:${port}/?dbname=${SCRATCH}`, { PGDATABASE: PROD });
        assert.equal(r.traced, true, r.reason);
        assert.equal(r.engine, 'postgres');
        assert.equal(r.tracedStatements, 2, r.summary);
      });
    });
  });
});
