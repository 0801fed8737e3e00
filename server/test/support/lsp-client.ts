// A small LSP client for tests and the LSP benchmark: drives the real pg-preflight server either
// in-process over a pair of streams or as a child process over stdio, answers the server's requests
// (workspace/configuration, workspace/applyEdit, client/registerCapability, window/workDoneProgress/create)
// and lets callers wait for events (published diagnostics of a version, a notification) instead of sleeping.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type CodeAction,
  type CodeActionParams,
  type CodeLens,
  type Diagnostic,
  type Hover,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
  type TextDocumentEdit,
  type TextEdit,
  type WorkspaceEdit,
  type CreateFile,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

export const FULL_CAPABILITIES: ClientCapabilities = {
  workspace: {
    applyEdit: true,
    configuration: true,
    workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
    didChangeWatchedFiles: { dynamicRegistration: true },
    didChangeConfiguration: { dynamicRegistration: true },
    workspaceFolders: true,
  },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: true },
    publishDiagnostics: { versionSupport: true, relatedInformation: true, codeDescriptionSupport: true, dataSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    codeAction: {
      dataSupport: true,
      isPreferredSupport: true,
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
    },
    codeLens: {},
  },
  window: { workDoneProgress: true },
};

export interface ClientOptions {
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
  /** Answers workspace/configuration: the pgPreflight section per item. */
  configuration?: (item: { scopeUri?: string; section?: string }) => unknown;
  workspaceFolders?: { uri: string; name: string }[];
  /** workspace/applyEdit: apply (true, default) or refuse. */
  acceptEdits?: boolean;
}

interface Waiter {
  uri: string;
  test: (p: PublishDiagnosticsParams) => boolean;
  resolve: (p: PublishDiagnosticsParams) => void;
}

export class LspClient {
  readonly published = new Map<string, PublishDiagnosticsParams>();
  /** Every publishDiagnostics in arrival order. */
  readonly log: PublishDiagnosticsParams[] = [];
  readonly appliedEdits: WorkspaceEdit[] = [];
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly progress: unknown[] = [];
  readonly serverLog: string[] = [];
  readonly registrations: unknown[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly docs = new Map<string, TextDocument>();
  private readonly noteWaiters: { method: string; resolve: (p: unknown) => void }[] = [];
  /** Files the client "created" through CreateFile edits: uri -> text. */
  readonly createdFiles = new Map<string, string>();
  initializeResult?: InitializeResult;
  private readonly errors: Error[] = [];

  constructor(
    readonly connection: ProtocolConnection,
    private readonly options: ClientOptions = {},
  ) {
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.set(p.uri, p);
      this.log.push(p);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i];
        if (w.uri === p.uri && w.test(p)) {
          this.waiters.splice(i, 1);
          w.resolve(p);
        }
      }
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => this.serverLog.push(p.message));
    connection.onNotification('window/showMessage', (p: { message: string }) => this.serverLog.push(`show: ${p.message}`));
    connection.onNotification('$/progress', (p: unknown) => this.progress.push(p));
    (connection as unknown as { onNotification(h: (method: string, params: unknown) => void): void }).onNotification(
      (method: string, params: unknown) => {
        this.notifications.push({ method, params });
        for (let i = this.noteWaiters.length - 1; i >= 0; i--) {
          if (this.noteWaiters[i].method === method) {
            this.noteWaiters[i].resolve(params);
            this.noteWaiters.splice(i, 1);
          }
        }
      },
    );
    connection.onRequest('workspace/configuration', (p: { items: { scopeUri?: string; section?: string }[] }) =>
      p.items.map((i) => (this.options.configuration ? this.options.configuration(i) : null)),
    );
    connection.onRequest('client/registerCapability', (p: unknown) => {
      this.registrations.push(p);
      return null;
    });
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('workspace/diagnostic/refresh', () => null);
    connection.onRequest('window/showMessageRequest', () => null);
    connection.onRequest('workspace/applyEdit', (p: { edit: WorkspaceEdit }) => {
      this.appliedEdits.push(p.edit);
      if (this.options.acceptEdits === false) return { applied: false, failureReason: 'refused by the test' };
      this.applyWorkspaceEdit(p.edit);
      return { applied: true };
    });
    connection.onError(([err]) => this.errors.push(err));
    connection.listen();
  }

  /** Starts the server in-process over two PassThrough streams. */
  static async inProcess(options: ClientOptions = {}): Promise<LspClient> {
    const { createServerConnection, startServer } = await import('../../src/lsp/server');
    const up = new PassThrough();
    const down = new PassThrough();
    const serverConn = createServerConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
    startServer(serverConn);
    const conn = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
    const client = new LspClient(conn, options);
    client.dispose = () => {
      conn.dispose();
      serverConn.dispose();
      up.destroy();
      down.destroy();
    };
    return client;
  }

  /** Starts `node <bin> lsp --stdio` as a child process. */
  static spawnStdio(bin: string, options: ClientOptions = {}, cwd?: string): LspClient {
    // PG_PREFLIGHT_LSP_NODE_ARGS: extra node flags for the server process (e.g. --cpu-prof when profiling the bench).
    const nodeArgs = (process.env.PG_PREFLIGHT_LSP_NODE_ARGS ?? '').split(' ').filter(Boolean);
    return LspClient.spawnServer(process.execPath, [...nodeArgs, bin, 'lsp', '--stdio'], options, cwd);
  }

  /** Any language server over stdio (`squawk server`, for the benchmark's side-by-side rows). */
  static spawnServer(command: string, args: string[], options: ClientOptions = {}, cwd?: string): LspClient {
    const child: ChildProcess = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd });
    const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(conn, options);
    client.child = child;
    child.stderr!.on('data', (d: Buffer) => client.serverLog.push(`stderr: ${d}`));
    client.dispose = () => {
      conn.dispose();
      if (child.exitCode === null) child.kill();
    };
    return client;
  }

  child?: ChildProcess;
  dispose: () => void = () => undefined;

  async initialize(rootUri?: string): Promise<InitializeResult> {
    const result = (await this.connection.sendRequest('initialize', {
      processId: null,
      rootUri: rootUri ?? null,
      capabilities: this.options.capabilities ?? FULL_CAPABILITIES,
      initializationOptions: this.options.initializationOptions,
      workspaceFolders: this.options.workspaceFolders ?? (rootUri ? [{ uri: rootUri, name: 'root' }] : null),
    })) as InitializeResult;
    await this.connection.sendNotification('initialized', {});
    this.initializeResult = result;
    return result;
  }

  async shutdown(): Promise<void> {
    await this.connection.sendRequest('shutdown');
  }

  text(uri: string): string {
    const d = this.docs.get(uri);
    if (d) return d.getText();
    const created = this.createdFiles.get(uri);
    if (created !== undefined) return created;
    throw new Error(`no document ${uri}`);
  }

  version(uri: string): number {
    return this.docs.get(uri)?.version ?? -1;
  }

  async open(uri: string, text: string, languageId = 'sql'): Promise<void> {
    const doc = TextDocument.create(uri, languageId, 1, text);
    this.docs.set(uri, doc);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Sends changes (incremental when ranges are given) and returns the new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const doc = this.docs.get(uri);
    if (!doc) throw new Error(`not open: ${uri}`);
    const version = doc.version + 1;
    const next = TextDocument.update(doc, changes, version);
    this.docs.set(uri, next);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  /** Appends text at the end, as typing does. */
  async append(uri: string, s: string): Promise<number> {
    const doc = this.docs.get(uri)!;
    const end = doc.positionAt(doc.getText().length);
    return this.change(uri, [{ range: { start: end, end }, text: s }]);
  }

  async replaceAll(uri: string, text: string): Promise<number> {
    return this.change(uri, [{ text }]);
  }

  async close(uri: string): Promise<void> {
    this.docs.delete(uri);
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Resolves with the first publishDiagnostics for uri (already received or future) that passes the test. */
  waitFor(
    uri: string,
    test: (p: PublishDiagnosticsParams) => boolean = () => true,
    options: { includePast?: boolean } = {},
  ): Promise<PublishDiagnosticsParams> {
    const last = this.published.get(uri);
    if (options.includePast !== false && last && test(last)) return Promise.resolve(last);
    return new Promise((resolve) => this.waiters.push({ uri, test, resolve }));
  }

  /** Diagnostics published for exactly this version of the document (the current one by default). */
  async diagnostics(uri: string, version = this.version(uri)): Promise<Diagnostic[]> {
    const p = await this.waitFor(uri, (x) => x.version === version);
    return p.diagnostics;
  }

  /** Waits for a server notification with this method. */
  nextNotification(method: string): Promise<unknown> {
    return new Promise((resolve) => this.noteWaiters.push({ method, resolve }));
  }

  hover(uri: string, line: number, character: number): Promise<Hover | null> {
    return this.connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line, character },
    }) as Promise<Hover | null>;
  }

  codeLens(uri: string): Promise<CodeLens[]> {
    return this.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } }) as Promise<CodeLens[]>;
  }

  codeActions(uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const params: CodeActionParams = { textDocument: { uri }, range, context: { diagnostics, ...(only ? { only } : {}) } };
    return this.connection.sendRequest('textDocument/codeAction', params) as Promise<CodeAction[]>;
  }

  executeCommand(command: string, args: unknown[]): Promise<unknown> {
    return this.connection.sendRequest('workspace/executeCommand', { command, arguments: args });
  }

  pull(uri: string, previousResultId?: string): Promise<{ kind: string; resultId?: string; items?: Diagnostic[] }> {
    return this.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri }, previousResultId }) as Promise<{
      kind: string;
      resultId?: string;
      items?: Diagnostic[];
    }>;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  /**
   * Applies a WorkspaceEdit the way an editor does: edits to open documents go out as didChange (so the
   * server re-lints); files it creates are written to disk (CreateFile over an existing file is an error:
   * the server promises overwrite: false) and announced with workspace/didChangeWatchedFiles. Created
   * files are also kept in createdFiles. Returns the URIs it changed.
   */
  applyWorkspaceEdit(edit: WorkspaceEdit): string[] {
    const touched: string[] = [];
    const created: string[] = [];
    const apply = (uri: string, edits: TextEdit[]) => {
      touched.push(uri);
      const doc = this.docs.get(uri);
      if (doc) {
        const text = applyTextEdits(doc.getText(), edits, doc);
        void this.replaceAll(uri, text);
      } else {
        const base =
          this.createdFiles.get(uri) ??
          (uri.startsWith('file:') && fs.existsSync(new URL(uri)) ? fs.readFileSync(new URL(uri), 'utf8') : '');
        const text = applyTextEdits(base, edits, TextDocument.create(uri, 'sql', 0, base));
        this.createdFiles.set(uri, text);
        if (uri.startsWith('file:')) fs.writeFileSync(new URL(uri), text);
      }
    };
    if (edit.documentChanges) {
      for (const c of edit.documentChanges) {
        if ('kind' in c) {
          if (c.kind === 'create') {
            const cf = c as CreateFile;
            const onDisk = cf.uri.startsWith('file:') && fs.existsSync(new URL(cf.uri));
            if (this.createdFiles.has(cf.uri) || this.docs.has(cf.uri) || onDisk)
              throw new Error(`CreateFile over an existing file ${cf.uri}`);
            this.createdFiles.set(cf.uri, '');
            if (cf.uri.startsWith('file:')) {
              fs.mkdirSync(path.dirname(fileURLToPath(cf.uri)), { recursive: true });
              fs.writeFileSync(new URL(cf.uri), '');
            }
            created.push(cf.uri);
          }
          continue;
        }
        const tde = c as TextDocumentEdit;
        apply(tde.textDocument.uri, tde.edits as TextEdit[]);
      }
    } else if (edit.changes) {
      for (const [uri, edits] of Object.entries(edit.changes)) apply(uri, edits);
    }
    if (created.length) void this.notify('workspace/didChangeWatchedFiles', { changes: created.map((uri) => ({ uri, type: 1 })) });
    return touched;
  }

  /** Deletes the files created by applied edits (disk and createdFiles) and tells the server. */
  async removeCreatedFiles(): Promise<void> {
    const uris = [...this.createdFiles.keys()];
    this.createdFiles.clear();
    for (const uri of uris) if (uri.startsWith('file:')) fs.rmSync(new URL(uri), { force: true });
    if (uris.length) await this.notify('workspace/didChangeWatchedFiles', { changes: uris.map((uri) => ({ uri, type: 3 })) });
  }

  assertNoErrors(): void {
    if (this.errors.length) throw this.errors[0];
  }
}

/** Applies LSP text edits to a text (positions resolved against `doc`), last edit first. */
export function applyTextEdits(text: string, edits: TextEdit[], doc: TextDocument): string {
  const spans = edits.map((e, i) => ({ start: doc.offsetAt(e.range.start), end: doc.offsetAt(e.range.end), text: e.newText, i }));
  spans.sort((a, b) => b.start - a.start || b.i - a.i);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}
