// What the MCP tools do, apart from the protocol: each takes the workspace and the tool's arguments and
// returns structured data plus a readable text, or throws an InputError (which the server returns as a
// tool error). Files are read through the project layer exactly as the CLI reads them; nothing here
// connects to a database, and only split_migration writes, when asked, new files inside the workspace.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunnerId, StatsSnapshot } from '@pg-preflight/shared';
import { analyze, type AnalyzeInput } from '../core/analyze';
import { formatDuration } from '../core/estimate';
import { planSplit, planToMarkdown } from '../core/fixes';
import { compareMigrationNames } from '../project/context';
import { conflicts, modeTitle } from '../core/locks/modes';
import { NOT_ANALYSED } from '../core/present/risk';
import { nextMigrationName } from '../core/migrations/naming';
import { loadParser } from '../core/syntax/parse';
import { LineIndex } from '../core/syntax/text';
import { LOCK_MODES, type Analysis, type LockEstimate, type LockMode } from '../core/types';
import { ContextBuilder } from '../project/context';
import { InputError } from '../project/errors';
import { MAX_INPUT_BYTES } from '../project/fsutil';
import { globMatchers } from '../project/inputs';
import { analyzeInput, appFilesFor, loadFiles, openProject, type LoadedFile, type Project } from '../project/load';
import { defaultSplitDir, splitTargets, writeSplitFiles } from '../project/split-output';
import { readStatsFile } from '../project/stats-file';
import type { Workspace } from './workspace';

/** A tool's answer: the structured content (matching its output schema) and the same for a reader. */
export interface ToolAnswer<T> {
  data: T;
  text: string;
}

/** Which migration: a file of the workspace, or SQL text that would go into a folder of it. */
export interface SourceArgs {
  path?: string;
  sql?: string;
  folder?: string;
  fileName?: string;
}

export interface AnalysisArgs {
  pgVersion?: number;
  runner?: RunnerId | 'auto';
  statsFile?: string;
}

interface Loaded {
  project: Project;
  file: LoadedFile;
  stats?: StatsSnapshot;
  notes: string[];
  input: AnalyzeInput;
}

/** The default name of SQL text given with a folder: one that sorts after the folder's last migration. */
const NEW_NAME = 'new_migration';

/** Reads the migration (or takes the SQL text) with its schema context, the statistics and the app files. */
export async function loadSource(ws: Workspace, src: SourceArgs, opts: AnalysisArgs, appRefs = true): Promise<Loaded> {
  const base = openProject(ws.root, { pgVersion: opts.pgVersion, runner: opts.runner });
  let project = base;
  let abs: string;
  let file: LoadedFile | undefined;
  if (src.path !== undefined) {
    if (src.sql !== undefined) throw new InputError('path', 'give either path (a migration file) or sql, not both');
    abs = ws.resolve(src.path, 'path');
    if (isDir(abs)) throw new InputError(src.path, 'is a folder; give one migration file');
  } else if (src.sql !== undefined) {
    checkSqlText(src.sql);
    const sql = src.sql;
    const name = src.fileName ?? (src.folder !== undefined ? undefined : `${NEW_NAME}.sql`);
    if (name !== undefined && !/^[^/\\]+\.sql$/i.test(name) && !/^[^/\\]+\/migration\.sql$/.test(name)) {
      throw new InputError('fileName', `'${name}': expected a file name ending in .sql (or <folder>/migration.sql for Prisma)`);
    }
    if (src.folder === undefined) {
      // No folder: the text alone, as a migration with no earlier ones.
      abs = path.join(ws.root, ...(name as string).split('/'));
      file = { file: abs, shown: ws.show(abs), text: sql, context: { isMigration: true, priorFiles: [], siblingNames: [] } };
    } else {
      const folder = ws.resolve(src.folder, 'folder');
      if (!isDir(folder)) throw new InputError(src.folder, 'not a folder of the workspace');
      abs = path.join(folder, ...(name ?? nextName(folder)).split('/'));
      const target = abs;
      // The text stands in for the file (as an open editor buffer does): the earlier migrations of the
      // folder are its schema, whether or not a file of that name exists.
      project = {
        ...base,
        files: new ContextBuilder(base.cwd, base.root, globMatchers(base.settings.migrationGlobs), {
          overlay: (f) => (f === target ? sql : undefined),
        }),
      };
    }
  } else {
    throw new InputError(
      'path',
      'give path (a migration file in the workspace) or sql (the migration text, with the folder it would go in)',
    );
  }
  file ??= loadFiles(project, [abs])[0];
  const notes: string[] = [];
  const stats = readStats(ws, project, opts.statsFile, notes);
  const app = appRefs ? appFilesFor(project, [file]) : { files: [] };
  if (app.note) notes.push(app.note);
  await loadParser();
  return { project, file, stats, notes, input: analyzeInput(project, file, stats, app.files) };
}

/** The statistics: the tool's statsFile, else the config's, each inside the workspace. */
function readStats(ws: Workspace, project: Project, given: string | undefined, notes: string[]): StatsSnapshot | undefined {
  if (given !== undefined) return readStatsFile(ws.resolve(given, 'statsFile'), given);
  const configured = project.settings.statsFile;
  if (!configured) return undefined;
  const abs = path.resolve(project.root, configured);
  if (ws.contains(abs)) return readStatsFile(abs, configured);
  notes.push(`statsFile ${configured} (from the config) is outside the workspace and was not read; give statsFile to use a snapshot`);
  return undefined;
}

/** SQL text from the assistant: refused when it is binary or too large, as a file would be. */
export function checkSqlText(sql: string): void {
  const nul = sql.indexOf('\0');
  if (nul >= 0) throw new InputError('sql', `binary data (NUL character at ${nul}), not SQL text`);
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(sql))
    throw new InputError('sql', 'not valid Unicode text (a lone surrogate)');
  if (sql.length > MAX_INPUT_BYTES) throw new InputError('sql', `too large: ${sql.length} characters`);
}

function nextName(folder: string): string {
  const names = fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.sql'))
    .map((e) => e.name)
    .sort(compareMigrationNames);
  const last = names[names.length - 1];
  return last ? nextMigrationName(last, NEW_NAME) : `${NEW_NAME}.sql`;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

// ----------------------------------------------------------------------------------- rows

export interface LockRow {
  /** 1-based statement number and line. */
  statement: number;
  line: number;
  label: string;
  table: string;
  mode: LockMode;
  /** As the PostgreSQL docs write it: "SHARE", "ACCESS EXCLUSIVE". */
  modeName: string;
  /** Ordinary traffic that waits while the lock is held. */
  blocks: string[];
  /** Every lock mode that conflicts with it. */
  conflictsWith: LockMode[];
  /** What happens while the lock is held: rewrite, index build, scan, truncate or none (catalog only). */
  work: 'rewrite' | 'index build' | 'scan' | 'truncate' | 'none';
  rewrite: boolean;
  scan: boolean;
  estimatedSeconds?: number;
  /** "~40 s", "< 1 s", "?" when the table's size is unknown (no statistics). */
  estimate: string;
  /** The table was created earlier in this migration set: no traffic to block yet. */
  newTable: boolean;
  why: string;
}

function lockRow(a: Analysis, lines: LineIndex, i: number, l: LockEstimate): LockRow {
  const st = a.statements[i];
  return {
    statement: i + 1,
    line: lines.positionAt(st.span.start).line + 1,
    label: st.label,
    table: l.relation,
    mode: l.mode,
    modeName: modeTitle(l.mode),
    blocks: [...l.blocks],
    conflictsWith: LOCK_MODES.filter((m) => conflicts(l.mode, m)),
    work: l.emptiesTable ? 'truncate' : l.rewrite ? 'rewrite' : l.indexBuild ? 'index build' : l.scan ? 'scan' : 'none',
    rewrite: l.rewrite,
    scan: l.scan,
    ...(l.estimatedSeconds !== undefined ? { estimatedSeconds: l.estimatedSeconds } : {}),
    estimate: l.newTable ? 'instant (new table)' : formatDuration(l.estimatedSeconds),
    newTable: !!l.newTable,
    why: l.why,
  };
}

function lockTableText(rows: LockRow[]): string[] {
  if (!rows.length) return ['(no table locks)'];
  const out = ['| # | line | statement | table | lock | blocks | rewrite/scan | est. |', '|--:|--:|---|---|---|---|---|---|'];
  for (const r of rows)
    out.push(
      `| ${r.statement} | ${r.line} | ${r.label} | ${r.table} | ${r.modeName} | ${r.blocks.join(', ') || 'nothing'} | ${r.work} | ${r.estimate} |`,
    );
  return out;
}

export interface FindingRow {
  rule: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  statement?: number;
  help?: string;
  /** The title of the fix the rule offers ("Use CREATE INDEX CONCURRENTLY in its own migration"). */
  fix?: string;
  /** The rule's page, as a resource of this server. */
  docs: string;
}

export const RULE_URI = 'pg-preflight://rules/';

// ----------------------------------------------------------------------------------- check_migration

export interface CheckResult {
  file: string;
  pgVersion: number;
  runner: string;
  wrappedInTransaction: boolean;
  /** null: no statement parsed, so the risk is unknown. */
  riskScore: number | null;
  findings: FindingRow[];
  locks: LockRow[];
  notes: string[];
}

export async function checkMigration(ws: Workspace, args: SourceArgs & AnalysisArgs): Promise<ToolAnswer<CheckResult>> {
  const l = await loadSource(ws, args, args);
  const a = analyze(l.input);
  const lines = new LineIndex(l.file.text);
  const findings: FindingRow[] = a.violations.map((v) => {
    const at = lines.positionAt(v.span.start);
    return {
      rule: v.rule,
      severity: v.severity,
      message: v.message,
      line: at.line + 1,
      column: at.character + 1,
      ...(v.statementIndex !== undefined ? { statement: v.statementIndex + 1 } : {}),
      ...(v.help ? { help: v.help } : {}),
      ...(v.fix ? { fix: v.fix.title } : {}),
      docs: `${RULE_URI}${v.rule}`,
    };
  });
  const locks: LockRow[] = [];
  a.statements.forEach((st, i) => st.locks.forEach((lk) => lk.newTable || locks.push(lockRow(a, lines, i, lk))));
  const data: CheckResult = {
    file: ws.show(l.file.file),
    pgVersion: a.pgVersion,
    runner: a.runner,
    wrappedInTransaction: a.wrappedInTransaction,
    riskScore: a.riskScore,
    findings,
    locks,
    notes: l.notes,
  };
  const text = [
    `${data.file}: risk ${a.riskScore === null ? `${NOT_ANALYSED} (no statement parsed)` : `${a.riskScore}/10 (1 harmless .. 10 likely outage)`}, PostgreSQL ${a.pgVersion}, runner ${a.runner}${a.wrappedInTransaction ? ', run in one transaction' : ''}`,
    '',
    findings.length ? `Findings (${findings.length}):` : 'No findings.',
    ...findings.flatMap((f) => [
      `- ${f.line}:${f.column} ${f.severity} ${f.rule}: ${f.message}`,
      ...(f.help ? [`  help: ${f.help}`] : []),
      ...(f.fix ? [`  fix: ${f.fix}`] : []),
    ]),
    '',
    'Lock analysis (tables that already exist):',
    ...lockTableText(locks),
    ...l.notes.map((n) => `\nnote: ${n}`),
  ].join('\n');
  return { data, text };
}

// ----------------------------------------------------------------------------------- explain_locks

export interface ExplainedStatement {
  statement: number;
  line: number;
  label: string;
  sql: string;
  transactional: boolean;
  locks: LockRow[];
  parseError?: string;
  fails?: string;
  unsupported?: string;
  notAnalysed?: string[];
}

export interface ExplainResult {
  pgVersion: number;
  runner: string;
  statements: ExplainedStatement[];
}

export async function explainLocks(
  ws: Workspace,
  args: { sql: string; folder?: string; pgVersion?: number; runner?: RunnerId | 'auto' },
): Promise<ToolAnswer<ExplainResult>> {
  const l = await loadSource(ws, { sql: args.sql, folder: args.folder }, args, false);
  const a = analyze(l.input);
  const lines = new LineIndex(l.file.text);
  const statements: ExplainedStatement[] = a.statements.map((st, i) => ({
    statement: i + 1,
    line: lines.positionAt(st.span.start).line + 1,
    label: st.label,
    sql: st.text.length > 500 ? `${st.text.slice(0, 500)}...` : st.text,
    transactional: st.transactional,
    locks: st.locks.map((lk) => lockRow(a, lines, i, lk)),
    ...(st.parseError ? { parseError: st.parseError } : {}),
    ...(st.fails ? { fails: st.fails } : {}),
    ...(st.unsupported ? { unsupported: st.unsupported } : {}),
    ...(st.notAnalysed?.length ? { notAnalysed: st.notAnalysed } : {}),
  }));
  const text = [`Locks on PostgreSQL ${a.pgVersion} (runner ${a.runner}):`];
  for (const s of statements) {
    text.push('', `${s.statement}. line ${s.line}: ${s.label}${s.transactional ? '' : ' (outside a transaction)'}`);
    if (s.parseError) text.push(`   syntax error: ${s.parseError}`);
    for (const r of s.locks)
      text.push(
        `   ${r.modeName} on ${r.table}${r.newTable ? ' (new table)' : ''}: blocks ${r.blocks.join(', ') || 'nothing'}; ${r.work === 'none' ? 'catalog only' : r.work}; ${r.why}`,
      );
    if (!s.locks.length && !s.parseError) text.push('   no table lock');
    if (s.fails) text.push(`   will fail: ${s.fails}`);
    if (s.unsupported) text.push(`   not on PostgreSQL ${a.pgVersion}: ${s.unsupported}`);
  }
  return { data: { pgVersion: a.pgVersion, runner: a.runner, statements }, text: text.join('\n') };
}

// ----------------------------------------------------------------------------------- split_migration

export interface SplitResult {
  file: string;
  runner?: string;
  pgVersion?: number;
  steps: { name: string; file: string; phase: string; transactional: boolean; locks: string; reverse: string; deployNote?: string }[];
  files: { path: string; text: string }[];
  /** The files written (only with write: true); empty otherwise. */
  written: string[];
  warnings: string[];
}

export async function splitMigration(
  ws: Workspace,
  args: { path: string; write?: boolean; outDir?: string } & AnalysisArgs,
): Promise<ToolAnswer<SplitResult>> {
  const l = await loadSource(ws, { path: args.path }, args);
  const abs = l.file.file;
  const plan = planSplit(l.input);
  const outDir = args.outDir !== undefined ? ws.resolve(args.outDir, 'outDir') : defaultSplitDir(abs);
  const targets = splitTargets(plan, abs, outDir);
  for (const t of targets) if (!ws.contains(t.abs)) throw new InputError(ws.show(t.abs), 'outside the workspace; choose another outDir');
  const written = args.write ? writeSplitFiles(targets, abs, (f) => ws.show(f), 'outDir').map((f) => ws.show(f)) : [];
  const data: SplitResult = {
    file: ws.show(abs),
    ...(plan.runner ? { runner: plan.runner } : {}),
    ...(plan.pgVersion !== undefined ? { pgVersion: plan.pgVersion } : {}),
    steps: plan.steps.map((s, i) => ({
      name: s.name,
      file: ws.show(targets.find((t) => t.step === i && !t.companion)?.abs ?? path.join(outDir, s.name)),
      phase: s.phase,
      transactional: s.transactional,
      locks: s.locks,
      reverse: s.reverse,
      ...(s.deployNote ? { deployNote: s.deployNote } : {}),
    })),
    files: targets.map((t) => ({ path: ws.show(t.abs), text: t.text })),
    written,
    warnings: plan.warnings,
  };
  const head = args.write
    ? `Wrote ${written.length} file${written.length === 1 ? '' : 's'} to ${ws.show(outDir)}; the first step replaces ${data.file}. Nothing else was changed: review them, then move them into the migrations folder in place of it.`
    : `${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'} for ${data.file} (not written; call again with write: true to write them to ${ws.show(outDir)}):`;
  const text = [
    head,
    ...plan.warnings.map((w) => `warning: ${w}`),
    ...data.steps.map(
      (s, i) => `  ${i + 1}. ${s.file} (${s.phase}${s.transactional ? '' : ', no transaction'})${s.deployNote ? `: ${s.deployNote}` : ''}`,
    ),
    ...(args.write ? [] : data.files.flatMap((f) => ['', `==> ${f.path} <==`, f.text.trimEnd()])),
  ].join('\n');
  return { data, text };
}

// ----------------------------------------------------------------------------------- plan_migration

export interface PlanResult {
  file: string;
  /** null: no statement parsed, so the risk is unknown. */
  riskScore: number | null;
  steps: number;
  markdown: string;
}

export async function planMigration(ws: Workspace, args: SourceArgs & AnalysisArgs): Promise<ToolAnswer<PlanResult>> {
  const l = await loadSource(ws, args, args);
  const a = analyze(l.input);
  const plan = planSplit(l.input, a);
  const file = ws.show(l.file.file);
  const markdown = planToMarkdown(l.input, plan, a, { title: file });
  return { data: { file, riskScore: a.riskScore, steps: plan.steps.length, markdown }, text: markdown };
}

// ----------------------------------------------------------------------------------- verify_locks

export interface VerifyResult {
  file: string;
  engine: string;
  /** The engine's PostgreSQL major version (PGlite: 18); pgVersion notes where production's differs. */
  engineVersion: number;
  replayed: string[];
  replayFailure?: string;
  statements: {
    statement: number;
    line: number;
    label: string;
    traced: boolean;
    notTracedReason?: string;
    observed: { table: string; mode: LockMode | null; rewrite: boolean }[];
    predicted: { table: string; mode: LockMode; rewrite: boolean }[];
    error?: string;
  }[];
  disagreements: string[];
  rolledBack: boolean;
  notes: string[];
}

// One trace at a time: they share the process's embedded engine.
let traceQueue: Promise<unknown> = Promise.resolve();
let traceLoaded = false;

/** Stops the embedded engine of verify_locks, when one was started. */
export async function closeTools(): Promise<void> {
  if (!traceLoaded) return;
  await traceQueue;
  await (await import('../trace')).closeSharedHost();
}

export async function verifyLocks(
  ws: Workspace,
  args: SourceArgs & { pgVersion?: number; statsFile?: string },
): Promise<ToolAnswer<VerifyResult>> {
  // The version is the trace's own option (production's version, for notes), not a settings override.
  const l = await loadSource(ws, args, { statsFile: args.statsFile }, false);
  const trace = await import('../trace');
  traceLoaded = true;
  const run = traceQueue.then(() =>
    trace.runTrace({
      text: l.file.text,
      path: l.file.shown,
      settings: l.project.settings,
      stats: l.stats,
      priorFiles: l.file.context.priorFiles,
      pgVersion: args.pgVersion,
    }),
  );
  traceQueue = run.catch(() => undefined);
  let r: Awaited<typeof run>;
  try {
    r = await run;
  } catch (err) {
    if (err instanceof trace.TraceError) throw new InputError('verify_locks', err.message);
    throw err;
  }
  const lines = new LineIndex(l.file.text);
  const data: VerifyResult = {
    file: ws.show(l.file.file),
    engine: r.engine === 'pglite' ? 'PGlite (embedded PostgreSQL)' : 'PostgreSQL',
    engineVersion: Math.floor(r.serverVersionNum / 10000),
    replayed: r.replayed.map((f) => f.path),
    ...(r.replayFailure ? { replayFailure: `${r.replayFailure.path}: ${r.replayFailure.error.message}` } : {}),
    statements: r.statements.map((s) => ({
      statement: s.index + 1,
      line: lines.positionAt(s.span.start).line + 1,
      label: s.label,
      traced: s.traced,
      ...(s.notTracedReason ? { notTracedReason: s.notTracedReason } : {}),
      observed: s.observed.map((o) => ({ table: o.relation, mode: o.mode, rewrite: o.rewrite })),
      predicted: s.predicted.map((p) => ({ table: p.relation, mode: p.mode, rewrite: p.rewrite })),
      ...(s.error ? { error: s.error.message } : {}),
    })),
    disagreements: r.disagreements.map((d) => d.message),
    rolledBack: r.rolledBack,
    notes: r.notes,
  };
  const text = [
    `Dry run of ${data.file} on ${data.engine} ${data.engineVersion}, after replaying ${plural(data.replayed.length, 'earlier migration')}; everything was ${r.rolledBack ? 'rolled back' : 'NOT rolled back'}.`,
    ...(data.replayFailure ? [`The replay failed: ${data.replayFailure}`] : []),
    ...data.statements.map((s) => {
      const seen = s.observed
        .map((o) => `${o.mode ? modeTitle(o.mode) : 'nothing new'} on ${o.table}${o.rewrite ? ' (rewritten)' : ''}`)
        .join('; ');
      return `${s.statement}. line ${s.line}: ${s.label}: ${s.error ? `failed: ${s.error}` : s.traced ? seen || 'no table lock' : `not traced: ${s.notTracedReason ?? ''}`}`;
    }),
    data.disagreements.length
      ? `Disagreements with the lock model (${data.disagreements.length}):`
      : 'The observed locks agree with the lock model.',
    ...data.disagreements.map((d) => `- ${d}`),
    ...data.notes.map((n) => `note: ${n}`),
  ].join('\n');
  return { data, text };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
