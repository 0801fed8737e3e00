// The Lock Analysis webview: shows lockView.ts's timeline for one document and follows it (edits, saves,
// new statistics) until closed. Clicking a row reveals the statement in the editor.
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LockAnalysis } from '@pg-preflight/shared';
import { renderLockTimeline } from './lockView';

export class LockAnalysisPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private uri: vscode.Uri | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** The last HTML set (tests read it). */
  html = '';
  last: LockAnalysis | undefined;

  constructor(private readonly fetch: (uri: string) => Promise<LockAnalysis | undefined>) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.panel && this.uri && e.document.uri.toString() === this.uri.toString()) this.schedule(400);
      }),
    );
  }

  /** Shows (or updates) the panel for a document's analysis. */
  show(uri: vscode.Uri, analysis: LockAnalysis): void {
    this.uri = uri;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        'pgPreflight.lockAnalysis',
        'Lock Analysis',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        {
          enableScripts: true,
          localResourceRoots: [],
          retainContextWhenHidden: false,
        },
      );
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.uri = undefined;
      });
      this.panel.webview.onDidReceiveMessage((m: { type?: string; line?: number; character?: number }) => {
        if (m?.type !== 'reveal' || !this.uri || typeof m.line !== 'number') return;
        const pos = new vscode.Position(m.line, m.character ?? 0);
        void vscode.window.showTextDocument(this.uri, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(pos, pos) });
      });
    } else this.panel.reveal(undefined, true);
    this.render(analysis);
  }

  /** Re-fetches after the connection delivered new statistics. */
  refresh(): void {
    if (this.panel) this.schedule(50);
  }

  private render(analysis: LockAnalysis): void {
    if (!this.panel || !this.uri) return;
    this.last = analysis;
    const fileName = vscode.workspace.asRelativePath(this.uri, false) || path.basename(this.uri.fsPath);
    this.panel.title = `Lock Analysis: ${path.basename(this.uri.fsPath)}`;
    this.html = renderLockTimeline(analysis, {
      nonce: crypto.randomBytes(16).toString('base64'),
      cspSource: this.panel.webview.cspSource,
      fileName,
    });
    this.panel.webview.html = this.html;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const uri = this.uri;
      if (!uri) return;
      void this.fetch(uri.toString()).then(
        (a) => {
          if (a && this.uri?.toString() === uri.toString()) this.render(a);
        },
        () => undefined,
      );
    }, ms);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
