// workspace/executeCommand: pgPreflight.insertSafetyHeader, pgPreflight.splitIntoSteps (the split engine
// in core/fixes, applied as one WorkspaceEdit of CreateFile + TextEdit), pgPreflight.showLockAnalysis
// (the lock analysis table as data) and pgPreflight.verifyLocks (the dry run, verify.ts). Each takes the document URI first; long work reports
// window/workDoneProgress.
import * as path from 'node:path';
import { COMMANDS, type SplitResult } from '@pg-preflight/shared';
import { ErrorCodes, ResponseError, type CreateFile, type TextDocumentEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { planSplit, safetyHeaderFix } from '../core/fixes';
import { fixEdit, type ActionEnv } from './actions';
import { fixToData, lockAnalysis } from './convert';
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

export async function executeCommand(host: CommandHost, command: string, args: unknown[] | undefined, token?: string | number): Promise<unknown> {
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
    default:
      throw new ResponseError(ErrorCodes.InvalidRequest, `unknown command ${command}`);
  }
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

async function splitIntoSteps(host: CommandHost, uri: string, apply: boolean, token: string | number | undefined): Promise<SplitResult & { edit?: WorkspaceEdit }> {
  const r = await resultOf(host, uri);
  const file = uriToFile(uri);
  if (!file) return { applied: false, steps: [], warnings: [], reason: 'only files on disk can be split (the steps are new files beside it)' };
  if (r.tooLarge) return { applied: false, steps: [], warnings: [], reason: 'the file is too large for the editor integration' };
  if (!host.env.caps.documentChanges || !host.env.caps.createFiles) return { applied: false, steps: [], warnings: [], reason: 'the client cannot create files (workspace.workspaceEdit.resourceOperations: create)' };
  const progress = await host.progress('pg-preflight: splitting into zero-downtime steps', token);
  try {
    progress.report('planning the steps', 10);
    const ctx = r.context;
    const plan = planSplit(
      { text: r.text, path: ctx.path, settings: ctx.settings, stats: ctx.stats, priorFiles: ctx.priorFiles, siblingNames: ctx.siblingNames, isMigration: ctx.isMigration },
      r.analysis,
    );
    const dir = path.dirname(file);
    const changes: (CreateFile | TextDocumentEdit)[] = [];
    const steps: SplitResult['steps'] = [];
    const taken = new Set<string>();
    let changesInput = false;
    const create = (name: string, text: string): string | undefined => {
      if (path.isAbsolute(name) || name.split('/').filter((p) => p === '..').length > 1) return `refusing an unexpected step file name ${name}`;
      const abs = path.resolve(dir, name);
      if (taken.has(abs) || host.env.exists(abs)) return `${path.relative(dir, abs) || name} already exists; nothing was changed`;
      taken.add(abs);
      const u = fileToUri(abs);
      changes.push({ kind: 'create', uri: u, options: { overwrite: false, ignoreIfExists: false } });
      changes.push({ textDocument: { uri: u, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: text }] });
      return undefined;
    };
    for (const step of plan.steps) {
      let stepUri: string;
      if (step.replacesInput) {
        stepUri = uri;
        if (step.sql !== r.text) {
          changesInput = true;
          changes.push({ textDocument: { uri, version: r.version }, edits: [{ range: r.lines.rangeOf({ start: 0, end: r.text.length }), newText: step.sql }] });
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
    if (!newFiles && !changesInput) return { applied: false, steps, warnings: plan.warnings, reason: 'nothing to split: no statement needs a zero-downtime rewrite' };
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
