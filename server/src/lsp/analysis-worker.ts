// The analysis worker thread (see remote.ts): analyze() for the language server, one message at a time.
// It keeps per document the AnalysisMemo and the last analysis, whose lazy fixes it renders on request.
// A separate entry point: the extension's bundle builds it as out/analysis-worker.js beside out/server.js.
// After its first analysis it warms its own JIT up in the pauses between messages, as the server's
// thread does (warm-up.ts): the worker analyses the large files, whose keystrokes cost the most.
import { parentPort, workerData } from 'node:worker_threads';
import type { StatsSnapshot } from '@pg-preflight/shared';
import { analyze } from '../core/analyze';
import { AnalysisMemo } from '../core/memo';
import { loadParser } from '../core/syntax/parse';
import type { Analysis } from '../core/types';
import type { FromWorker, ToWorker, WorkerOptions } from './remote';
import { WARM_UP_IDLE_MS, WarmUp } from './warm-up';
import { encodeAnalysis, withoutLazyFixes, type Crossed } from './wire';

const port = parentPort;
if (port) {
  const reply = (m: FromWorker) => port.postMessage(m);
  let chain: Promise<void> = Promise.resolve();
  const memos = new Map<string, AnalysisMemo>();
  const last = new Map<string, { job: number; analysis: Analysis }>();
  /** Per document, the analysis last sent (as sent): the next one goes as the difference from it (wire.ts). */
  const sent = new Map<string, Crossed>();
  let stats: { id: number; snapshot?: StatsSnapshot } = { id: 0 };
  /** Messages received and not yet handled, and when the last one came: the warm-up waits for a pause. */
  let pending = 0;
  let lastMessage = 0;
  const warmUp = new WarmUp({ busy: () => pending > 0 || performance.now() - lastMessage < WARM_UP_IDLE_MS });
  // Told once the parser is in (or failed to load: analyze() then reports it per file).
  const ready = loadParser().then(
    () => reply({ t: 'ready' }),
    () => reply({ t: 'ready' }),
  );

  const handle = async (m: ToWorker): Promise<void> => {
    if (m.t === 'resync') {
      sent.delete(m.key);
      return;
    }
    if (m.t === 'forget') {
      memos.delete(m.key);
      last.delete(m.key);
      sent.delete(m.key);
      return;
    }
    if (m.t === 'fixes') {
      const l = last.get(m.key);
      if (!l || l.job !== m.job) return reply({ t: 'fixes', req: m.req });
      const fixes = m.indices.map((i) => {
        try {
          return l.analysis.violations[i]?.fix ?? null;
        } catch {
          return null; // a fix that fails to render is no fix
        }
      });
      return reply({ t: 'fixes', req: m.req, fixes });
    }
    const started = performance.now();
    try {
      await ready;
      if (m.statsId !== stats.id) stats = { id: m.statsId, snapshot: m.statsId ? m.stats : undefined };
      let memo = memos.get(m.key);
      if (!memo) memos.set(m.key, (memo = new AnalysisMemo()));
      const analysis = analyze({ ...m.input, stats: stats.snapshot, memo });
      last.set(m.key, { job: m.job, analysis });
      const { violations, lazy } = withoutLazyFixes(analysis.violations);
      const outgoing = { ...analysis, violations };
      const wire = encodeAnalysis(outgoing, sent.get(m.key));
      sent.set(m.key, { job: m.job, analysis: outgoing });
      reply({ t: 'analysed', job: m.job, key: m.key, analysis: wire, lazy, millis: performance.now() - started, warmUp: warmUp.analyses });
      if ((workerData as WorkerOptions | undefined)?.warmUp !== false) warmUp.start();
    } catch (err) {
      // The server drops what it holds for the document on an error: so does the worker.
      sent.delete(m.key);
      reply({ t: 'analysed', job: m.job, key: m.key, millis: performance.now() - started, error: (err as Error)?.stack ?? String(err) });
    }
  };
  port.on('message', (m: ToWorker) => {
    pending++;
    lastMessage = performance.now();
    chain = chain
      .then(() => handle(m))
      .finally(() => {
        pending--;
        lastMessage = performance.now();
      });
  });
}
