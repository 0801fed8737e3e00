// A snapshot of a freshly initialised PGlite data directory, so a new embedded engine skips initdb
// (most of PGlite's 3-5 s start). Taken once (dumpDataDir, gzip: ~4.5 MB) and kept in memory by the
// host; also cached on disk between processes, keyed by the PGlite version:
//   $PG_PREFLIGHT_CACHE_DIR, else $XDG_CACHE_HOME/pg-preflight, else ~/.cache/pg-preflight
// PG_PREFLIGHT_CACHE_DIR=off disables the disk cache. The file holds an empty cluster and nothing of
// the user's; a damaged or stale file is ignored (and replaced).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

function pgliteVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkgPath = require.resolve('@electric-sql/pglite/package.json');
    return String((JSON.parse(fs.readFileSync(pkgPath, 'utf8')) as { version?: string }).version ?? 'unknown');
  } catch {
    // the package's exports map may hide package.json: find it next to the entry point
    try {
      const entry = require.resolve('@electric-sql/pglite');
      let dir = path.dirname(entry);
      for (let i = 0; i < 4; i++) {
        const p = path.join(dir, 'package.json');
        if (fs.existsSync(p)) return String((JSON.parse(fs.readFileSync(p, 'utf8')) as { version?: string }).version ?? 'unknown');
        dir = path.dirname(dir);
      }
    } catch {
      // fall through
    }
    return 'unknown';
  }
}

export function pristineCacheFile(env: Record<string, string | undefined> = process.env): string | undefined {
  const explicit = env.PG_PREFLIGHT_CACHE_DIR;
  if (explicit === 'off' || explicit === '0') return undefined;
  const base =
    explicit || (env.XDG_CACHE_HOME ? path.join(env.XDG_CACHE_HOME, 'pg-preflight') : path.join(os.homedir(), '.cache', 'pg-preflight'));
  const version = pgliteVersion().replace(/[^0-9A-Za-z.-]/g, '_');
  return path.join(base, `pglite-${version}-pgdata.tar.gz`);
}

/** The cached snapshot, or undefined. Never throws. */
export function loadPristine(): Blob | undefined {
  const file = pristineCacheFile();
  if (!file) return undefined;
  try {
    const buf = fs.readFileSync(file);
    // A gzip stream starts with 1f 8b; anything else is not ours.
    if (buf.length < 1024 || buf[0] !== 0x1f || buf[1] !== 0x8b) return undefined;
    return new Blob([buf]);
  } catch {
    return undefined;
  }
}

/** Writes the snapshot atomically (temp file + rename). Never throws. */
export async function savePristine(blob: Blob): Promise<void> {
  const file = pristineCacheFile();
  if (!file) return;
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // never written
    }
  }
}
