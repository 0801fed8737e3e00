// A small, strict argv parser: `--flag value`, `--flag=value`, boolean `--flag`, `--` ends the flags.
// Unknown flags and missing values are usage errors (exit 2); nothing is guessed.
import { CliError, UsageError } from './errors';

export type FlagKind = 'string' | 'boolean';

export interface FlagSpec {
  kind: FlagKind;
  /** Short alias without the dash, e.g. 'h' for -h, 'o' for -o. */
  short?: string;
}

export interface ParsedArgs {
  positionals: string[];
  /** Flag name (without dashes) -> value; booleans are true. The last occurrence wins. */
  flags: Map<string, string | true>;
}

/**
 * Parses `argv` (the words after the command) against `spec`. `command` names the command in
 * error messages ("check: unknown option --fromat").
 */
export function parseArgs(command: string, argv: string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  const byShort = new Map<string, string>();
  for (const [name, s] of Object.entries(spec)) if (s.short) byShort.set(s.short, name);

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      if (eq >= 0) inline = arg.slice(eq + 1);
    } else if (/^-[A-Za-z]$/.test(arg)) {
      name = byShort.get(arg.slice(1));
      if (!name) throw new UsageError(command, `unknown option ${arg}`);
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(command, `unknown option ${arg.replace(/=.*/s, '')}`);
    } else {
      positionals.push(arg);
      continue;
    }
    const s = spec[name];
    // Never echo a value back: it may be a connection string with a password.
    if (!s || !Object.prototype.hasOwnProperty.call(spec, name)) throw new UsageError(command, `unknown option --${name}`);
    if (s.kind === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name}`, 'takes no value');
      flags.set(name, true);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-' && next.length > 1)) throw new UsageError(`--${name}`, 'needs a value');
      value = next;
      i++;
    }
    if (value === '') throw new UsageError(`--${name}`, 'needs a non-empty value');
    flags.set(name, value);
  }
  return { positionals, flags };
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function boolFlag(args: ParsedArgs, name: string): boolean {
  return args.flags.get(name) === true;
}

/** A flag whose value must be one of `choices`. */
export function choiceFlag<T extends string>(args: ParsedArgs, name: string, choices: readonly T[]): T | undefined {
  const v = stringFlag(args, name);
  if (v === undefined) return undefined;
  if (!(choices as readonly string[]).includes(v)) throw new CliError(`--${name}`, `expected one of ${choices.join(', ')}, got '${v}'`);
  return v as T;
}
