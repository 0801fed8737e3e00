// The VS Code extension's entry point: wiring only. It starts the bundled language server (out/server.js)
// over Node IPC with a LanguageClient, connects the database statistics (database.ts) to the server through
// pgPreflight/stats, and registers the commands and the status bar. Layers: client -> shared (types, the
// collector) and the core's runner conventions; the analysis itself happens in the server process.
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  State,
  TransportKind,
  WorkDoneProgress,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { COMMANDS, STATS_NOTIFICATION, type LockAnalysis, type StatsNotificationParams, type StatsSnapshot } from '@pg-preflight/shared';
import { VERIFY_LOCKS_COMMAND } from './commandIds';
import { newMigration, serverCommandMiddleware, type CommandUi, type NewMigrationArgs } from './commands';
import { DatabaseController, type ConnectArgs } from './database';
import { LockAnalysisPanel } from './lockPanel';
import { ConnectionStatusBar } from './statusBar';
import { forwardTrustGrants, initializationOptions } from './trust';

/** What activate() returns: used by the extension tests (and by other extensions that want the state). */
export interface PgPreflightApi {
  client: LanguageClient;
  database: DatabaseController;
  statusBar: ConnectionStatusBar;
  panel: LockAnalysisPanel;
  ui: CommandUi;
  /** Resolves once the server is running (tests wait on it). */
  ready: Promise<void>;
}

const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'sql' },
  { scheme: 'file', language: 'postgres' },
  { scheme: 'untitled', language: 'sql' },
  { scheme: 'untitled', language: 'postgres' },
];

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<PgPreflightApi> {
  const output = vscode.window.createOutputChannel('pg-preflight');
  const log = (line: string) => output.appendLine(`[client ${new Date().toISOString().slice(11, 19)}] ${line}`);
  context.subscriptions.push(output);

  const serverModule = context.asAbsolutePath('out/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };

  let panel!: LockAnalysisPanel;
  const ui: CommandUi = {
    get panel() {
      return panel;
    },
    log,
    async executeWithProgress(command, args, report) {
      const token = `pgPreflight.${command}.${Date.now()}.${Math.random().toString(36).slice(2)}`;
      const sub = lc.onProgress(WorkDoneProgress.type, token, (p) => {
        if (p.kind !== 'end') report(p.message, p.percentage);
      });
      try {
        return await lc.sendRequest(ExecuteCommandRequest.type, { command, arguments: args, workDoneToken: token });
      } finally {
        sub.dispose();
      }
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    // A function: a restarted server gets the trust state of that moment.
    initializationOptions: () => initializationOptions(vscode.workspace),
    middleware: { executeCommand: serverCommandMiddleware(ui) as never },
  };
  const lc = new LanguageClient('pgPreflight', 'pg-preflight', serverOptions, clientOptions);
  client = lc;

  const sendStats = async (snapshot: StatsSnapshot | null) => {
    if (lc.state !== State.Running) return; // sent again when the server (re)starts
    const params: StatsNotificationParams = { snapshot };
    await lc.sendNotification(STATS_NOTIFICATION, params);
    panel?.refresh();
  };
  const database = new DatabaseController(context, sendStats, log);
  panel = new LockAnalysisPanel(
    async (uri) =>
      (await lc.sendRequest('workspace/executeCommand', { command: COMMANDS.showLockAnalysis, arguments: [uri] })) as
        | LockAnalysis
        | undefined,
  );
  const statusBar = new ConnectionStatusBar(database.connection);
  context.subscriptions.push(database, panel, statusBar);
  context.subscriptions.push(
    forwardTrustGrants(vscode.workspace, (method, params) => {
      if (lc.state === State.Running) void lc.sendNotification(method, params);
    }),
  );

  context.subscriptions.push(
    lc.onDidChangeState((e) => {
      if (e.newState !== State.Running) return;
      const commands = lc.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
      void vscode.commands.executeCommand('setContext', 'pgPreflight.verifyLocksAvailable', commands.includes(VERIFY_LOCKS_COMMAND));
      // A (re)started server has no statistics yet: send what the connection has.
      const snap = database.connection.snapshot;
      if (snap) void lc.sendNotification(STATS_NOTIFICATION, { snapshot: snap } satisfies StatsNotificationParams);
    }),
    vscode.commands.registerCommand('pgPreflight.connect', (args?: ConnectArgs) => database.connectCommand(args)),
    vscode.commands.registerCommand('pgPreflight.disconnect', () => database.disconnectCommand()),
    vscode.commands.registerCommand('pgPreflight.refreshStatistics', () => database.refreshCommand()),
    vscode.commands.registerCommand('pgPreflight.exportStatistics', (target?: string) =>
      database.exportCommand(typeof target === 'string' ? target : undefined),
    ),
    vscode.commands.registerCommand('pgPreflight.statusMenu', () => database.statusMenu()),
    vscode.commands.registerCommand('pgPreflight.newMigration', (args?: NewMigrationArgs) => newMigration(args)),
    vscode.commands.registerCommand('pgPreflight.showServerLogs', () => output.show(true)),
    vscode.commands.registerCommand('pgPreflight.restartServer', async () => {
      await lc.restart();
    }),
  );

  const ready = Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'pg-preflight: starting the language server' }, () =>
      lc.start(),
    ),
  ).then(
    () => log(`language server started (${serverModule})`),
    (err) => {
      log(`the language server did not start: ${(err as Error)?.stack ?? err}`);
      void vscode.window
        .showErrorMessage(`pg-preflight: the language server did not start: ${(err as Error)?.message ?? err}`, 'Show Logs')
        .then((c) => {
          if (c) output.show(true);
        });
    },
  );
  // Wait for the server so that a command that activated the extension finds the server's commands registered.
  await ready;
  void database.autoConnect();
  return { client: lc, database, statusBar, panel, ui, ready };
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop().catch(() => undefined);
}
