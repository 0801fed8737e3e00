// `pg-preflight split` and `pg-preflight plan`: one migration file -> the zero-downtime step files
// (written, or printed with --dry-run) / the migration plan document. The schema context (earlier
// migrations of the folder, statistics, application files) is read exactly as `check` reads it.
// split never overwrites a file (project/split-output.ts: every target is checked before anything is
// written, each file is linked into place from a temporary name).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, type AnalyzeInput } from '../core/analyze';
import { planSplit, planToMarkdown } from '../core/fixes';
import { loadParser } from '../core/syntax/parse';
import { choiceFlag, stringFlag, boolFlag, type ParsedArgs } from './args';
import { checkWritable, displayPath, writeFileAtomic } from '../project/fsutil';
import { analyzeInput, appFilesFor, databaseStats, loadFiles, openProject, readStatsSource } from '../project/load';
import { defaultSplitDir, splitTargets, writeSplitFiles } from '../project/split-output';
import { analysisFlags, type AnalysisFlags } from './check';
import { CliError, EXIT_OK, fsReason, UsageError } from './errors';
import type { Io } from './io';

interface CommonOptions extends AnalysisFlags {
  file: string;
}

function commonOptions(command: string, args: ParsedArgs): CommonOptions {
  if (args.positionals.length !== 1)
    throw new UsageError(command, args.positionals.length ? 'takes exactly one migration file' : 'needs a migration file');
  return { file: args.positionals[0], ...analysisFlags(args) };
}

/** Reads the migration and everything around it; returns the core's input. */
async function loadInput(o: CommonOptions, io: Io): Promise<{ input: AnalyzeInput; abs: string; shown: string }> {
  const cwd = io.cwd;
  const abs = path.resolve(cwd, o.file);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch (err) {
    throw new CliError(o.file, fsReason(err));
  }
  if (st.isDirectory()) throw new CliError(o.file, 'is a directory; give one migration file');
  const project = openProject(cwd, o);
  const [loaded] = loadFiles(project, [abs]);
  let stats = readStatsSource(project, o);
  const app = o.appRefs ? appFilesFor(project, [loaded]) : { files: [] };
  if (app.note) io.stderr.write(`pg-preflight: note: ${app.note}\n`);
  stats = (await databaseStats(o)) ?? stats;
  await loadParser();
  return { abs, shown: loaded.shown, input: analyzeInput(project, loaded, stats, app.files) };
}

// --------------------------------------------------------------------------------------- split

export async function runSplit(args: ParsedArgs, io: Io): Promise<number> {
  const o = commonOptions('split', args);
  const dryRun = boolFlag(args, 'dry-run');
  const format = choiceFlag(args, 'format', ['text', 'json'] as const) ?? 'text';
  const outFlag = stringFlag(args, 'out');
  const { input, abs } = await loadInput(o, io);
  const plan = planSplit(input);
  const outDir = path.resolve(io.cwd, outFlag ?? defaultSplitDir(abs));
  const targets = splitTargets(plan, abs, outDir);

  if (dryRun) {
    if (format === 'json')
      io.stdout.write(JSON.stringify({ ...plan, files: targets.map((t) => displayPath(t.abs, io.cwd)) }, null, 2) + '\n');
    else {
      for (const t of targets) io.stdout.write(`==> ${displayPath(t.abs, io.cwd)} <==\n${t.text}${t.text.endsWith('\n') ? '' : '\n'}\n`);
    }
    for (const w of plan.warnings) io.stderr.write(`pg-preflight: warning: ${w}\n`);
    return EXIT_OK;
  }

  // Every target is checked before any is written: nothing is half-written, nothing overwritten.
  const written = writeSplitFiles(targets, abs, (f) => displayPath(f, io.cwd), '--out');
  if (format === 'json') io.stdout.write(JSON.stringify({ ...plan, files: written.map((f) => displayPath(f, io.cwd)) }, null, 2) + '\n');
  else {
    io.stdout.write(`Wrote ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'} to ${displayPath(outDir, io.cwd)}:\n`);
    plan.steps.forEach((s, i) =>
      io.stdout.write(
        `  ${String(i + 1).padStart(2)}. ${s.name}  (${s.phase}${s.transactional ? '' : ', no transaction'})${s.deployNote && s.phase === 'contract' ? `  ${s.deployNote}` : ''}\n`,
      ),
    );
    io.stdout.write(
      `The first step replaces ${displayPath(abs, io.cwd)}; review the files, then move them into the migrations folder in place of it.\n`,
    );
  }
  for (const w of plan.warnings) io.stderr.write(`pg-preflight: warning: ${w}\n`);
  return EXIT_OK;
}

// ---------------------------------------------------------------------------------------- plan

export async function runPlan(args: ParsedArgs, io: Io): Promise<number> {
  const o = commonOptions('plan', args);
  const format = choiceFlag(args, 'format', ['markdown', 'json'] as const) ?? 'markdown';
  const outputFlag = stringFlag(args, 'output');
  const output = outputFlag !== undefined ? path.resolve(io.cwd, outputFlag) : undefined;
  if (output) checkWritable(output, outputFlag as string);
  const { input, shown } = await loadInput(o, io);
  const analysis = analyze(input);
  const plan = planSplit(input, analysis);
  const text =
    format === 'json'
      ? JSON.stringify({ file: shown, riskScore: analysis.riskScore, ...plan }, null, 2) + '\n'
      : planToMarkdown(input, plan, analysis, { title: shown });
  if (output) writeFileAtomic(output, text, outputFlag as string);
  else io.stdout.write(text.endsWith('\n') ? text : text + '\n');
  return EXIT_OK;
}
