// Turns `check` arguments (files, folders, quoted globs) into the list of migration files to check,
// in a stable order: argument order, and migration order within each folder or glob.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from './errors';
import { ALWAYS_SKIPPED_DIRS, displayPath, walk } from './fsutil';
import { compileGlob, expandGlob, GlobError, type Glob, hasGlobMagic, toSlashes } from './glob';
import { compareMigrationFiles } from './context';
import { isOtherDialectMigration } from '../core/migrations/naming';

/** Absolute paths of the files to check, deduplicated. Throws InputError for a path that yields nothing. */
export function resolveInputs(args: string[], cwd: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (files: string[]) => {
    for (const f of files) {
      if (seen.has(f)) continue;
      seen.add(f);
      out.push(f);
    }
  };
  for (const arg of args) {
    const abs = path.resolve(cwd, arg);
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(abs);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') {
        throw new InputError(arg, (err as Error).message.replace(/\s+/g, ' '));
      }
    }
    if (st?.isDirectory()) {
      const files = sqlFilesUnder(abs);
      if (files.length === 0) throw new InputError(arg, 'no .sql files in this directory');
      add(files.sort(compareMigrationFiles));
    } else if (st) {
      add([abs]);
    } else if (hasGlobMagic(arg)) {
      const files = expandOrThrow(arg, cwd, arg);
      if (files.length === 0) throw new InputError(arg, 'no files match this pattern');
      add(files.sort(compareMigrationFiles));
    } else {
      throw new InputError(arg, 'no such file or directory');
    }
  }
  return out;
}

/** Every .sql file below a folder (node_modules and .git skipped). */
export function sqlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  walk(
    dir,
    (_d, name) => !ALWAYS_SKIPPED_DIRS.has(name),
    (file, name) => {
      // pop/popx folders hold every database's files: another database's are not PostgreSQL migrations.
      if (name.toLowerCase().endsWith('.sql') && !isOtherDialectMigration(name)) out.push(file);
    },
  );
  return out;
}

/** With no paths given: the files matching the migrationGlobs setting under the project root. */
export function defaultInputs(globs: string[], root: string, cwd: string): string[] {
  const out = new Set<string>();
  globs.forEach((g, i) => {
    for (const f of expandOrThrow(g, root, `migrationGlobs[${i}]`)) out.add(f);
  });
  if (out.size === 0) {
    throw new InputError(
      'check',
      `no paths given and no file under ${displayPath(root, cwd)} matches migrationGlobs (${globs.join(', ')})`,
    );
  }
  return [...out].sort(compareMigrationFiles);
}

/** expandGlob with a malformed pattern as an InputError naming `what` (the argument or the setting). */
function expandOrThrow(pattern: string, base: string, what: string): string[] {
  try {
    return expandGlob(pattern, base);
  } catch (err) {
    if (err instanceof GlobError) throw new InputError(what, `invalid glob: ${err.why}`);
    throw err;
  }
}

/**
 * The migrationGlobs setting as matchers of root-relative paths. A malformed pattern matches nothing
 * here: the config reader reports it (migrationGlobs[i]) and drops it before this is called.
 */
export function globMatchers(globs: string[]): Glob[] {
  const out: Glob[] = [];
  for (const g of globs) {
    try {
      out.push(compileGlob(toSlashes(g).replace(/^\.\//, '')));
    } catch (err) {
      if (!(err instanceof GlobError)) throw err;
    }
  }
  return out;
}

/**
 * --changed-since: the inputs that are among `changed` (absolute paths from git), in input order.
 * Compared after resolving symbolic links: git names files under its real top-level folder.
 */
export function onlyChanged(inputs: string[], changed: string[]): string[] {
  const real = (f: string) => {
    try {
      return fs.realpathSync(f);
    } catch {
      return f;
    }
  };
  const set = new Set(changed.map(real));
  return inputs.filter((f) => set.has(real(f)));
}
