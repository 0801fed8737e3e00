// `pg-preflight mcp [--root DIR]`: argument checking and start-up of the MCP server, kept apart from the
// other commands so that bin/pg-preflight.js starts it without loading the CLI's reporters. main.ts uses
// the same checks for `pg-preflight mcp` through main(). The one file of the CLI that imports mcp/.
import * as path from 'node:path';
import { parseArgs, stringFlag } from './args';
import { COMMANDS, usage } from './commands';
import { CliError, EXIT_OK, EXIT_USAGE, InputError, UsageError } from './errors';

export interface McpCliOptions {
  root: string;
}

/** Checks the arguments after `mcp`: 'help', or the options. Throws UsageError. */
export function mcpArgs(argv: string[], cwd: string): 'help' | McpCliOptions {
  const args = parseArgs('mcp', argv, COMMANDS.mcp.flags);
  if (args.flags.has('help')) return 'help';
  if (args.positionals.length) throw new UsageError('mcp', `unexpected argument '${args.positionals[0]}'`);
  return { root: path.resolve(cwd, stringFlag(args, 'root') ?? '.') };
}

/** Runs the server until the client closes stdin; resolves 0 then. */
export async function runMcp(options: McpCliOptions): Promise<number> {
  const { runMcpServer } = require('../mcp/server') as typeof import('../mcp/server');
  try {
    await runMcpServer({ root: options.root });
  } catch (err) {
    // A bad --root: one line, as every CLI input error.
    if (err instanceof InputError) throw new CliError('--root', err.message);
    throw err;
  }
  return EXIT_OK;
}

/** The whole `mcp` command for bin/pg-preflight.js: help, usage errors (exit 2) or the running server. */
export async function mcpCommand(argv: string[]): Promise<number> {
  try {
    const what = mcpArgs(argv, process.cwd());
    if (what === 'help') {
      process.stdout.write(usage('mcp'));
      return EXIT_OK;
    }
    return await runMcp(what);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    process.stderr.write(`pg-preflight: ${err.message}${err instanceof CliError && err.usage ? " (see 'pg-preflight --help')" : ''}\n`);
    return EXIT_USAGE;
  }
}
