// Errors the CLI reports as one line on stderr ("pg-preflight: <what>: <why>") with exit code 2: the
// project layer's InputError, and the CLI's own usage errors. Anything else that escapes a command is an
// internal error (also exit 2, with the stack).
import { InputError } from '../project/errors';

export { fsReason, InputError, oneLine } from '../project/errors';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** Bad usage or bad input found by the CLI itself: an invalid flag value, a missing argument, ... */
export class CliError extends InputError {
  override readonly name: string = 'CliError';
  constructor(
    what: string,
    why: string,
    readonly usage = false,
  ) {
    super(what, why);
  }
}

/** A flag or command the parser does not know, or a missing argument: exit 2 and a hint to --help. */
export class UsageError extends CliError {
  constructor(what: string, why: string) {
    super(what, why, true);
  }
}
