// workspace/executeCommand: pgPreflight.insertSafetyHeader, pgPreflight.splitIntoSteps (the split engine
// in core/fixes, applied as one WorkspaceEdit of CreateFile + TextEdit), pgPreflight.showLockAnalysis
// (the lock analysis table as data), pgPreflight.verifyLocks (the dry run, verify.ts) and
// pgPreflight.applyFix (a fix that creates files, for clients that cannot: the server writes them). Each
// takes the document URI first; long work reports window/workDoneProgress.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS, type ApplyFixParams, type ApplyFixResult, type SplitResult } from '@pg-preflight/shared';
import {
  ErrorCodes,
  ResponseError,
  type CreateFile,
  type Diagnostic,
  type TextDocumentEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { planSplit, safetyHeaderFix } from '../core/fixes';
import { InputError } from '../project/errors';
import { writeNewFile } from '../project/fsutil';
import { currentFix, fixEdit, newFileTargets, type ActionEnv } from './actions';
import { fixToData, lockAnalysis, SOURCE, type DiagnosticData } from './convert';
import { verifyArgs, verifyLocks } from './verify';
import type { LintResult, Linter } from './linter';
import { fileToUri, uriToFile } from './workspace';

export interface Progress {
  report(message: string, percentage?: number): void;
  done(): void;
}

export interface CommandHost {
  linter: Linter;
  env: ActionEnv;
  /** workspace/applyEdit; resolves whether the client applied it. */
  applyEdit(label: string, edit: WorkspaceEdit): Promise<boolean>;
  progress(title: string, token: string | number | undefined): Promise<Progress>;
  info(message: string): void;
  /** Absolute paths of the workspace folders: the only places the server writes files. */
  workspaceFolders(): string[];
  /** The server created or removed these files: list their folders again and re-lint what depends on them. */
  filesChanged(files: string[]): void;
}

function uriArg(args: unknown[] | undefined): string {
  const a = args?.[0];
  if (typeof a === 'string') return a;
  if (a && typeof a === 'object' && typeof (a as { uri?: unknown }).uri === 'string') return (a as { uri: string }).uri;
  throw new ResponseError(ErrorCodes.InvalidParams, 'expected the document URI as the first argument');
}

async function resultOf(host: CommandHost, uri: string): Promise<LintResult> {
  const r = await host.linter.resultReady(uri);
  if (!r) throw new ResponseError(ErrorCodes.InvalidParams, `${uri} is not open in the editor`);
  return r;
}

export async function executeCommand(
  host: CommandHost,
  command: string,
  args: unknown[] | undefined,
  token?: string | number,
): Promise<unknown> {
  switch (command) {
    case COMMANDS.showLockAnalysis:
      return lockAnalysis(await resultOf(host, uriArg(args)));
    case COMMANDS.insertSafetyHeader:
      return insertSafetyHeader(host, uriArg(args));
    case COMMANDS.splitIntoSteps: {
      const opts = args?.[1] && typeof args[1] === 'object' ? (args[1] as { apply?: boolean }) : {};
      return splitIntoSteps(host, uriArg(args), opts.apply !== false, token);
    }
    case COMMANDS.verifyLocks:
      return verifyLocks(host, uriArg(args), verifyArgs(args?.[1]), token);
    case COMMANDS.applyFix:
      return applyFix(host, uriArg(args), applyFixArgs(args?.[1]));
    default:
      throw new ResponseError(ErrorCodes.InvalidRequest, `unknown command ${command}`);
  }
}

function isPosition(x: unknown): x is { line: number; character: number } {
  return (
    !!x &&
    typeof x === 'object' &&
    Number.isInteger((x as { line?: unknown }).line) &&
    Number.isInteger((x as { character?: unknown }).character)
  );
}

function applyFixArgs(a: unknown): ApplyFixParams {
  const p = a as Partial<ApplyFixParams> | undefined;
  const ok =
    !!p &&
    typeof p === 'object' &&
    Number.isInteger(p.version) &&
    typeof p.rule === 'string' &&
    (p.statementIndex === undefined || Number.isInteger(p.statementIndex)) &&
    !!p.range &&
    isPosition(p.range.start) &&
    isPosition(p.range.end);
  if (!ok)
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      "expected [uri, { version, rule, statementIndex?, range }] (the code action's arguments)",
    );
  return p as ApplyFixParams;
}

/** `file` is inside one of the folders (after resolving symbolic links of the part that exists). */
function insideFolders(file: string, folders: string[]): boolean {
  const real = (p: string): string => {
    let dir = p;
    const rest: string[] = [];
    for (;;) {
      try {
        return path.join(fs.realpathSync(dir), ...rest.reverse());
      } catch {
        const up = path.dirname(dir);
        if (up === dir) return p;
        rest.push(path.basename(dir));
        dir = up;
      }
    }
  };
  const f = real(file);
  return folders.some((root) => {
    const rel = path.relative(real(root), f);
    return !!rel && !rel.startsWith('..') && !path.isAbsolute(rel);
  });
}

/**
 * pgPreflight.applyFix: the finding's fix rendered again for the version the action was offered for, its
 * new files written by the server (exclusive create, inside a workspace folder), then the document's edit
 * through workspace/applyEdit. Nothing is left behind when any step fails: the files written are removed.
 */
async function applyFix(host: CommandHost, uri: string, args: ApplyFixParams): Promise<ApplyFixResult> {
  const refuse = (reason: string): ApplyFixResult => {
    host.info(`pg-preflight: ${reason}`);
    return { applied: false, created: [], reason };
  };
  const r = await resultOf(host, uri);
  if (r.version !== args.version)
    return refuse(
      `the document changed since the fix was offered (version ${args.version}, now ${r.version}); ask for the code actions again`,
    );
  if (!host.env.caps.applyEdit) return refuse('the client cannot apply edits (workspace.applyEdit)');
  const data: DiagnosticData = {
    rule: args.rule,
    version: args.version,
    ...(args.statementIndex !== undefined ? { statementIndex: args.statementIndex } : {}),
  };
  const d: Diagnostic = { range: args.range, message: '', source: SOURCE, code: args.rule, data };
  let fix = currentFix(d, data, r);
  if (!fix) return refuse('the finding is gone; nothing was changed');
  const file = uriToFile(uri);
  if (!file) return refuse('only files on disk can get new files beside them');
  let targets = newFileTargets(uri, fix, host.env);
  // A free name differs from the fix's own: render it again with the folder listed anew (the files' text may name them).
  if (targets && fix.newFiles?.some((nf, i) => path.resolve(path.dirname(file), nf.name) !== targets![i].abs) && host.env.refreshFix) {
    fix = host.env.refreshFix(uri, d, data) ?? fix;
    targets = newFileTargets(uri, fix, host.env);
  }
  if (!targets) return refuse('no free name for the new file; nothing was changed');
  const folders = host.workspaceFolders();
  if (!folders.length)
    return refuse(
      'no workspace folder is open (the client sent no workspaceFolders or rootUri), and new files are written only inside one; nothing was changed',
    );
  for (const t of targets) {
    if (!insideFolders(t.abs, folders))
      return refuse(`${path.basename(t.abs)} would be outside the workspace folders; nothing was changed`);
  }
  const written: string[] = [];
  const madeDirs: string[] = [];
  const undo = () => {
    for (const f of written.reverse()) fs.rmSync(f, { force: true });
    for (const dir of madeDirs.reverse()) {
      try {
        fs.rmdirSync(dir); // only when still empty
      } catch {
        // not empty, or gone
      }
    }
    if (written.length) host.filesChanged(written);
  };
  try {
    for (const t of targets) {
      const dir = path.dirname(t.abs);
      if (!fs.existsSync(dir)) madeDirs.push(dir);
      writeNewFile(t.abs, t.text, path.relative(path.dirname(file), t.abs));
      written.push(t.abs);
    }
  } catch (err) {
    undo();
    return refuse(
      err instanceof InputError ? `${err.message}; nothing was changed` : `cannot write the new file: ${(err as Error)?.message ?? err}`,
    );
  }
  host.filesChanged(written);
  const created = written.map(fileToUri);
  if (!fix.edits.length) return { applied: true, created };
  // Writing is synchronous: the version checked above is still the current one.
  const edit = fixEdit({ uri, version: r.version, text: r.text, lines: r.lines }, { edits: fix.edits }, host.env);
  const applied = edit ? await host.applyEdit(fix.title, edit) : false;
  if (!applied) {
    undo();
    return refuse('the editor did not apply the edit; the new files were removed again');
  }
  // Clients on this path open nothing themselves: say where the moved statements went.
  host.info(`pg-preflight: created ${written.map((f) => path.relative(path.dirname(file), f)).join(', ')}`);
  return { applied: true, created };
}

async function insertSafetyHeader(host: CommandHost, uri: string): Promise<{ applied: boolean; reason?: string }> {
  const r = await resultOf(host, uri);
  const fix = safetyHeaderFix(r.text, r.settings, undefined, undefined, 'any', r.context.path);
  if (!fix) {
    host.info('pg-preflight: the file already sets lock_timeout and statement_timeout.');
    return { applied: false, reason: 'the file already sets lock_timeout and statement_timeout' };
  }
  const edit = fixEdit({ uri, version: r.version, text: r.text, lines: r.lines }, fixToData(fix, r.lines), host.env);
  if (!edit) return { applied: false, reason: 'the client cannot apply this edit' };
  return { applied: await host.applyEdit(fix.title, edit) };
}

async function splitIntoSteps(
  host: CommandHost,
  uri: string,
  apply: boolean,
  token: string | number | undefined,
): Promise<SplitResult & { edit?: WorkspaceEdit }> {
  const r = await resultOf(host, uri);
  const file = uriToFile(uri);
  if (!file)
    return { applied: false, steps: [], warnings: [], reason: 'only files on disk can be split (the steps are new files beside it)' };
  if (r.tooLarge) return { applied: false, steps: [], warnings: [], reason: 'the file is too large for the editor integration' };
  if (!host.env.caps.documentChanges || !host.env.caps.createFiles)
    return {
      applied: false,
      steps: [],
      warnings: [],
      reason: 'the client cannot create files (workspace.workspaceEdit.resourceOperations: create)',
    };
  const progress = await host.progress('pg-preflight: splitting into zero-downtime steps', token);
  try {
    progress.report('planning the steps', 10);
    const ctx = r.context;
    const plan = planSplit(
      {
        text: r.text,
        path: ctx.path,
        settings: ctx.settings,
        stats: ctx.stats,
        priorFiles: ctx.priorFiles,
        siblingNames: ctx.siblingNames,
        isMigration: ctx.isMigration,
      },
      r.analysis,
    );
    const dir = path.dirname(file);
    const changes: (CreateFile | TextDocumentEdit)[] = [];
    const steps: SplitResult['steps'] = [];
    const taken = new Set<string>();
    let changesInput = false;
    const create = (name: string, text: string): string | undefined => {
      if (path.isAbsolute(name) || name.split('/').filter((p) => p === '..').length > 1)
        return `refusing an unexpected step file name ${name}`;
      const abs = path.resolve(dir, name);
      if (taken.has(abs) || host.env.exists(abs)) return `${path.relative(dir, abs) || name} already exists; nothing was changed`;
      taken.add(abs);
      const u = fileToUri(abs);
      changes.push({ kind: 'create', uri: u, options: { overwrite: false, ignoreIfExists: false } });
      changes.push({
        textDocument: { uri: u, version: null },
        edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: text }],
      });
      return undefined;
    };
    for (const step of plan.steps) {
      let stepUri: string;
      if (step.replacesInput) {
        stepUri = uri;
        if (step.sql !== r.text) {
          changesInput = true;
          changes.push({
            textDocument: { uri, version: r.version },
            edits: [{ range: r.lines.rangeOf({ start: 0, end: r.text.length }), newText: step.sql }],
          });
        }
      } else {
        const problem = create(step.name, step.sql);
        if (problem) return { applied: false, steps: [], warnings: plan.warnings, reason: problem };
        stepUri = fileToUri(path.resolve(dir, step.name));
      }
      for (const c of (step as { companionFiles?: { name: string; text: string }[] }).companionFiles ?? []) {
        const problem = create(c.name, c.text);
        if (problem) return { applied: false, steps: [], warnings: plan.warnings, reason: problem };
      }
      const s: SplitResult['steps'][number] = { uri: stepUri, phase: step.phase, locks: step.locks, reverse: step.reverse };
      if (step.deployNote) s.deployNote = step.deployNote;
      steps.push(s);
    }
    const newFiles = changes.filter((c) => 'kind' in c).length;
    if (!newFiles && !changesInput)
      return { applied: false, steps, warnings: plan.warnings, reason: 'nothing to split: no statement needs a zero-downtime rewrite' };
    // Creations first, then the input's rewrite (the client applies documentChanges in order).
    const edit: WorkspaceEdit = { documentChanges: changes };
    if (!apply) return { applied: false, steps, warnings: plan.warnings, edit };
    progress.report(`applying ${steps.length} steps`, 80);
    const applied = await host.applyEdit(`Split into ${steps.length} zero-downtime steps`, edit);
    return { applied, steps, warnings: plan.warnings };
  } finally {
    progress.done();
  }
}
