// Migration file names: how each layout writes a version, how versions compare, and the name of a new
// migration that sorts right after another. The one home of these facts: the runners, the project's
// migration ordering, the rules, the quick fixes, the split and the VS Code client all read names here.
//   Flyway         V1__init.sql, V1.2__x.sql, V1_2__x.sql (U: undo, R: repeatable, no version)
//   timestamps     20240101120000_add_x.sql (Supabase, dbmate, Atlas, golang-migrate .up.sql ...)
//   counters       0003_add_x.sql, 3_add_x.up.sql
//   Prisma         <version>_<name>/migration.sql: the folder name is the migration's name
//   diesel         <version>_<name>/up.sql (and down.sql): likewise; the version may hold dashes
//                  (2024-02-12-120203_x), which diesel drops before it compares
//   pop / popx     <version>_<name>[.<dialect>][.autocommit].(up|down).sql: a dialect's file replaces
//                  the generic one of its version; other dialects' files are not PostgreSQL's

/** Flyway's name: prefix, version (not for R), two underscores, description. */
const FLYWAY = /^([VUR])(\d+(?:[._]\d+)*)?__(.*)\.sql$/;
const LEADING_NUMBER = /^(\d+)(?=[_.-]|$)/;
const TIMESTAMP_DIGITS = 14;

export interface FlywayName {
  kind: 'V' | 'U' | 'R';
  /** The version as written: '1_2', '1.2', '3'; undefined for repeatable migrations. */
  rawVersion?: string;
  /** The separator the version uses between its parts ('.' when it has one part). */
  separator: '.' | '_';
  description: string;
}

/** Flyway's reading of a file name, or undefined when it is not a Flyway name. */
export function flywayName(base: string): FlywayName | undefined {
  const m = FLYWAY.exec(base);
  if (!m) return undefined;
  const kind = m[1].toUpperCase() as FlywayName['kind'];
  if (kind !== 'R' && m[2] === undefined) return undefined;
  if (kind === 'R' && m[2] !== undefined) return undefined;
  return { kind, rawVersion: m[2], separator: m[2]?.includes('_') ? '_' : '.', description: m[3] };
}

/** The file names that live in a folder named after the migration (Prisma; diesel's up.sql and down.sql). */
export const FOLDER_MIGRATION_FILES = new Set(['migration.sql', 'up.sql', 'down.sql']);
/** diesel's version: the folder name up to its first underscore, dashes dropped. */
const DIESEL_VERSION = /^(\d+(?:-\d+)*)(?=_|$)/;

/** The last path part that names the migration: the file, or the folder of migration.sql (Prisma) and up.sql (diesel). */
export function migrationKey(fileName: string): string {
  const parts = fileName.replace(/\\/g, '/').split('/').filter(Boolean);
  const last = parts[parts.length - 1] ?? '';
  return FOLDER_MIGRATION_FILES.has(last) && parts.length > 1 ? parts[parts.length - 2] : last;
}

/** gobuffalo pop's and ory popx's file name (popx adds .autocommit); undefined for other names. */
const POP_NAME = /^(\d+)_([^.]+)(?:\.([a-z0-9]+))?(?:\.(autocommit))?\.(up|down)\.(?:sql|fizz)$/;

export interface PopName {
  version: string;
  /** The dialect the file is for ('postgres', 'mysql', ...), undefined for every dialect. */
  dialect?: string;
  /** popx runs the file outside a transaction. */
  autocommit: boolean;
  direction: 'up' | 'down';
}

export function popName(base: string): PopName | undefined {
  const m = POP_NAME.exec(base);
  if (!m) return undefined;
  // "x.autocommit.up.sql": the optional dialect group took the flag.
  const autocommit = m[3] === 'autocommit' || m[4] === 'autocommit';
  const dialect = m[3] === 'autocommit' ? undefined : m[3];
  return { version: m[1], dialect, autocommit, direction: m[5] as 'up' | 'down' };
}

/** PostgreSQL's spellings of a pop dialect (pop's canonical names; popx's YugabyteDB falls back to postgres). */
const PG_DIALECTS = new Set(['postgres', 'postgresql', 'pg']);

/** A pop/popx file written for another database (mysql, cockroach, sqlite3 ...): never run on PostgreSQL. */
export function isOtherDialectMigration(base: string): boolean {
  const d = popName(base)?.dialect;
  return d !== undefined && !PG_DIALECTS.has(d);
}

/** A pop/popx file written for PostgreSQL only: it replaces the generic file of its version. */
export function isPostgresDialectMigration(base: string): boolean {
  const d = popName(base)?.dialect;
  return d !== undefined && PG_DIALECTS.has(d);
}

/** Names read before: every file of a folder reads every sibling's name (n² reads in a history of n). */
const versions = new Map<string, string | undefined>();

/** The sortable version of a migration file name (dotted parts), or undefined when the name has none. */
export function migrationVersion(fileName: string): string | undefined {
  if (versions.has(fileName)) return versions.get(fileName);
  if (versions.size > 50_000) versions.clear();
  const v = readVersion(fileName);
  versions.set(fileName, v);
  return v;
}

function readVersion(fileName: string): string | undefined {
  const name = migrationKey(fileName);
  const flyway = flywayName(name.endsWith('.sql') ? name : `${name}.sql`);
  if (flyway) return flyway.rawVersion?.replace(/_/g, '.');
  const last = fileName.replace(/\\/g, '/').split('/').pop() ?? '';
  if (last === 'up.sql' || last === 'down.sql') return DIESEL_VERSION.exec(name)?.[1].replace(/-/g, '');
  return LEADING_NUMBER.exec(name)?.[1];
}

/** Compares versions numerically part by part (Flyway's 1.10 > 1.9; timestamps compare as numbers). */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  // The common case, timestamps or counters of one width: as strings of equal length, digits sort by value.
  if (a.length === b.length && !a.includes('.') && !b.includes('.')) return a < b ? -1 : 1;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    // A missing part sorts first (1 < 1.0); digits compare as numbers of any length, without BigInt.
    if (pa[i] === undefined || pb[i] === undefined) return pa[i] === undefined ? -1 : 1;
    const c = compareDigits(pa[i], pb[i]);
    if (c !== 0) return c;
  }
  return 0;
}

/** Compares two strings of decimal digits by value (leading zeros ignored). */
function compareDigits(x: string, y: string): number {
  let i = 0;
  let j = 0;
  while (i < x.length - 1 && x[i] === '0') i++;
  while (j < y.length - 1 && y[j] === '0') j++;
  const u = x.slice(i);
  const v = y.slice(j);
  if (u.length !== v.length) return u.length < v.length ? -1 : 1;
  return u < v ? -1 : u > v ? 1 : 0;
}

/** Down and undo migrations revert a version; they never define the schema later files see. */
export function isRevertMigration(name: string): boolean {
  const first = name.split('/')[0];
  return /\.down\.sql$/i.test(name) || flywayName(first)?.kind === 'U' || /(^|[/_.-])down\.sql$/i.test(name);
}

/** The description part of a name, without version and extension ('add_x' of 20240101_add_x.up.sql). */
export function migrationDescription(fileName: string): string {
  const key = migrationKey(fileName);
  const flyway = flywayName(key.endsWith('.sql') ? key : `${key}.sql`);
  const rest = flyway ? flyway.description : key.replace(/^\d+(?:-\d+)*[_.-]?/, '');
  return rest.replace(/(\.(up|down))?\.sql$/i, '');
}

/**
 * The name of a new migration that sorts `step` places right after `fileName`, in the same layout:
 * 14-digit timestamps advance by seconds, counters by one (same width), Flyway versions gain a part
 * (V1_2 -> V1_2_1, V3 -> V3.1), so the version is new and sorts after the file's and before the next
 * whole version. `.up.sql` stays `.up.sql`; a name with no version gets `_<step>_` before the suffix.
 */
export function nextMigrationName(fileName: string, suffix: string, step = 1): string {
  const slash = fileName.lastIndexOf('/');
  const dir = slash >= 0 ? fileName.slice(0, slash + 1) : '';
  const name = fileName.slice(slash + 1);
  const flyway = flywayName(name);
  if (flyway?.rawVersion !== undefined) return `${dir}${name[0]}${flyway.rawVersion}${flyway.separator}${step}__${suffix}.sql`;
  const ts = new RegExp(`^(\\d{${TIMESTAMP_DIGITS}})(.*)$`).exec(name);
  if (ts) {
    const d = ts[1];
    const t =
      Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(8, 10), +d.slice(10, 12), +d.slice(12, 14)) + step * 1000;
    const iso = new Date(t).toISOString().replace(/[-:T]/g, '').slice(0, TIMESTAMP_DIGITS);
    return `${dir}${iso}_${suffix}${extensionOf(ts[2])}`;
  }
  const counter = /^(\d+)(.*)$/.exec(name);
  if (counter) {
    const n = (BigInt(counter[1]) + BigInt(step)).toString().padStart(counter[1].length, '0');
    return `${dir}${n}_${suffix}${extensionOf(counter[2])}`;
  }
  return `${dir}${name.replace(/\.sql$/, '')}_${step}_${suffix}.sql`;
}

function extensionOf(rest: string): string {
  if (/\.up\.sql$/.test(rest)) return '.up.sql';
  return '.sql';
}

/** Whether a path names a Flyway migration (for runner detection). */
export function isFlywayPath(path: string): boolean {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? '';
  return flywayName(base) !== undefined;
}
