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
  pg-preflight help [check|stats]                        show help for a command
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
