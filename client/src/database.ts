// The database side of the extension in VS Code terms: where the connection URL is kept (SecretStorage,
// never settings.json), when to connect on its own (trusted workspaces only), the Connect / Disconnect /
// Refresh / Export commands, and the one notification per failure. The policy itself is connection.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_EDITOR_SETTINGS, type StatsSnapshot } from '@pg-preflight/shared';
import { collectStats, describeConnection } from '@pg-preflight/shared/dist/collect';
import { envConnectionUrl, StatsConnection, type ConnectionSource } from './connection';
import { formatDelay, formatPgVersion, type ConnectionState } from './status';

export interface SavedConnection {
  url: string;
  name: string;
}

export interface ConnectArgs {
  url?: string;
  name?: string;
  /** Keep the URL in SecretStorage for the next session (default true). */
  save?: boolean;
}

const SECRET_PREFIX = 'pgPreflight.connection:';

/** One saved connection per workspace (the first folder), or one for windows without a folder. */
function secretKey(): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.toString() ?? 'no-folder';
  return `${SECRET_PREFIX}${folder}`;
}

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('pgPreflight');
}

function refreshMinutes(): number {
  const v = config().get<number>('statsRefreshMinutes', DEFAULT_EDITOR_SETTINGS.statsRefreshMinutes);
  return typeof v === 'number' && v >= 0 ? v : DEFAULT_EDITOR_SETTINGS.statsRefreshMinutes;
}

export class DatabaseController implements vscode.Disposable {
  readonly connection: StatsConnection;
  private readonly disposables: vscode.Disposable[] = [];
  /** Every failure notification shown (tests count them: one per episode). */
  readonly notifications: string[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly send: (snapshot: StatsSnapshot | null) => Promise<void>,
    private readonly log: (line: string) => void,
  ) {
    this.connection = new StatsConnection(
      {
        collect: (url) => collectStats(url, { connectTimeoutMs: 5000, statementTimeoutMs: 15000 }),
        send: (s) => this.send(s),
        notifyFailure: (state, userInitiated) => this.notifyFailure(state, userInitiated),
        log: (line) => this.log(line),
        now: () => Date.now(),
        setTimer: (fn, ms) => setTimeout(fn, ms),
        clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
      },
      refreshMinutes(),
    );
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('pgPreflight.statsRefreshMinutes')) this.connection.setRefreshMinutes(refreshMinutes());
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.autoConnect()),
    );
  }

  /** On start: the saved connection, else (when allowed) the environment's. Trusted workspaces only. */
  async autoConnect(): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      await this.connection.disconnect('untrusted workspace: only the Connect to Database command connects');
      return;
    }
    const saved = await this.saved();
    if (saved) {
      void this.connection.connect({ url: saved.url, name: saved.name, origin: 'saved' }, false);
      return;
    }
    if (config().get<boolean>('allowEnvDatabaseUrl', false)) {
      const env = envConnectionUrl(process.env);
      if (env) void this.connection.connect({ url: env.url, name: `${describeConnection(env.url)} (${env.from})`, origin: 'env' }, false);
    }
  }

  async saved(): Promise<SavedConnection | undefined> {
    try {
      const raw = await this.context.secrets.get(secretKey());
      if (!raw) return undefined;
      const v = JSON.parse(raw) as SavedConnection;
      return typeof v?.url === 'string' && typeof v?.name === 'string' ? v : undefined;
    } catch (err) {
      this.log(`could not read the saved connection from secret storage: ${(err as Error)?.message ?? err}`);
      return undefined;
    }
  }

  /** pgPreflight.connect: asks for a URL (or takes one from the arguments), keeps it in SecretStorage, reads statistics. */
  async connectCommand(args?: ConnectArgs): Promise<boolean> {
    let source: ConnectionSource | undefined;
    let save = args?.save !== false;
    if (args?.url) {
      source = { url: args.url.trim(), name: args.name?.trim() || describeConnection(args.url), origin: 'command' };
    } else {
      source = await this.askForSource();
      if (!source) return false;
      if (source.origin !== 'command') save = false;
    }
    if (!/^postgres(ql)?:\/\//i.test(source.url)) {
      void vscode.window.showErrorMessage('pg-preflight: the connection URL must start with postgresql:// (or postgres://).');
      return false;
    }
    if (save && source.origin === 'command') {
      try {
        await this.context.secrets.store(secretKey(), JSON.stringify({ url: source.url, name: source.name } satisfies SavedConnection));
      } catch (err) {
        this.log(`could not save the connection in secret storage (it is used for this session only): ${(err as Error)?.message ?? err}`);
      }
    }
    const s = source;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `pg-preflight: reading statistics from ${s.name}` },
      () => this.connection.connect(s, true),
    );
  }

  private async askForSource(): Promise<ConnectionSource | undefined> {
    type Pick = vscode.QuickPickItem & { source?: ConnectionSource; enter?: boolean };
    const items: Pick[] = [];
    const saved = await this.saved();
    if (saved) items.push({ label: `$(database) ${saved.name}`, description: 'saved connection', source: { ...saved, origin: 'saved' } });
    const env = envConnectionUrl(process.env);
    if (env && vscode.workspace.isTrusted)
      items.push({
        label: `$(terminal) ${describeConnection(env.url)}`,
        description: `from ${env.from}`,
        source: { url: env.url, name: `${describeConnection(env.url)} (${env.from})`, origin: 'env' },
      });
    if (items.length) {
      items.push({ label: '$(add) Enter a connection URL…', enter: true });
      const pick = await vscode.window.showQuickPick(items, {
        title: 'pg-preflight: Connect to Database',
        placeHolder: 'Read table statistics from (ideally a read replica or a production branch)',
      });
      if (!pick) return undefined;
      if (pick.source) return pick.source;
    }
    const url = await vscode.window.showInputBox({
      title: 'pg-preflight: Connect to Database (1/2)',
      prompt:
        'PostgreSQL connection URL. pg-preflight only reads catalog statistics, in a read-only transaction. The URL is kept in VS Code secret storage, never in settings.json.',
      placeHolder: 'postgresql://user:password@host:5432/database?sslmode=require',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) =>
        /^\s*postgres(ql)?:\/\/\S+\s*$/i.test(v) ? undefined : 'Expected postgresql://user:password@host:port/database',
    });
    if (!url) return undefined;
    const name = await vscode.window.showInputBox({
      title: 'pg-preflight: Connect to Database (2/2)',
      prompt: 'A name for the status bar, e.g. prod-replica',
      value: describeConnection(url.trim()),
      ignoreFocusOut: true,
    });
    if (name === undefined) return undefined;
    return { url: url.trim(), name: name.trim() || describeConnection(url.trim()), origin: 'command' };
  }

  async disconnectCommand(): Promise<void> {
    const hadSaved = (await this.saved()) !== undefined;
    try {
      await this.context.secrets.delete(secretKey());
    } catch {
      // nothing saved, or the store is unavailable
    }
    await this.connection.disconnect();
    if (hadSaved)
      void vscode.window.showInformationMessage('pg-preflight: disconnected; the saved connection URL was removed from secret storage.');
  }

  async refreshCommand(): Promise<boolean> {
    if (!this.connection.source) return this.offerConnect('pg-preflight: no database connected.');
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `pg-preflight: refreshing statistics from ${this.connection.source.name}` },
      () => this.connection.refresh(true),
    );
  }

  /** Export Statistics Snapshot…: a fresh read, written where `pg-preflight check --stats FILE` reads it. */
  async exportCommand(target?: string): Promise<string | undefined> {
    if (!this.connection.source) {
      await this.offerConnect('pg-preflight: connect to a database first; the snapshot is read from it.');
      if (!this.connection.source) return undefined;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    let file = target;
    if (!file) {
      const configured = config().get<string>('statsFile', '').trim();
      const def =
        configured && folder
          ? vscode.Uri.joinPath(folder, configured)
          : folder
            ? vscode.Uri.joinPath(folder, 'pg-preflight-stats.json')
            : undefined;
      const picked = await vscode.window.showSaveDialog({
        title: 'pg-preflight: Export Statistics Snapshot',
        defaultUri: def,
        filters: { 'Statistics snapshot': ['json'] },
        saveLabel: 'Export',
      });
      if (!picked) return undefined;
      file = picked.fsPath;
    }
    const source = this.connection.source as ConnectionSource;
    const ok = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `pg-preflight: reading statistics from ${source.name}…` },
      () => this.connection.refresh(true),
    );
    const snapshot = this.connection.snapshot;
    if (!ok || !snapshot) return undefined;
    const out = file as string;
    const tmp = `${out}.${process.pid}.tmp`;
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(tmp, JSON.stringify(snapshot, null, 2) + '\n');
    fs.renameSync(tmp, out);
    const shown = folder ? path.relative(folder.fsPath, out) || path.basename(out) : out;
    this.log(`exported statistics of ${snapshot.tables.length} tables to ${out}`);
    void vscode.window.showInformationMessage(
      `pg-preflight: wrote statistics of ${snapshot.tables.length} tables (PG ${formatPgVersion(snapshot.serverVersionNum)}) to ${shown}. In CI: pg-preflight check --stats ${shown}`,
    );
    return out;
  }

  async statusMenu(): Promise<void> {
    const state = this.connection.state;
    type Item = vscode.QuickPickItem & { run: () => unknown };
    const items: Item[] = [];
    if (this.connection.source) {
      items.push({ label: '$(refresh) Refresh Statistics', description: this.connection.source.name, run: () => this.refreshCommand() });
      items.push({ label: '$(debug-disconnect) Disconnect', run: () => this.disconnectCommand() });
      items.push({ label: '$(plug) Connect to a Different Database…', run: () => this.connectCommand() });
      items.push({ label: '$(save) Export Statistics Snapshot…', run: () => this.exportCommand() });
    } else {
      items.push({ label: '$(plug) Connect to Database…', run: () => this.connectCommand() });
    }
    items.push({ label: '$(output) Show Server Logs', run: () => vscode.commands.executeCommand('pgPreflight.showServerLogs') });
    const detail = state.kind === 'error' ? state.message : undefined;
    const pick = await vscode.window.showQuickPick(items, { title: 'pg-preflight: database connection', placeHolder: detail });
    await pick?.run();
  }

  private async offerConnect(message: string): Promise<boolean> {
    const choice = await vscode.window.showInformationMessage(message, 'Connect to Database…');
    if (choice) return this.connectCommand();
    return false;
  }

  private notifyFailure(state: Extract<ConnectionState, { kind: 'error' }>, userInitiated: boolean): void {
    const carryOn = state.lastGood ? 'Linting carries on with the statistics read earlier' : 'Linting carries on without table sizes';
    const retry = state.retryAt !== undefined ? `; retrying in ${formatDelay(state.retryAt - Date.now())}` : '';
    const text = `pg-preflight: ${state.message}. ${carryOn}${retry}.`;
    this.notifications.push(text);
    const buttons = state.retryAt !== undefined ? ['Retry Now', 'Show Logs'] : ['Connect…', 'Show Logs'];
    const show = userInitiated ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    void Promise.resolve(show(text, ...buttons)).then((choice) => {
      if (choice === 'Retry Now') void this.refreshCommand();
      else if (choice === 'Connect…') void this.connectCommand();
      else if (choice === 'Show Logs') void vscode.commands.executeCommand('pgPreflight.showServerLogs');
    });
  }

  dispose(): void {
    this.connection.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
