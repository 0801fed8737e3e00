// The command line: node:util's parseArgs reads the words, and each command's flag table (commands.ts)
// decides what they may be. The same table renders the help text, so the two cannot drift apart.
// Unknown flags and missing values are usage errors (exit 2); nothing is guessed, and a value is never
// echoed back (it may be a connection string with a password).
import { parseArgs as nodeParseArgs } from 'node:util';
import { CliError, UsageError } from './errors';

export type FlagKind = 'string' | 'boolean';

export interface FlagSpec {
  kind: FlagKind;
  /** Short alias without the dash, e.g. 'h' for -h. */
  short?: string;
  /** The value's placeholder in the help text: N, FILE, URL, ... */
  value?: string;
  /** The help text; a second line and more are indented under the first. */
  help: string;
  /** Shown as `--socket=PORT; --pipe=NAME` style: the flag takes its value after '='. */
  inlineOnly?: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  /** Flag name (without dashes) -> value; booleans are true. The last occurrence wins. */
  flags: Map<string, string | true>;
}

/**
 * Parses `argv` (the words after the command) against `spec`. `command` names the command in error
 * messages ("check: unknown option --fromat").
 */
export function parseArgs(command: string, argv: string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const options: Record<string, { type: FlagKind; short?: string }> = {};
  for (const [name, s] of Object.entries(spec)) options[name] = s.short ? { type: s.kind, short: s.short } : { type: s.kind };
  const { tokens } = nodeParseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (const t of tokens) {
    if (t.kind === 'positional') positionals.push(t.value);
    if (t.kind !== 'option') continue;
    const s = Object.hasOwn(spec, t.name) ? spec[t.name] : undefined;
    if (!s || (t.rawName.length === 2 && t.rawName !== `-${s.short}`)) throw new UsageError(command, `unknown option ${t.rawName}`);
    if (s.kind === 'boolean') {
      if (t.value !== undefined) throw new UsageError(`--${t.name}`, 'takes no value');
      flags.set(t.name, true);
      continue;
    }
    const value = t.value;
    if (value === undefined || (!t.inlineValue && value.startsWith('-') && value.length > 1))
      throw new UsageError(`--${t.name}`, 'needs a value');
    if (value === '') throw new UsageError(`--${t.name}`, 'needs a non-empty value');
    flags.set(t.name, value);
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

/** The "Options:" block of a help text: one flag a row, help aligned in one column. */
export function renderFlags(spec: Record<string, FlagSpec>): string {
  const label = (name: string, s: FlagSpec) => {
    const long = `--${name}${s.value ? (s.inlineOnly ? `=${s.value}` : ` ${s.value}`) : ''}`;
    return `  ${s.short ? `-${s.short}, ` : ''}${long}`;
  };
  const rows = Object.entries(spec).map(([name, s]) => ({ label: label(name, s), help: s.help.split('\n') }));
  const column = Math.max(...rows.map((r) => r.label.length)) + 3;
  return rows.map((r) => r.help.map((line, i) => `${(i === 0 ? r.label : '').padEnd(column)}${line}`.trimEnd()).join('\n')).join('\n');
}
