// `check --changed-since <ref>`: which files git says changed since a ref. Git is run with execFile
// (no shell, so a ref is never interpreted by one) and only read from: GIT_OPTIONAL_LOCKS=0 keeps
// `git diff` from refreshing the index behind a concurrent `git commit`.
//
// "Changed since <ref>" is what a pull request shows plus what is not committed yet:
//   - committed: `git diff <ref>...HEAD` (from the merge base of ref and HEAD, so commits that landed
//     on the base branch meanwhile are not counted);
//   - the index and the working tree: `git diff HEAD` and the untracked files git does not ignore.
// Added, modified and renamed (the new name) files count; deleted ones do not exist to be checked.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, oneLine } from './errors';

const FLAG = '--changed-since';

interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

function git(cwd: string, args: string[]): Promise<GitRun> {
  // Loaded here, not at the top: `check` without --changed-since never starts git (~4 ms of start-up).
  const { execFile } = require('node:child_process') as typeof import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      // LC_ALL=C: git's messages in English, so "not a git repository" can be recognised.
      {
        cwd,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        windowsHide: true,
        env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
      },
      (err, stdout, stderr) => {
        if (err && typeof (err as NodeJS.ErrnoException).code === 'string') {
          const code = (err as NodeJS.ErrnoException).code;
          reject(
            new InputError(
              FLAG,
              code === 'ENOENT' ? 'git is not installed (no git on PATH)' : `could not run git: ${oneLine(err.message)}`,
            ),
          );
          return;
        }
        resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** git's own reason, without "fatal: " and on one line. */
function gitReason(r: GitRun): string {
  const line = r.stderr.split('\n').find((l) => l.trim() !== '') ?? `git exited with code ${r.code}`;
  return oneLine(line.replace(/^(fatal|error):\s*/, ''));
}

/** NUL-separated paths (git's -z output). */
function paths(out: string): string[] {
  return out.split('\0').filter((p) => p !== '');
}

/**
 * Absolute paths of the files added, modified or renamed since `ref` (see above), that exist now.
 * Throws InputError (one line) when git is missing, `cwd` is not in a repository or `ref` is unknown.
 */
export async function changedSince(cwd: string, ref: string): Promise<string[]> {
  // A ref that starts with '-' would be read as an option by git.
  if (ref.startsWith('-')) throw new InputError(FLAG, `'${ref}' is not a git ref`);
  const top = await git(cwd, ['rev-parse', '--show-toplevel']);
  if (top.code !== 0) {
    if (/not a git repository/i.test(top.stderr)) throw new InputError(FLAG, `${cwd} is not inside a git repository`);
    throw new InputError(FLAG, `git: ${gitReason(top)}`);
  }
  const root = top.stdout.replace(/\r?\n$/, '');
  const head = await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  if (head.code !== 0) throw new InputError(FLAG, 'the repository has no commit yet');
  const base = await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (base.code !== 0) throw new InputError(FLAG, `unknown git ref '${ref}'${await shallowHint(root)}`);

  const committed = await git(root, ['diff', '--name-only', '-z', '--no-ext-diff', '--diff-filter=AMR', `${ref}...HEAD`, '--']);
  if (committed.code !== 0) {
    const why = /no merge base/i.test(committed.stderr)
      ? `'${ref}' and HEAD have no common ancestor${await shallowHint(root)}`
      : `git: ${gitReason(committed)}`;
    throw new InputError(FLAG, why);
  }
  const uncommitted = await git(root, ['diff', '--name-only', '-z', '--no-ext-diff', '--diff-filter=AMR', 'HEAD', '--']);
  if (uncommitted.code !== 0) throw new InputError(FLAG, `git: ${gitReason(uncommitted)}`);
  const untracked = await git(root, ['ls-files', '-z', '--others', '--exclude-standard', '--full-name']);
  if (untracked.code !== 0) throw new InputError(FLAG, `git: ${gitReason(untracked)}`);

  const out = new Set<string>();
  for (const rel of [...paths(committed.stdout), ...paths(uncommitted.stdout), ...paths(untracked.stdout)]) {
    const abs = path.join(root, ...rel.split('/'));
    // Committed, then deleted or moved in the working tree: nothing to check.
    if (isFile(abs)) out.add(abs);
  }
  return [...out];
}

/** In a shallow clone (CI's default checkout) the base branch or the merge base is often missing. */
async function shallowHint(root: string): Promise<string> {
  const r = await git(root, ['rev-parse', '--is-shallow-repository']);
  return r.code === 0 && r.stdout.trim() === 'true'
    ? ' (this is a shallow clone: fetch the full history, e.g. actions/checkout with fetch-depth: 0)'
    : '';
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
