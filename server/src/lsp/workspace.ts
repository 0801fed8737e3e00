// The language server's view of the workspace: for each document, its project root, its settings
// (.pg-preflight.json merged under the client's pgPreflight settings), its statistics snapshot, and its
// schema context (earlier migrations of the same folder, sibling names), read from disk or from open
// documents, whichever is newer. The project layer does the actual work (config file, directory walk,
// migration ordering, context builder, statistics file); this file only adds the editor's overlay and the
// caches that a long-running process needs, invalidated by file events instead of living for one run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_SETTINGS, normalizeSettings, type Settings, type StatsSnapshot } from '@pg-preflight/shared';
import type { SourceFile } from '../core/analyze';
import { CONFIG_FILE, findConfigDir, findGitRoot, globSettingProblems, readConfigFile, settingsProblems } from '../project/config';
import { resolveInside } from '../project/fsutil';
import { collectAppFiles, compareMigrationFiles, ContextBuilder, migrationUnit } from '../project/context';
import { globMatchers } from '../project/inputs';
import { readStatsSnapshot } from '../project/stats-file';

/** An open document as the workspace sees it (the overlay over the disk). */
export interface OpenText {
  text: string;
  /** Date.now() of the last edit (or of opening). */
  editedAt: number;
}

export interface DocumentContext {
  /** Absolute file path, when the URI is a file: URI. */
  file?: string;
  root: string;
  /** The path the core sees (runner detection, messages): relative to the root when inside it. */
  path: string;
  settings: Settings;
  /** Problems of the config file or of the client's settings, one line each. */
  settingsProblems: string[];
  configFile?: string;
  stats?: StatsSnapshot;
  statsSource: 'notification' | 'file' | 'none';
  pgVersionSource: string;
  isMigration: boolean;
  priorFiles: SourceFile[];
  siblingNames: string[];
  /** Absolute migrations folder (for dependents), when the file is a migration. */
  folder?: string;
  /** false when diesel's metadata.toml runs the file outside a transaction. */
  runsInTransaction?: boolean;
  /** The PostgreSQL version the runner's configuration states, used when settings and stats give none. */
  fallbackPgVersion?: number;
  /** The priorFiles path of the up migration this down file reverts. */
  reverts?: string;
}

interface ConfigEntry {
  file?: string;
  root: string;
  settings: Settings;
  problems: string[];
}

/** Keeps only the client values that differ from the defaults: VS Code sends every default too. */
export function clientOverrides(client: unknown): Record<string, unknown> {
  if (!client || typeof client !== 'object' || Array.isArray(client)) return {};
  const out: Record<string, unknown> = {};
  const defaults = DEFAULT_SETTINGS as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(client as Record<string, unknown>)) {
    if (!(k in defaults) || v === undefined || v === null) continue;
    if (JSON.stringify(v) === JSON.stringify(defaults[k])) continue;
    if (k === 'rules' && v && typeof v === 'object' && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}

const filesOfUris = new Map<string, string | undefined>();

export function uriToFile(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  if (filesOfUris.has(uri)) return filesOfUris.get(uri);
  let file: string | undefined;
  try {
    file = fileURLToPath(uri);
  } catch {
    file = undefined;
  }
  if (filesOfUris.size > 10_000) filesOfUris.clear();
  filesOfUris.set(uri, file);
  return file;
}

export function fileToUri(file: string): string {
  return pathToFileURL(file).href;
}

const APP_LIMITS = { files: 2000, bytes: 16 * 1024 * 1024, dirs: 5000 };

export class Workspace {
  /** Absolute paths of the workspace folders, longest first. */
  private folders: string[] = [];
  /** Client settings (workspace/configuration, section pgPreflight) per folder path; '' = global. */
  private clientSettings = new Map<string, unknown>();
  private initSettings: unknown;
  private configs = new Map<string, ConfigEntry>();
  private builders = new Map<string, ContextBuilder>();
  private statsFiles = new Map<string, { snapshot?: StatsSnapshot; problem?: string }>();
  private appFiles = new Map<string, SourceFile[]>();
  private notified?: StatsSnapshot;
  /** Workspace trust as the client reported it; a client that says nothing is trusted (see docs/lsp.md). */
  private trusted = true;
  /** Generation counter: bumped whenever anything on disk or in the settings may have changed. */
  generation = 0;

  constructor(
    private readonly open: (file: string) => OpenText | undefined,
    /** Told once per config file what an untrusted workspace ignores in it. */
    private readonly notice: (message: string) => void = () => undefined,
  ) {}

  /** Workspace trust changed (initializationOptions.workspaceTrusted, then pgPreflight/workspaceTrust). */
  setTrusted(trusted: boolean): void {
    if (trusted === this.trusted) return;
    this.trusted = trusted;
    this.invalidate();
  }

  isTrusted(): boolean {
    return this.trusted;
  }

  setFolders(folders: string[]): void {
    this.folders = [...new Set(folders.map((f) => path.resolve(f)))].sort((a, b) => b.length - a.length);
    this.invalidate();
  }

  setInitSettings(settings: unknown): void {
    this.initSettings = settings;
  }

  setClientSettings(folder: string, settings: unknown): void {
    this.clientSettings.set(folder, settings);
  }

  clearClientSettings(): void {
    this.clientSettings.clear();
  }

  folderPaths(): string[] {
    return [...this.folders];
  }

  /** The stats the client sent; undefined to fall back to the statsFile setting. */
  setNotifiedStats(snapshot: StatsSnapshot | undefined): void {
    this.notified = snapshot;
    this.generation++;
  }

  /** Drops every cache (files changed on disk, settings changed). */
  invalidate(): void {
    this.configs.clear();
    this.builders.clear();
    this.statsFiles.clear();
    this.appFiles.clear();
    this.generation++;
  }

  /** A file changed on disk: drop what was read from it (and every listing, as files may come and go). */
  fileChanged(file: string): void {
    this.builders.clear();
    this.appFiles.clear();
    if (path.basename(file) === CONFIG_FILE) this.configs.clear();
    this.statsFiles.delete(path.resolve(file));
    this.generation++;
  }

  /** The stats file a changed path is, for any root: true when it is one. */
  isStatsFile(file: string): boolean {
    const abs = path.resolve(file);
    for (const c of this.configs.values()) if (c.settings.statsFile && path.resolve(c.root, c.settings.statsFile) === abs) return true;
    return this.statsFiles.has(abs);
  }

  private folderOf(file: string): string | undefined {
    return this.folders.find((f) => file === f || file.startsWith(f.endsWith(path.sep) ? f : f + path.sep));
  }

  private config(dir: string): ConfigEntry {
    const hit = this.configs.get(dir);
    if (hit) return hit;
    const found = findConfigDir(dir);
    let entry: ConfigEntry;
    if (found) {
      const file = path.join(found, CONFIG_FILE);
      const n = readConfigFile(file);
      if (!this.trusted) this.distrust(file, n.settings);
      entry = { file, root: found, settings: n.settings, problems: n.problems.map((p) => `${file}: ${p}`) };
    } else {
      const ws = this.folderOf(dir);
      const root = ws ?? findGitRoot(dir) ?? dir;
      entry = { root, settings: normalizeSettings({}).settings, problems: [] };
    }
    this.configs.set(dir, entry);
    return entry;
  }

  /**
   * An untrusted repository's config may not name a database, a file to read or a URL to open: those
   * settings fall back to their defaults (the client's own settings still apply; VS Code itself drops the
   * workspace's values of its restricted settings).
   */
  private distrust(file: string, settings: Settings): void {
    const ignored: string[] = [];
    if (settings.statsFile !== DEFAULT_SETTINGS.statsFile) {
      settings.statsFile = DEFAULT_SETTINGS.statsFile;
      ignored.push('statsFile');
    }
    if (settings.scratchDatabaseUrls.length) {
      settings.scratchDatabaseUrls = [];
      ignored.push('scratchDatabaseUrls');
    }
    if (settings.docsBaseUrl !== DEFAULT_SETTINGS.docsBaseUrl) {
      settings.docsBaseUrl = DEFAULT_SETTINGS.docsBaseUrl;
      ignored.push('docsBaseUrl');
    }
    if (ignored.length) this.notice(`${file}: untrusted workspace: ignoring ${ignored.join(', ')} (trust the workspace to use them)`);
  }

  /** Settings for a root: the config file's, then initializationOptions.settings, then the client's on top. */
  private settingsFor(entry: ConfigEntry, file: string | undefined): { settings: Settings; problems: string[] } {
    const problems = [...entry.problems];
    let settings = entry.settings;
    const layers: unknown[] = [
      this.initSettings,
      this.clientSettings.get(''),
      file ? this.clientSettings.get(this.folderOf(file) ?? '\0') : undefined,
    ];
    for (const layer of layers) {
      const over = clientOverrides(layer);
      if (!Object.keys(over).length) continue;
      const n = normalizeSettings(over, settings);
      settings = n.settings;
      const extra = [
        ...('rules' in over ? settingsProblems(settings) : []),
        ...('migrationGlobs' in over ? globSettingProblems(settings) : []),
      ];
      problems.push(...[...n.problems, ...extra].map((p) => `pgPreflight settings: ${p}`));
    }
    return { settings, problems };
  }

  /** `fromRepository`: the value is the config file's, so it must stay inside the root or a workspace folder. */
  private statsFile(root: string, settings: Settings, fromRepository: boolean): { snapshot?: StatsSnapshot; problem?: string } {
    if (!settings.statsFile) return {};
    const abs = path.resolve(root, settings.statsFile);
    const hit = this.statsFiles.get(abs);
    if (hit) return hit;
    const inside = fromRepository ? resolveInside(root, settings.statsFile, [root, ...this.folders]) : { file: abs };
    const r = 'why' in inside ? inside : readStatsSnapshot(abs);
    const out = 'why' in r ? { problem: `statsFile ${settings.statsFile}: ${r.why}` } : { snapshot: r.snapshot };
    this.statsFiles.set(abs, out);
    return out;
  }

  private builder(root: string, settings: Settings): ContextBuilder {
    const key = `${root}\0${settings.migrationGlobs.join('\0')}`;
    let b = this.builders.get(key);
    if (!b) {
      // Unreadable earlier migrations give no schema: the CLI would stop, an editor goes on.
      b = new ContextBuilder(root, root, globMatchers(settings.migrationGlobs), {
        overlay: (f) => this.overlayText(f),
        unreadable: 'skip',
      });
      this.builders.set(key, b);
    }
    return b;
  }

  /** The open document's text unless the file on disk was written after the last edit. */
  private overlayText(file: string): string | undefined {
    const o = this.open(file);
    if (!o) return undefined;
    try {
      if (fs.statSync(file).mtimeMs > o.editedAt) return undefined;
    } catch {
      // not on disk (yet): the editor's text is all there is
    }
    return o.text;
  }

  context(uri: string): DocumentContext {
    const file = uriToFile(uri);
    const dir = file ? path.dirname(file) : (this.folders[this.folders.length - 1] ?? process.cwd());
    const entry = this.config(dir);
    const { settings, problems } = this.settingsFor(entry, file);
    const root = entry.root;
    let stats: StatsSnapshot | undefined;
    let statsSource: DocumentContext['statsSource'] = 'none';
    if (this.notified) {
      stats = this.notified;
      statsSource = 'notification';
    } else {
      const s = this.statsFile(root, settings, entry.file !== undefined && settings.statsFile === entry.settings.statsFile);
      if (s.problem) problems.push(s.problem);
      if (s.snapshot) {
        stats = s.snapshot;
        statsSource = 'file';
      }
    }
    const pgVersionSource =
      typeof settings.pgVersion === 'number' ? 'settings' : stats ? `stats snapshot, server ${stats.serverVersionNum}` : 'default';
    const shown = file ? displayFrom(root, file) : uri;
    const ctx: DocumentContext = {
      file,
      root,
      path: shown,
      settings,
      settingsProblems: problems,
      configFile: entry.file,
      stats,
      statsSource,
      pgVersionSource,
      isMigration: false,
      priorFiles: [],
      siblingNames: [],
    };
    if (file) {
      const b = this.builder(root, settings);
      const c = b.context(file);
      ctx.isMigration = c.isMigration;
      ctx.priorFiles = c.priorFiles;
      ctx.siblingNames = c.siblingNames;
      if (c.isMigration) ctx.folder = migrationUnit(file).folder;
      if (c.runsInTransaction === false) ctx.runsInTransaction = false;
      if (c.reverts !== undefined) ctx.reverts = c.reverts;
      if (c.runner && settings.runner === 'auto') ctx.settings = { ...settings, runner: c.runner };
      if (c.runnerPgVersion && typeof settings.pgVersion !== 'number' && !stats) {
        ctx.fallbackPgVersion = c.runnerPgVersion.version;
        ctx.pgVersionSource = c.runnerPgVersion.source;
      }
    }
    return ctx;
  }

  /** Whether `other` is a migration of the same folder that runs after `file`. */
  runsAfter(file: string, other: string): boolean {
    if (migrationUnit(file).folder !== migrationUnit(other).folder) return false;
    return compareMigrationFiles(other, file) > 0;
  }

  /** Application sources under the root, cached until files change; undefined when not read yet. */
  cachedAppFiles(root: string): SourceFile[] | undefined {
    return this.appFiles.get(root);
  }

  loadAppFiles(root: string, migrationFolder: string | undefined): SourceFile[] {
    const hit = this.appFiles.get(root);
    if (hit) return hit;
    const files = collectAppFiles(root, root, new Set(migrationFolder ? [migrationFolder] : []), APP_LIMITS).files;
    this.appFiles.set(root, files);
    return files;
  }
}

function displayFrom(root: string, file: string): string {
  const rel = path.relative(root, file);
  const outside = rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  return (outside ? file : rel).split(path.sep).join('/');
}
