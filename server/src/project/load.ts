// The pipeline every front end shares: find the config, settle the settings, read each migration with
// its schema context (earlier migrations of its folder in runner order, sibling names), the statistics
// snapshot and, when a file may drop or rename something, the application files; then hand analyze()
// its input as plain data. The CLI's check, split, plan and trace and the MCP server call openProject()
// and loadFiles(); the language server keeps a long-lived ContextBuilder per root with an overlay for
// open buffers (lsp/workspace.ts) over the same modules.
import * as path from 'node:path';
import type { RunnerId, Settings, StatsSnapshot } from '@pg-preflight/shared';
import { schemaNamesAfter, type AnalyzeInput, type SourceFile } from '../core/analyze';
import { SchemaHistory } from '../core/schema/history';
import { loadConfig } from './config';
import { collectAppFiles, ContextBuilder, mayDropOrRename, migrationUnit, type SchemaContext } from './context';
import { statsFromDatabase } from './database';
import { displayPath } from './fsutil';
import { globMatchers } from './inputs';
import { readStatsFile } from './stats-file';

export interface ProjectOptions {
  /** --config: an explicit config file, relative to cwd. */
  configFile?: string;
  /** Overrides of the config's pgVersion and runner (command-line flags). */
  pgVersion?: number;
  runner?: RunnerId | 'auto';
}

export interface Project {
  cwd: string;
  /** The folder holding the config file, else the git root, else cwd. */
  root: string;
  configFile?: string;
  settings: Settings;
  /** Reads every file once for this project; the schema contexts come from it. */
  files: ContextBuilder;
  /** The schema after each folder's earlier files, built once per run (per folder). */
  histories: Map<string, SchemaHistory>;
  /**
   * Each folder's tables and columns after its last migration (AnalyzeInput.namesAtHead), built on first
   * need; null when a migration of the folder could not be read (the check goes on without it).
   */
  namesAtHead: Map<string, Set<string> | null>;
}

export function openProject(cwd: string, options: ProjectOptions = {}): Project {
  const config = loadConfig(cwd, options.configFile);
  const settings: Settings = { ...config.settings };
  if (options.pgVersion !== undefined) settings.pgVersion = options.pgVersion;
  if (options.runner !== undefined) settings.runner = options.runner;
  return {
    cwd,
    root: config.root,
    configFile: config.file,
    settings,
    files: new ContextBuilder(cwd, config.root, globMatchers(settings.migrationGlobs)),
    histories: new Map(),
    namesAtHead: new Map(),
  };
}

/** A migration read from disk with its schema context. */
export interface LoadedFile {
  /** Absolute path. */
  file: string;
  /** As the user sees it: relative to cwd when inside it. */
  shown: string;
  text: string;
  context: SchemaContext;
}

/**
 * Reads `files` (absolute paths) and their contexts. `checked` is every file of the run: a checked file
 * that sorts after another is new to it, not an out-of-order sibling (see ContextBuilder.context).
 */
export function loadFiles(project: Project, files: string[], checked: ReadonlySet<string> = new Set(files)): LoadedFile[] {
  return files.map((file) => ({
    file,
    shown: displayPath(file, project.cwd),
    text: project.files.text(file),
    context: project.files.context(file, checked),
  }));
}

/** The application files to search for dropped or renamed names; none when no file drops or renames. */
export function appFilesFor(project: Project, loaded: LoadedFile[]): { files: SourceFile[]; note?: string } {
  if (!loaded.some((l) => mayDropOrRename(l.text))) return { files: [] };
  const folders = new Set(loaded.filter((l) => l.context.isMigration).map((l) => migrationUnit(l.file).folder));
  return collectAppFiles(project.root, project.cwd, folders);
}

/** Where the statistics come from: a snapshot file (relative to cwd) or a live database (read-only). */
export interface StatsSource {
  statsFile?: string;
  databaseUrl?: string;
}

/** The snapshot file, read now (a local input: checked before anything touches the network). */
export function readStatsSource(project: Project, source: StatsSource): StatsSnapshot | undefined {
  return source.statsFile !== undefined ? readStatsFile(path.resolve(project.cwd, source.statsFile), source.statsFile) : undefined;
}

/** The live database's statistics, when one is given: call after every local input has been read. */
export async function databaseStats(source: StatsSource): Promise<StatsSnapshot | undefined> {
  return source.databaseUrl !== undefined ? statsFromDatabase(source.databaseUrl) : undefined;
}

/** analyze()'s input for one loaded file. */
export function analyzeInput(project: Project, loaded: LoadedFile, stats: StatsSnapshot | undefined, appFiles: SourceFile[]): AnalyzeInput {
  const folder = loaded.context.isMigration ? migrationUnit(loaded.file).folder : undefined;
  let history = folder !== undefined ? project.histories.get(folder) : undefined;
  if (folder !== undefined && !history) project.histories.set(folder, (history = new SchemaHistory()));
  const ctx = loaded.context;
  // The runner the folder shows stands in for 'auto' (a file name alone may not tell pop from golang-migrate).
  const settings = ctx.runner && project.settings.runner === 'auto' ? { ...project.settings, runner: ctx.runner } : project.settings;
  // Only a file whose removals are searched in the app needs the folder's head (one pass per folder).
  let namesAtHead: Set<string> | undefined;
  if (folder !== undefined && appFiles.length > 0 && mayDropOrRename(loaded.text)) {
    let head = project.namesAtHead.get(folder);
    if (head === undefined) {
      // Later migrations are read only for this: one that cannot be read must not stop the check of another.
      try {
        head = schemaNamesAfter(project.files.folderHistory(loaded.file));
      } catch {
        head = null;
      }
      project.namesAtHead.set(folder, head);
    }
    namesAtHead = head ?? undefined;
  }
  return {
    history,
    namesAtHead,
    text: loaded.text,
    path: loaded.shown,
    settings,
    runsInTransaction: ctx.runsInTransaction,
    reverts: ctx.reverts,
    fallbackPgVersion: ctx.runnerPgVersion?.version,
    stats,
    priorFiles: loaded.context.priorFiles,
    siblingNames: loaded.context.siblingNames,
    migrationNames: loaded.context.migrationNames,
    appFiles,
    isMigration: loaded.context.isMigration,
  };
}
