// Every command of `pg-preflight`, with its flag table and help text: the one place both are written.
// parseArgs() reads a command's flags from here, the help texts are rendered from here, and the list of
// commands in error messages and the main usage comes from here too. docs/cli.md shows these texts; a
// test keeps it in step.
import { RUNNER_IDS } from '@pg-preflight/shared';
import { renderFlags, type FlagSpec } from './args';

export const COMMAND_NAMES = ['check', 'stats', 'trace', 'split', 'plan', 'lsp', 'mcp'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export interface CommandSpec {
  /** The words after the command name in the synopsis. */
  synopsis: string;
  /** The shorter synopsis of the main usage. */
  shortSynopsis?: string;
  /** One line for the main usage. */
  summary: string;
  /** What the command does: paragraphs shown above the options. */
  about: string;
  flags: Record<string, FlagSpec>;
  /** Shown below the options. */
  footer: string;
}

const HELP: FlagSpec = { kind: 'boolean', short: 'h', help: 'show this help' };
const RUNNERS = `auto, ${RUNNER_IDS.join(', ')}`;

/** Where statistics come from, which PostgreSQL and runner, which config: check, split and plan read them all. */
const ANALYSIS: Record<string, FlagSpec> = {
  'pg-version': {
    kind: 'string',
    value: 'N',
    help: 'PostgreSQL major version the migrations run on, 11-18 (default: config, stats, else 17)',
  },
  stats: { kind: 'string', value: 'FILE', help: "table statistics snapshot (JSON written by 'pg-preflight stats')" },
  'database-url': { kind: 'string', value: 'URL', help: 'read the statistics from a live database, read-only (not with --stats)' },
  runner: { kind: 'string', value: 'R', help: `migration runner: ${wrap(RUNNERS, 70)}\n(default: config, else auto)` },
  config: {
    kind: 'string',
    value: 'FILE',
    help: 'settings file (default: .pg-preflight.json found walking up from the current directory)',
  },
  'no-app-refs': { kind: 'boolean', help: 'do not search application code for uses of dropped or renamed names' },
};

const FAIL_EXIT = 'Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or I/O error.';

export const COMMANDS: Record<CommandName, CommandSpec> = {
  check: {
    synopsis: '[<files|dirs|globs>...] [options]',
    summary: 'lint migrations; print findings, the lock analysis and the risk',
    about: `Lints PostgreSQL migration files and shows which lock each statement takes, on which table, for how long.
Folders are searched for .sql files; quoted globs ('migrations/**/*.sql') are expanded. With no paths, the
files matching migrationGlobs in .pg-preflight.json (or the defaults) under the project root are checked.
Earlier migrations of the same folder are read as schema context, never checked. With --changed-since,
only the files among those that git reports added, modified or renamed since REF are checked.`,
    flags: {
      ...ANALYSIS,
      'changed-since': {
        kind: 'string',
        value: 'REF',
        help: `check only the migrations changed since git REF: committed since the merge base
of REF and HEAD, staged, unstaged or untracked (e.g. origin/main)`,
      },
      format: { kind: 'string', value: 'F', help: 'text (default), json, sarif, github, markdown' },
      'fail-on': { kind: 'string', value: 'LEVEL', help: 'exit 1 on findings at or above LEVEL: error (default), warning, never' },
      output: { kind: 'string', value: 'FILE', help: 'write the report to FILE (atomically) instead of standard output' },
      help: HELP,
    },
    footer: FAIL_EXIT,
  },
  stats: {
    synopsis: '--database-url URL [--output FILE]',
    summary: 'save a read-only table statistics snapshot as JSON',
    about: `Reads table sizes, write counters, columns, indexes and constraints from a database inside a read-only
transaction that is rolled back, and writes them as JSON: the snapshot 'pg-preflight check --stats FILE'
reads. Point it at a production replica or branch; nothing is written to the database.`,
    flags: {
      'database-url': {
        kind: 'string',
        value: 'URL',
        help: 'postgresql://user[:password]@host[:port]/database[?sslmode=require] (required)',
      },
      output: { kind: 'string', value: 'FILE', help: 'write the snapshot to FILE (atomically) instead of standard output' },
      help: HELP,
    },
    footer: 'Exit codes: 0 written, 2 usage error or the database could not be read.',
  },
  trace: {
    synopsis: '<migration.sql> [--database-url URL --scratch] [options]',
    shortSynopsis: '<migration.sql> [options]',
    summary: 'dry run: the real locks, on PGlite or a scratch database, rolled back',
    about: `Dry run: runs the migration statement by statement inside one transaction that is always rolled back,
records the locks each statement really takes (pg_locks) and whether it rewrites a table (relfilenode),
and compares them with pg-preflight's lock model. By default on an embedded PostgreSQL 18 (PGlite), after
replaying the earlier migrations of the file's folder in the runner's order; nothing else is needed.`,
    flags: {
      'database-url': {
        kind: 'string',
        value: 'URL',
        help: `trace on this database instead: a scratch copy, never production. Refused unless
--scratch is given or the URL is listed in scratchDatabaseUrls (.pg-preflight.json).
It must already hold the schema the migration expects (nothing is replayed into it)`,
      },
      scratch: { kind: 'boolean', help: 'mark the --database-url connection as a scratch database' },
      'run-no-transaction': {
        kind: 'boolean',
        help: `scratch database only: run statements that cannot run in a transaction
(CONCURRENTLY, VACUUM) for real, on their own, sample their locks from a second
connection, then undo them; without it they are reported as not traced`,
      },
      stats: { kind: 'string', value: 'FILE', help: 'statistics snapshot: tables with rows get a few synthetic rows (embedded engine)' },
      'pg-version': {
        kind: 'string',
        value: 'N',
        help: 'the PostgreSQL major version production runs (notes where it behaves differently)',
      },
      runner: { kind: 'string', value: 'R', help: 'migration runner (default: config, else auto)' },
      format: { kind: 'string', value: 'F', help: 'text (default), json, markdown' },
      config: { kind: 'string', value: 'FILE', help: 'settings file (default: .pg-preflight.json found walking up)' },
      output: { kind: 'string', value: 'FILE', help: 'write the report to FILE (atomically) instead of standard output' },
      help: HELP,
    },
    footer: `Exit codes: 0 traced without disagreement, 1 disagreements with the lock model, 2 an error (usage, an
unmarked database, a connection or engine failure, or a PostgreSQL error in the migration or an earlier one).`,
  },
  split: {
    synopsis: '<migration.sql> [--runner R] [--out DIR] [--dry-run] [options]',
    shortSynopsis: '<migration.sql> [options]',
    summary: 'rewrite into zero-downtime step files (--dry-run prints them)',
    about: `Rewrites one migration into zero-downtime steps: safe statements stay in the first file behind the safety
header; indexes are built CONCURRENTLY in their own files; FOREIGN KEY/CHECK become NOT VALID + VALIDATE;
UNIQUE/PRIMARY KEY use an index built concurrently; SET NOT NULL goes through a validated CHECK; type
changes and renames become expand/contract with a sync trigger and a batched, resumable backfill;
the migration's own large UPDATE/DELETE runs in batches too; drops go into a contract file. Each file
is named to sort right after the input for the runner and says which lock it takes, why it is safe,
when to deploy it and how to reverse it. docs/split.md has the patterns.

The first step replaces the input. Files are written to --out (default: a new folder <name>.split beside
the migration); an existing file is never overwritten: if any target exists, nothing is written.`,
    flags: {
      out: { kind: 'string', value: 'DIR', help: 'folder to write the steps to (default: <migration>.split beside it)' },
      'dry-run': { kind: 'boolean', help: 'print the files instead of writing them' },
      format: { kind: 'string', value: 'F', help: 'text (default) or json (the plan as data)' },
      ...ANALYSIS,
      help: HELP,
    },
    footer: 'Exit codes: 0 written (or printed), 2 usage or I/O error, or a target file already exists.',
  },
  plan: {
    synopsis: '<migration.sql> [--format markdown] [--output FILE] [options]',
    shortSynopsis: '<migration.sql> [options]',
    summary: 'print the migration plan document (markdown)',
    about: `Prints the migration plan document for one migration: summary and risk; the change set (tables, columns,
indexes, functions, triggers, RLS policies); dependencies and ordering; the lock analysis table (as
written and after the split); the steps and their deploy phases; the backfill and verification queries;
the rollback / forward-fix outline; the tests to run; the operational runbook.`,
    flags: {
      format: { kind: 'string', value: 'F', help: 'markdown (default) or json' },
      output: { kind: 'string', value: 'FILE', help: 'write the document to FILE (atomically) instead of standard output' },
      ...ANALYSIS,
      help: HELP,
    },
    footer: 'Exit codes: 0 printed, 2 usage or I/O error.',
  },
  lsp: {
    synopsis: '--stdio | --node-ipc | --socket=PORT | --pipe=NAME',
    shortSynopsis: '--stdio',
    summary: 'run the language server (editors: VS Code, Neovim, Helix, Zed)',
    about: `Runs the pg-preflight language server: diagnostics on every keystroke, lock hovers, code lenses, quick
fixes and commands for PostgreSQL migrations, over the Language Server Protocol. Editors start it with
'pg-preflight lsp --stdio'; docs/lsp.md has the setup for VS Code, Neovim, Helix and Zed.`,
    flags: {
      stdio: { kind: 'boolean', help: 'talk over standard input and output (most editors)' },
      'node-ipc': { kind: 'boolean', help: "talk over Node's IPC channel (a Node parent process, e.g. VS Code)" },
      socket: { kind: 'string', value: 'PORT', inlineOnly: true, help: 'connect to a TCP port' },
      pipe: { kind: 'string', value: 'NAME', inlineOnly: true, help: 'connect to a named pipe' },
      clientProcessId: { kind: 'string', value: 'N', inlineOnly: true, help: 'exit when that process is gone (set by language clients)' },
      help: HELP,
    },
    footer: `Settings come from .pg-preflight.json and the client's pgPreflight settings; table statistics from the
statsFile setting or the pgPreflight/stats notification.`,
  },
  mcp: {
    synopsis: '[--root DIR]',
    summary: 'run the MCP server for AI coding assistants (stdio)',
    about: `Runs the pg-preflight Model Context Protocol server over standard input and output, for AI coding
assistants (Claude Code, Cursor, VS Code, ...): the tools check_migration, explain_locks, split_migration,
plan_migration and verify_locks, and the rule pages as pg-preflight://rules/<id> resources. It reads and
writes only inside the workspace root; no tool applies a migration or connects to a database (verify_locks
runs on an embedded PGlite). docs/mcp.md has the setup for each client.`,
    flags: {
      root: { kind: 'string', value: 'DIR', help: 'the workspace root; paths outside it are refused (default: the current directory)' },
      help: HELP,
    },
    footer: 'Runs until the client closes the connection. Exit codes: 0 closed, 2 usage error or a bad --root.',
  },
};

export function usage(name: CommandName): string {
  const c = COMMANDS[name];
  return `Usage: pg-preflight ${name} ${c.synopsis}\n\n${c.about}\n\nOptions:\n${renderFlags(c.flags)}\n\n${c.footer}\n`;
}

/** "check, stats, trace, split, plan, lsp, mcp or help": for messages about an unknown command. */
export function commandList(): string {
  return `${COMMAND_NAMES.join(', ')} or help`;
}

export function mainUsage(): string {
  const rows: [string, string][] = COMMAND_NAMES.map((n) => [
    `pg-preflight ${n} ${COMMANDS[n].shortSynopsis ?? COMMANDS[n].synopsis}`,
    COMMANDS[n].summary,
  ]);
  rows.push([`pg-preflight help [${COMMAND_NAMES.join('|')}]`, 'show help for a command'], ['pg-preflight --version', 'print the version']);
  const column = Math.max(...rows.map(([l]) => l.length)) + 3;
  return `pg-preflight: lock-aware linter for PostgreSQL migrations

Usage:
${rows.map(([l, s]) => `  ${l.padEnd(column)}${s}`).join('\n')}

${FAIL_EXIT}
Run 'pg-preflight <command> --help' for a command's options; docs/cli.md has the details.
`;
}

function wrap(text: string, width: number): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...out, line].join('\n');
}
