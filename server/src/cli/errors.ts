// Errors the CLI reports as one line on stderr ("pg-preflight: <what>: <why>") with exit code 2.
// Anything else that escapes a command is an internal error (also exit 2, with the stack).

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** Bad usage or bad input: a missing file, an invalid flag value, an unreadable config, ... */
export class CliError extends Error {
  override readonly name = 'CliError';
  /** `what` names the file, flag or command at fault; `why` says what is wrong with it. */
  constructor(readonly what: string, readonly why: string, readonly usage = false) {
    super(`${what}: ${why}`);
  }
}

/** A flag or command the parser does not know, or a missing argument: exit 2 and a hint to --help. */
export class UsageError extends CliError {
  constructor(what: string, why: string) {
    super(what, why, true);
  }
}

/** The message of a Node fs error without the syscall noise: "no such file or directory". */
export function fsReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a parent of this path is not a directory';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EROFS':
      return 'read-only file system';
    default:
      return oneLine(e?.message ?? String(err));
  }
}

/** Collapses whitespace so a message stays on one line. */
export function oneLine(s: string): string {
  return String(s).replace(/\s+/g, ' ').trim();
}
