// Open documents and their analyses: when to lint, which version a result belongs to, and what gets
// published. Rules of the road:
//   - Each didChange schedules a lint on the next turn of the event loop (setImmediate). Changes that
//     arrive before it runs are coalesced: only the newest version is analysed. No timers on the
//     keystroke path, so the latency is the analysis itself.
//   - A result carries the version it was computed for; nothing older than what was last published is
//     ever published, and a result whose document changed or closed meanwhile is dropped.
//   - Results are cached per (version, workspace generation): hover, lenses, actions and pull requests
//     for the current version reuse the lint's analysis, and compute it on the spot when it is missing.
//   - When a migration changes, the open migrations that run after it in the same folder are re-linted
//     (after a short delay, so typing in one file does not re-lint every later file per keystroke).
//   - Once the first analysis is done, a JIT warm-up types a built-in migration into a private document
//     in the pauses (no edit or lint for WARM_UP_IDLE_MS, warm-up.ts), so that the first minute of typing
//     is not run by V8's interpreter.
//   - Large documents (workerMinChars) and documents whose last analysis was slow (SLOW_MS) are analysed
//     in a worker thread (remote.ts), bounded by a time budget, so they never block requests on other
//     documents; small ones stay on this thread (no round trip on the keystroke path). Requests on a
//     document whose analysis is in the worker wait for it (resultReady); its fixes are rendered in the
//     worker when a code action or hover needs them (renderFixes).
import { DEFAULT_SETTINGS } from '@pg-preflight/shared';
import type { Diagnostic } from 'vscode-languageserver';
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, RULE_CRASH } from '../core/analyze';
import { ANALYSIS_TIMEOUT, FILE_TOO_LARGE } from '../core/rules/core-findings';
import { AnalysisMemo } from '../core/memo';
import { LineIndex } from '../core/syntax/text';
import type { Analysis, Violation } from '../core/types';
import { mayDropOrRename } from '../project/context';
import { toDiagnostics, SOURCE, type AnalysedDocument, type ConvertOptions } from './convert';
import { RemoteAnalyzer, type RemoteInput, type RemoteOutcome } from './remote';
import { WARM_UP_IDLE_MS, WarmUp } from './warm-up';
import type { DocumentContext, Workspace } from './workspace';
import { uriToFile } from './workspace';

export const DEFAULT_MAX_FILE_CHARS = 2_000_000;
/** Delay before re-linting the migrations that run after a changed one. */
export const DEPENDENT_DELAY_MS = 150;
/** Documents of at least this many characters are analysed in the worker (a warm analysis of 50,000 characters takes ~30 ms). */
export const DEFAULT_WORKER_MIN_CHARS = 50_000;
/** A document whose last analysis took this long goes to the worker next time, whatever its size. */
export const SLOW_MS = 100;
/** A worker analysis running longer than this is stopped and the file reported not analysed. */
export const DEFAULT_ANALYSIS_BUDGET_MS = 20_000;

export interface LintResult extends AnalysedDocument {
  generation: number;
  diagnostics: Diagnostic[];
  context: DocumentContext;
  /** Milliseconds the analysis took (for the internal stats request). */
  millis: number;
  tooLarge?: boolean;
  /** Analysed in the worker: which analysis it holds there, and the violations whose fix is still there. */
  remote?: { job: number; lazy: Set<number> };
}

export interface LinterHost {
  workspace: Workspace;
  /** Resolves once the parser is loaded and the first settings are in. */
  ready: Promise<void>;
  maxFileChars: number;
  /** Defaults: DEFAULT_WORKER_MIN_CHARS, DEFAULT_ANALYSIS_BUDGET_MS. */
  workerMinChars?: number;
  /** false: no JIT warm-up after the first analysis (warm-up.ts). Default true. */
  warmUp?: boolean;
  analysisBudgetMs?: number;
  /** Push diagnostics (publishDiagnostics) or let the client pull them. */
  push: boolean;
  publish(uri: string, version: number, diagnostics: Diagnostic[]): void;
  /** Ask a pull client to pull again (workspace/diagnostic/refresh), throttled by the host. */
  refreshPull(): void;
  convertOptions(ctx: DocumentContext): ConvertOptions;
  log(message: string): void;
  /** Shown to the user once per distinct message. */
  warnOnce(message: string): void;
  linted?(result: LintResult): void;
}

interface DocState {
  uri: string;
  file?: string;
  doc: TextDocument;
  editedAt: number;
  result?: LintResult;
  publishedVersion: number;
  queued: boolean;
  timer?: NodeJS.Timeout;
  memo: AnalysisMemo;
  /** Text of the last analysed version, to tell whether dependents need a re-lint. */
  lastText?: string;
  /** A dry run's diagnostics: shown with the lint's while the document stays at the traced version. */
  trace?: { version: number; stamp: number; diagnostics: Diagnostic[] };
  /** Aborted by the next edit or by closing: a dry run of an older text is stale. */
  edits: AbortController;
  /** Milliseconds the last analysis took (here or in the worker): a slow document goes to the worker. */
  lastMillis: number;
  /** The worker analysis under way for this document. */
  inflight?: { version: number; generation: number; done: Promise<void> };
}

interface Prepared {
  base: Omit<LintResult, 'analysis' | 'diagnostics' | 'millis'>;
  started: number;
  /** Set when there is nothing to analyse (the file is over the size limit). */
  result?: LintResult;
}

export interface LinterStats {
  lints: number;
  /** Analysis times of the last (up to) 2000 lints, in ms. */
  recentMillis: number[];
  maxMillis: number;
}

export class Linter {
  private readonly docs = new Map<string, DocState>();
  private readonly byFile = new Map<string, DocState>();
  private readonly loggedCrashes = new Set<string>();
  private readonly pendingApp = new Set<string>();
  private traceStamp = 0;
  /** performance.now() of the last edit, open or finished lint (the warm-up waits for a quiet moment). */
  private lastActivity = 0;
  readonly stats: LinterStats = { lints: 0, recentMillis: [], maxMillis: 0 };
  readonly remote: RemoteAnalyzer;
  readonly warmUp: WarmUp;

  constructor(private readonly host: LinterHost) {
    this.remote = new RemoteAnalyzer(
      () => this.budgetMs(),
      (m) => host.log(m),
      () => host.warmUp !== false,
    );
    this.warmUp = new WarmUp({ busy: () => this.busy() });
  }

  /**
   * A document waits for its lint on this thread, or one was edited or linted a moment ago: the user is
   * typing (the warm-up's first slice costs ~15 ms, and no slice should sit in front of a keystroke).
   */
  private busy(): boolean {
    if (performance.now() - this.lastActivity < WARM_UP_IDLE_MS) return true;
    for (const s of this.docs.values()) if (s.queued) return true;
    return false;
  }

  private budgetMs(): number {
    return this.host.analysisBudgetMs ?? DEFAULT_ANALYSIS_BUDGET_MS;
  }

  /** Stops the worker and the warm-up (server shutdown). */
  shutdown(): void {
    this.warmUp.stop();
    this.remote.dispose();
  }

  /** The open document of a file path, for the workspace overlay. */
  openFile(file: string): { text: string; editedAt: number } | undefined {
    const s = this.byFile.get(file);
    return s ? { text: s.doc.getText(), editedAt: s.editedAt } : undefined;
  }

  isOpen(uri: string): boolean {
    return this.docs.has(uri);
  }

  openUris(): string[] {
    return [...this.docs.keys()];
  }

  document(uri: string): TextDocument | undefined {
    return this.docs.get(uri)?.doc;
  }

  opened(doc: TextDocument): void {
    this.lastActivity = performance.now();
    const prev = this.docs.get(doc.uri);
    if (prev) this.dispose(prev);
    const s: DocState = {
      uri: doc.uri,
      file: uriToFile(doc.uri),
      doc,
      editedAt: Date.now(),
      publishedVersion: -Infinity,
      queued: false,
      memo: new AnalysisMemo(),
      edits: new AbortController(),
      lastMillis: 0,
    };
    this.docs.set(doc.uri, s);
    if (s.file) this.byFile.set(s.file, s);
    this.schedule(doc.uri);
    this.scheduleDependents(s);
  }

  changed(doc: TextDocument): void {
    const s = this.docs.get(doc.uri);
    if (!s) return this.opened(doc);
    this.lastActivity = performance.now();
    s.doc = doc;
    s.editedAt = Date.now();
    if (s.trace && s.trace.version !== doc.version) s.trace = undefined;
    s.edits.abort();
    s.edits = new AbortController();
    this.schedule(doc.uri);
  }

  closed(uri: string): void {
    const s = this.docs.get(uri);
    if (!s) return;
    this.dispose(s);
    this.remote.forget(uri);
    this.docs.delete(uri);
    if (s.file && this.byFile.get(s.file) === s) this.byFile.delete(s.file);
    if (this.host.push) this.host.publish(uri, s.doc.version, []);
    // The disk text (maybe older than the closed editor's) is the context of later files again.
    this.scheduleDependents(s);
  }

  private dispose(s: DocState): void {
    if (s.timer) clearTimeout(s.timer);
    s.timer = undefined;
    s.edits.abort();
  }

  /** Aborts when the document is edited or closed (a dry run of the current text becomes stale). */
  editSignal(uri: string): AbortSignal | undefined {
    return this.docs.get(uri)?.edits.signal;
  }

  /**
   * Shows a dry run's diagnostics with the lint's, as long as the document stays at `version` (the next
   * edit clears them). False when the document changed or closed meanwhile: nothing is shown.
   */
  setTraceDiagnostics(uri: string, version: number, diagnostics: Diagnostic[]): boolean {
    const s = this.docs.get(uri);
    if (!s || s.doc.version !== version) return false;
    s.trace = { version, stamp: ++this.traceStamp, diagnostics };
    if (this.host.push) {
      const r = this.ensure(s);
      if (r) this.publishShown(s, r);
    } else this.host.refreshPull();
    return true;
  }

  /** What the client is shown for a document: the lint's diagnostics and, for the traced version, the dry run's. */
  async diagnosticsFor(uri: string): Promise<{ resultId: string; items: Diagnostic[] } | undefined> {
    const s = this.docs.get(uri);
    const r = s && (await this.ensureAsync(s));
    if (!s || !r) return undefined;
    const trace = s.trace?.version === r.version ? s.trace : undefined;
    return { resultId: `${r.version}:${r.generation}:${trace?.stamp ?? 0}`, items: this.shown(s, r) };
  }

  private shown(s: DocState, r: LintResult): Diagnostic[] {
    return s.trace?.version === r.version ? [...r.diagnostics, ...s.trace.diagnostics] : r.diagnostics;
  }

  /** Re-lint every open document (stats, settings or files changed). */
  relintAll(): void {
    for (const uri of this.docs.keys()) this.schedule(uri);
    if (!this.host.push) this.host.refreshPull();
  }

  schedule(uri: string, delayMs = 0): void {
    const s = this.docs.get(uri);
    if (!s) return;
    if (delayMs > 0) {
      if (s.timer || s.queued) return;
      s.timer = setTimeout(() => {
        s.timer = undefined;
        this.schedule(uri);
      }, delayMs);
      return;
    }
    if (s.timer) {
      clearTimeout(s.timer);
      s.timer = undefined;
    }
    if (s.queued) return;
    s.queued = true;
    setImmediate(() => {
      this.run(s).catch((err) => this.host.log(`pg-preflight: lint of ${uri} failed: ${(err as Error)?.stack ?? err}`));
    });
  }

  private async run(s: DocState): Promise<void> {
    await this.host.ready;
    s.queued = false;
    if (this.docs.get(s.uri) !== s) return; // closed (or reopened) meanwhile
    const r = this.ensure(s);
    if (r && this.host.push) this.publishShown(s, r);
  }

  /** Pushes what the client is shown, unless something newer was published already. */
  private publishShown(s: DocState, r: LintResult): void {
    if (r.version < s.publishedVersion) return;
    s.publishedVersion = r.version;
    this.host.publish(s.uri, r.version, this.shown(s, r));
  }

  /**
   * The result for the document's current version, computed now when missing. Undefined when closed or
   * not ready, or while the worker analyses the document (resultReady waits for it).
   */
  resultFor(uri: string): LintResult | undefined {
    const s = this.docs.get(uri);
    return s ? this.ensure(s) : undefined;
  }

  /** The result for the document's current version, waiting for the worker when it analyses the document. */
  async resultReady(uri: string): Promise<LintResult | undefined> {
    const s = this.docs.get(uri);
    return s ? this.ensureAsync(s) : undefined;
  }

  /**
   * Brings the fixes of the chosen violations of a worker's analysis into `r` (rendered there on request;
   * a fix the worker no longer has, because it was restarted, stays absent). A no-op for other results.
   */
  async renderFixes(r: LintResult, which: (v: Violation) => boolean): Promise<void> {
    const lazy = r.remote?.lazy;
    if (!lazy?.size) return;
    const indices = [...lazy].filter((i) => which(r.analysis.violations[i]));
    if (!indices.length) return;
    const fixes = await this.remote.fixes(r.uri, r.remote!.job, indices);
    indices.forEach((i, k) => {
      lazy.delete(i);
      const f = fixes?.[k];
      if (f) r.analysis.violations[i].fix = f;
    });
  }

  private ensure(s: DocState): LintResult | undefined {
    const version = s.doc.version;
    const gen = this.host.workspace.generation;
    if (s.result && s.result.version === version && s.result.generation === gen) return s.result;
    if (s.inflight && s.inflight.version === version && s.inflight.generation === gen) return undefined;
    const prep = this.prepare(s);
    if (prep.result) return this.accept(s, prep.result);
    if (this.offThread(s, prep.base.text)) {
      this.startRemote(s, prep);
      return undefined;
    }
    return this.accept(s, this.lintHere(s, prep));
  }

  private async ensureAsync(s: DocState): Promise<LintResult | undefined> {
    const wanted = s.doc.version;
    for (;;) {
      const r = this.ensure(s);
      if (r) return r;
      const flight = s.inflight;
      if (!flight || this.docs.get(s.uri) !== s) return undefined;
      await flight.done;
      if (this.docs.get(s.uri) !== s) return undefined;
      // An answer for the version asked about or a newer one (the document may have moved on meanwhile).
      if (s.result && s.result.version >= wanted && s.result.version === s.doc.version) return s.result;
    }
  }

  private accept(s: DocState, r: LintResult): LintResult {
    s.result = r;
    if (r.context.folder && s.lastText !== undefined && s.lastText !== r.text) this.scheduleDependents(s);
    s.lastText = r.text;
    this.host.linted?.(r);
    return r;
  }

  private offThread(s: DocState, text: string): boolean {
    if (!this.remote.available) return false;
    return text.length >= (this.host.workerMinChars ?? DEFAULT_WORKER_MIN_CHARS) || s.lastMillis >= SLOW_MS;
  }

  /**
   * Sends the document to the worker. The outcome is taken only while the document is still at the same
   * version and workspace generation (otherwise a newer lint is scheduled already) and then published.
   */
  private startRemote(s: DocState, prep: Prepared): void {
    const { version, generation, context, text } = prep.base;
    const input = this.inputOf(context, text);
    const flight: NonNullable<DocState['inflight']> = { version, generation, done: Promise.resolve() };
    flight.done = this.remote.analyze(s.uri, input).then(
      (o) => this.remoteDone(s, prep, flight, o),
      (err) => this.host.log(`pg-preflight: worker analysis of ${s.uri} failed: ${(err as Error)?.stack ?? err}`),
    );
    s.inflight = flight;
  }

  private remoteDone(s: DocState, prep: Prepared, flight: NonNullable<DocState['inflight']>, o: RemoteOutcome): void {
    if (s.inflight === flight) s.inflight = undefined;
    if (o.kind === 'superseded' || this.docs.get(s.uri) !== s) return;
    if (o.kind === 'done' || o.kind === 'timeout') s.lastMillis = o.millis;
    if (s.doc.version !== flight.version || this.host.workspace.generation !== flight.generation) return; // stale
    let r: LintResult;
    if (o.kind === 'done') r = this.finish(s, prep, o.analysis, { job: o.job, lazy: new Set(o.lazy) });
    else if (o.kind === 'timeout') {
      const d: Diagnostic = {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: DiagnosticSeverity.Information,
        source: SOURCE,
        code: ANALYSIS_TIMEOUT,
        message: `pg-preflight: not analysed: the analysis took longer than ${(this.budgetMs() / 1000).toFixed(1)} s, the limit of the editor integration (run 'pg-preflight check' on it instead)`,
      };
      r = this.record({ ...prep.base, analysis: emptyAnalysis(), diagnostics: [d], millis: o.millis });
    } else {
      this.host.log(`pg-preflight: worker analysis of ${s.uri} failed: ${o.error}`);
      r = this.finish(s, prep, emptyAnalysis());
    }
    this.accept(s, r);
    if (this.host.push) this.publishShown(s, r);
    else this.host.refreshPull();
  }

  private scheduleDependents(s: DocState): void {
    if (!s.file) return;
    let any = false;
    for (const o of this.docs.values()) {
      if (o === s || !o.file) continue;
      if (this.host.workspace.runsAfter(s.file, o.file)) {
        any = true;
        o.result = undefined; // its schema context changed: the cached analysis is stale
        this.schedule(o.uri, DEPENDENT_DELAY_MS);
      }
    }
    if (any && !this.host.push) this.host.refreshPull();
  }

  private prepare(s: DocState): Prepared {
    const text = s.doc.getText();
    const version = s.doc.version;
    const generation = this.host.workspace.generation;
    const started = performance.now();
    let context: DocumentContext;
    try {
      context = this.host.workspace.context(s.uri);
    } catch (err) {
      this.host.log(`pg-preflight: reading the context of ${s.uri} failed: ${(err as Error)?.stack ?? err}`);
      context = {
        root: '',
        path: s.uri,
        settings: DEFAULT_SETTINGS,
        settingsProblems: [],
        statsSource: 'none',
        pgVersionSource: 'default',
        isMigration: false,
        priorFiles: [],
        siblingNames: [],
      };
    }
    for (const p of context.settingsProblems) this.host.warnOnce(p);
    const lines = new LineIndex(text);
    const base = {
      uri: s.uri,
      version,
      text,
      lines,
      settings: context.settings,
      stats: context.stats,
      statsSource: context.statsSource,
      pgVersionSource: context.pgVersionSource,
      isMigration: context.isMigration,
      generation,
      context,
    };

    if (text.length > this.host.maxFileChars) {
      const analysis = emptyAnalysis();
      const mb = (text.length / 1_000_000).toFixed(1);
      const d: Diagnostic = {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: DiagnosticSeverity.Information,
        source: SOURCE,
        code: FILE_TOO_LARGE,
        message: `pg-preflight: not analysed: the file has ${mb} million characters, over the ${(this.host.maxFileChars / 1_000_000).toFixed(1)} million limit of the editor integration (run 'pg-preflight check' on it instead)`,
      };
      return {
        base,
        started,
        result: this.record({ ...base, analysis, diagnostics: [d], millis: performance.now() - started, tooLarge: true }),
      };
    }
    return { base, started };
  }

  /** analyze()'s input for a document, the same on this thread and in the worker. */
  private inputOf(context: DocumentContext, text: string): RemoteInput {
    return {
      text,
      path: context.path,
      settings: context.settings,
      stats: context.stats,
      priorFiles: context.priorFiles,
      siblingNames: context.siblingNames,
      runsInTransaction: context.runsInTransaction,
      fallbackPgVersion: context.fallbackPgVersion,
      reverts: context.reverts,
      appFiles: this.appFiles(context, text),
      isMigration: context.isMigration,
    };
  }

  /** Analyses on this thread. */
  private lintHere(s: DocState, prep: Prepared): LintResult {
    const { context, text } = prep.base;
    let analysis: Analysis;
    try {
      analysis = analyze({ ...this.inputOf(context, text), memo: s.memo });
    } catch (err) {
      // analyze() never throws by contract; if it does, say so in the log and show nothing stale.
      this.host.log(`pg-preflight: analysis of ${s.uri} failed: ${(err as Error)?.stack ?? err}`);
      analysis = emptyAnalysis();
    }
    s.lastMillis = performance.now() - prep.started;
    return this.finish(s, prep, analysis);
  }

  private finish(s: DocState, prep: Prepared, analysis: Analysis, remote?: LintResult['remote']): LintResult {
    const { context, generation } = prep.base;
    for (const v of analysis.violations) {
      if (v.rule !== RULE_CRASH) continue;
      const key = v.message.replace(/ on this file.*/, '');
      if (this.loggedCrashes.has(key)) continue;
      this.loggedCrashes.add(key);
      this.host.log(`pg-preflight: ${v.message} (${s.uri}); this is a bug in pg-preflight, the other rules still ran`);
    }
    const doc: AnalysedDocument = { ...prep.base, analysis };
    const diagnostics = toDiagnostics(doc, this.host.convertOptions(context));
    return this.record({
      ...doc,
      generation,
      context,
      diagnostics,
      millis: performance.now() - prep.started,
      ...(remote ? { remote } : {}),
    });
  }

  private record(r: LintResult): LintResult {
    const st = this.stats;
    st.lints++;
    st.recentMillis.push(r.millis);
    if (st.recentMillis.length > 2000) st.recentMillis.splice(0, st.recentMillis.length - 2000);
    st.maxMillis = Math.max(st.maxMillis, r.millis);
    this.lastActivity = performance.now();
    // The first analysis is done (the parser is in, the first diagnostics are on their way): warm up.
    if (this.host.warmUp !== false) this.warmUp.start();
    return r;
  }

  /**
   * Application files for the dropped/renamed-name check. Reading them can take a while, so the first
   * lint that needs them goes without, and a re-lint follows once they are read (on a later turn).
   */
  private appFiles(ctx: DocumentContext, text: string): { path: string; text: string }[] {
    if (!ctx.isMigration || !ctx.file || !mayDropOrRename(text)) return [];
    const cached = this.host.workspace.cachedAppFiles(ctx.root);
    if (cached) return cached;
    if (!this.pendingApp.has(ctx.root)) {
      this.pendingApp.add(ctx.root);
      const gen = this.host.workspace.generation;
      setTimeout(() => {
        this.pendingApp.delete(ctx.root);
        try {
          this.host.workspace.loadAppFiles(ctx.root, ctx.folder);
        } catch (err) {
          this.host.log(`pg-preflight: reading application files under ${ctx.root} failed: ${(err as Error)?.message ?? err}`);
          return;
        }
        if (this.host.workspace.generation === gen) this.host.workspace.generation++;
        this.relintAll();
      }, 0);
    }
    return [];
  }
}

/** A document that was not analysed (too large, or the analysis failed): no findings, and no risk score (unknown, not low). */
export function emptyAnalysis(): Analysis {
  return { pgVersion: 0, runner: 'plain', statements: [], violations: [], riskScore: null, lockedTables: [], wrappedInTransaction: false };
}
