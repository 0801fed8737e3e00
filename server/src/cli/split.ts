// `pg-preflight split` and `pg-preflight plan`: one migration file -> the zero-downtime step files
// (written, or printed with --dry-run) / the migration plan document. The schema context (earlier
// migrations of the folder, statistics, application files) is read exactly as `check` reads it.
// split never overwrites a file: every target name is checked before anything is written, and each
// file is written to a temporary name and linked into place, which fails if the name was taken since.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { type Settings, type StatsSnapshot } from '@pg-preflight/shared';
import { analyze, type AnalyzeInput } from '../core/analyze';
import { planSplit, planToMarkdown, type SplitPlan } from '../core/fixes';
import { loadParser } from '../core/parse';
import { choiceFlag, stringFlag, boolFlag, type FlagSpec, type ParsedArgs } from './args';
import { ANALYSIS_FLAGS, analysisFlags, readStatsFile, type AnalysisFlags } from './check';
import { loadConfig } from './config';
import { collectAppFiles, ContextBuilder, mayDropOrRename, migrationUnit } from './context';
import { statsFromDatabase } from './database';
import { CliError, EXIT_OK, fsReason, UsageError } from './errors';
import { checkWritable, displayPath, makeDirs, writeFileAtomic } from './fsutil';
import { globMatchers } from './inputs';
import type { Io } from './io';

const COMMON_FLAGS: Record<string, FlagSpec> = {
  ...ANALYSIS_FLAGS,
  help: { kind: 'boolean', short: 'h' },
};

export const SPLIT_FLAGS: Record<string, FlagSpec> = {
  ...COMMON_FLAGS,
  out: { kind: 'string' },
  'dry-run': { kind: 'boolean' },
  format: { kind: 'string' },
};

export const PLAN_FLAGS: Record<string, FlagSpec> = {
  ...COMMON_FLAGS,
  format: { kind: 'string' },
  output: { kind: 'string' },
};

interface CommonOptions extends AnalysisFlags {
  file: string;
}

function commonOptions(command: string, args: ParsedArgs): CommonOptions {
  if (args.positionals.length !== 1) throw new UsageError(command, args.positionals.length ? 'takes exactly one migration file' : 'needs a migration file');
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
  const config = loadConfig(cwd, o.configFile);
  const settings: Settings = { ...config.settings };
  if (o.pgVersion !== undefined) settings.pgVersion = o.pgVersion;
  if (o.runner !== undefined) settings.runner = o.runner;
  const ctx = new ContextBuilder(cwd, config.root, globMatchers(settings.migrationGlobs));
  const shown = displayPath(abs, cwd);
  const text = ctx.text(abs);
  const context = ctx.context(abs, new Set([abs]));
  let stats: StatsSnapshot | undefined = o.statsFile !== undefined ? readStatsFile(path.resolve(cwd, o.statsFile), o.statsFile) : undefined;
  let appFiles: { path: string; text: string }[] = [];
  if (o.appRefs && mayDropOrRename(text)) {
    const found = collectAppFiles(config.root, cwd, new Set([migrationUnit(abs).folder]));
    appFiles = found.files;
    if (found.note) io.stderr.write(`pg-preflight: note: ${found.note}\n`);
  }
  if (o.databaseUrl !== undefined) stats = await statsFromDatabase(o.databaseUrl);
  await loadParser();
  return {
    abs,
    shown,
    input: { text, path: shown, settings, stats, priorFiles: context.priorFiles, siblingNames: context.siblingNames, appFiles, isMigration: context.isMigration },
  };
}

// --------------------------------------------------------------------------------------- split

export async function runSplit(args: ParsedArgs, io: Io): Promise<number> {
  const o = commonOptions('split', args);
  const dryRun = boolFlag(args, 'dry-run');
  const format = choiceFlag(args, 'format', ['text', 'json'] as const) ?? 'text';
  const outFlag = stringFlag(args, 'out');
  const { input, abs } = await loadInput(o, io);
  const plan = planSplit(input);
  const outDir = path.resolve(io.cwd, outFlag ?? defaultOutDir(abs));
  const targets = targetFiles(plan, abs, outDir);

  if (dryRun) {
    if (format === 'json') io.stdout.write(JSON.stringify({ ...plan, files: targets.map((t) => displayPath(t.abs, io.cwd)) }, null, 2) + '\n');
    else {
      for (const t of targets) io.stdout.write(`==> ${displayPath(t.abs, io.cwd)} <==\n${t.text}${t.text.endsWith('\n') ? '' : '\n'}\n`);
    }
    for (const w of plan.warnings) io.stderr.write(`pg-preflight: warning: ${w}\n`);
    return EXIT_OK;
  }

  // Check every target before writing any: nothing is half-written.
  for (const t of targets) {
    const shown = displayPath(t.abs, io.cwd);
    if (fs.existsSync(t.abs)) throw new CliError(shown, `already exists; split never overwrites a file (choose another --out, or move the file away${t.abs === abs ? ': it is the migration being split' : ''})`);
    const dir = path.dirname(t.abs);
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new CliError(shown, `cannot write: ${displayPath(dir, io.cwd)} is not a folder`);
  }
  const written: string[] = [];
  const createdDirs: string[] = [];
  try {
    for (const t of targets) {
      const dir = path.dirname(t.abs);
      if (!fs.existsSync(dir)) {
        let first: string | undefined;
        try {
          first = makeDirs(dir);
        } catch (err) {
          // Under a regular file (ENOTDIR), a read-only or vanished folder: one line, not a stack.
          throw new CliError(displayPath(dir, io.cwd), `cannot create the folder: ${fsReason(err)}`);
        }
        if (first) createdDirs.push(first);
      }
      writeNewFile(t.abs, t.text, displayPath(t.abs, io.cwd));
      written.push(t.abs);
    }
  } catch (err) {
    // Leave nothing behind: remove what this run wrote.
    for (const f of written.reverse()) fs.rmSync(f, { force: true });
    for (const d of createdDirs.reverse()) fs.rmSync(d, { recursive: true, force: true });
    throw err;
  }
  if (format === 'json') io.stdout.write(JSON.stringify({ ...plan, files: written.map((f) => displayPath(f, io.cwd)) }, null, 2) + '\n');
  else {
    io.stdout.write(`Wrote ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'} to ${displayPath(outDir, io.cwd)}:\n`);
    plan.steps.forEach((s, i) => io.stdout.write(`  ${String(i + 1).padStart(2)}. ${s.name}  (${s.phase}${s.transactional ? '' : ', no transaction'})${s.deployNote && s.phase === 'contract' ? `  ${s.deployNote}` : ''}\n`));
    io.stdout.write(`The first step replaces ${displayPath(abs, io.cwd)}; review the files, then move them into the migrations folder in place of it.\n`);
  }
  for (const w of plan.warnings) io.stderr.write(`pg-preflight: warning: ${w}\n`);
  return EXIT_OK;
}

/** Beside the migration: <stem>.split/ (a new folder; the migrations folder itself already holds the input's name). */
function defaultOutDir(abs: string): string {
  const unit = migrationUnit(abs);
  if (unit.folderPerMigration) return path.join(unit.folder, '..', `${path.basename(path.dirname(abs))}.split`);
  return path.join(path.dirname(abs), `${path.basename(abs).replace(/\.sql$/i, '')}.split`);
}

interface Target {
  abs: string;
  text: string;
}

/** Where each step (and companion file) goes under the output folder. Prisma steps keep their folder. */
function targetFiles(plan: SplitPlan, abs: string, outDir: string): Target[] {
  const unit = migrationUnit(abs);
  const out: Target[] = [];
  for (const s of plan.steps) {
    const rel = unit.folderPerMigration ? (s.name.startsWith('../') ? s.name.slice(3) : `${path.basename(path.dirname(abs))}/${s.name}`) : s.name;
    const file = path.resolve(outDir, ...rel.split('/'));
    if (!file.startsWith(outDir + path.sep)) throw new CliError(s.name, 'step name leaves the output folder');
    out.push({ abs: file, text: s.sql });
    for (const c of s.companionFiles ?? []) out.push({ abs: path.resolve(path.dirname(file), c.name), text: c.text });
  }
  return out;
}

/** Writes a new file atomically and never over an existing one (link(2) fails when the name exists). */
function writeNewFile(file: string, data: string, shownAs: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(tmp, data, { flag: 'wx' });
    fs.linkSync(tmp, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    throw new CliError(shownAs, code === 'EEXIST' ? 'already exists; split never overwrites a file' : `cannot write: ${fsReason(err)}`);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
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
  const text = format === 'json' ? JSON.stringify({ file: shown, riskScore: analysis.riskScore, ...plan }, null, 2) + '\n' : planToMarkdown(input, plan, analysis, { title: shown });
  if (output) writeFileAtomic(output, text, outputFlag as string);
  else io.stdout.write(text.endsWith('\n') ? text : text + '\n');
  return EXIT_OK;
}
