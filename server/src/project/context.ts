// The schema context of each checked file, read from disk at the CLI's edge and handed to analyze()
// as data:
//   - priorFiles: the EARLIER migrations of the same folder, in the runner's order (they define the
//     schema the file runs against); siblingNames: the other migrations' names, less the checked
//     files that sort after this one (see ContextBuilder.context).
//     Layouts: <folder>/<version>_name.sql, Prisma's <folder>/<version>_name/migration.sql and diesel's
//     <folder>/<version>_name/up.sql; in a pop/popx folder, other databases' files are left out and a
//     .postgres. file replaces the generic one of its version, as popx picks them.
//   - what the runner's own configuration says (runner-config.ts): diesel's metadata.toml, Supabase's
//     PostgreSQL version; and the runner the folder's names show (pop/popx).
//   - appFiles: application sources under the project root, searched for dropped or renamed names.
// Every file is read at most once per run (texts are cached by absolute path).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SourceFile } from '../core/analyze';
import type { RunnerId } from '@pg-preflight/shared';
import {
  compareVersions,
  isFlywayPath,
  isOtherDialectMigration,
  isPostgresDialectMigration,
  isRevertMigration,
  migrationVersion,
  popName,
} from '../core/migrations/naming';
import { InputError } from './errors';
import { ALWAYS_SKIPPED_DIRS, displayPath, readTextFile, walk } from './fsutil';
import { matchesAny, toSlashes, type Glob } from './glob';
import { dieselRunsInTransaction, flywayRunsInTransaction, supabasePgVersion, type RunnerPgVersion } from './runner-config';

/** Where a migration file sits: its folder, and its name within that folder. */
export interface MigrationUnit {
  /** Absolute path of the migrations folder. */
  folder: string;
  /** "20240101000000_init.sql", or "20240101000000_init/migration.sql" in Prisma's layout (".../up.sql" in diesel's). */
  name: string;
  /** Prisma's and diesel's folder-per-migration layout. */
  folderPerMigration: boolean;
}

export function migrationUnit(file: string): MigrationUnit {
  const base = path.basename(file);
  // diesel's folders start with their version; a flat folder's own up.sql is not one of them.
  if (base === 'migration.sql' || ((base === 'up.sql' || base === 'down.sql') && /^\d/.test(path.basename(path.dirname(file))))) {
    const own = path.dirname(file);
    return { folder: path.dirname(own), name: `${path.basename(own)}/${base}`, folderPerMigration: true };
  }
  return { folder: path.dirname(file), name: base, folderPerMigration: false };
}

/** Runner order: by version (numerically, part by part), versioned before unversioned, then by name. */
export function compareMigrationNames(a: string, b: string): number {
  const va = migrationVersion(a);
  const vb = migrationVersion(b);
  if (va !== undefined && vb !== undefined) {
    const c = compareVersions(va, vb);
    if (c !== 0) return c;
  } else if (va !== undefined) return -1;
  else if (vb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders absolute file paths: by migrations folder, then in migration order within it. */
export function compareMigrationFiles(a: string, b: string): number {
  const ua = migrationUnit(a);
  const ub = migrationUnit(b);
  if (ua.folder !== ub.folder) return ua.folder < ub.folder ? -1 : 1;
  return compareMigrationNames(ua.name, ub.name);
}

const MIGRATION_DIR_NAMES = /(^|\/)(migrations?|migrate|deploy)(\/|$)/i;

export interface SchemaContext {
  isMigration: boolean;
  priorFiles: SourceFile[];
  siblingNames: string[];
  /** Every migration name of the folder, this file's included (the applied-history checks compare with all of them). */
  migrationNames?: string[];
  /** false when the runner's configuration beside the file runs it outside a transaction (diesel's metadata.toml). */
  runsInTransaction?: boolean;
  /** The runner the folder's names show when the file's own name does not (pop/popx's generic .up.sql). */
  runner?: RunnerId;
  /** The PostgreSQL version the runner's configuration states (Supabase's config.toml). */
  runnerPgVersion?: RunnerPgVersion;
  /** A down file's own up migration: its path as it appears in priorFiles (AnalyzeInput.reverts). */
  reverts?: string;
}

export interface ContextOptions {
  /** The text of an open editor buffer, which wins over the disk (the editor's overlay). */
  overlay?: (file: string) => string | undefined;
  /**
   * An earlier migration that cannot be read: 'throw' an InputError (a CLI run stops), or 'skip' it
   * (an editor goes on without the schema it would have given).
   */
  unreadable?: 'throw' | 'skip';
}

/** Reads files once per run (or until invalidated) and builds schema contexts. */
export class ContextBuilder {
  private readonly texts = new Map<string, string>();
  private readonly listings = new Map<string, string[]>();

  constructor(
    private readonly cwd: string,
    private readonly root: string,
    private readonly migrationGlobs: Glob[],
    private readonly options: ContextOptions = {},
  ) {}

  /** The text of a file, read once; `role` says why it is read, for the error message. */
  text(file: string, role?: string): string {
    const open = this.options.overlay?.(file);
    if (open !== undefined) return open;
    const hit = this.texts.get(file);
    if (hit !== undefined) return hit;
    const r = readTextFile(file);
    if ('why' in r) {
      if (this.options.unreadable === 'skip') return '';
      throw new InputError(`${displayPath(file, this.cwd)}${role ? ` (${role})` : ''}`, r.why);
    }
    this.texts.set(file, r.text);
    return r.text;
  }

  isMigration(file: string): boolean {
    const unit = migrationUnit(file);
    const rel = toSlashes(path.relative(this.root, file));
    if (!rel.startsWith('../') && matchesAny(this.migrationGlobs, rel)) return true;
    const folderRel = toSlashes(path.relative(this.root, unit.folder));
    const inRoot = folderRel !== '..' && !folderRel.startsWith('../') && !path.isAbsolute(folderRel);
    if (MIGRATION_DIR_NAMES.test(inRoot ? folderRel : path.basename(unit.folder))) return true;
    return migrationVersion(unit.name) !== undefined;
  }

  /**
   * The context of `file`. `checked` is every file of this run: a checked file that sorts after
   * `file` is left out of its siblingNames as well, because the CLI takes the files it is given as
   * the new ones (checking a whole folder must not call every older file out of order; checking
   * only a pull request's new files compares them with the folder's existing ones).
   */
  context(file: string, checked: ReadonlySet<string> = new Set()): SchemaContext {
    if (!this.isMigration(file)) return { isMigration: false, priorFiles: [], siblingNames: [] };
    const unit = migrationUnit(file);
    const names = this.siblings(unit);
    // diesel's down.sql reverts its own up.sql: it runs against the schema that file left.
    // So does a pop/popx .down.sql its .up.sql of the same version.
    const ownUp = unit.folderPerMigration
      ? unit.name.endsWith('/down.sql')
        ? names.indexOf(unit.name.replace(/down\.sql$/, 'up.sql'))
        : -1
      : ownPopUp(unit.name, names);
    const at = ownUp >= 0 ? ownUp : names.indexOf(unit.name);
    const priorEnd = ownUp >= 0 ? ownUp + 1 : at;
    const abs = (n: string) => path.join(unit.folder, ...n.split('/'));
    const isChecked = this.checkedFlags(unit, names, checked);
    const isLaterChecked = (n: string, i: number) => (at < 0 ? compareMigrationNames(n, unit.name) > 0 : i > at) && isChecked[i];
    const siblingNames = names.filter((n, i) => n !== unit.name && i !== ownUp && !isLaterChecked(n, i));
    let priorFiles: SourceFile[];
    if (at >= 0 && !this.options.overlay) {
      // Without an overlay the texts never change within a run: one list per folder, sliced per file, so
      // the files of a history share their earlier files (and SchemaHistory reuses their schema).
      priorFiles = this.priorsBefore(unit, names, priorEnd);
    } else {
      const earlier = at >= 0 ? names.slice(0, priorEnd) : names.filter((n) => compareMigrationNames(n, unit.name) < 0);
      priorFiles = earlier
        .filter((n) => !isRevertMigration(n))
        .map((n) => ({ path: displayPath(abs(n), this.cwd), text: this.text(abs(n), 'an earlier migration read for schema context') }));
    }
    const out: SchemaContext = { isMigration: true, priorFiles, siblingNames, migrationNames: names };
    if (ownUp >= 0) out.reverts = displayPath(abs(names[ownUp]), this.cwd);
    if (unit.folderPerMigration && /\/(up|down)\.sql$/.test(unit.name)) {
      const inTx = dieselRunsInTransaction(file);
      if (inTx === false) out.runsInTransaction = false;
    }
    if (isFlywayPath(path.basename(file)) && flywayRunsInTransaction(file) === false) out.runsInTransaction = false;
    const folderRunner = this.folderRunners.get(this.listingKey(unit));
    if (folderRunner) out.runner = folderRunner;
    const pg = this.pgVersionOf(unit.folder);
    if (pg) out.runnerPgVersion = pg;
    return out;
  }

  /** Every schema-defining migration of `file`'s folder (no down/undo files), in runner order. */
  folderHistory(file: string): SourceFile[] {
    const unit = migrationUnit(file);
    const names = this.siblings(unit);
    return this.priorsBefore(unit, names, names.length);
  }

  private readonly folderRunners = new Map<string, RunnerId>();
  private readonly pgVersions = new Map<string, RunnerPgVersion | undefined>();

  /** The PostgreSQL version the runner's configuration states for a migrations folder, read once per folder. */
  private pgVersionOf(folder: string): RunnerPgVersion | undefined {
    if (this.pgVersions.has(folder)) return this.pgVersions.get(folder);
    const s = supabasePgVersion(folder);
    const v = s ? { version: s.version, source: displayPath(s.file, this.cwd) } : undefined;
    this.pgVersions.set(folder, v);
    return v;
  }

  private listingKey(unit: MigrationUnit): string {
    return `${unit.folderPerMigration ? 'p' : 'f'}:${unit.folder}`;
  }

  private readonly checkedByRun = new WeakMap<ReadonlySet<string>, Map<string, boolean[]>>();

  /** Which of a folder's names are checked in this run, worked out once per folder and run (not once per file). */
  private checkedFlags(unit: MigrationUnit, names: string[], checked: ReadonlySet<string>): boolean[] {
    let byFolder = this.checkedByRun.get(checked);
    if (!byFolder) this.checkedByRun.set(checked, (byFolder = new Map()));
    const key = `${unit.folderPerMigration ? 'p' : 'f'}:${unit.folder}`;
    let flags = byFolder.get(key);
    if (!flags) byFolder.set(key, (flags = names.map((n) => checked.has(path.join(unit.folder, ...n.split('/'))))));
    return flags;
  }

  private readonly priorLists = new Map<string, { files: SourceFile[]; scanned: number; countBefore: number[] }>();

  /** The schema-defining migrations (no down/undo files) among the folder's first `at` names, read once per run. */
  private priorsBefore(unit: MigrationUnit, names: string[], at: number): SourceFile[] {
    const key = `${unit.folderPerMigration ? 'p' : 'f'}:${unit.folder}`;
    let list = this.priorLists.get(key);
    if (!list) this.priorLists.set(key, (list = { files: [], scanned: 0, countBefore: [0] }));
    while (list.scanned < at) {
      const name = names[list.scanned++];
      if (!isRevertMigration(name)) {
        const abs = path.join(unit.folder, ...name.split('/'));
        list.files.push({ path: displayPath(abs, this.cwd), text: this.text(abs, 'an earlier migration read for schema context') });
      }
      list.countBefore[list.scanned] = list.files.length;
    }
    return list.files.slice(0, list.countBefore[at]);
  }

  /**
   * pop/popx's choice for PostgreSQL, in place: other databases' files go, and a version with a .postgres.
   * file loses its generic one (per direction). Records the folder's runner when its names are pop's.
   */
  private pickDialect(key: string, names: string[]): void {
    if (!names.some(isPopOnly)) return;
    this.folderRunners.set(key, 'pop');
    const pgOwn = new Set<string>();
    for (const n of names) {
      const p = isPostgresDialectMigration(n) ? popName(n) : undefined;
      if (p) pgOwn.add(`${p.version} ${p.direction}`);
    }
    const kept = names.filter((n) => {
      if (isOtherDialectMigration(n)) return false;
      const p = popName(n);
      return !(p && p.dialect === undefined && pgOwn.has(`${p.version} ${p.direction}`));
    });
    names.splice(0, names.length, ...kept);
  }

  /** Migration names of a folder in runner order (listed once per folder and layout). */
  private siblings(unit: MigrationUnit): string[] {
    const key = `${unit.folderPerMigration ? 'p' : 'f'}:${unit.folder}`;
    const hit = this.listings.get(key);
    if (hit) return hit;
    const names: string[] = [];
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(unit.folder, { withFileTypes: true });
    } catch {
      // unreadable folder: no siblings
    }
    for (const e of entries) {
      if (unit.folderPerMigration) {
        if (!e.isDirectory()) continue;
        if (isFileSync(path.join(unit.folder, e.name, 'migration.sql'))) names.push(`${e.name}/migration.sql`);
        else if (/^\d/.test(e.name) && isFileSync(path.join(unit.folder, e.name, 'up.sql'))) names.push(`${e.name}/up.sql`);
      } else if (e.isFile() && e.name.toLowerCase().endsWith('.sql')) names.push(e.name);
    }
    if (!unit.folderPerMigration) this.pickDialect(key, names);
    names.sort(compareMigrationNames);
    this.listings.set(key, names);
    return names;
  }
}

/** The index of the up file of a pop/popx down file's version, or -1. */
function ownPopUp(name: string, names: string[]): number {
  const down = popName(name);
  if (down?.direction !== 'down') return -1;
  return names.findIndex((n) => {
    const p = popName(n);
    return p?.direction === 'up' && p.version === down.version;
  });
}

/** Names the folder shows pop/popx by: a dialect or .autocommit part. */
function isPopOnly(name: string): boolean {
  const p = popName(name);
  return p !== undefined && (p.dialect !== undefined || p.autocommit);
}

function isFileSync(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

// --- application files ------------------------------------------------------------------------

export const APP_FILE_EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.py', '.rb', '.go', '.sql']);
/** Folders never searched for application code (besides migration folders). */
export const APP_SKIPPED_DIRS = new Set([
  ...ALWAYS_SKIPPED_DIRS,
  'dist',
  'build',
  'out',
  'coverage',
  'vendor',
  'target',
  '__pycache__',
  'venv',
]);
export const MAX_APP_FILE_BYTES = 1024 * 1024;
export const MAX_APP_FILES = 5000;
export const MAX_APP_TOTAL_BYTES = 64 * 1024 * 1024;
export const MAX_APP_DIRS = 20_000;

export interface AppFiles {
  files: SourceFile[];
  /** Set when a cap stopped the search early. */
  note?: string;
}

/**
 * Application sources under `root`: the extensions above, outside migration folders, hidden folders,
 * node_modules, .git, dist and build; files over 1 MB, binary or not UTF-8 are skipped. At most
 * MAX_APP_FILES files and MAX_APP_TOTAL_BYTES bytes are read in at most MAX_APP_DIRS folders; the note says so when that cut the search.
 */
export function collectAppFiles(
  root: string,
  cwd: string,
  migrationFolders: Set<string>,
  limits: { files: number; bytes: number; dirs?: number } = { files: MAX_APP_FILES, bytes: MAX_APP_TOTAL_BYTES },
): AppFiles {
  const files: SourceFile[] = [];
  let bytes = 0;
  let dirs = 0;
  const maxDirs = limits.dirs ?? MAX_APP_DIRS;
  let capped: string | undefined;
  walk(
    root,
    (dir, name) => {
      if (APP_SKIPPED_DIRS.has(name) || name.startsWith('.') || MIGRATION_DIR_NAMES.test(name) || migrationFolders.has(dir)) return false;
      // A repository of empty folders costs no bytes but can take the walk forever: count folders too.
      if (++dirs > maxDirs) {
        capped = `${maxDirs} folders`;
        return false;
      }
      return true;
    },
    (file, name) => {
      const dot = name.lastIndexOf('.');
      if (dot < 0 || !APP_FILE_EXTENSIONS.has(name.slice(dot).toLowerCase())) return;
      if (files.length >= limits.files) {
        capped = `${limits.files} files`;
        return false;
      }
      let size: number;
      try {
        size = fs.statSync(file).size;
      } catch {
        return;
      }
      if (size > MAX_APP_FILE_BYTES) return;
      if (bytes + size > limits.bytes) {
        capped = `${Math.round(limits.bytes / (1024 * 1024))} MB`;
        return false;
      }
      const r = readTextFile(file, MAX_APP_FILE_BYTES);
      if ('why' in r) return;
      bytes += size;
      files.push({ path: displayPath(file, cwd), text: r.text });
    },
  );
  const note = capped
    ? `application code search stopped after ${capped} under ${displayPath(root, cwd)}; uses of dropped or renamed names in the rest are not reported (--no-app-refs skips the search)`
    : undefined;
  return { files, note };
}

/** Cheap pre-check: only a migration that drops or renames something needs the application search. */
export function mayDropOrRename(text: string): boolean {
  return /\b(drop|rename)\b/i.test(text);
}
