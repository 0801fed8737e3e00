// The connection's status bar item: text from status.ts, re-rendered on every state change and every 30 s
// (the "stats 3 min old" age). Clicking opens pgPreflight.statusMenu (Connect / Refresh / Disconnect / ...).
import * as vscode from 'vscode';
import type { StatsConnection } from './connection';
import { statusView, type StatusView } from './status';

export class ConnectionStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly timer: NodeJS.Timeout;
  private readonly sub: { dispose(): void };
  private view: StatusView;

  constructor(private readonly connection: StatsConnection) {
    this.item = vscode.window.createStatusBarItem('pgPreflight.connection', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'pg-preflight database connection';
    this.item.command = 'pgPreflight.statusMenu';
    this.view = statusView(connection.state, Date.now());
    this.sub = connection.onDidChange(() => this.render());
    this.timer = setInterval(() => this.render(), 30_000);
    this.render();
    this.item.show();
  }

  /** What the item shows now (tests read it: the status bar has no API to read items). */
  get text(): string {
    return this.view.text;
  }
  get tooltip(): string {
    return this.view.tooltip;
  }

  render(): void {
    this.view = statusView(this.connection.state, Date.now());
    this.item.text = this.view.text;
    this.item.tooltip = this.view.tooltip;
    this.item.backgroundColor = this.view.tone === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.accessibilityInformation = { label: this.view.text.replace(/\$\([^)]*\)\s*/g, ''), role: 'button' };
  }

  dispose(): void {
    clearInterval(this.timer);
    this.sub.dispose();
    this.item.dispose();
  }
}
