// The one folder the MCP server works in: every path an assistant gives is resolved against it and
// refused when it leads outside, lexically or through a symbolic link. Refusals are InputErrors, which
// the tools return as tool errors; the server goes on.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsReason, InputError } from '../project/errors';
import { displayPath } from '../project/fsutil';

export class Workspace {
  /** The root's real path (symbolic links resolved). */
  readonly root: string;

  /** Throws InputError when `root` is not a readable folder. */
  constructor(root: string) {
    let real: string;
    try {
      real = fs.realpathSync(root);
    } catch (err) {
      throw new InputError(root, fsReason(err));
    }
    if (!fs.statSync(real).isDirectory()) throw new InputError(root, 'not a folder; the workspace root must be a folder');
    this.root = real;
  }

  /** Whether an absolute, real path is the root or below it. */
  contains(abs: string): boolean {
    const rel = path.relative(this.root, abs);
    return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
  }

  /**
   * A path the assistant gave (relative to the root, or absolute) as an absolute real path inside the
   * root. What does not exist yet is resolved through its nearest existing folder, so a new file's
   * folder cannot be a symbolic link that leads out either.
   */
  resolve(given: string, what: string): string {
    if (given.trim() === '') throw new InputError(what, 'an empty path');
    if (given.includes('\0')) throw new InputError(what, 'a path with a NUL character');
    const abs = realThroughExisting(path.resolve(this.root, given));
    if (!this.contains(abs))
      throw new InputError(given, `outside the workspace (${this.root}); the pg-preflight MCP server reads and writes only inside it`);
    return abs;
  }

  /** Relative to the root, forward slashes: how results name files. */
  show(abs: string): string {
    return displayPath(abs, this.root);
  }
}

/** The real path of the longest existing prefix of `abs`, with the rest appended. */
function realThroughExisting(abs: string): string {
  const rest: string[] = [];
  let p = abs;
  for (;;) {
    try {
      return path.join(fs.realpathSync(p), ...rest.reverse());
    } catch {
      const parent = path.dirname(p);
      if (parent === p) return abs;
      rest.push(path.basename(p));
      p = parent;
    }
  }
}
