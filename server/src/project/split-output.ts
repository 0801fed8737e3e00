// Where the zero-downtime step files of a split go, and writing them: shared by `pg-preflight split` and
// the MCP server's split_migration. A step file never overwrites anything: every target is checked
// before any is written, each file is written to a temporary name and linked into place (link(2) fails
// when the name was taken since), and on any failure what this call wrote is removed again.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SplitPlan } from '../core/fixes';
import { migrationUnit } from './context';
import { fsReason, InputError } from './errors';
import { makeDirs, tempPathBeside } from './fsutil';

export interface SplitTarget {
  /** Absolute path of the file to write. */
  abs: string;
  text: string;
  /** Index of the plan step the file belongs to. */
  step: number;
  /** A file that goes beside the step's own (Flyway's .conf), not the step itself. */
  companion?: boolean;
}

/** Beside the migration: <stem>.split/ (a new folder; the migrations folder itself already holds the input's name). */
export function defaultSplitDir(abs: string): string {
  const unit = migrationUnit(abs);
  if (unit.folderPerMigration) return path.join(unit.folder, '..', `${path.basename(path.dirname(abs))}.split`);
  return path.join(path.dirname(abs), `${path.basename(abs).replace(/\.sql$/i, '')}.split`);
}

/** Where each step (and companion file) goes under the output folder. Prisma steps keep their folder. */
export function splitTargets(plan: SplitPlan, abs: string, outDir: string): SplitTarget[] {
  const unit = migrationUnit(abs);
  const out: SplitTarget[] = [];
  for (const [i, s] of plan.steps.entries()) {
    const rel = unit.folderPerMigration
      ? s.name.startsWith('../')
        ? s.name.slice(3)
        : `${path.basename(path.dirname(abs))}/${s.name}`
      : s.name;
    const file = path.resolve(outDir, ...rel.split('/'));
    if (!file.startsWith(outDir + path.sep)) throw new InputError(s.name, 'step name leaves the output folder');
    out.push({ abs: file, text: s.sql, step: i });
    for (const c of s.companionFiles ?? [])
      out.push({ abs: path.resolve(path.dirname(file), c.name), text: c.text, step: i, companion: true });
  }
  return out;
}

/**
 * Writes every target, or none: all are checked first (none may exist, their folders must be folders),
 * then written; a failure removes what was written and the folders this call created.
 * `input` is the migration being split (named in the message when a target is the input itself);
 * `otherFolder` is how the caller's user picks another output folder ("--out"), for the message.
 */
export function writeSplitFiles(targets: SplitTarget[], input: string, shown: (abs: string) => string, otherFolder: string): string[] {
  for (const t of targets) {
    if (fs.existsSync(t.abs))
      throw new InputError(
        shown(t.abs),
        `already exists; split never overwrites a file (choose another ${otherFolder}, or move the file away${t.abs === input ? ': it is the migration being split' : ''})`,
      );
    const dir = path.dirname(t.abs);
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory())
      throw new InputError(shown(t.abs), `cannot write: ${shown(dir)} is not a folder`);
  }
  const written: string[] = [];
  const createdDirs: string[] = [];
  try {
    for (const t of targets) {
      const dir = path.dirname(t.abs);
      if (!fs.existsSync(dir)) {
        let first: string | undefined;
        try {
          first = makeDirs(dir);
        } catch (err) {
          // Under a regular file (ENOTDIR), a read-only or vanished folder: one line, not a stack.
          throw new InputError(shown(dir), `cannot create the folder: ${fsReason(err)}`);
        }
        if (first) createdDirs.push(first);
      }
      writeNewFile(t.abs, t.text, shown(t.abs));
      written.push(t.abs);
    }
  } catch (err) {
    // Leave nothing behind: remove what this run wrote.
    for (const f of [...written].reverse()) fs.rmSync(f, { force: true });
    for (const d of createdDirs.reverse()) fs.rmSync(d, { recursive: true, force: true });
    throw err;
  }
  return written;
}

/** Writes a new file atomically and never over an existing one (link(2) fails when the name exists). */
function writeNewFile(file: string, data: string, shownAs: string): void {
  const tmp = tempPathBeside(file);
  try {
    fs.writeFileSync(tmp, data, { flag: 'wx' });
    fs.linkSync(tmp, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    throw new InputError(shownAs, code === 'EEXIST' ? 'already exists; split never overwrites a file' : `cannot write: ${fsReason(err)}`);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
