// Analyses off the server's request loop: a worker thread (analysis-worker.ts) runs analyze() for the
// documents the linter sends it, so a large or slow document never holds up hovers, code actions and
// diagnostics of the others. Rules of the road:
//   - One analysis at a time in the worker; the queue holds at most one job per document (a newer
//     version replaces a queued older one, which resolves 'superseded'). A running job is not
//     interrupted by an edit: the linter drops its result (its version is stale) and the newer job follows.
//   - A job that runs past the budget terminates the worker (the only way to stop synchronous code): the
//     job resolves 'timeout', the next job starts a fresh worker.
//   - The worker keeps one AnalysisMemo per document (incremental re-analysis works as on the main
//     thread) and the last analysis of each, whose lazy fixes (Violation.fix renders on first read) it
//     renders on request: the Analysis comes back by structured clone without them.
//   - Stats snapshots are sent once per snapshot object (the memo compares them by identity).
//   - An analysis comes back as the difference from the document's previous one (wire.ts): both sides
//     keep the last one that crossed, per document, and forget it together (forget, a new worker).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Settings, StatsSnapshot } from '@pg-preflight/shared';
import type { SourceFile } from '../core/analyze';
import type { Analysis, Fix } from '../core/types';
import { decodeAnalysis, type Crossed, type WireAnalysis } from './wire';

export const WORKER_FILE = path.join(__dirname, 'analysis-worker.js');

export interface RemoteInput {
  text: string;
  path?: string;
  settings: Settings;
  stats?: StatsSnapshot;
  priorFiles: SourceFile[];
  siblingNames: string[];
  appFiles: SourceFile[];
  isMigration: boolean;
  runsInTransaction?: boolean;
  fallbackPgVersion?: number;
  reverts?: string;
}

export type RemoteOutcome =
  | {
      kind: 'done';
      analysis: Analysis;
      /** Violations whose fix is still in the worker. */
      lazy: number[];
      job: number;
      millis: number;
    }
  | { kind: 'timeout'; millis: number }
  | { kind: 'superseded' }
  | { kind: 'failed'; error: string };

/** What a worker is started with. */
export interface WorkerOptions {
  warmUp: boolean;
}

// --- messages ------------------------------------------------------------------------------------------
export type ToWorker =
  | { t: 'analyze'; job: number; key: string; input: Omit<RemoteInput, 'stats'>; statsId: number; stats?: StatsSnapshot }
  | { t: 'fixes'; req: number; key: string; job: number; indices: number[] }
  | { t: 'forget'; key: string }
  /** Drop the last analysis sent for the document (keep its memo): the next crosses whole. */
  | { t: 'resync'; key: string };
export type FromWorker =
  | {
      t: 'analysed';
      job: number;
      key: string;
      analysis?: WireAnalysis;
      lazy?: number[];
      millis: number;
      error?: string;
      /** The worker's warm-up analyses so far. */
      warmUp?: number;
    }
  | { t: 'fixes'; req: number; fixes?: (Fix | null)[] }
  /** The worker loaded the parser: budgets count from here, a worker's start-up is not the analysis's. */
  | { t: 'ready' };

interface Job {
  job: number;
  key: string;
  input: RemoteInput;
  resolve(o: RemoteOutcome): void;
}

export class RemoteAnalyzer {
  private worker?: Worker;
  private queue: Job[] = [];
  private running?: { job: Job; started: number; timer?: NodeJS.Timeout };
  private workerReady = false;
  private nextJob = 1;
  private nextReq = 1;
  private readonly fixWaits = new Map<number, (f: (Fix | null)[] | undefined) => void>();
  private readonly statsIds = new WeakMap<object, number>();
  private nextStatsId = 1;
  /** The stats snapshot the current worker holds. */
  private workerStatsId = -1;
  private closed = false;
  /** Per document, the last analysis the current worker sent (what its next one is the difference from). */
  private readonly crossed = new Map<string, Crossed>();
  readonly available = fs.existsSync(WORKER_FILE);
  /** Workers started and stopped for a budget, for the internal stats request. */
  readonly counters = { started: 0, timeouts: 0, jobs: 0, warmUp: 0 };

  constructor(
    private readonly budgetMs: () => number,
    private readonly log: (m: string) => void,
    /** Whether a new worker warms its JIT up in its pauses (warm-up.ts). */
    private readonly warmUp: () => boolean = () => true,
  ) {}

  analyze(key: string, input: RemoteInput): Promise<RemoteOutcome> {
    return new Promise((resolve) => {
      if (this.closed) return resolve({ kind: 'failed', error: 'the server is shutting down' });
      const i = this.queue.findIndex((j) => j.key === key);
      if (i >= 0) {
        this.queue[i].resolve({ kind: 'superseded' });
        this.queue.splice(i, 1);
      }
      this.queue.push({ job: this.nextJob++, key, input, resolve });
      this.pump();
    });
  }

  /** Renders the fixes of the given violations of an analysis the worker made (undefined: it has it no more). */
  fixes(key: string, job: number, indices: number[]): Promise<(Fix | null)[] | undefined> {
    if (!this.worker || !indices.length) return Promise.resolve(indices.length ? undefined : []);
    const req = this.nextReq++;
    return new Promise((resolve) => {
      // A fix is rendered after the running analysis; it is bounded by the budget like one.
      const timer = setTimeout(() => {
        this.fixWaits.delete(req);
        resolve(undefined);
      }, this.budgetMs() * 2);
      timer.unref?.();
      this.fixWaits.set(req, (f) => {
        clearTimeout(timer);
        resolve(f);
      });
      this.post({ t: 'fixes', req, key, job, indices });
    });
  }

  forget(key: string): void {
    const i = this.queue.findIndex((j) => j.key === key);
    if (i >= 0) this.queue.splice(i, 1)[0].resolve({ kind: 'superseded' });
    this.crossed.delete(key);
    if (this.worker) this.post({ t: 'forget', key });
  }

  dispose(): void {
    this.closed = true;
    for (const j of this.queue) j.resolve({ kind: 'superseded' });
    this.queue = [];
    this.stop({ kind: 'failed', error: 'the server is shutting down' });
  }

  private post(m: ToWorker): void {
    try {
      this.worker?.postMessage(m);
    } catch (err) {
      this.log(`pg-preflight: sending to the analysis worker failed: ${(err as Error)?.message ?? err}`);
    }
  }

  private start(): Worker {
    const w = new Worker(WORKER_FILE, { workerData: { warmUp: this.warmUp() } satisfies WorkerOptions });
    this.counters.started++;
    this.workerStatsId = -1;
    this.workerReady = false;
    this.crossed.clear();
    w.on('message', (m: FromWorker) => this.received(w, m));
    w.on('error', (err) => {
      if (this.worker !== w) return;
      this.log(`pg-preflight: the analysis worker failed: ${(err as Error)?.stack ?? err}`);
      this.stop({ kind: 'failed', error: (err as Error)?.message ?? String(err) });
      this.pump();
    });
    w.on('exit', () => {
      if (this.worker !== w) return;
      this.stop({ kind: 'failed', error: 'the analysis worker exited' });
      this.pump();
    });
    // An idle worker never keeps the process alive. After the listeners: adding a 'message' listener refs the port again.
    w.unref();
    this.worker = w;
    return w;
  }

  /** Ends the current worker: the running job resolves with `outcome`, fix requests get nothing. */
  private stop(outcome: RemoteOutcome): void {
    const w = this.worker;
    this.worker = undefined;
    if (w) void w.terminate().catch(() => undefined);
    if (this.running) {
      if (this.running.timer) clearTimeout(this.running.timer);
      this.running.job.resolve(outcome);
      this.running = undefined;
    }
    for (const f of this.fixWaits.values()) f(undefined);
    this.fixWaits.clear();
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const job = this.queue.shift();
    if (!job) return;
    let w: Worker;
    try {
      w = this.worker ?? this.start();
    } catch (err) {
      job.resolve({ kind: 'failed', error: (err as Error)?.message ?? String(err) });
      return this.pump();
    }
    this.running = { job, started: performance.now() };
    if (this.workerReady) this.arm();
    this.counters.jobs++;
    const { stats, ...input } = job.input;
    let statsId = 0;
    if (stats) {
      statsId = this.statsIds.get(stats) ?? this.nextStatsId++;
      this.statsIds.set(stats, statsId);
    }
    const send = statsId !== this.workerStatsId;
    this.workerStatsId = statsId;
    if (w === this.worker) this.post({ t: 'analyze', job: job.job, key: job.key, input, statsId, ...(send && stats ? { stats } : {}) });
  }

  /** A difference from an analysis this side does not hold (never expected): both sides start the document over. */
  private resync(key: string): void {
    this.crossed.delete(key);
    this.log(`pg-preflight: an analysis from the worker did not match the previous one (${key}); resending in full`);
    this.post({ t: 'resync', key });
  }

  /** Starts the running job's budget. */
  private arm(): void {
    const run = this.running;
    if (!run || run.timer) return;
    run.started = performance.now();
    run.timer = setTimeout(() => {
      if (this.running !== run) return;
      this.counters.timeouts++;
      this.stop({ kind: 'timeout', millis: performance.now() - run.started });
      this.pump();
    }, this.budgetMs());
  }

  private received(w: Worker, m: FromWorker): void {
    if (w !== this.worker) return;
    if (m.t === 'ready') {
      this.workerReady = true;
      return this.arm();
    }
    if (m.t === 'fixes') {
      const f = this.fixWaits.get(m.req);
      this.fixWaits.delete(m.req);
      f?.(m.fixes);
      return;
    }
    if (m.warmUp !== undefined) this.counters.warmUp = m.warmUp;
    // Every analysis of the current worker is decoded, even one nobody waits for: the next is its difference.
    const lazy = m.lazy ?? [];
    let analysis: Analysis | undefined;
    if (m.analysis) {
      analysis = decodeAnalysis(m.analysis, this.crossed.get(m.key), new Set(lazy));
      if (analysis) this.crossed.set(m.key, { job: m.job, analysis });
      else this.resync(m.key);
    } else this.crossed.delete(m.key); // the worker dropped its copy too
    const run = this.running;
    if (!run || run.job.job !== m.job) return;
    if (run.timer) clearTimeout(run.timer);
    this.running = undefined;
    if (analysis) run.job.resolve({ kind: 'done', analysis, lazy, job: m.job, millis: m.millis });
    else
      run.job.resolve({ kind: 'failed', error: m.error ?? (m.analysis ? 'the analysis did not match the previous one' : 'no analysis') });
    this.pump();
  }
}
