// What a runner's own configuration files say about a migration, read at the project's edge and handed
// to analyze() as data:
//   - diesel: <version>_<name>/metadata.toml beside up.sql, `run_in_transaction = false` runs the file
//     outside diesel's transaction;
//   - Flyway: <script>.sql.conf beside the script (a script configuration file, Flyway 6.1+),
//     `executeInTransaction=false` runs the script outside Flyway's transaction;
//   - Supabase: supabase/config.toml, `[db] major_version`, the PostgreSQL the project runs on.
// Each needs one plain key (a boolean, an integer), so a small line reader does, not a TOML parser.
import * as path from 'node:path';
import { readTextFile } from './fsutil';

const MAX_CONFIG_BYTES = 256 * 1024;

/**
 * The raw value of `key` in TOML table `table` ('' = the top level), or undefined when it is not there.
 * Reads `key = value` lines under a `[table]` header and dotted keys (`table.key = value`) at the top
 * level; a `#` starts a comment (the values read here are never strings holding one).
 */
export function tomlValue(text: string, table: string, key: string): string | undefined {
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const header = /^\[\s*([^\][]+?)\s*\]$/.exec(line);
    if (header) {
      current = header[1].replace(/\s*\.\s*/g, '.').replace(/"/g, '');
      continue;
    }
    if (line.startsWith('[[')) {
      current = '\0';
      continue;
    }
    const kv = /^([A-Za-z0-9_.\s"-]+?)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    const name = kv[1].replace(/\s*\.\s*/g, '.').replace(/"/g, '');
    const full = current ? `${current}.${name}` : name;
    if (full === (table ? `${table}.${key}` : key)) return kv[2].trim();
  }
  return undefined;
}

function readSmall(file: string): string | undefined {
  const r = readTextFile(file, MAX_CONFIG_BYTES);
  return 'why' in r ? undefined : r.text;
}

/**
 * Whether diesel runs `<dir>/up.sql` in a transaction, from the metadata.toml beside it: undefined when
 * there is none (diesel's default: in a transaction). diesel reads the file with a serde default of false
 * for a missing key, so a metadata.toml without run_in_transaction also runs the file outside one.
 */
export function dieselRunsInTransaction(upSql: string): boolean | undefined {
  const text = readSmall(path.join(path.dirname(upSql), 'metadata.toml'));
  if (text === undefined) return undefined;
  return tomlValue(text, '', 'run_in_transaction') === 'true';
}

/**
 * Whether Flyway runs `script` in a transaction, from its script configuration file `<script>.conf`
 * (Java properties: `executeInTransaction=false`): undefined when there is none or it does not say.
 */
export function flywayRunsInTransaction(script: string): boolean | undefined {
  const text = readSmall(`${script}.conf`);
  if (text === undefined) return undefined;
  const m = /^\s*executeInTransaction\s*[=:]\s*(true|false)\s*$/im.exec(text);
  return m ? m[1].toLowerCase() === 'true' : undefined;
}

export interface RunnerPgVersion {
  version: number;
  /** The file it was read from, as the user sees it. */
  source: string;
}

/** The PostgreSQL major version Supabase's config states for a migration of `<x>/supabase/migrations`. */
export function supabasePgVersion(migrationsFolder: string): { file: string; version: number } | undefined {
  if (path.basename(migrationsFolder) !== 'migrations' || path.basename(path.dirname(migrationsFolder)) !== 'supabase') return undefined;
  const file = path.join(path.dirname(migrationsFolder), 'config.toml');
  const text = readSmall(file);
  if (text === undefined) return undefined;
  const v = tomlValue(text, 'db', 'major_version');
  // Only a version the tool models; anything else leaves the default in place.
  if (v === undefined || !/^\d+$/.test(v) || +v < 11 || +v > 18) return undefined;
  return { file, version: +v };
}
