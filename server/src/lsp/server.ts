// The pg-preflight language server: wiring only. Documents (incremental sync) feed the Linter; requests
// are answered from its cached analysis of the current version through convert.ts, actions.ts and
// commands.ts; the Workspace supplies settings, stats and schema context.
// Entry points: startServer(connection) (tests run it in-process over a stream pair; the VS Code client
// starts lsp/main.js over IPC) and runLanguageServer(argv) for `pg-preflight lsp --stdio | --node-ipc`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  COMMANDS,
  FILE_SUMMARY_NOTIFICATION,
  FIX_ALL_KIND,
  STATS_NOTIFICATION,
  validateStatsSnapshot,
  WORKSPACE_TRUST_NOTIFICATION,
  type FileSummaryParams,
  type InitializationOptions,
  type StatsSnapshot,
} from '@pg-preflight/shared';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  FileChangeType,
  MessageType,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type ClientCapabilities,
  type Connection,
  type InitializeResult,
  type MessageReader,
  type MessageWriter,
  type ServerCapabilities,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { createConnection as createCommonConnection, type WatchDog } from 'vscode-languageserver/lib/common/server';
import { createConnection, createProtocolConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { loadParser, parseCounters } from '../core/syntax/parse';
import { ruleDocsUrl } from '../core/rules';
import { codeActions, currentFix, type ActionEnv } from './actions';
import { executeCommand, type Progress } from './commands';
import { shutdownVerifier } from './verify';
import { codeLenses, hoverAt, statementAt, type ConvertOptions, type DiagnosticData } from './convert';
import { DEFAULT_MAX_FILE_CHARS, Linter } from './linter';
import { fileToUri, uriToFile, Workspace, type DocumentContext } from './workspace';
import { toolVersion } from '../project/version';

/** Custom request for benchmarks and debugging: lint counts and times, parser cache counters. */
export const INTERNAL_STATS_REQUEST = 'pgPreflight/internalStats';

export interface InternalStats {
  lints: number;
  p50Millis: number;
  p99Millis: number;
  maxMillis: number;
  parsed: number;
  parseCacheHits: number;
  /** Analyses sent to the worker thread, and those stopped for running past the budget. */
  workerJobs: number;
  workerTimeouts: number;
  /** Analyses the JIT warm-up has run (warm-up.ts; WARM_UP_ANALYSES when done), here and in the worker (as of its last reply). */
  warmUpAnalyses: number;
  workerWarmUpAnalyses: number;
}

/** The bundled rule pages (server/dist/src/lsp -> the repository's or package's docs/rules). */
function bundledDocsDir(): string | undefined {
  for (const up of ['../../../../docs/rules', '../../../docs/rules']) {
    const dir = path.resolve(__dirname, up);
    if (fs.existsSync(path.join(dir, 'README.md'))) return dir;
  }
  return undefined;
}

export interface ServerHandle {
  workspace: Workspace;
  linter: Linter;
}

export function startServer(connection: Connection): ServerHandle {
  // The WASM parser compiles while the client and server shake hands.
  const parserLoading = loadParser();
  parserLoading.catch(() => undefined);
  const documents = new TextDocuments(TextDocument);
  let caps: ClientCapabilities = {};
  let init: InitializationOptions = {};
  let push = true;
  let readyResolve!: () => void;
  const ready = new Promise<void>((resolve) => (readyResolve = resolve));
  const warned = new Set<string>();
  const docsDir = bundledDocsDir();

  const env: ActionEnv = {
    caps: { documentChanges: false, createFiles: false, applyEdit: false },
    exists: (file) => fs.existsSync(file) || linter.isOpen(fileToUri(file)),
    refreshFix(uri, d, data) {
      const file = uriToFile(uri);
      if (!file || linter.document(uri)?.version !== data.version) return undefined;
      workspace.fileChanged(file); // list the folder again
      return currentFix(d, data, linter.resultFor(uri));
    },
  };

  // window/showMessage, not the window.show*Message helpers: those send window/showMessageRequest, which
  // Neovim 0.7 answers with a blocking "type a number" prompt even when there are no actions to choose.
  const showMessage = (type: MessageType, message: string) =>
    quiet(connection.sendNotification(ShowMessageNotification.type, { type, message }));

  let refreshQueued = false;
  const noticed = new Set<string>();
  const workspace = new Workspace(
    (file) => linter.openFile(file),
    (m) => {
      if (noticed.has(m)) return;
      noticed.add(m);
      connection.console.info(`pg-preflight: ${m}`);
    },
  );
  const linter: Linter = new Linter({
    workspace,
    ready,
    get maxFileChars() {
      return typeof init.maxFileChars === 'number' && init.maxFileChars > 0 ? init.maxFileChars : DEFAULT_MAX_FILE_CHARS;
    },
    get workerMinChars() {
      return typeof init.workerMinChars === 'number' && init.workerMinChars >= 0 ? init.workerMinChars : undefined;
    },
    get warmUp() {
      return init.warmUp !== false;
    },
    get analysisBudgetMs() {
      return typeof init.analysisBudgetMs === 'number' && init.analysisBudgetMs > 0 ? init.analysisBudgetMs : undefined;
    },
    get push() {
      return push;
    },
    publish(uri, version, diagnostics) {
      quiet(connection.sendDiagnostics({ uri, version, diagnostics }));
    },
    refreshPull() {
      if (refreshQueued || !caps.workspace?.diagnostics?.refreshSupport) return;
      refreshQueued = true;
      setImmediate(() => {
        refreshQueued = false;
        try {
          quiet(connection.languages.diagnostics.refresh() as unknown);
        } catch {
          // the client went away
        }
      });
    },
    convertOptions: (ctx) => convertOptions(ctx),
    log: (m) => connection.console.error(m),
    warnOnce(m) {
      if (warned.has(m)) return;
      warned.add(m);
      connection.console.warn(m);
      showMessage(MessageType.Warning, `pg-preflight: ${m}`);
    },
    linted(r) {
      if (!init.fileSummaries) return;
      const params: FileSummaryParams = {
        uri: r.uri,
        version: r.version,
        riskScore: r.analysis.riskScore,
        pgVersion: r.analysis.pgVersion,
        runner: r.analysis.runner,
        lockedTables: r.analysis.lockedTables.map((t) => ({
          relation: t.relation,
          mode: t.strongestMode,
          ...(t.estimatedSeconds !== undefined ? { estimatedSeconds: t.estimatedSeconds } : {}),
        })),
        statsSource: r.statsSource,
      };
      quiet(connection.sendNotification(FILE_SUMMARY_NOTIFICATION, params));
    },
  });

  const bundledPages = new Map<string, string | undefined>();
  function bundledPage(rule: string): string | undefined {
    if (!bundledPages.has(rule)) {
      const file = docsDir ? path.join(docsDir, `${rule}.md`) : undefined;
      bundledPages.set(rule, file && fs.existsSync(file) ? pathToFileURL(file).href : undefined);
    }
    return bundledPages.get(rule);
  }

  function convertOptions(ctx: DocumentContext): ConvertOptions {
    const base = ctx.settings.docsBaseUrl;
    return {
      docsUrl(rule) {
        if (base) return `${base}${base.endsWith('/') || base.endsWith('=') ? '' : '/'}${rule}.md`;
        if (docsDir) return bundledPage(rule);
        return ruleDocsUrl(rule);
      },
      pathToUri(p) {
        if (!ctx.root) return undefined;
        return fileToUri(path.resolve(ctx.root, p));
      },
    };
  }

  connection.onInitialize((params): InitializeResult => {
    caps = params.capabilities ?? {};
    init = (params.initializationOptions ?? {}) as InitializationOptions;
    const folders = (params.workspaceFolders ?? []).map((f) => uriToFile(f.uri)).filter((f): f is string => !!f);
    if (!folders.length && params.rootUri) {
      const root = uriToFile(params.rootUri);
      if (root) folders.push(root);
    }
    if (!folders.length && params.rootPath) folders.push(params.rootPath);
    workspace.setFolders(folders);
    workspace.setInitSettings(init.settings);
    workspace.setTrusted(init.workspaceTrusted !== false);
    const pullCapable = !!caps.textDocument?.diagnostic;
    push = init.diagnosticMode === 'push' || (init.diagnosticMode !== 'pull' && !pullCapable);
    if (init.diagnosticMode === 'pull' && !pullCapable) push = true;
    const resourceOps = caps.workspace?.workspaceEdit?.resourceOperations ?? [];
    env.caps = {
      documentChanges: !!caps.workspace?.workspaceEdit?.documentChanges,
      createFiles: resourceOps.includes('create'),
      applyEdit: !!caps.workspace?.applyEdit,
    };
    const capabilities: ServerCapabilities = {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      hoverProvider: true,
      codeLensProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
      executeCommandProvider: { commands: Object.values(COMMANDS) },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    };
    if (!push) capabilities.diagnosticProvider = { identifier: 'pg-preflight', interFileDependencies: true, workspaceDiagnostics: false };
    return { capabilities, serverInfo: { name: 'pg-preflight', version: toolVersion() } };
  });

  connection.onInitialized(async () => {
    try {
      if (caps.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [
            { globPattern: '**/*.sql' },
            { globPattern: '**/.pg-preflight.json' },
            { globPattern: '**/{metadata,config}.toml' },
            { globPattern: '**/*.json', kind: 2 /* Change */ },
          ],
        });
      }
      if (caps.workspace?.didChangeConfiguration?.dynamicRegistration) {
        await connection.client.register(DidChangeConfigurationNotification.type, { section: 'pgPreflight' });
      }
      if (caps.workspace?.workspaceFolders) {
        connection.workspace.onDidChangeWorkspaceFolders(async (e) => {
          const now = new Set(workspace.folderPaths());
          for (const f of e.removed) now.delete(uriToFile(f.uri) ?? '');
          for (const f of e.added) {
            const p = uriToFile(f.uri);
            if (p) now.add(p);
          }
          workspace.setFolders([...now]);
          await fetchConfiguration();
          linter.relintAll();
        });
      }
      await fetchConfiguration();
      await parserLoading;
    } catch (err) {
      connection.console.error(`pg-preflight: initialisation: ${(err as Error)?.stack ?? err}`);
      await loadParser().catch(() => undefined);
    } finally {
      readyResolve();
    }
  });

  async function fetchConfiguration(): Promise<void> {
    if (!caps.workspace?.configuration) return;
    const folders = workspace.folderPaths();
    const items = [{ section: 'pgPreflight' }, ...folders.map((f) => ({ scopeUri: fileToUri(f), section: 'pgPreflight' }))];
    try {
      const values: unknown[] = await connection.workspace.getConfiguration(items);
      workspace.clearClientSettings();
      workspace.setClientSettings('', values[0]);
      folders.forEach((f, i) => workspace.setClientSettings(f, values[i + 1]));
    } catch (err) {
      connection.console.warn(`pg-preflight: workspace/configuration failed: ${(err as Error)?.message ?? err}`);
    }
  }

  connection.onDidChangeConfiguration(async (change) => {
    if (caps.workspace?.configuration) await fetchConfiguration();
    else {
      const s = (change.settings as { pgPreflight?: unknown } | undefined)?.pgPreflight;
      workspace.clearClientSettings();
      if (s !== undefined) workspace.setClientSettings('', s);
    }
    workspace.invalidate();
    linter.relintAll();
  });

  connection.onDidChangeWatchedFiles((params) => {
    let all = false;
    const folders = new Set<string>();
    const later: string[] = [];
    for (const c of params.changes) {
      const file = uriToFile(c.uri);
      if (!file) continue;
      const base = path.basename(file);
      // diesel's metadata.toml and Supabase's config.toml change how files run and on which version.
      if (base === '.pg-preflight.json' || base === 'metadata.toml' || base === 'config.toml' || workspace.isStatsFile(file)) all = true;
      else if (!base.toLowerCase().endsWith('.sql')) continue;
      workspace.fileChanged(file);
      if (c.type === FileChangeType.Changed) later.push(file);
      else folders.add(path.dirname(file));
    }
    if (all) return linter.relintAll();
    for (const uri of linter.openUris()) {
      const f = uriToFile(uri);
      if (!f) continue;
      if (folders.has(path.dirname(f)) || folders.has(path.dirname(path.dirname(f))) || later.some((l) => workspace.runsAfter(l, f)))
        linter.schedule(uri);
    }
    if (!push) linter.relintAll();
  });

  connection.onNotification(STATS_NOTIFICATION, (params: unknown) => {
    let snapshot: StatsSnapshot | undefined;
    const raw =
      params && typeof params === 'object' && 'snapshot' in (params as object) ? (params as { snapshot: unknown }).snapshot : params;
    if (raw !== null && raw !== undefined) {
      const v = validateStatsSnapshot(raw);
      if (!v.ok) {
        connection.console.error(`pg-preflight: ${STATS_NOTIFICATION}: not a valid statistics snapshot: ${v.error}`);
        return;
      }
      snapshot = v.snapshot;
    }
    workspace.setNotifiedStats(snapshot);
    linter.relintAll();
  });

  connection.onNotification(WORKSPACE_TRUST_NOTIFICATION, (params: unknown) => {
    const trusted = (params as { trusted?: unknown } | null)?.trusted;
    if (typeof trusted !== 'boolean') {
      connection.console.error(`pg-preflight: ${WORKSPACE_TRUST_NOTIFICATION}: expected { trusted: boolean }`);
      return;
    }
    if (trusted === workspace.isTrusted()) return;
    workspace.setTrusted(trusted);
    linter.relintAll();
  });

  documents.onDidChangeContent((e) => linter.changed(e.document));
  documents.onDidClose((e) => linter.closed(e.document.uri));
  documents.onDidSave((e) => {
    const f = uriToFile(e.document.uri);
    if (f) workspace.fileChanged(f);
  });

  connection.languages.diagnostics.on(async (params) => {
    await ready;
    const shown = await linter.diagnosticsFor(params.textDocument.uri);
    if (!shown) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const { resultId, items } = shown;
    if (params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
    return { kind: DocumentDiagnosticReportKind.Full, resultId, items };
  });

  connection.onHover(async (params) => {
    await ready;
    const r = await linter.resultReady(params.textDocument.uri);
    if (!r || r.tooLarge) return null;
    const offset = r.lines.offsetAt(params.position);
    // The hover names the quick fixes of the statement's findings: a worker's analysis renders them first.
    const at = statementAt(r.analysis, offset);
    const start = r.analysis.statements[at]?.span.start;
    await linter.renderFixes(r, (v) => v.statementIndex !== undefined && r.analysis.statements[v.statementIndex]?.span.start === start);
    return hoverAt(r, offset, convertOptions(r.context));
  });

  connection.onCodeLens(async (params) => {
    await ready;
    const r = await linter.resultReady(params.textDocument.uri);
    if (!r || r.tooLarge) return [];
    return codeLenses(r);
  });

  connection.onCodeAction(async (params) => {
    await ready;
    const r = await linter.resultReady(params.textDocument.uri);
    if (!r) return [];
    // A worker's analysis renders the fixes the request may offer: fix-all needs them all, quick fixes
    // those of the diagnostics' findings.
    const only = params.context.only;
    const wanted = new Set(
      params.context.diagnostics.map(
        (d) => `${(d.data as DiagnosticData | undefined)?.rule}|${(d.data as DiagnosticData | undefined)?.statementIndex}`,
      ),
    );
    await linter.renderFixes(r, (v) => !!only?.length || wanted.has(`${v.rule}|${v.statementIndex}`));
    return codeActions(params, { uri: r.uri, version: r.version, text: r.text, lines: r.lines }, r, env);
  });

  connection.onExecuteCommand(async (params) => {
    await ready;
    return executeCommand(
      {
        linter,
        env,
        async applyEdit(label: string, edit: WorkspaceEdit) {
          const res = await connection.workspace.applyEdit({ label, edit });
          if (!res.applied && res.failureReason)
            connection.console.warn(`pg-preflight: ${label}: the client did not apply the edit: ${res.failureReason}`);
          return res.applied;
        },
        async progress(title, token): Promise<Progress> {
          let reporter = token !== undefined ? connection.window.attachWorkDoneProgress(token) : undefined;
          if (!reporter && caps.window?.workDoneProgress)
            reporter = await connection.window.createWorkDoneProgress().catch(() => undefined);
          if (!reporter) return { report: () => undefined, done: () => undefined };
          const rep = reporter;
          rep.begin(title, 0, undefined, false);
          return { report: (m, p) => (p === undefined ? rep.report(m) : rep.report(p, m)), done: () => rep.done() };
        },
        info: (m) => showMessage(MessageType.Info, m),
        workspaceFolders: () => workspace.folderPaths(),
        filesChanged(files) {
          const dirs = new Set(files.map((f) => path.dirname(f)));
          for (const f of files) workspace.fileChanged(f);
          for (const uri of linter.openUris()) {
            const f = uriToFile(uri);
            if (f && (dirs.has(path.dirname(f)) || dirs.has(path.dirname(path.dirname(f))))) linter.schedule(uri);
          }
        },
      },
      params.command,
      params.arguments,
      params.workDoneToken,
    );
  });

  connection.onShutdown(async () => {
    linter.shutdown();
    await shutdownVerifier().catch((err) =>
      connection.console.error(`pg-preflight: closing the dry-run engine: ${(err as Error)?.message ?? err}`),
    );
  });

  connection.onRequest(INTERNAL_STATS_REQUEST, (): InternalStats => {
    const ms = [...linter.stats.recentMillis].sort((a, b) => a - b);
    const q = (p: number) => (ms.length ? ms[Math.min(ms.length - 1, Math.floor(ms.length * p))] : 0);
    return {
      lints: linter.stats.lints,
      p50Millis: q(0.5),
      p99Millis: q(0.99),
      maxMillis: linter.stats.maxMillis,
      parsed: parseCounters.parsed,
      parseCacheHits: parseCounters.cacheHits,
      workerJobs: linter.remote.counters.jobs,
      workerTimeouts: linter.remote.counters.timeouts,
      warmUpAnalyses: linter.warmUp.analyses,
      workerWarmUpAnalyses: linter.remote.counters.warmUp,
    };
  });

  documents.listen(connection);
  connection.listen();
  return { workspace, linter };
}

/** A message to the client whose failure (the client went away) must not become an unhandled rejection. */
function quiet(p: unknown): void {
  if (p && typeof (p as Promise<unknown>).catch === 'function') (p as Promise<unknown>).catch(() => undefined);
}

/**
 * A server connection over a message reader/writer that never exits the process (tests run the server
 * in-process): `exit` only closes the connection.
 */
export function createServerConnection(reader: MessageReader, writer: MessageWriter): Connection {
  let shutdown = false;
  const watchDog: WatchDog = {
    get shutdownReceived() {
      return shutdown;
    },
    set shutdownReceived(v: boolean) {
      shutdown = v;
    },
    initialize: () => undefined,
    exit: () => connection.dispose(),
  };
  const connection: Connection = createCommonConnection(
    (logger) => createProtocolConnection(reader, writer, logger),
    watchDog,
    ProposedFeatures.all,
  ) as unknown as Connection;
  return connection;
}

/**
 * `pg-preflight lsp --stdio | --node-ipc | --socket=N | --pipe=NAME`: the library reads the transport from
 * process.argv; the process exits when the client sends exit or the transport closes.
 */
export function runLanguageServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  startServer(connection);
}
