// `pg-preflight trace <migration.sql>`: the dry run. Runs the migration statement by statement inside one
// transaction that is always rolled back, on an embedded PostgreSQL (PGlite) with the schema of the
// earlier migrations of its folder, or on a scratch database the user marked as such; reports the real
// locks next to the model's predictions, and every disagreement. docs/trace.md.
//
// Exit codes: 0 traced without disagreement; 1 a disagreement with the lock model; 2 an error: bad usage,
// an unmarked database, a connection or engine failure, or a PostgreSQL error in the migration or in an
// earlier migration (the report is still written for those two).
import * as path from 'node:path';
import { type RunnerId } from '@pg-preflight/shared';
import { LineIndex } from '../core/syntax/text';
import { checkScratch } from '../trace/scratch';
import { boolFlag, choiceFlag, stringFlag, type ParsedArgs } from './args';
import { checkWritable, writeFileAtomic } from '../project/fsutil';
import { loadFiles, openProject, readStatsSource } from '../project/load';
import { pgVersionFlag, runnerFlag } from './check';
import { CliError, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from './errors';
import type { Io } from './io';
import { renderTrace, TRACE_FORMATS, type TraceFormat } from './report/trace';

export interface TraceCliOptions {
  file: string;
  databaseUrl?: string;
  scratch: boolean;
  runNoTransaction: boolean;
  format: TraceFormat;
  statsFile?: string;
  pgVersion?: number;
  runner?: RunnerId | 'auto';
  configFile?: string;
  output?: string;
}

export function traceOptions(args: ParsedArgs): TraceCliOptions {
  if (args.positionals.length !== 1) {
    throw new UsageError(
      'trace',
      args.positionals.length ? `expected one migration file, got ${args.positionals.length}` : 'expected the migration file to trace',
    );
  }
  const databaseUrl = stringFlag(args, 'database-url');
  const scratch = boolFlag(args, 'scratch');
  const runNoTransaction = boolFlag(args, 'run-no-transaction');
  if (scratch && databaseUrl === undefined)
    throw new UsageError('--scratch', 'marks the --database-url connection as a scratch database; give --database-url too');
  if (runNoTransaction && databaseUrl === undefined)
    throw new UsageError(
      '--run-no-transaction',
      'needs a scratch database (--database-url URL --scratch); the embedded engine cannot run those statements',
    );
  // --pg-version and --runner are validated exactly as `check` validates them.
  const pgVersion = pgVersionFlag(args);
  const runner = runnerFlag(args);
  return {
    file: args.positionals[0],
    databaseUrl,
    scratch,
    runNoTransaction,
    format: choiceFlag(args, 'format', TRACE_FORMATS) ?? 'text',
    statsFile: stringFlag(args, 'stats'),
    pgVersion,
    runner,
    configFile: stringFlag(args, 'config'),
    output: stringFlag(args, 'output'),
  };
}

export async function runTraceCommand(opts: TraceCliOptions, io: Io): Promise<number> {
  const cwd = io.cwd;
  const output = opts.output !== undefined ? path.resolve(cwd, opts.output) : undefined;
  if (output) checkWritable(output, opts.output as string);
  // The version is the trace's own option (it picks the engine), not a settings override.
  const project = openProject(cwd, { configFile: opts.configFile, runner: opts.runner });
  const settings = project.settings;

  // The scratch check comes before any file is read or any connection is opened.
  // runTrace checks again (it is the API's guard); this one answers before any file is read.
  const verdict = opts.databaseUrl !== undefined ? checkScratch(opts.databaseUrl, opts.scratch, settings) : undefined;
  if (verdict && !verdict.ok) {
    const { scrubPasswords } = await import('@pg-preflight/shared/dist/collect');
    throw new CliError(
      '--database-url',
      verdict.kind === 'invalid'
        ? `refusing to trace: ${scrubPasswords(verdict.reason, opts.databaseUrl as string)}`
        : `refusing to trace on ${verdict.source}: it is not marked as a scratch database; add --scratch, or list it in scratchDatabaseUrls in .pg-preflight.json (a trace runs the migration's statements on it, inside a transaction it rolls back)`,
    );
  }

  const [{ shown, text, context }] = loadFiles(project, [path.resolve(cwd, opts.file)], new Set());
  const stats = readStatsSource(project, { statsFile: opts.statsFile });

  const progress = io.stderr.isTTY ? makeProgress(io) : undefined;
  // Loaded on demand: `check` never pays for PGlite or `pg`.
  const trace = await import('../trace');
  let result: Awaited<ReturnType<typeof trace.runTrace>>;
  try {
    result = await trace.runTrace(
      {
        text,
        path: shown,
        settings,
        stats,
        priorFiles: context.priorFiles,
        pgVersion: opts.pgVersion,
        database:
          opts.databaseUrl !== undefined
            ? { url: opts.databaseUrl, scratch: opts.scratch, runNoTransaction: opts.runNoTransaction }
            : undefined,
      },
      { onProgress: progress?.update },
    );
  } catch (err) {
    if (err instanceof trace.TraceError) throw new CliError(err.code === 'engine' ? 'trace' : '--database-url', err.message);
    throw err;
  } finally {
    progress?.clear();
    await trace.closeSharedHost();
  }

  const priorTexts = new Map(context.priorFiles.map((p) => [p.path, p.text]));
  const report = renderTrace(opts.format, {
    path: shown,
    text,
    lines: new LineIndex(text),
    result,
    priorText: (p) => priorTexts.get(p) ?? '',
  });
  if (output) writeFileAtomic(output, report, opts.output as string);
  else io.stdout.write(report);
  if (result.replayFailure || result.failedStatement !== undefined || result.statements.some((s) => s.error)) return EXIT_USAGE;
  return result.disagreements.length ? EXIT_FINDINGS : EXIT_OK;
}

/** One self-overwriting status line on a TTY stderr. */
function makeProgress(io: Io): { update: (message: string, done?: number, total?: number) => void; clear: () => void } {
  let last = 0;
  let shown = false;
  return {
    update(message: string) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      io.stderr.write(`\r\u001b[2Kpg-preflight: ${message}`);
    },
    clear() {
      if (shown) io.stderr.write('\r\u001b[2K');
    },
  };
}
