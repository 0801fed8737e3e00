// `pg-preflight lsp ...`: argument checking and start-up, kept apart from the other commands so that
// bin/pg-preflight.js can start the language server without loading the CLI's reporters (cold start).
// main.ts uses the same checks for `pg-preflight lsp` through main().
import { parseArgs } from './args';
import { COMMANDS } from './commands';
import { CliError, EXIT_OK, EXIT_USAGE, UsageError } from './errors';
import { LSP_USAGE } from './usage';

/** Checks the arguments after `lsp`: 'help', or 'run' (a transport is given). Throws UsageError. */
export function lspArgs(argv: string[]): 'help' | 'run' {
  const args = parseArgs('lsp', argv, COMMANDS.lsp.flags);
  if (args.flags.has('help')) return 'help';
  if (args.positionals.length) throw new UsageError('lsp', `unexpected argument '${args.positionals[0]}'`);
  if (!['stdio', 'node-ipc', 'socket', 'pipe'].some((t) => args.flags.has(t)))
    throw new UsageError('lsp', 'choose a transport: --stdio (editors) or --node-ipc (VS Code)');
  return 'run';
}

/** Starts the server; the promise never settles (the library exits the process on exit / transport close). */
export function runLsp(): Promise<number> {
  (require('../lsp/server') as typeof import('../lsp/server')).runLanguageServer();
  return new Promise<number>(() => undefined);
}

/** The whole `lsp` command for bin/pg-preflight.js: help, usage errors (exit 2) or the running server. */
export async function lspCommand(argv: string[]): Promise<number> {
  let what: 'help' | 'run';
  try {
    what = lspArgs(argv);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    process.stderr.write(`pg-preflight: ${err.message}${err.usage ? " (see 'pg-preflight --help')" : ''}\n`);
    return EXIT_USAGE;
  }
  if (what === 'help') {
    process.stdout.write(LSP_USAGE);
    return EXIT_OK;
  }
  return runLsp();
}
