// The `pg-preflight` command line. bin/pg-preflight.js calls main(argv) and exits with the number it
// resolves to: 0 clean, 1 findings at or above --fail-on, 2 usage or I/O error. Every expected
// failure is one line on stderr: "pg-preflight: <what>: <why>".
// Layers: cli -> project (files, config, history) -> core (pure analysis) and shared; the `lsp` command
// starts the language server (lsp/), `mcp` the MCP server (mcp/); neither imports the CLI.
import { parseArgs, type ParsedArgs } from './args';
import { COMMAND_NAMES, COMMANDS, commandList, mainUsage, usage, type CommandName } from './commands';
import { CliError, EXIT_OK, EXIT_USAGE, InputError, UsageError } from './errors';
import { processIo, type Io } from './io';
import { toolVersion } from './usage';

export type { Io } from './io';

/**
 * What each command runs once its flags are parsed (`lsp` and `mcp` check their own: they start without the
 * CLI). Each command's module is loaded when it runs: `--version`, `--help` and a usage error load none.
 */
const RUN: Record<Exclude<CommandName, 'lsp' | 'mcp'>, (args: ParsedArgs, io: Io) => Promise<number>> = {
  check: async (args, io) => {
    const { checkOptions, runCheck } = await import('./check');
    return runCheck(checkOptions(args), io);
  },
  stats: async (args, io) => (await import('./stats')).runStats(args, io),
  trace: async (args, io) => {
    const { runTraceCommand, traceOptions } = await import('./trace');
    return runTraceCommand(traceOptions(args), io);
  },
  split: async (args, io) => (await import('./split')).runSplit(args, io),
  plan: async (args, io) => (await import('./split')).runPlan(args, io),
};

const isCommand = (name: string): name is CommandName => (COMMAND_NAMES as readonly string[]).includes(name);

export async function main(argv: string[], partialIo?: Partial<Io>): Promise<number> {
  const io = processIo(partialIo);
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof InputError) {
      const hint = err instanceof CliError && err.usage ? " (see 'pg-preflight --help')" : '';
      io.stderr.write(`pg-preflight: ${err.message}${hint}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`pg-preflight: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT_USAGE;
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('no command given', `expected ${commandList()}`);
  if (command === '-h' || command === '--help') return help(io, mainUsage());
  if (command === '-V' || command === '--version') {
    io.stdout.write(`pg-preflight ${toolVersion()}\n`);
    return EXIT_OK;
  }
  if (command === 'help') {
    const topic = rest[0];
    if (topic === undefined) return help(io, mainUsage());
    if (!isCommand(topic)) throw new UsageError(`unknown command '${topic}'`, `expected ${COMMAND_NAMES.join(', ')}`);
    return help(io, usage(topic));
  }
  if (!isCommand(command)) {
    if (command.startsWith('-')) throw new UsageError(command.replace(/=.*/s, ''), 'unknown option');
    throw new UsageError(`unknown command '${command}'`, `expected ${commandList()}`);
  }
  // The servers' modules load only when one starts: the other commands never pay for them.
  if (command === 'lsp') {
    const { lspArgs, runLsp } = await import('./lsp');
    if (lspArgs(rest) === 'help') return help(io, usage('lsp'));
    return runLsp();
  }
  if (command === 'mcp') {
    const { mcpArgs, runMcp } = await import('./mcp');
    const what = mcpArgs(rest, io.cwd);
    return what === 'help' ? help(io, usage('mcp')) : runMcp(what);
  }
  const args = parseArgs(command, rest, COMMANDS[command].flags);
  if (args.flags.has('help')) return help(io, usage(command));
  return RUN[command](args, io);
}

function help(io: Io, text: string): number {
  io.stdout.write(text);
  return EXIT_OK;
}
