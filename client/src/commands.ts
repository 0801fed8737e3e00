// Commands that act on a migration file. The server's own commands (pgPreflight.insertSafetyHeader,
// .splitIntoSteps, .showLockAnalysis and .verifyLocks) are registered by
// the LanguageClient from the server's executeCommandProvider; serverCommandMiddleware fills in the active
// document when the palette calls them without arguments and shows their results (the created step files,
// the lock timeline). "New Migration…" is the client's own.
import * as vscode from 'vscode';
import {
  COMMANDS,
  DEFAULT_SETTINGS,
  type LockAnalysis,
  type RunnerId,
  type SplitResult,
  type VerifyLocksResult,
} from '@pg-preflight/shared';
import { SERVER_COMMANDS, VERIFY_LOCKS_COMMAND } from './commandIds';
import type { LockAnalysisPanel } from './lockPanel';
import { globFolder, planNewMigration, runnerForFolder } from './migrationName';

const SQL_LANGUAGES = new Set(['sql', 'postgres']);

type Next = (command: string, args: unknown[]) => unknown;

export interface CommandUi {
  panel: LockAnalysisPanel;
  log(line: string): void;
  /** Results of the last split (tests read them). */
  lastSplit?: SplitResult;
  /** Results of the last dry run (tests read them). */
  lastVerify?: VerifyLocksResult;
  /** Runs a server command with a work-done token and passes its progress on (the dry run's notification). */
  executeWithProgress?(
    command: string,
    args: unknown[],
    report: (message: string | undefined, percentage: number | undefined) => void,
  ): Promise<unknown>;
}

/** The document a command is for: its argument (a URI string, a vscode.Uri, or {uri}), else the active SQL editor. */
function targetUri(args: unknown[] | undefined): string | undefined {
  const a = args?.[0];
  if (typeof a === 'string') return a;
  if (a instanceof vscode.Uri) return a.toString();
  if (a && typeof a === 'object' && 'uri' in a) {
    const u = (a as { uri: unknown }).uri;
    if (typeof u === 'string') return u;
    if (u instanceof vscode.Uri) return u.toString();
  }
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && SQL_LANGUAGES.has(doc.languageId)) return doc.uri.toString();
  return undefined;
}

export function serverCommandMiddleware(ui: CommandUi) {
  return async (command: string, args: unknown[], next: Next): Promise<unknown> => {
    if (!SERVER_COMMANDS.has(command)) return next(command, args);
    const uri = targetUri(args);
    if (!uri) {
      void vscode.window.showWarningMessage('pg-preflight: open a SQL migration file first.');
      return undefined;
    }
    const rest = args?.length ? args.slice(1) : [];
    // The server answers for open documents only: make sure this one is (the context menu can name a closed file).
    if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri))
      await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
    switch (command) {
      case COMMANDS.splitIntoSteps: {
        const result = (await next(command, [uri, ...rest])) as (SplitResult & { edit?: unknown }) | undefined;
        ui.lastSplit = result;
        await showSplit(result, ui);
        return result;
      }
      case COMMANDS.showLockAnalysis: {
        const result = (await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: 'pg-preflight: lock analysis' },
          async () => next(command, [uri, ...rest]),
        )) as LockAnalysis | undefined;
        if (result && typeof result === 'object' && Array.isArray(result.rows)) ui.panel.show(vscode.Uri.parse(uri), result);
        return result;
      }
      case VERIFY_LOCKS_COMMAND: {
        if (!vscode.workspace.isTrusted) {
          void vscode.window.showWarningMessage(
            'pg-preflight: Verify Locks runs the migration on a database engine; trust this workspace first.',
          );
          return undefined;
        }
        // A notification that shows the server's progress messages (starting the engine, replaying, statement n of m).
        const result = (await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'pg-preflight: verifying locks (dry run, rolled back)' },
          async (progress) => {
            let shown = 0;
            const report = (message: string | undefined, percentage: number | undefined) => {
              const increment = percentage !== undefined && percentage > shown ? percentage - shown : undefined;
              if (increment) shown = percentage as number;
              progress.report({ message, increment });
            };
            return ui.executeWithProgress ? ui.executeWithProgress(command, [uri, ...rest], report) : next(command, [uri, ...rest]);
          },
        )) as VerifyLocksResult | undefined;
        ui.lastVerify = result;
        ui.log(`verifyLocks ${uri}: ${summarize(result)}`);
        if (result && typeof result.summary === 'string') {
          const bad = !result.traced || !!result.failed || !!result.replayFailure || !!result.disagreements;
          if (bad) void vscode.window.showWarningMessage(result.summary);
          else void vscode.window.showInformationMessage(result.summary);
        }
        return result;
      }
      default:
        return next(command, [uri, ...rest]);
    }
  };
}

function summarize(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s.length > 400 ? `${s.slice(0, 400)}…` : s;
  } catch {
    return String(v);
  }
}

async function showSplit(result: (SplitResult & { edit?: unknown }) | undefined, ui: CommandUi): Promise<void> {
  if (!result) return;
  for (const w of result.warnings ?? []) ui.log(`split: ${w}`);
  if (!result.applied) {
    if (result.reason) void vscode.window.showInformationMessage(`pg-preflight: ${result.reason}`);
    return;
  }
  const uris = result.steps.map((s) => vscode.Uri.parse(s.uri));
  // Open every step so the user sees what was created (the first one is the rewritten input file).
  for (const [i, u] of uris.entries()) {
    await vscode.window.showTextDocument(u, { preview: false, preserveFocus: i !== uris.length - 1 });
  }
  const names = uris.map((u) => vscode.workspace.asRelativePath(u, false).split('/').pop()).join(', ');
  ui.log(`split into ${uris.length} steps: ${result.steps.map((s) => `${s.uri} (${s.phase})`).join('; ')}`);
  void vscode.window.showInformationMessage(
    `pg-preflight: split into ${uris.length} zero-downtime steps: ${names}. Review and save them; deploy them in order.${result.warnings?.length ? ` ${result.warnings.length} warning(s) in the server log.` : ''}`,
  );
}

// ---------------------------------------------------------------------------------------------------
// New Migration…

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function listNames(dir: vscode.Uri): Promise<string[]> {
  try {
    const entries = await vscode.workspace.fs.readDirectory(dir);
    const out: string[] = [];
    for (const [name, type] of entries) {
      if (type === vscode.FileType.Directory && /^\d{14}_/.test(name)) out.push(`${name}/migration.sql`, name);
      else if (type === vscode.FileType.File) out.push(name);
    }
    return out;
  } catch {
    return [];
  }
}

const RUNNER_TITLES: Record<string, string> = {
  'supabase/migrations': 'Supabase',
  'prisma/migrations': 'Prisma',
  'db/migrations': 'dbmate / plain',
  migrations: 'golang-migrate, node-pg-migrate, plain, …',
  'src/main/resources/db/migration': 'Flyway',
  drizzle: 'Drizzle Kit',
};

export interface NewMigrationArgs {
  folder?: string;
  description?: string;
  runner?: RunnerId;
}

/** pgPreflight.newMigration: picks the migration folder, asks for a description, creates the file(s) named for the runner. */
export async function newMigration(args?: NewMigrationArgs): Promise<vscode.Uri | undefined> {
  const ws =
    vscode.workspace.workspaceFolders?.length === 1
      ? vscode.workspace.workspaceFolders[0]
      : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder for the new migration' });
  if (!ws) {
    if (!vscode.workspace.workspaceFolders?.length) void vscode.window.showWarningMessage('pg-preflight: open a folder first.');
    return undefined;
  }
  const cfg = vscode.workspace.getConfiguration('pgPreflight', ws.uri);
  const globs = cfg.get<string[]>('migrationGlobs', DEFAULT_SETTINGS.migrationGlobs);
  const candidates = [...new Set(globs.map(globFolder).filter(Boolean))];
  let folder = args?.folder;
  if (!folder) {
    const present: string[] = [];
    for (const c of candidates) if (await exists(vscode.Uri.joinPath(ws.uri, c))) present.push(c);
    if (present.length === 1) folder = present[0];
    else {
      const list = present.length ? present : candidates;
      const pick = await vscode.window.showQuickPick(
        list.map((c) => ({
          label: c,
          description: RUNNER_TITLES[c] ?? '',
          detail: present.length ? undefined : 'does not exist yet: it will be created',
        })),
        { title: 'pg-preflight: New Migration', placeHolder: 'Migration folder' },
      );
      folder = pick?.label;
    }
  }
  if (!folder) return undefined;
  const dir = vscode.Uri.joinPath(ws.uri, folder);
  const existing = await listNames(dir);
  let sample = '';
  const firstSql = existing.find((n) => n.endsWith('.sql'));
  if (firstSql) {
    try {
      sample = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, firstSql))).slice(0, 4000);
    } catch {
      // unreadable: detection falls back to the folder name
    }
  }
  const configured = cfg.get<string>('runner', 'auto');
  const runner =
    args?.runner ?? (configured && configured !== 'auto' ? (configured as RunnerId) : runnerForFolder(folder, existing, sample));
  const description =
    args?.description ??
    (await vscode.window.showInputBox({
      title: `pg-preflight: New Migration (${runner})`,
      prompt: 'What does the migration do?',
      placeHolder: 'add orders status index',
      validateInput: (v) => (v.trim() ? undefined : 'A few words for the file name'),
    }));
  if (!description) return undefined;
  const plan = planNewMigration({
    runner,
    existing,
    description,
    now: new Date(),
    lockTimeout: cfg.get<string>('lockTimeout', DEFAULT_SETTINGS.lockTimeout),
    statementTimeout: cfg.get<string>('statementTimeout', DEFAULT_SETTINGS.statementTimeout),
  });
  for (const f of plan.files) {
    const target = vscode.Uri.joinPath(dir, ...f.path.split('/'));
    if (await exists(target)) {
      if (f.path === plan.primary && plan.files.length === 1 && runner === 'graphile-migrate') continue;
      void vscode.window.showErrorMessage(`pg-preflight: ${folder}/${f.path} already exists; nothing was created.`);
      return undefined;
    }
  }
  for (const f of plan.files) {
    const target = vscode.Uri.joinPath(dir, ...f.path.split('/'));
    if (await exists(target)) continue;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(f.text));
  }
  const primary = vscode.Uri.joinPath(dir, ...plan.primary.split('/'));
  const editor = await vscode.window.showTextDocument(primary, { preview: false });
  const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
  editor.selection = new vscode.Selection(end, end);
  if (plan.note) void vscode.window.showInformationMessage(`pg-preflight: created ${folder}/${plan.primary}. ${plan.note}`);
  return primary;
}
