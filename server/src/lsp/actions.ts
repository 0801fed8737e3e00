// Code actions: each finding's fix (Violation.fix, rendered now from the current analysis: Diagnostic.data
// says which finding), "suppress for this statement", and source.fixAll.pgPreflight. Suppressions are
// computed from the request alone (the diagnostic's data and the document text); fixes and fix-all read
// the current analysis. Multi-file fixes
// become CreateFile + insert edits for files beside the document, which never overwrite: an existing
// name is replaced by the next free one. A client that cannot create files gets such a fix as the
// pgPreflight.applyFix command instead (commands.ts writes the files). Actions with the same edit (the
// header offered by two findings, say) are one action listing all their diagnostics.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS, FIX_ALL_KIND, type ApplyFixParams } from '@pg-preflight/shared';
import {
  CodeAction,
  CodeActionKind,
  type CodeActionParams,
  type CreateFile,
  type Diagnostic,
  type Position,
  type TextDocumentEdit,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { RULE_CRASH, SYNTAX_ERROR_RULE } from '../core/analyze';
import { FILE_TOO_LARGE, IGNORE_MISSING_REASON, UNUSED_IGNORE } from '../core/rules/core-findings';
import { flywayName, migrationVersion, nextMigrationName } from '../core/migrations/naming';
import type { LineIndex } from '../core/syntax/text';
import { fixToData, SOURCE, visibleViolations, type DiagnosticData, type FixData } from './convert';
import type { LintResult } from './linter';
import { fileToUri, uriToFile } from './workspace';

export interface EditCapabilities {
  /** workspace.workspaceEdit.documentChanges */
  documentChanges: boolean;
  /** workspace.workspaceEdit.resourceOperations includes 'create' */
  createFiles: boolean;
  /** workspace.applyEdit: the server can send edits (the commands need it). */
  applyEdit: boolean;
}

/** The client applies CreateFile itself (it needs documentChanges for that, as well as 'create'). */
export function clientCreatesFiles(caps: EditCapabilities): boolean {
  return caps.documentChanges && caps.createFiles;
}

export interface ActionEnv {
  caps: EditCapabilities;
  /** A file exists on disk or is open in the editor. */
  exists(file: string): boolean;
  /**
   * The finding's fix recomputed now, with the folder listed again (undefined when the document moved on
   * or the finding is gone). Used when a file the fix would create is taken: files created since the
   * lint (by the previous fix, say) change the names, and the new files' text may mention its name.
   */
  refreshFix?(uri: string, d: Diagnostic, data: DiagnosticData): FixData | undefined;
}

/** A document as an edit needs it: its URI, the version the edit is for, and its text. */
export interface EditTarget {
  uri: string;
  version: number;
  text: string;
  lines: LineIndex;
}

const NO_SUPPRESS = new Set([SYNTAX_ERROR_RULE, RULE_CRASH, IGNORE_MISSING_REASON, UNUSED_IGNORE, FILE_TOO_LARGE]);

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Two edits (as offset spans) conflict: they overlap, or one inserts at or inside the other (order undefined). */
function conflicts(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  const lo = Math.max(a.start, b.start);
  const hi = Math.min(a.end, b.end);
  if (lo < hi) return true;
  return (a.start === a.end || b.start === b.end) && lo <= hi;
}

/** "<version>|<direction>" of a migration file or Prisma migration folder name; undefined without a version. */
function versionKey(name: string): string | undefined {
  const v = migrationVersion(name);
  if (v === undefined) return undefined;
  const dir = /\.down\.sql$/i.test(name) ? 'down' : /\.up\.sql$/i.test(name) ? 'up' : /^U\d/.test(name) ? 'undo' : 'do';
  return `${v}|${dir}`;
}

/** The version keys of the migrations in a folder (files, and Prisma's <version>_name/ folders). */
function folderVersions(dir: string): Set<string> {
  const out = new Set<string>();
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const k = versionKey(e.isDirectory() ? `${e.name}/migration.sql` : e.name);
    if (k) out.add(k);
  }
  return out;
}

/** The name whose version counts: the folder for <folder>/migration.sql, else the file name. */
function versionedName(abs: string): { dir: string; name: string } {
  const base = path.basename(abs);
  if (base === 'migration.sql') return { dir: path.dirname(path.dirname(abs)), name: `${path.basename(path.dirname(abs))}/migration.sql` };
  return { dir: path.dirname(abs), name: base };
}

/**
 * A name for a new file that is free: the fix's own name when neither it nor its version is taken (by a
 * file on disk, an open document, or another file of the same edit), else the next version of it. The
 * version check matters because the fix was computed when the folder was listed: a file created since
 * (by the previous fix, say) may hold the version already.
 */
export function freeFileName(dir: string, name: string, taken: Set<string>, exists: (file: string) => boolean): string | undefined {
  const listed = new Map<string, Set<string>>();
  const free = (n: string) => {
    const abs = path.resolve(dir, n);
    if (taken.has(abs) || exists(abs)) return false;
    const v = versionedName(abs);
    const key = versionKey(v.name);
    if (!key) return true;
    if (!listed.has(v.dir)) listed.set(v.dir, folderVersions(v.dir));
    if (listed.get(v.dir)!.has(key)) return false;
    for (const t of taken) {
      const tv = versionedName(t);
      if (tv.dir === v.dir && versionKey(tv.name) === key) return false;
    }
    return true;
  };
  if (free(name)) return name;
  const slash = name.lastIndexOf('/');
  const prefix = slash >= 0 ? name.slice(0, slash + 1) : '';
  const base = name.slice(slash + 1);
  for (let attempt = 1; attempt <= 200; attempt++) {
    let candidate: string;
    if (base === 'migration.sql' && prefix) {
      // Prisma: ../<folder>/migration.sql -> the next folder version.
      const parts = prefix.split('/').filter(Boolean);
      const folder = parts.pop() ?? 'migration';
      const next = bumped(`${folder}.sql`, attempt).replace(/\.sql$/, '');
      candidate = `${parts.length ? `${parts.join('/')}/` : ''}${next}/migration.sql`;
    } else candidate = `${prefix}${bumped(base, attempt)}`;
    if (free(candidate)) return candidate;
  }
  return undefined;
}

function bumped(base: string, attempt: number): string {
  const flyway = flywayName(base);
  if (flyway?.rawVersion !== undefined) return nextMigrationName(base, flyway.description || 'migration', attempt);
  const counted = /^\d+[_.-]?(.*?)(\.(?:up|down)\.sql|\.sql)$/.exec(base);
  if (counted)
    return nextMigrationName(base, counted[1] || 'migration', attempt)
      .replace(/\.sql$/, counted[2] === '.down.sql' ? '.down.sql' : '.sql')
      .replace(/\.down\.down\.sql$/, '.down.sql');
  const dot = base.toLowerCase().endsWith('.sql') ? base.length - 4 : base.length;
  return `${base.slice(0, dot)}_${attempt + 1}${base.slice(dot)}`;
}

/** Every file the fix creates can have the name (and version) it proposes. */
function namesFree(uri: string, fix: FixData, env: ActionEnv): boolean {
  const file = uriToFile(uri);
  if (!file) return true;
  const dir = path.dirname(file);
  const taken = new Set<string>();
  for (const nf of fix.newFiles ?? []) {
    if (freeFileName(dir, nf.name, taken, env.exists) !== nf.name) return false;
    taken.add(path.resolve(dir, nf.name));
  }
  return true;
}

/**
 * The files a fix creates, with free names beside the document (undefined when the document is not a
 * file or a name is unexpected: absolute, or leaving the folder by more than Prisma's one level up).
 */
export function newFileTargets(
  uri: string,
  fix: Pick<FixData, 'newFiles'>,
  env: ActionEnv,
  taken = new Set<string>(),
): { abs: string; text: string }[] | undefined {
  const file = uriToFile(uri);
  if (!file) return undefined;
  const dir = path.dirname(file);
  const out: { abs: string; text: string }[] = [];
  for (const nf of fix.newFiles ?? []) {
    if (!nf.name || path.isAbsolute(nf.name) || nf.name.split('/').filter((p) => p === '..').length > 1) return undefined;
    const name = freeFileName(dir, nf.name, taken, env.exists);
    if (!name) return undefined;
    const abs = path.resolve(dir, name);
    taken.add(abs);
    out.push({ abs, text: nf.text });
  }
  return out;
}

/** A fix (already in LSP ranges) as a WorkspaceEdit on the target document; undefined when the client cannot apply it. */
export function fixEdit(
  target: EditTarget,
  fix: Pick<FixData, 'edits' | 'newFiles'>,
  env: ActionEnv,
  taken = new Set<string>(),
): WorkspaceEdit | undefined {
  const creates: (CreateFile | TextDocumentEdit)[] = [];
  if (fix.newFiles?.length) {
    if (!clientCreatesFiles(env.caps)) return undefined;
    const files = newFileTargets(target.uri, fix, env, taken);
    if (!files) return undefined;
    for (const f of files) {
      const uri = fileToUri(f.abs);
      creates.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } });
      creates.push({
        textDocument: { uri, version: null },
        edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: f.text }],
      });
    }
  }
  const edits: TextEdit[] = fix.edits.map((e) => ({ range: e.range, newText: e.newText }));
  if (!env.caps.documentChanges) return { changes: { [target.uri]: edits } };
  const own: TextDocumentEdit = { textDocument: { uri: target.uri, version: target.version }, edits };
  return { documentChanges: [...creates, ...(edits.length ? [own] : [])] };
}

/** "-- pg-preflight-ignore <rule>: " right above the statement, indented like it; the reason goes after the colon. */
export function suppressEdit(target: EditTarget, rule: string, statementStart: Position | undefined): TextEdit {
  const eol = eolOf(target.text);
  if (!statementStart) {
    // A finding of the whole file: a file-level directive at the top.
    return {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      newText: `-- pg-preflight-ignore-file ${rule}: ${eol}`,
    };
  }
  const lineText = target.lines.lineText(statementStart.line);
  const before = lineText.slice(0, statementStart.character);
  if (before.trim() === '') {
    const at = { line: statementStart.line, character: 0 };
    return { range: { start: at, end: at }, newText: `${before}-- pg-preflight-ignore ${rule}: ${eol}` };
  }
  // Another statement shares the line: break the line so the directive sits right above this one.
  const indent = /^\s*/.exec(lineText)?.[0] ?? '';
  return {
    range: { start: statementStart, end: statementStart },
    newText: `${eol}${indent}-- pg-preflight-ignore ${rule}: ${eol}${indent}`,
  };
}

function isData(x: unknown): x is DiagnosticData {
  return (
    !!x && typeof x === 'object' && typeof (x as DiagnosticData).rule === 'string' && typeof (x as DiagnosticData).version === 'number'
  );
}

function wants(only: string[] | undefined, kind: string): boolean {
  if (!only || only.length === 0) return true;
  return only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

/** An action and what makes it the same as another: the kind and the edit it makes. */
interface KeyedAction {
  key: string;
  action: CodeAction;
}

/**
 * Every code action for the request: per-diagnostic fixes and suppressions, and fix-all. Actions that
 * make the same edit are merged into the first: one action whose diagnostics lists every finding it fixes.
 */
export function codeActions(params: CodeActionParams, target: EditTarget, current: LintResult | undefined, env: ActionEnv): CodeAction[] {
  const out: CodeAction[] = [];
  const only = params.context.only;
  if (wants(only, CodeActionKind.QuickFix)) {
    const byKey = new Map<string, CodeAction>();
    for (const d of params.context.diagnostics) {
      if (d.source !== SOURCE || !isData(d.data)) continue;
      for (const { key, action } of diagnosticActions(d, d.data, target, current, env)) {
        const same = byKey.get(key);
        if (!same) {
          byKey.set(key, action);
          out.push(action);
          continue;
        }
        for (const x of action.diagnostics ?? []) if (!same.diagnostics?.includes(x)) (same.diagnostics ??= []).push(x);
        if (action.isPreferred) same.isPreferred = true;
      }
    }
  }
  // Fix-all is a source action: offered when asked for source actions (the editor's "Fix all" / on save).
  if (only?.length && (wants(only, FIX_ALL_KIND) || only.includes(CodeActionKind.SourceFixAll)) && current) {
    const all = fixAll(current, env);
    if (all) out.push(all);
  }
  return out;
}

function diagnosticActions(
  d: Diagnostic,
  data: DiagnosticData,
  target: EditTarget,
  current: LintResult | undefined,
  env: ActionEnv,
): KeyedAction[] {
  const out: KeyedAction[] = [];
  // The diagnostic's ranges belong to data.version: an edit for an older version is sent as such, and the
  // client refuses it instead of editing the wrong place.
  const at: EditTarget = { ...target, version: data.version };
  const found = currentFix(d, data, current);
  if (found) {
    let fix = found;
    // The key is the fix as the rules made it (before free names are chosen): the same fix of two findings.
    const key = `${CodeActionKind.QuickFix}|${data.version}|${JSON.stringify([found.edits, found.newFiles ?? []])}`;
    if (fix.newFiles?.length && !clientCreatesFiles(env.caps)) {
      // The client cannot create files: the server does, when the user picks the action.
      if (env.caps.applyEdit && uriToFile(target.uri)) {
        const args: ApplyFixParams = { version: data.version, rule: data.rule, range: d.range };
        if (data.statementIndex !== undefined) args.statementIndex = data.statementIndex;
        const a = CodeAction.create(
          fix.title,
          { title: fix.title, command: COMMANDS.applyFix, arguments: [target.uri, args] },
          CodeActionKind.QuickFix,
        );
        a.diagnostics = [d];
        if (fix.preferred) a.isPreferred = true;
        out.push({ key, action: a });
      }
    } else {
      if (fix.newFiles?.length && env.refreshFix && !namesFree(target.uri, fix, env)) fix = env.refreshFix(target.uri, d, data) ?? fix;
      const edit = fixEdit(at, fix, env);
      if (edit) {
        const a = CodeAction.create(fix.title, edit, CodeActionKind.QuickFix);
        a.diagnostics = [d];
        if (fix.preferred) a.isPreferred = true;
        out.push({ key, action: a });
      }
    }
  }
  // The finding's second fix (the lock-retry block beside the safety header): edits in this file only.
  const alternative = currentFix(d, data, current, 'alternativeFix');
  const altEdit = alternative && !alternative.newFiles?.length ? fixEdit(at, alternative, env) : undefined;
  if (alternative && altEdit) {
    const a = CodeAction.create(alternative.title, altEdit, CodeActionKind.QuickFix);
    a.diagnostics = [d];
    out.push({ key: `${CodeActionKind.QuickFix}|${data.version}|${JSON.stringify([alternative.edits, []])}`, action: a });
  }
  if (!NO_SUPPRESS.has(data.rule)) {
    const edit = suppressEdit(target, data.rule, data.statementStart);
    const scope = data.statementStart ? 'this statement' : 'this file';
    const we = fixEdit(at, { edits: [edit] }, env) as WorkspaceEdit;
    const a = CodeAction.create(`Suppress ${data.rule} for ${scope} (type the reason after the colon)`, we, CodeActionKind.QuickFix);
    a.diagnostics = [d];
    out.push({ key: `suppress|${JSON.stringify(we)}`, action: a });
  }
  return out;
}

/**
 * The fix of the finding behind a diagnostic, rendered now from the analysis of the same version (none for
 * a diagnostic of an older version: its finding may be gone, and the client would refuse the edit anyway).
 */
export function currentFix(
  d: Diagnostic,
  data: DiagnosticData,
  current: LintResult | undefined,
  which: 'fix' | 'alternativeFix' = 'fix',
): FixData | undefined {
  if (!current || current.version !== data.version) return undefined;
  const v = visibleViolations(current.analysis).find((x) => {
    if (x.rule !== data.rule || x.statementIndex !== data.statementIndex) return false;
    const r = current.lines.rangeOf(x.span);
    return (
      r.start.line === d.range.start.line &&
      r.start.character === d.range.start.character &&
      r.end.line === d.range.end.line &&
      r.end.character === d.range.end.character
    );
  });
  const fix = v?.[which];
  return fix ? fixToData(fix, current.lines) : undefined;
}

/**
 * source.fixAll.pgPreflight: every preferred fix of the current analysis whose edits do not overlap an
 * already chosen one (identical fixes offered by two findings count once), in file order.
 */
export function fixAll(r: LintResult, env: ActionEnv): CodeAction | undefined {
  const chosen: FixData[] = [];
  const seen = new Set<string>();
  const spans: { start: number; end: number }[] = [];
  const names = new Set<string>();
  const candidates = visibleViolations(r.analysis)
    .filter((v) => v.fix?.preferred)
    .map((v) => fixToData(v.fix!, r.lines));
  for (const f of candidates) {
    const key = JSON.stringify([f.edits, f.newFiles]);
    if (seen.has(key)) continue;
    seen.add(key);
    if (f.newFiles?.length && !clientCreatesFiles(env.caps)) continue;
    const own = f.edits.map((e) => r.lines.spanOf(e.range));
    if (own.some((e) => spans.some((x) => conflicts(e, x)))) continue;
    if (f.newFiles?.some((n) => names.has(n.name))) continue;
    chosen.push(f);
    spans.push(...own);
    for (const n of f.newFiles ?? []) names.add(n.name);
  }
  if (!chosen.length) return undefined;
  const target: EditTarget = { uri: r.uri, version: r.version, text: r.text, lines: r.lines };
  const taken = new Set<string>();
  const edit = fixEdit(target, { edits: chosen.flatMap((f) => f.edits), newFiles: chosen.flatMap((f) => f.newFiles ?? []) }, env, taken);
  if (!edit) return undefined;
  const a = CodeAction.create(`Fix all pg-preflight findings with a preferred fix (${chosen.length})`, edit, FIX_ALL_KIND);
  return a;
}
