// `pg-preflight check`: reads the migrations and their context from disk, analyses each file with the
// core, renders the report and decides the exit code. Every input is validated before anything is
// written; the report goes to stdout or, atomically, to --output.
import * as path from 'node:path';
import { RUNNER_IDS, type RunnerId, type Settings, type StatsSnapshot, validateStatsSnapshot } from '@pg-preflight/shared';
import { analyze } from '../core/analyze';
import { loadParser } from '../core/parse';
import { LineIndex } from '../core/text';
import { boolFlag, choiceFlag, stringFlag, type FlagSpec, type ParsedArgs } from './args';
import { loadConfig } from './config';
import { collectAppFiles, ContextBuilder, mayDropOrRename, migrationUnit } from './context';
import { statsFromDatabase } from './database';
import { CliError, EXIT_FINDINGS, EXIT_OK, oneLine } from './errors';
import { checkWritable, displayPath, readTextFileOrThrow, writeFileAtomic } from './fsutil';
import { defaultInputs, globMatchers, resolveInputs } from './inputs';
import type { Io } from './io';
import { FAIL_ON, failsOn, type FailOn, type FileResult } from './report/common';
import { FORMATS, REPORTERS, type Format } from './report';
import { toolVersion } from './usage';

/** The flags analysisFlags() reads: check, split and plan take them all. */
export const ANALYSIS_FLAGS: Record<string, FlagSpec> = {
  'pg-version': { kind: 'string' },
  stats: { kind: 'string' },
  'database-url': { kind: 'string' },
  runner: { kind: 'string' },
  config: { kind: 'string' },
  'no-app-refs': { kind: 'boolean' },
};

export const CHECK_FLAGS: Record<string, FlagSpec> = {
  ...ANALYSIS_FLAGS,
  format: { kind: 'string' },
  'fail-on': { kind: 'string' },
  output: { kind: 'string' },
  help: { kind: 'boolean', short: 'h' },
};

/** The flags check, split and plan share: where statistics come from, which PostgreSQL and runner, which config. */
export interface AnalysisFlags {
  pgVersion?: number;
  statsFile?: string;
  databaseUrl?: string;
  runner?: RunnerId | 'auto';
  configFile?: string;
  appRefs: boolean;
}

export interface CheckOptions extends AnalysisFlags {
  paths: string[];
  format: Format;
  failOn: FailOn;
  output?: string;
}

/** Flag values -> options; every value is checked here, before any file is read. */
export function checkOptions(args: ParsedArgs): CheckOptions {
  return {
    paths: args.positionals,
    ...analysisFlags(args),
    format: choiceFlag(args, 'format', FORMATS) ?? 'text',
    failOn: choiceFlag(args, 'fail-on', FAIL_ON) ?? 'error',
    output: stringFlag(args, 'output'),
  };
}

/** The shared flags, each checked (in this order, so the first bad flag is the one reported). */
export function analysisFlags(args: ParsedArgs): AnalysisFlags {
  const pgVersion = pgVersionFlag(args);
  const statsFile = stringFlag(args, 'stats');
  const databaseUrl = stringFlag(args, 'database-url');
  if (statsFile !== undefined && databaseUrl !== undefined) throw new CliError('--stats', 'cannot be combined with --database-url; use one source of statistics');
  const runner = runnerFlag(args);
  return { pgVersion, statsFile, databaseUrl, runner, configFile: stringFlag(args, 'config'), appRefs: !boolFlag(args, 'no-app-refs') };
}

/** --pg-version: a PostgreSQL major version from 11 to 18. */
export function pgVersionFlag(args: ParsedArgs): number | undefined {
  const pg = stringFlag(args, 'pg-version');
  if (pg === undefined) return undefined;
  const pgVersion = /^\d+$/.test(pg) ? Number(pg) : NaN;
  if (!(pgVersion >= 11 && pgVersion <= 18)) throw new CliError('--pg-version', `expected a PostgreSQL major version from 11 to 18, got '${pg}'`);
  return pgVersion;
}

/** --runner: auto or a known runner id. */
export function runnerFlag(args: ParsedArgs): RunnerId | 'auto' | undefined {
  const runner = stringFlag(args, 'runner');
  if (runner !== undefined && runner !== 'auto' && !RUNNER_IDS.includes(runner as RunnerId)) {
    throw new CliError('--runner', `unknown runner '${runner}'; expected auto, ${RUNNER_IDS.join(', ')}`);
  }
  return runner as RunnerId | 'auto' | undefined;
}

export async function runCheck(opts: CheckOptions, io: Io): Promise<number> {
  const cwd = io.cwd;
  const output = opts.output !== undefined ? path.resolve(cwd, opts.output) : undefined;
  if (output) checkWritable(output, opts.output as string);

  const config = loadConfig(cwd, opts.configFile);
  const settings: Settings = { ...config.settings };
  if (opts.pgVersion !== undefined) settings.pgVersion = opts.pgVersion;
  if (opts.runner !== undefined) settings.runner = opts.runner;

  const files = opts.paths.length ? resolveInputs(opts.paths, cwd) : defaultInputs(settings.migrationGlobs, config.root, cwd);
  const ctx = new ContextBuilder(cwd, config.root, globMatchers(settings.migrationGlobs));
  // Read every input (and its schema context) before connecting anywhere or writing anything.
  const checked = new Set(files);
  const inputs = files.map((file) => {
    const shown = displayPath(file, cwd);
    const text = ctx.text(file);
    return { file, shown, text, context: ctx.context(file, checked) };
  });

  let stats = opts.statsFile !== undefined ? readStatsFile(path.resolve(cwd, opts.statsFile), opts.statsFile) : undefined;

  const notes: string[] = [];
  let appFiles: { path: string; text: string }[] = [];
  if (opts.appRefs && inputs.some((i) => mayDropOrRename(i.text))) {
    const migrationFolders = new Set(inputs.filter((i) => i.context.isMigration).map((i) => migrationUnit(i.file).folder));
    const found = collectAppFiles(config.root, cwd, migrationFolders);
    appFiles = found.files;
    if (found.note) notes.push(found.note);
  }

  // The network last: every local input is known to be good by now.
  if (opts.databaseUrl !== undefined) stats = await statsFromDatabase(opts.databaseUrl);

  await loadParser();
  const results: FileResult[] = inputs.map((i) => ({
    path: i.shown,
    text: i.text,
    lines: new LineIndex(i.text),
    analysis: analyze({
      text: i.text,
      path: i.shown,
      settings,
      stats,
      priorFiles: i.context.priorFiles,
      siblingNames: i.context.siblingNames,
      appFiles,
      isMigration: i.context.isMigration,
    }),
  }));

  const color = opts.format === 'text' && !output && !!io.stdout.isTTY && !io.env.NO_COLOR;
  const report = REPORTERS[opts.format](results, { color, toolVersion: toolVersion() });
  for (const n of notes) io.stderr.write(`pg-preflight: note: ${n}\n`);
  if (output) writeFileAtomic(output, report, opts.output as string);
  else io.stdout.write(report);
  return failsOn(results, opts.failOn) ? EXIT_FINDINGS : EXIT_OK;
}

/** Reads and validates a statistics snapshot file; a problem names the file and the field. */
export function readStatsFile(file: string, shownAs: string): StatsSnapshot {
  const text = readTextFileOrThrow(file, shownAs);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliError(shownAs, `not a statistics snapshot: invalid JSON: ${oneLine((err as Error).message)}`);
  }
  const v = validateStatsSnapshot(json);
  if (!v.ok) throw new CliError(shownAs, `not a valid statistics snapshot: ${v.error}`);
  return v.snapshot;
}
