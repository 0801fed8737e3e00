// Problems with the user's input that the project layer finds (a missing file, an unreadable config, a
// bad statistics snapshot): one line, naming the thing at fault and what is wrong with it. The CLI shows
// them as "pg-preflight: <what>: <why>" with exit code 2; the language server shows them as diagnostics
// or a message. Anything else that escapes is a bug.

export class InputError extends Error {
  override readonly name: string = 'InputError';
  /** `what` names the file, flag or setting at fault; `why` says what is wrong with it. */
  constructor(
    readonly what: string,
    readonly why: string,
  ) {
    super(`${what}: ${why}`);
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

/**
 * What is wrong with a file that JSON.parse refused, without quoting the file: V8's messages can hold
 * the start of the text ('Unexpected token 'r', "root:x:0:0:"... is not valid JSON'), and a config can
 * name any file. Keeps the kind of error and the position (line and column when known).
 */
export function jsonProblem(err: unknown, text: string): string {
  const msg = String((err as Error)?.message ?? err);
  if (/unexpected end of json input/i.test(msg)) return 'invalid JSON: the text ends too early';
  const at = /\bat position (\d+)/.exec(msg);
  const kind = msg.startsWith('Unexpected token')
    ? 'unexpected token'
    : oneLine(msg.replace(/\s*\bin JSON\b.*$/i, '').replace(/["'].*$/s, '')).toLowerCase();
  if (!at) return `invalid JSON: ${kind || 'syntax error'}`;
  const pos = Number(at[1]);
  const before = text.slice(0, pos);
  const line = (before.match(/\n/g)?.length ?? 0) + 1;
  const column = pos - before.lastIndexOf('\n');
  return `invalid JSON: ${kind} at line ${line}, column ${column}`;
}
