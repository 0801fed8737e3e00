// File I/O at the CLI's edge: careful reads (size limit before reading, binary and UTF-8 checks),
// atomic writes (temp file in the same folder, then rename), and a directory walk that never
// follows symbolic links.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsReason, InputError } from './errors';

/**
 * Input files larger than this are refused before they are read (a migration is never this big). The
 * largest accepted migration is checked in bounded time and memory (README, Robustness: about 0.6 GB).
 */
export const MAX_INPUT_BYTES = 10 * 1024 * 1024;

const MB = 1024 * 1024;

export type ReadProblem = { why: string };

/**
 * Reads a UTF-8 text file. Refuses, without reading it, a file over `maxBytes`; refuses binary
 * files (a NUL byte) and invalid UTF-8 (saying at which byte). A leading BOM is dropped.
 * Returns the text or the reason it cannot be used.
 */
export function readTextFile(file: string, maxBytes = MAX_INPUT_BYTES): { text: string } | ReadProblem {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    return { why: fsReason(err) };
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) return { why: 'is a directory' };
    if (!st.isFile()) return { why: 'not a regular file' };
    if (st.size > maxBytes) return { why: `file is too large: ${st.size} bytes, over the ${formatMB(maxBytes)} limit` };
    const buf = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < st.size) {
      const n = fs.readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return decodeUtf8(buf.subarray(0, got));
  } catch (err) {
    return { why: fsReason(err) };
  } finally {
    fs.closeSync(fd);
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(buf: Uint8Array): { text: string } | ReadProblem {
  const nul = buf.indexOf(0);
  if (nul >= 0) {
    const utf16 = buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff));
    return { why: utf16 ? 'UTF-16 text; save the file as UTF-8' : `binary file (NUL byte at byte ${nul}), not SQL text` };
  }
  try {
    return { text: decoder.decode(buf) };
  } catch {
    return { why: `invalid UTF-8 at byte ${firstInvalidUtf8(buf)}; save the file as UTF-8` };
  }
}

/** Byte offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [need, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [need, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return n;
}

function formatMB(bytes: number): string {
  return `${+(bytes / MB).toFixed(1)} MB`;
}

/**
 * Checks early that `file` can be written (its folder exists and it is not a folder), so a run
 * does not do all its work and then fail.
 */
export function checkWritable(file: string, shownAs: string): void {
  const dir = path.dirname(file);
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (err) {
    throw new InputError(shownAs, `cannot write: folder ${dir}: ${fsReason(err)}`);
  }
  if (!st.isDirectory()) throw new InputError(shownAs, `cannot write: ${dir} is not a folder`);
  try {
    if (fs.statSync(file).isDirectory()) throw new InputError(shownAs, 'cannot write: is a directory');
  } catch (err) {
    if (err instanceof InputError) throw err;
  }
}

/** A fresh temp file name beside `file` (the same folder, so the rename is atomic). */
export function tempPathBeside(file: string): string {
  // node:crypto is loaded on the first write: a run that only reads never pays for it (~5 ms).
  const { randomBytes } = require('node:crypto') as typeof import('node:crypto');
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes `data` (a string, or pieces written as they come, so a report larger than one string can be
 * fits) to `file` atomically: a temp file in the same folder, then a rename over the target. On any
 * failure the temp file is removed and the target is left as it was.
 */
export function writeFileAtomic(file: string, data: string | Iterable<string>, shownAs: string): void {
  const tmp = tempPathBeside(file);
  try {
    if (typeof data === 'string') fs.writeFileSync(tmp, data, { flag: 'wx' });
    else {
      const fd = fs.openSync(tmp, 'wx');
      try {
        for (const piece of batched(data)) fs.writeSync(fd, piece);
      } finally {
        fs.closeSync(fd);
      }
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw new InputError(shownAs, `cannot write: ${fsReason(err)}`);
  }
}

/**
 * Creates `file` with `data`, never over an existing file: the text goes to a temp file in the same folder,
 * then link(2) gives it the name (which fails when the name exists), so the file appears whole or not at
 * all. Missing folders are created. Throws InputError; "already exists" when the name is taken.
 */
export function writeNewFile(file: string, data: string, shownAs: string): void {
  const dir = path.dirname(file);
  const tmp = tempPathBeside(file);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(tmp, data, { flag: 'wx' });
    fs.linkSync(tmp, file);
  } catch (err) {
    throw new InputError(shownAs, (err as NodeJS.ErrnoException)?.code === 'EEXIST' ? 'already exists' : `cannot write: ${fsReason(err)}`);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Small pieces joined into writes of about `size` characters (one system call per line would be slow). */
export function* batched(pieces: Iterable<string>, size = 64 * 1024): Generator<string> {
  let buf: string[] = [];
  let n = 0;
  for (const p of pieces) {
    buf.push(p);
    n += p.length;
    if (n >= size) {
      yield buf.join('');
      buf = [];
      n = 0;
    }
  }
  if (n) yield buf.join('');
}

/** Folders a walk never enters. */
export const ALWAYS_SKIPPED_DIRS = new Set(['node_modules', '.git']);

/**
 * Depth-first walk in sorted order, not following symbolic links. `enter(dir, name)` decides
 * whether to descend; `visit(file, name)` returns false to stop the whole walk.
 */
export function walk(
  root: string,
  enter: (dir: string, name: string) => boolean,
  visit: (file: string, name: string) => boolean | void,
): void {
  const stack: string[] = [root];
  while (stack.length) {
    const dir = stack.pop() as string;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (enter(full, e.name)) subdirs.push(full);
      } else if (e.isFile()) {
        if (visit(full, e.name) === false) return;
      }
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
  }
}

/** Walks up from `start` (inclusive) and returns the first folder for which `test` holds. */
export function findUp(start: string, test: (dir: string) => boolean): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (test(dir)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function exists(p: string): boolean {
  try {
    fs.statSync(p);
    return true;
  } catch {
    return false;
  }
}

export function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A path for messages and reports: relative to `cwd` when inside it, forward slashes. */
export function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  const outside = rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  const shown = rel === '' ? '.' : outside ? abs : rel;
  return shown.split(path.sep).join('/');
}

/**
 * mkdir -p, one level at a time: returns the first folder it created (to remove on rollback). Node's
 * recursive mkdirSync never returns under /proc (ENOENT on every level); here each failure throws.
 */
export function makeDirs(dir: string): string | undefined {
  const missing: string[] = [];
  let d = path.resolve(dir);
  while (!fs.existsSync(d)) {
    missing.push(d);
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  try {
    for (let i = missing.length - 1; i >= 0; i--) fs.mkdirSync(missing[i]);
  } catch (err) {
    if (missing.length) fs.rmSync(missing[missing.length - 1], { recursive: true, force: true });
    throw err;
  }
  return missing[missing.length - 1];
}

/**
 * `rel` resolved against `base`, when it stays inside one of `roots` also after following symbolic
 * links (a repository can hold a link to /etc/passwd); else why not. A path that does not exist yet is
 * judged by its text (reading it will fail anyway).
 */
export function resolveInside(base: string, rel: string, roots: string[]): { file: string } | ReadProblem {
  const file = path.resolve(base, rel);
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  const target = real(file);
  const inside = (r: string) => {
    const rr = real(r);
    const relTo = path.relative(rr, target);
    return relTo === '' || (!relTo.startsWith(`..${path.sep}`) && relTo !== '..' && !path.isAbsolute(relTo));
  };
  return roots.some(inside) ? { file } : { why: 'is outside the project folder (a repository setting may only name files inside it)' };
}
