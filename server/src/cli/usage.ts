// Help texts and the version. docs/cli.md repeats these; keep the two in step.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function toolVersion(): string {
  try {
    // server/package.json, from dist/src/cli/ (compiled) — the published layout.
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const MAIN_USAGE = `pg-preflight: lock-aware linter for PostgreSQL migrations

Usage:
  pg-preflight check [<files|dirs|globs>...] [options]   lint migrations; print findings, the lock analysis and the risk
  pg-preflight stats --database-url URL [--output FILE]  save a read-only table statistics snapshot as JSON
  pg-preflight trace <migration.sql> [options]           dry run: the real locks, on PGlite or a scratch database, rolled back
  pg-preflight split <migration.sql> [options]           rewrite into zero-downtime step files (--dry-run prints them)
  pg-preflight plan <migration.sql> [options]            print the migration plan document (markdown)
  pg-preflight lsp --stdio                               run the language server (editors: VS Code, Neovim, Helix, Zed)
  pg-preflight help [check|stats|trace|split|plan|lsp]   show help for a command
  pg-preflight --version                                 print the version

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or I/O error.
Run 'pg-preflight <command> --help' for a command's options; docs/cli.md has the details.
`;

export const CHECK_USAGE = `Usage: pg-preflight check [<files|dirs|globs>...] [options]

Lints PostgreSQL migration files and shows which lock each statement takes, on which table, for how long.
Folders are searched for .sql files; quoted globs ('migrations/**/*.sql') are expanded. With no paths, the
files matching migrationGlobs in .pg-preflight.json (or the defaults) under the project root are checked.
Earlier migrations of the same folder are read as schema context, never checked.

Options:
  --pg-version N       PostgreSQL major version the migrations run on, 11-18 (default: config, stats, else 17)
  --stats FILE         table statistics snapshot (JSON written by 'pg-preflight stats')
  --database-url URL   read the statistics from a live database, read-only (not with --stats)
  --runner R           migration runner: auto, supabase, prisma, flyway, dbmate, golang-migrate,
                       node-pg-migrate, drizzle, graphile-migrate, atlas, sqitch, plain (default: config, else auto)
  --format F           text (default), json, sarif, github, markdown
  --fail-on LEVEL      exit 1 on findings at or above LEVEL: error (default), warning, never
  --config FILE        settings file (default: .pg-preflight.json found walking up from the current directory)
  --no-app-refs        do not search application code for uses of dropped or renamed names
  --output FILE        write the report to FILE (atomically) instead of standard output
  -h, --help           show this help

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or I/O error.
`;

export const STATS_USAGE = `Usage: pg-preflight stats --database-url URL [--output FILE]

Reads table sizes, write counters, columns, indexes and constraints from a database inside a read-only
transaction that is rolled back, and writes them as JSON: the snapshot 'pg-preflight check --stats FILE'
reads. Point it at a production replica or branch; nothing is written to the database.

Options:
  --database-url URL   postgresql://user[:password]@host[:port]/database[?sslmode=require] (required)
  --output FILE        write the snapshot to FILE (atomically) instead of standard output
  -h, --help           show this help

Exit codes: 0 written, 2 usage error or the database could not be read.
`;

export const LSP_USAGE = `Usage: pg-preflight lsp --stdio | --node-ipc | --socket=PORT | --pipe=NAME

Runs the pg-preflight language server: diagnostics on every keystroke, lock hovers, code lenses, quick
fixes and commands for PostgreSQL migrations, over the Language Server Protocol. Editors start it with
'pg-preflight lsp --stdio'; docs/lsp.md has the setup for VS Code, Neovim, Helix and Zed.

Options:
  --stdio              talk over standard input and output (most editors)
  --node-ipc           talk over Node's IPC channel (a Node parent process, e.g. VS Code)
  --socket=PORT        connect to a TCP port; --pipe=NAME: to a named pipe
  --clientProcessId=N  exit when that process is gone (set by language clients)
  -h, --help           show this help

Settings come from .pg-preflight.json and the client's pgPreflight settings; table statistics from the
statsFile setting or the pgPreflight/stats notification.
`;

export const TRACE_USAGE = `Usage: pg-preflight trace <migration.sql> [--database-url URL --scratch] [options]

Dry run: runs the migration statement by statement inside one transaction that is always rolled back,
records the locks each statement really takes (pg_locks) and whether it rewrites a table (relfilenode),
and compares them with pg-preflight's lock model. By default on an embedded PostgreSQL 18 (PGlite), after
replaying the earlier migrations of the file's folder in the runner's order; nothing else is needed.

Options:
  --database-url URL      trace on this database instead: a scratch copy, never production. Refused unless
                          --scratch is given or the URL is listed in scratchDatabaseUrls (.pg-preflight.json).
                          It must already hold the schema the migration expects (nothing is replayed into it)
  --scratch               mark the --database-url connection as a scratch database
  --run-no-transaction    scratch database only: run statements that cannot run in a transaction
                          (CONCURRENTLY, VACUUM) for real, on their own, sample their locks from a second
                          connection, then undo them; without it they are reported as not traced
  --stats FILE            statistics snapshot: tables with rows get a few synthetic rows (embedded engine)
  --pg-version N          the PostgreSQL major version production runs (notes where it behaves differently)
  --runner R              migration runner (default: config, else auto)
  --format F              text (default), json, markdown
  --config FILE           settings file (default: .pg-preflight.json found walking up)
  --output FILE           write the report to FILE (atomically) instead of standard output
  -h, --help              show this help

Exit codes: 0 traced without disagreement, 1 disagreements with the lock model, 2 an error (usage, an
unmarked database, a connection or engine failure, or a PostgreSQL error in the migration or an earlier one).
`;

/** The options split and plan share (COMMON_FLAGS in split.ts). */
const SPLIT_PLAN_OPTIONS = `  --runner R           migration runner: auto, supabase, prisma, flyway, dbmate, golang-migrate,
                       node-pg-migrate, drizzle, graphile-migrate, atlas, sqitch, plain (default: config, else auto)
  --pg-version N       PostgreSQL major version, 11-18 (default: config, stats, else 17)
  --stats FILE         table statistics snapshot (JSON written by 'pg-preflight stats')
  --database-url URL   read the statistics from a live database, read-only (not with --stats)
  --config FILE        settings file (default: .pg-preflight.json found walking up)
  --no-app-refs        do not search application code for uses of dropped or renamed names
  -h, --help           show this help`;

export const SPLIT_USAGE = `Usage: pg-preflight split <migration.sql> [--runner R] [--out DIR] [--dry-run] [options]

Rewrites one migration into zero-downtime steps: safe statements stay in the first file behind the safety
header; indexes are built CONCURRENTLY in their own files; FOREIGN KEY/CHECK become NOT VALID + VALIDATE;
UNIQUE/PRIMARY KEY use an index built concurrently; SET NOT NULL goes through a validated CHECK; type
changes and renames become expand/contract with a sync trigger and a batched, resumable backfill;
drops go into a contract file. Each file is named to sort right after the input for the runner and says
which lock it takes, why it is safe, when to deploy it and how to reverse it. docs/split.md has the patterns.

The first step replaces the input. Files are written to --out (default: a new folder <name>.split beside
the migration); an existing file is never overwritten: if any target exists, nothing is written.

Options:
  --out DIR            folder to write the steps to (default: <migration>.split beside it)
  --dry-run            print the files instead of writing them
  --format F           text (default) or json (the plan as data)
${SPLIT_PLAN_OPTIONS}

Exit codes: 0 written (or printed), 2 usage or I/O error, or a target file already exists.
`;

export const PLAN_USAGE = `Usage: pg-preflight plan <migration.sql> [--format markdown] [--output FILE] [options]

Prints the migration plan document for one migration: summary and risk; the change set (tables, columns,
indexes, functions, triggers, RLS policies); dependencies and ordering; the lock analysis table (as
written and after the split); the steps and their deploy phases; the backfill and verification queries;
the rollback / forward-fix outline; the tests to run; the operational runbook.

Options:
  --format F           markdown (default) or json
  --output FILE        write the document to FILE (atomically) instead of standard output
${SPLIT_PLAN_OPTIONS}

Exit codes: 0 printed, 2 usage or I/O error.
`;
