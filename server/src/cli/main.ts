// The `pg-preflight` command line. bin/pg-preflight.js calls main(argv) and exits with the number it
// resolves to: 0 clean, 1 findings at or above --fail-on, 2 usage or I/O error. Every expected
// failure is one line on stderr: "pg-preflight: <what>: <why>".
// Layers: cli -> core (pure analysis) and shared; nothing here is imported by the core. The LSP reuses
// the file-system modules (context, config, fsutil, glob, inputs), not the commands.
import { parseArgs } from './args';
import { CHECK_FLAGS, checkOptions, runCheck } from './check';
import { CliError, EXIT_OK, EXIT_USAGE, UsageError } from './errors';
import { processIo, type Io } from './io';
import { PLAN_FLAGS, SPLIT_FLAGS, runPlan, runSplit } from './split';
import { STATS_FLAGS, runStats } from './stats';
import { lspArgs, runLsp } from '../lsp/command';
import { TRACE_FLAGS, runTraceCommand, traceOptions } from './trace';
import { CHECK_USAGE, LSP_USAGE, MAIN_USAGE, PLAN_USAGE, SPLIT_USAGE, STATS_USAGE, TRACE_USAGE, toolVersion } from './usage';

export type { Io } from './io';

const COMMANDS: Record<string, string> = { check: CHECK_USAGE, stats: STATS_USAGE, lsp: LSP_USAGE, trace: TRACE_USAGE, split: SPLIT_USAGE, plan: PLAN_USAGE };

export async function main(argv: string[], partialIo?: Partial<Io>): Promise<number> {
  const io = processIo(partialIo);
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof CliError) {
      const hint = err.usage ? " (see 'pg-preflight --help')" : '';
      io.stderr.write(`pg-preflight: ${err.message}${hint}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`pg-preflight: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT_USAGE;
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      throw new UsageError('no command given', "use 'check' or 'stats'");
    case '-h':
    case '--help':
      io.stdout.write(MAIN_USAGE);
      return EXIT_OK;
    case 'help': {
      const topic = rest[0];
      if (topic !== undefined && !Object.prototype.hasOwnProperty.call(COMMANDS, topic)) throw new UsageError(`unknown command '${topic}'`, 'expected check or stats');
      io.stdout.write(topic ? COMMANDS[topic] : MAIN_USAGE);
      return EXIT_OK;
    }
    case '-V':
    case '--version':
      io.stdout.write(`pg-preflight ${toolVersion()}\n`);
      return EXIT_OK;
    case 'check': {
      const args = parseArgs('check', rest, CHECK_FLAGS);
      if (args.flags.has('help')) return help(io, CHECK_USAGE);
      return runCheck(checkOptions(args), io);
    }
    case 'stats': {
      const args = parseArgs('stats', rest, STATS_FLAGS);
      if (args.flags.has('help')) return help(io, STATS_USAGE);
      return runStats(args, io);
    }
    case 'split': {
      const args = parseArgs('split', rest, SPLIT_FLAGS);
      if (args.flags.has('help')) return help(io, SPLIT_USAGE);
      return runSplit(args, io);
    }
    case 'plan': {
      const args = parseArgs('plan', rest, PLAN_FLAGS);
      if (args.flags.has('help')) return help(io, PLAN_USAGE);
      return runPlan(args, io);
    }
    case 'trace': {
      const args = parseArgs('trace', rest, TRACE_FLAGS);
      if (args.flags.has('help')) return help(io, TRACE_USAGE);
      return runTraceCommand(traceOptions(args), io);
    }
    case 'lsp': {
      if (lspArgs(rest) === 'help') return help(io, LSP_USAGE);
      return runLsp();
    }
    default:
      if (command.startsWith('-')) throw new UsageError(command.replace(/=.*/s, ''), 'unknown option');
      throw new UsageError(`unknown command '${command}'`, 'expected check, stats or help');
  }
}

function help(io: Io, text: string): number {
  io.stdout.write(text);
  return EXIT_OK;
}
