// New migration files for a runner: names that sort right after the input, the directive that turns
// the runner's transaction off, and how a file of a given kind is laid out. Pure.
import { compareVersions, migrationVersion, nextMigrationName } from '../migrations/naming';
import type { RunnerConvention } from '../migrations/runners';
import { fileNamePart } from '../schema/names';

/** The input's file name relative to its folder, and the folder-relative prefix new names get. */
function splitPath(path: string | undefined): { dir: string; base: string } {
  const p = (path ?? 'migration.sql').replace(/\\/g, '/');
  const slash = p.lastIndexOf('/');
  return { dir: slash >= 0 ? p.slice(0, slash) : '', base: slash >= 0 ? p.slice(slash + 1) : p };
}

/** The file name of the input as steps name it (relative to its own folder). */
export function inputFileName(path: string | undefined): string {
  return splitPath(path).base;
}

/**
 * The name (relative to the input file's folder) of the migration that sorts `step` places after the
 * input. Prisma keeps one folder per migration: `../<next folder>/migration.sql`.
 */
export function candidateName(path: string | undefined, rawSuffix: string, step: number): string {
  const { dir, base } = splitPath(path);
  // Suffixes carry object names (quoted identifiers may hold "/", ":", quotes, any Unicode, 63 bytes):
  // only [a-z0-9_] reach a file name, and not too many of them.
  const suffix = fileNamePart(rawSuffix);
  if (base === 'migration.sql') {
    const folder = dir.split('/').filter(Boolean).pop() ?? 'migration';
    const next = nextMigrationName(`${folder}.sql`, suffix, step).replace(/\.sql$/, '');
    return `../${next}/migration.sql`;
  }
  return nextMigrationName(base, suffix, step);
}

/** The version part (for comparisons) of a step or sibling name. */
function versionOf(name: string): string | undefined {
  return migrationVersion(name.replace(/^\.\.\//, ''));
}

/** The siblings of one list as the runner sees them, read once per list (and per input file for the later ones). */
interface SiblingSet {
  entries: { name: string; version: string | undefined }[];
  names: Set<string>;
  versions: Set<string>;
  /** Per version of the input file: the siblings that sort after it. */
  later: Map<string, string[]>;
}

/**
 * Every fix of a file makes a FileNamer over the same sibling list, and a long history has hundreds of
 * siblings: their names and versions are read once per list, and a namer adds its own picks beside them.
 */
const siblingSets = new WeakMap<readonly string[], SiblingSet>();

/** A sibling's name as the runner sees it and its version, by path: each file of a folder has the others as siblings. */
const siblingEntries = new Map<string, { name: string; version: string | undefined }>();
const SIBLING_ENTRIES_LIMIT = 100_000;

function siblingEntry(s: string): { name: string; version: string | undefined } {
  let entry = siblingEntries.get(s);
  if (!entry) {
    const base = s.replace(/\\/g, '/').split('/').pop() ?? s;
    const name = base === 'migration.sql' ? s.replace(/\\/g, '/').split('/').slice(-2).join('/') : base;
    const version = versionOf(name.includes('/') ? `${name.split('/')[0]}/migration.sql` : name) ?? versionOf(name.split('/')[0]);
    if (siblingEntries.size >= SIBLING_ENTRIES_LIMIT) siblingEntries.clear();
    siblingEntries.set(s, (entry = { name, version }));
  }
  return entry;
}

function siblingsOf(siblingNames: readonly string[]): SiblingSet {
  let set = siblingSets.get(siblingNames);
  if (!set) {
    set = { entries: [], names: new Set(), versions: new Set(), later: new Map() };
    for (const s of siblingNames) {
      const entry = siblingEntry(s);
      set.names.add(entry.name);
      if (entry.version) set.versions.add(entry.version);
      set.entries.push(entry);
    }
    siblingSets.set(siblingNames, set);
  }
  return set;
}

function laterThan(siblingNames: readonly string[], own: string): string[] {
  const set = siblingsOf(siblingNames);
  let later = set.later.get(own);
  if (!later) {
    later = set.entries.filter(({ version: v }) => v && v !== own && safeCompare(v, own) > 0).map((e) => e.name);
    set.later.set(own, later);
  }
  return later;
}

/**
 * Picks names for new files: the first `step` (from `start`) whose version is not taken by a sibling or
 * by a name already picked. Returns the name and the step used, so the caller continues from there.
 */
export class FileNamer {
  private readonly siblings: SiblingSet;
  /** Names and versions picked by this namer (and the input's own version), beside the siblings'. */
  private readonly versions = new Set<string>();
  private readonly names = new Set<string>();
  private step = 1;
  /** Siblings that sort after the input: new files land between, which the runner may refuse. */
  readonly laterSiblings: string[];

  constructor(
    private readonly path: string | undefined,
    siblingNames: readonly string[] = [],
  ) {
    this.siblings = siblingsOf(siblingNames);
    const own = versionOf(inputFileName(path));
    this.laterSiblings = own ? [...laterThan(siblingNames, own)] : [];
    if (own) this.versions.add(own);
  }

  next(suffix: string): string {
    for (let guard = 0; guard < 10_000; guard++) {
      const name = candidateName(this.path, suffix, this.step++);
      const v = versionOf(name.startsWith('../') ? name.slice(3).split('/')[0] : name);
      if (v && (this.versions.has(v) || this.siblings.versions.has(v))) continue;
      if (this.names.has(name) || this.siblings.names.has(name)) continue;
      if (v) this.versions.add(v);
      this.names.add(name);
      return name;
    }
    return candidateName(this.path, suffix, this.step++);
  }
}

function safeCompare(a: string, b: string): number {
  try {
    return compareVersions(a, b);
  } catch {
    return a.localeCompare(b);
  }
}

/**
 * How a step file must look for the runner to run it outside a transaction, or undefined when it
 * already does (psql, Sqitch) or when the runner runs a file holding a single statement on its own
 * (Supabase, Prisma, golang-migrate: a one-statement batch is not a transaction block).
 */
export function noTransactionDirective(runner: RunnerConvention): string | undefined {
  // Flyway has no in-file switch: a script configuration file beside the script does it (companionFiles).
  return runner.noTransactionDirective;
}

/** Files that must sit beside a step for the runner (Flyway's script configuration). */
export function companionFiles(runner: RunnerConvention, stepName: string, nonTransactional: boolean): { name: string; text: string }[] {
  if (runner.id === 'flyway' && nonTransactional) return [{ name: `${stepName}.conf`, text: 'executeInTransaction=false\n' }];
  return [];
}

/** dbmate needs "-- migrate:up" (and accepts "-- migrate:down") in every file. */
export function runnerFrame(runner: RunnerConvention, nonTransactional: boolean): { first?: string; last?: string } {
  if (runner.id === 'dbmate')
    return { first: nonTransactional ? '-- migrate:up transaction:false' : '-- migrate:up', last: '-- migrate:down' };
  if (nonTransactional) {
    const d = noTransactionDirective(runner);
    if (d) return { first: d };
  }
  return {};
}

/** Runner-specific things to do after adding files (hash files, plan files). */
export function runnerAfterNote(runner: RunnerConvention): string | undefined {
  switch (runner.id) {
    case 'atlas':
      return 'Atlas: run `atlas migrate hash` after adding or editing the files, so atlas.sum matches.';
    case 'sqitch':
      return 'Sqitch: add each new file to sqitch.plan (sqitch add) with its revert and verify scripts.';
    case 'golang-migrate':
      return 'golang-migrate: each step is an .up.sql file; add a matching .down.sql where you want migrate down to work.';
    case 'graphile-migrate':
      return 'graphile-migrate: commit each step as its own migration (graphile-migrate commit), in this order.';
    case 'prisma':
      return 'Prisma: each step is its own migration folder; run `prisma migrate resolve` only if a step was applied by hand.';
    case 'flyway':
      return 'Flyway: a step that must run outside a transaction comes with a script configuration file <script>.sql.conf holding executeInTransaction=false (Flyway 6.1+).';
    default:
      return undefined;
  }
}
