// `pg-preflight check`: reads the migrations and their context from disk, analyses each file with the
// core, renders the report and decides the exit code. Every input is validated before anything is
// written; the report goes to stdout or, atomically, to --output.
import * as path from 'node:path';
import { RUNNER_IDS, type RunnerId } from '@pg-preflight/shared';
import { analyze } from '../core/analyze';
import { loadParser } from '../core/syntax/parse';
import { LineIndex } from '../core/syntax/text';
import { batched, checkWritable, writeFileAtomic } from '../project/fsutil';
import { changedSince } from '../project/git';
import { defaultInputs, onlyChanged, resolveInputs } from '../project/inputs';
import { analyzeInput, appFilesFor, databaseStats, loadFiles, openProject, readStatsSource } from '../project/load';
import { boolFlag, choiceFlag, stringFlag, type ParsedArgs } from './args';
import { CliError, EXIT_FINDINGS, EXIT_OK } from './errors';
import type { Io } from './io';
import { FAIL_ON, failsOn, type FailOn, type FileResult } from './report/common';
import { FORMATS, REPORTERS, STREAMERS, type Format } from './report';
import { toolVersion } from './usage';

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
  /** --changed-since: a git ref. */
  changedSince?: string;
}

/** Flag values -> options; every value is checked here, before any file is read. */
export function checkOptions(args: ParsedArgs): CheckOptions {
  return {
    paths: args.positionals,
    ...analysisFlags(args),
    format: choiceFlag(args, 'format', FORMATS) ?? 'text',
    failOn: choiceFlag(args, 'fail-on', FAIL_ON) ?? 'error',
    output: stringFlag(args, 'output'),
    changedSince: stringFlag(args, 'changed-since'),
  };
}

/** The shared flags, each checked (in this order, so the first bad flag is the one reported). */
export function analysisFlags(args: ParsedArgs): AnalysisFlags {
  const pgVersion = pgVersionFlag(args);
  const statsFile = stringFlag(args, 'stats');
  const databaseUrl = stringFlag(args, 'database-url');
  if (statsFile !== undefined && databaseUrl !== undefined)
    throw new CliError('--stats', 'cannot be combined with --database-url; use one source of statistics');
  const runner = runnerFlag(args);
  return { pgVersion, statsFile, databaseUrl, runner, configFile: stringFlag(args, 'config'), appRefs: !boolFlag(args, 'no-app-refs') };
}

/** --pg-version: a PostgreSQL major version from 11 to 18. */
export function pgVersionFlag(args: ParsedArgs): number | undefined {
  const pg = stringFlag(args, 'pg-version');
  if (pg === undefined) return undefined;
  const pgVersion = /^\d+$/.test(pg) ? Number(pg) : NaN;
  if (!(pgVersion >= 11 && pgVersion <= 18))
    throw new CliError('--pg-version', `expected a PostgreSQL major version from 11 to 18, got '${pg}'`);
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

  // The parser's WASM compiles in the background while the inputs are read (not awaited before it is needed).
  const parserReady = loadParser();
  parserReady.catch(() => undefined);
  const project = openProject(cwd, opts);
  let files = opts.paths.length ? resolveInputs(opts.paths, cwd) : defaultInputs(project.settings.migrationGlobs, project.root, cwd);
  if (opts.changedSince !== undefined) {
    files = onlyChanged(files, await changedSince(cwd, opts.changedSince));
    if (files.length === 0) {
      readStatsSource(project, opts); // still validated: a bad snapshot should not wait for the next migration
      return nothingChanged(opts, output, io);
    }
  }
  // Read every input (and its schema context) before connecting anywhere or writing anything.
  const loaded = loadFiles(project, files);
  let stats = readStatsSource(project, opts);
  const notes: string[] = [];
  const app = opts.appRefs ? appFilesFor(project, loaded) : { files: [] };
  if (app.note) notes.push(app.note);
  // The network last: every local input is known to be good by now.
  stats = (await databaseStats(opts)) ?? stats;

  await parserReady;
  const results: FileResult[] = loaded.map((l) => ({
    path: l.shown,
    text: l.text,
    lines: new LineIndex(l.text),
    analysis: analyze(analyzeInput(project, l, stats, app.files)),
  }));

  const color = opts.format === 'text' && !output && !!io.stdout.isTTY && !io.env.NO_COLOR;
  // Written as it is rendered: the report of a 10 MB migration can be larger than one string may be.
  const report = STREAMERS[opts.format](results, { color, toolVersion: toolVersion() });
  for (const n of notes) io.stderr.write(`pg-preflight: note: ${n}\n`);
  if (output) writeFileAtomic(output, report, opts.output as string);
  else for (const piece of batched(report)) io.stdout.write(piece);
  return failsOn(results, opts.failOn) ? EXIT_FINDINGS : EXIT_OK;
}

/**
 * --changed-since found no changed migration: a one-line note, exit 0. A report is still written where
 * something reads it (an --output file, or json/sarif on stdout): an empty SARIF clears the alerts.
 */
function nothingChanged(opts: CheckOptions, output: string | undefined, io: Io): number {
  const among = opts.paths.length ? 'the given paths' : 'the files matching migrationGlobs';
  io.stderr.write(`pg-preflight: note: no migration changed since ${opts.changedSince} among ${among}\n`);
  if (output || opts.format === 'json' || opts.format === 'sarif') {
    const report = REPORTERS[opts.format]([], { color: false, toolVersion: toolVersion() });
    if (output) writeFileAtomic(output, report, opts.output as string);
    else io.stdout.write(report);
  }
  return EXIT_OK;
}
