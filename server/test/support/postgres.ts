// Real PostgreSQL for tests: a throwaway PostgreSQL cluster built with the `initdb` / `pg_ctl`
// binaries on PATH (PostgreSQL 15 on this machine and on CI), and an in-process PGlite (PostgreSQL
// 18 in WASM). Nothing here mocks the database: "PostgreSQL is the oracle".
//
// The cluster is created from scratch each time (fresh mkdtemp data dir, free loopback port, unix
// socket inside the temp dir), so a bare machine with only the binaries is enough. PostgreSQL
// refuses to run as root; when the test process is root, initdb and pg_ctl run as the `postgres`
// OS user via `runuser -u postgres --` and the temp dir is chowned to that user.

import { execFile, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

export interface ThrowawayPostgres {
  /** Connection URL for the `postgres` superuser and database (TCP on 127.0.0.1, trust auth). */
  url: string;
  port: number;
  /** Temp dir holding the cluster (`<dataDir>/data`), its unix socket and its log. */
  dataDir: string;
  /** `pg_ctl stop -m immediate`, then remove the temp dir. Safe to call more than once. */
  stop(): Promise<void>;
}

const RUN_AS_USER = 'postgres';

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Absolute path of an executable on PATH, or a clear error. */
export function findOnPath(name: string): string {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // keep looking
    }
  }
  throw new Error(
    `${name} not found on PATH (${process.env.PATH ?? ''}); the real-PostgreSQL tests need the ` +
      `PostgreSQL server binaries (initdb, pg_ctl, postgres) installed`,
  );
}

interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a PostgreSQL binary, as the postgres OS user when we are root. */
function runPgBinary(binary: string, args: string[], timeoutMs = 120_000): Promise<RunResult> {
  const [cmd, fullArgs] = isRoot()
    ? [findOnPath('runuser'), ['-u', RUN_AS_USER, '--', binary, ...args]]
    : [binary, args];
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      fullArgs,
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        if (err) {
          const e = new Error(
            `${path.basename(binary)} failed: ${[cmd, ...fullArgs].join(' ')}\n` +
              `${err.message}\n${String(stderr).trim()}\n${String(stdout).trim()}`.trim(),
          );
          reject(e);
        } else {
          resolve({ stdout: String(stdout), stderr: String(stderr) });
        }
      },
    );
  });
}

function lookupUid(user: string): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('bad id output');
    return { uid, gid };
  } catch (err) {
    throw new Error(
      `running as root, but the OS user "${user}" does not exist; PostgreSQL refuses to run as ` +
        `root, so create that user (e.g. useradd -r ${user}) or run the tests as a non-root user ` +
        `(${(err as Error).message})`,
    );
  }
}

/** A free TCP port on 127.0.0.1 (bind port 0, read it, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// Clusters still running are stopped synchronously if the process exits without stop().
const running = new Map<string, () => void>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const stopAll = () => {
    for (const stopSync of running.values()) {
      try {
        stopSync();
      } catch {
        // best effort
      }
    }
    running.clear();
  };
  process.on('exit', stopAll);
  // Ctrl-C / kill: stop the clusters, then die of the same signal as we would have.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      stopAll();
      process.removeListener(sig, onSignal);
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

/**
 * A detached shell that outlives us only to clean up: when this process is gone (even killed by
 * SIGKILL, so no exit hook ran) it stops the cluster and removes its temp dir. It exits on its own
 * once the data dir is gone, i.e. right after a normal stop().
 */
function startWatchdog(pgCtl: string, dataDir: string, dir: string): void {
  const q = (x: string) => `'${x.replace(/'/g, `'\\''`)}'`;
  const stop = isRoot()
    ? `runuser -u ${RUN_AS_USER} -- ${q(pgCtl)} stop -m immediate -D ${q(dataDir)}`
    : `${q(pgCtl)} stop -m immediate -D ${q(dataDir)}`;
  const script =
    `while kill -0 ${process.pid} 2>/dev/null && [ -d ${q(dataDir)} ]; do sleep 2; done; ` +
    `if [ -d ${q(dataDir)} ]; then ${stop} >/dev/null 2>&1; rm -rf ${q(dir)}; fi`;
  try {
    const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no watchdog: the exit hook still covers normal exits
  }
}

/**
 * initdb + pg_ctl start a brand-new cluster. Typical start time is 1-3 s.
 * Options: `port` to force a port (default: a free loopback port).
 */
export async function startThrowawayPostgres(opts: { port?: number } = {}): Promise<ThrowawayPostgres> {
  const initdb = findOnPath('initdb');
  const pgCtl = findOnPath('pg_ctl');
  findOnPath('postgres');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-preflight-pg-'));
  const dataDir = path.join(dir, 'data');
  const sockDir = path.join(dir, 'sock');
  const logFile = path.join(dir, 'postgres.log');
  fs.mkdirSync(sockDir);
  if (isRoot()) {
    const { uid, gid } = lookupUid(RUN_AS_USER);
    fs.chmodSync(dir, 0o700);
    fs.chownSync(dir, uid, gid);
    fs.chownSync(sockDir, uid, gid);
  }
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });

  try {
    await runPgBinary(initdb, [
      '-D', dataDir,
      '-U', 'postgres',
      '-A', 'trust',
      '-E', 'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
  } catch (err) {
    removeDir();
    throw new Error(`initdb could not create a cluster in ${dataDir}: ${(err as Error).message}`);
  }

  let port = 0;
  let lastError: Error | undefined;
  const attempts = opts.port ? 1 : 3;
  for (let i = 0; i < attempts; i++) {
    port = opts.port ?? (await freePort());
    const serverOpts = [
      `-p ${port}`,
      `-k ${sockDir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c TimeZone=UTC',
      '-c max_connections=50',
    ].join(' ');
    try {
      await runPgBinary(pgCtl, ['start', '-w', '-t', '60', '-D', dataDir, '-l', logFile, '-o', serverOpts]);
      lastError = undefined;
      break;
    } catch (err) {
      lastError = new Error(
        `pg_ctl start failed on port ${port}: ${(err as Error).message}\n--- ${logFile} ---\n${tail(logFile)}`,
      );
      // If it half-started, make sure it is down before retrying on another port.
      await runPgBinary(pgCtl, ['stop', '-m', 'immediate', '-D', dataDir]).catch(() => undefined);
    }
  }
  if (lastError) {
    removeDir();
    throw lastError;
  }

  startWatchdog(pgCtl, dataDir, dir);

  const stopSync = () => {
    const args = ['stop', '-m', 'immediate', '-w', '-D', dataDir];
    const [cmd, full] = isRoot() ? ['runuser', ['-u', RUN_AS_USER, '--', pgCtl, ...args]] : [pgCtl, args];
    try {
      execFileSync(cmd, full, { stdio: 'ignore', timeout: 30_000 });
    } catch {
      // already down
    }
    removeDir();
  };
  running.set(dir, stopSync);
  installExitHook();

  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir: dir,
    stop() {
      stopped ??= (async () => {
        running.delete(dir);
        await runPgBinary(pgCtl, ['stop', '-m', 'immediate', '-w', '-D', dataDir]).catch(() => undefined);
        removeDir();
      })();
      return stopped;
    },
  };
}

let shared: Promise<ThrowawayPostgres> | undefined;

/**
 * One cluster per mocha process, started lazily on the first call and stopped by the root hook in
 * hooks.ts (and, as a fallback, at process exit). Tests must leave it as they found it: create
 * their own databases/schemas or work inside transactions they roll back.
 */
export function sharedPostgres(): Promise<ThrowawayPostgres> {
  if (!shared) {
    shared = startThrowawayPostgres();
    // A failed start is not cached: the next caller retries (and sees its own error).
    shared.catch(() => {
      shared = undefined;
    });
  }
  return shared;
}

/** Stops the shared cluster if one was started. Called by the mocha root hook. */
export async function stopSharedPostgres(): Promise<void> {
  const p = shared;
  shared = undefined;
  if (!p) return;
  const pg = await p.catch(() => undefined);
  await pg?.stop();
}

/** A fresh in-memory PGlite (PostgreSQL 18 in WASM, one connection). Close it when done. */
export async function openPglite(): Promise<PGlite> {
  const db = new PGlite();
  await db.waitReady;
  return db;
}
