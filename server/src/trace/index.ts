// server/src/trace: the dry run. Verifies a migration's real locks by running it on PostgreSQL and
// reading pg_locks and relfilenode, then rolls everything back and compares with the static model.
//
// Layers: trace -> core (analyze, parse, text, lock model) and shared (settings, stats, `pg` by path).
// Nothing here knows LSP, VS Code or the CLI; the core never imports trace. Files:
//   run.ts        orchestration: predictions, engine preparation, the transaction, comparison
//   host.ts       the warm embedded engine (one PGlite per process) and its committed base state
//   pristine.ts   the initdb'd data directory snapshot that makes a fresh PGlite start fast
//   replay.ts     earlier migrations replayed into PGlite; PostgreSQL errors mapped to spans
//   synthetic.ts  synthetic rows for tables the stats snapshot shows with data
//   observe.ts    per statement: new pg_locks entries, relfilenode, column/constraint changes
//   sample.ts     no-transaction statements on a scratch server: sampled from a second connection, undone
//   compare.ts    observed versus predicted (the lock corpus test's scope)
//   scratch.ts    which databases a trace may touch
//
// ---------------------------------------------------------------------------------------------------
// API (for the language server's `pgPreflight.verifyLocks` command and any embedder)
//
//   await traceDocument(input, options?) -> TraceDocumentResult
//     input (TraceRequest):
//       text         the migration's text (the document's current text)
//       path?        its path (runner detection: supabase/migrations/... gets the Supabase shim)
//       settings?    Settings (runner, lockTimeout, statementTimeout, scratchDatabaseUrls)
//       stats?       a StatsSnapshot: tables with rows get a few synthetic rows (embedded engine)
//       priorFiles?  the earlier migrations of the same folder IN THE RUNNER'S ORDER ({path, text}[]);
//                    the LSP gets them the way project/context.ts does (ContextBuilder.context(file))
//       pgVersion?   production's major version (notes where the engine's version behaves differently)
//       database?    { url, scratch?, runNoTransaction? }: trace on a scratch server instead of PGlite.
//                    Refused (TraceError 'refused') unless scratch === true or the URL is listed in
//                    settings.scratchDatabaseUrls. Never pass a connection the user did not mark.
//                    The URL is resolved once (shared connection-url.ts: PG* variables as `pg`, refused
//                    parameters) and every connection checks current_database() before running anything.
//     options (TraceOptions): onProgress(message, done?, total?) for a progress notification;
//       signal (AbortSignal) to cancel between statements (a new edit: the result would be stale).
//     Resolves with the TraceResult (types.ts) plus `diagnostics`: one information diagnostic per
//     statement (what was observed, or why it was not traced, with the model's prediction), a warning
//     per disagreement, an error on the statement that failed (at PostgreSQL's error position) or on
//     the first line when an earlier migration failed. Spans are UTF-16 offsets into `text`, the core's
//     statement spans: convert them with core/syntax/text.ts LineIndex like every other diagnostic. They
//     describe the text traced: clear them on the next edit.
//     Rejects with TraceError only when nothing could be traced: code 'refused' (unmarked database),
//     'engine' (PGlite failed to start: message says so; the static lint is unaffected), 'connect',
//     'server'. Never with a password in the message.
//   traceDiagnostics(result) -> TraceDiagnostic[]   the same diagnostics, for a stored result.
//   shutdownTracer()                                 closes the warm PGlite (call on server shutdown).
//
// Traces are serialized per process (PGlite has one connection); a second call waits for the first.
// The first trace in a process starts PGlite (~0.5 s from the cached data directory, 3-5 s the very
// first time); later traces of the same folder reuse the replayed schema (a warm trace of a
// 50-statement migration takes well under a second: `npm run bench:trace`).
// ---------------------------------------------------------------------------------------------------
import { modeTitle } from '../core/locks/modes';
import type { Severity, Span } from '../core/types';
import { closeSharedHost } from './host';
import { runTrace, type TraceOptions, type TraceRequest } from './run';
import { explainingHeldMode, type TraceResult } from './types';

export { runTrace, TraceError, type ScratchDatabase, type TraceErrorCode, type TraceOptions, type TraceRequest } from './run';
export { EngineStartError, PgliteHost, sharedHost, closeSharedHost } from './host';
export { isListedScratch, connectionIdentity } from './scratch';
export * from './types';

export type TraceDiagnosticCode = 'trace-observed' | 'trace-not-traced' | 'trace-disagreement' | 'trace-failed' | 'trace-replay-failed';

export interface TraceDiagnostic {
  span: Span;
  /** 'info' for observations; 'warning' for disagreements; 'error' for failures. */
  severity: Severity;
  code: TraceDiagnosticCode;
  message: string;
  statementIndex?: number;
  source: 'pg-preflight trace';
}

export interface TraceDocumentResult extends TraceResult {
  diagnostics: TraceDiagnostic[];
}

export async function traceDocument(input: TraceRequest, options: TraceOptions = {}): Promise<TraceDocumentResult> {
  const result = await runTrace(input, options);
  return { ...result, diagnostics: traceDiagnostics(result) };
}

export async function shutdownTracer(): Promise<void> {
  await closeSharedHost();
}

const SOURCE = 'pg-preflight trace' as const;

function engineName(r: TraceResult): string {
  return r.engine === 'pglite' ? `PGlite, PostgreSQL ${r.pgVersion}` : `PostgreSQL ${r.pgVersion} scratch database`;
}

export function traceDiagnostics(r: TraceResult): TraceDiagnostic[] {
  const out: TraceDiagnostic[] = [];
  if (r.replayFailure) {
    const f = r.replayFailure;
    out.push({
      span: { start: 0, end: 0 },
      severity: 'error',
      code: 'trace-replay-failed',
      source: SOURCE,
      message: `Dry run not possible: the earlier migration ${f.path} fails on ${engineName(r)}: ${f.error.message}`,
    });
    return out;
  }
  for (const st of r.statements) {
    if (st.error) {
      out.push({
        span: st.error.span,
        severity: 'error',
        code: 'trace-failed',
        source: SOURCE,
        statementIndex: st.index,
        message: `Dry run (${engineName(r)}): this statement fails: ${st.error.message}${st.error.detail ? ` (${st.error.detail})` : ''}${st.error.note ? `. Note: ${st.error.note}` : ''}. The statements after it were not traced.`,
      });
      continue;
    }
    if (!st.traced) {
      if (st.notTracedReason && !/an earlier statement failed|psql meta-command/.test(st.notTracedReason)) {
        const predicted = st.predicted.length
          ? ` The model predicts ${st.predicted.map((p) => `${modeTitle(p.mode)} on ${p.relation}${p.rewrite ? ' (rewrite)' : ''}`).join(', ')}.`
          : '';
        out.push({
          span: st.span,
          severity: 'info',
          code: 'trace-not-traced',
          source: SOURCE,
          statementIndex: st.index,
          message: `Dry run: ${st.notTracedReason}.${predicted}`,
        });
      }
      continue;
    }
    const shown = st.observed.filter((o) => 'rpmv'.includes(o.relkind));
    const parts = shown.map((o) => {
      const flags = [o.rewrite ? 'rewrite' : '', o.created ? 'new' : '', o.dropped ? 'dropped' : '', o.waited ? 'waited' : ''].filter(
        Boolean,
      );
      const heldShown = explainingHeldMode(o, st.predicted.find((p) => p.relation === o.relation)?.mode);
      if (heldShown) flags.push(`${modeTitle(heldShown)} already held by an earlier statement`);
      const mode = o.mode ? modeTitle(o.mode) : 'nothing new';
      return `${mode} on ${o.relation}${flags.length ? ` (${flags.join('; ')})` : ''}`;
    });
    const disagree = r.disagreements.filter((d) => d.statementIndex === st.index);
    const how = st.how === 'sampled' ? 'sampled outside a transaction' : 'in a transaction, rolled back';
    const changes = st.changes.length
      ? ` Changes: ${st.changes.map((c) => `${c.kind} ${c.relation}.${c.name} ${c.change}${c.detail ? ` (${c.detail})` : ''}`).join('; ')}.`
      : '';
    out.push({
      span: st.span,
      severity: 'info',
      code: 'trace-observed',
      source: SOURCE,
      statementIndex: st.index,
      message: `Dry run (${engineName(r)}, ${how}, ${st.elapsedMs} ms): ${parts.length ? parts.join(', ') : 'no table locks'}${disagree.length ? '' : ' — as the model predicts'}.${changes}`,
    });
    for (const d of disagree) {
      out.push({
        span: d.span,
        severity: 'warning',
        code: 'trace-disagreement',
        source: SOURCE,
        statementIndex: d.statementIndex,
        message: `Dry run disagrees with pg-preflight's lock model: ${d.message}. Please report it: the model is wrong for this statement.`,
      });
    }
  }
  return out;
}
