// The warm embedded engine: one PGlite per process, reused between traces (the language server keeps it
// between "Verify locks" commands; the CLI uses it once).
//
// State. A trace needs the schema of the earlier migrations (and, with a stats snapshot, synthetic rows)
// COMMITTED before the traced migration's transaction starts: locks taken by the replay inside the same
// transaction would hide the migration's own locks. So the host remembers the list of committed steps
// (one key per earlier file, the runner shim, the rows) and, for the next trace:
//   - the same list: nothing to do (the common case: the same file traced again after an edit);
//   - a list that extends it: only the new steps run (the next file of the folder);
//   - anything else, or after a failure that may have left partial state: a fresh instance.
// A fresh instance is loaded from a snapshot of a pristine data directory (taken once per process, and
// cached on disk between processes, see pristine.ts), which skips initdb: ~0.5 s instead of ~3-5 s.
//
// Traces are serialized: PGlite has one connection.
import type { PGlite } from '@electric-sql/pglite';
import { oneLine } from './engine';
import { loadPristine, savePristine } from './pristine';

/** SQL extension names PGlite ships (contrib), mapped to their module under @electric-sql/pglite/contrib/. */
export const PGLITE_EXTENSIONS: Record<string, string> = {
  'uuid-ossp': 'uuid_ossp',
  amcheck: 'amcheck',
  bloom: 'bloom',
  btree_gin: 'btree_gin',
  btree_gist: 'btree_gist',
  citext: 'citext',
  cube: 'cube',
  dict_int: 'dict_int',
  dict_xsyn: 'dict_xsyn',
  earthdistance: 'earthdistance',
  fuzzystrmatch: 'fuzzystrmatch',
  hstore: 'hstore',
  intarray: 'intarray',
  isn: 'isn',
  lo: 'lo',
  ltree: 'ltree',
  moddatetime: 'moddatetime',
  pageinspect: 'pageinspect',
  pg_buffercache: 'pg_buffercache',
  pg_freespacemap: 'pg_freespacemap',
  pg_stat_statements: 'pg_stat_statements',
  pg_surgery: 'pg_surgery',
  pg_trgm: 'pg_trgm',
  pg_visibility: 'pg_visibility',
  pg_walinspect: 'pg_walinspect',
  pgcrypto: 'pgcrypto',
  seg: 'seg',
  tablefunc: 'tablefunc',
  tcn: 'tcn',
  tsm_system_rows: 'tsm_system_rows',
  tsm_system_time: 'tsm_system_time',
  unaccent: 'unaccent',
};

/** Extension dependencies PGlite needs loaded together. */
const EXTENSION_REQUIRES: Record<string, string[]> = { earthdistance: ['cube'] };

/** The embedded engine could not start. */
export class EngineStartError extends Error {
  override readonly name = 'EngineStartError';
}

type PgliteCtor = new (opts?: Record<string, unknown>) => PGlite;

function pgliteModule(): { PGlite: PgliteCtor } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@electric-sql/pglite') as { PGlite: PgliteCtor };
}

function extensionModules(names: Iterable<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const all = new Set<string>();
  for (const n of names) {
    if (!PGLITE_EXTENSIONS[n]) continue;
    all.add(n);
    for (const r of EXTENSION_REQUIRES[n] ?? []) all.add(r);
  }
  for (const n of all) {
    const mod = PGLITE_EXTENSIONS[n];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require(`@electric-sql/pglite/contrib/${mod}`) as Record<string, unknown>;
    out[mod] = m[mod];
  }
  return out;
}

export interface HostState {
  /** Keys of the committed steps, in order. */
  steps: string[];
}

export class PgliteHost {
  private db?: PGlite;
  private extensions = new Set<string>();
  private steps: string[] = [];
  private dirty = false;
  private pristine?: Blob;
  private queue: Promise<unknown> = Promise.resolve();
  /** Results of committed steps (replayed statement counts, synthetic rows), by step key. */
  readonly memo = new Map<string, unknown>();
  /** How the last start went, for timings: 'warm' (reused), 'pristine' (from a data dir snapshot), 'initdb'. */
  lastStart: 'warm' | 'pristine' | 'initdb' = 'warm';

  /** Runs `fn` alone on the engine (traces never overlap). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The instance, with at least these extensions available, and the steps it has committed. Starts
   * or restarts the engine when needed; throws EngineStartError when PGlite cannot start.
   */
  async instance(extensions: string[]): Promise<{ db: PGlite; steps: string[] }> {
    const wanted = extensions.filter((e) => PGLITE_EXTENSIONS[e]);
    const missing = wanted.some((e) => !this.extensions.has(e));
    if (!this.db || this.db.closed || missing) {
      await this.restart(new Set([...this.extensions, ...wanted]));
    } else if (this.dirty) {
      await this.restart(this.extensions);
    } else {
      this.lastStart = 'warm';
    }
    return { db: this.db as PGlite, steps: [...this.steps] };
  }

  /** Records a committed step. */
  committed(key: string): void {
    this.steps.push(key);
  }

  /** The instance may hold partial or unknown state: the next trace starts from a fresh one. */
  markDirty(): void {
    this.dirty = true;
  }

  /** Forgets the committed steps and starts from a pristine instance. */
  async reset(): Promise<void> {
    await this.restart(this.extensions);
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    this.steps = [];
    if (db && !db.closed) await db.close().catch(() => undefined);
  }

  private async restart(extensions: Set<string>): Promise<void> {
    await this.close();
    this.dirty = false;
    this.steps = [];
    this.memo.clear();
    this.extensions = extensions;
    const { PGlite } = pgliteModule();
    let exts: Record<string, unknown>;
    try {
      exts = extensionModules(extensions);
    } catch (err) {
      throw new EngineStartError(
        `the embedded PostgreSQL (PGlite) could not load its extensions: ${oneLine(String((err as Error)?.message ?? err))}`,
      );
    }
    // A PGlite that fails to start (its .wasm or .data unreadable) leaves a promise of its own without a
    // handler, and waitReady may then never settle: node would print a stack trace, or exit 0 silently.
    // While starting, such a rejection is the start's failure, unless the engine still becomes ready soon
    // after it: the rejection may belong to any other work of the process (a language server's closed
    // connection), which must not fail a healthy start.
    let failStart: (reason: unknown) => void = () => undefined;
    const strayFailure = new Promise<never>((_resolve, reject) => {
      failStart = reject;
    });
    strayFailure.catch(() => undefined);
    const graceTimers: NodeJS.Timeout[] = [];
    const stray = (reason: unknown): void => {
      graceTimers.push(setTimeout(() => failStart(reason), STRAY_REJECTION_GRACE_MS));
    };
    const ready = (db: PGlite) => Promise.race([db.waitReady, strayFailure]);
    process.on('unhandledRejection', stray);
    try {
      this.pristine ??= loadPristine();
      if (this.pristine) {
        try {
          const db = new PGlite({ loadDataDir: this.pristine, extensions: exts });
          await ready(db);
          this.db = db;
          this.lastStart = 'pristine';
          return;
        } catch {
          // A stale or damaged snapshot: fall back to initdb below, and replace the snapshot.
          this.pristine = undefined;
        }
      }
      const db = new PGlite({ extensions: exts });
      await ready(db);
      this.db = db;
      this.lastStart = 'initdb';
      try {
        this.pristine = await db.dumpDataDir('gzip');
        await savePristine(this.pristine);
      } catch {
        // no snapshot: every reset runs initdb
      }
    } catch (err) {
      this.db = undefined;
      throw new EngineStartError(`the embedded PostgreSQL (PGlite) could not start: ${oneLine(String((err as Error)?.message ?? err))}`);
    } finally {
      await new Promise((resolve) => setImmediate(resolve));
      process.off('unhandledRejection', stray);
      for (const t of graceTimers) clearTimeout(t);
    }
  }
}

/** How long a start may still succeed after a rejection nobody handled. */
const STRAY_REJECTION_GRACE_MS = 3000;

let shared: PgliteHost | undefined;

/** The process's warm engine. */
export function sharedHost(): PgliteHost {
  shared ??= new PgliteHost();
  return shared;
}

/** Closes the process's warm engine (the language server calls this on shutdown; the CLI at exit). */
export async function closeSharedHost(): Promise<void> {
  const h = shared;
  shared = undefined;
  await h?.close();
}
