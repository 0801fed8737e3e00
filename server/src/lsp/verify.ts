// pgPreflight.verifyLocks: the dry run in the editor. Runs the document's current text through the trace
// engine (server/src/trace) and shows what PostgreSQL did as diagnostics on the statements, until the
// next edit. The trace module (PGlite, `pg`) is loaded on the first call: a server that never verifies
// never pays for it, and the warm engine stays up between calls (shutdownVerifier on shutdown).
import type { VerifyLocksResult } from '@pg-preflight/shared';
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import type { TraceResult } from '../trace';
import type { CommandHost } from './commands';
import { traceToDiagnostic } from './convert';

export interface VerifyLocksArgs {
  /** Trace on this database instead of PGlite; refused unless listed in scratchDatabaseUrls. */
  databaseUrl?: string;
  /** Scratch database only: also run CONCURRENTLY / VACUUM, sampled, then undone. */
  runNoTransaction?: boolean;
}

type TraceModule = typeof import('../trace');
let traceModule: TraceModule | undefined;

async function loadTrace(): Promise<TraceModule> {
  traceModule ??= await import('../trace');
  return traceModule;
}

/** Closes the warm embedded engine, if a dry run ever started one. */
export async function shutdownVerifier(): Promise<void> {
  await traceModule?.shutdownTracer();
}

export function verifyArgs(raw: unknown): VerifyLocksArgs {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      'expected { databaseUrl?: string, runNoTransaction?: boolean } as the second argument',
    );
  const o = raw as Record<string, unknown>;
  const out: VerifyLocksArgs = {};
  if (o.databaseUrl !== undefined && o.databaseUrl !== null && o.databaseUrl !== '') {
    if (typeof o.databaseUrl !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'databaseUrl must be a connection URL string');
    out.databaseUrl = o.databaseUrl;
  }
  if (o.runNoTransaction !== undefined) out.runNoTransaction = o.runNoTransaction === true;
  return out;
}

export async function verifyLocks(
  host: CommandHost,
  uri: string,
  args: VerifyLocksArgs,
  token: string | number | undefined,
): Promise<VerifyLocksResult> {
  const r = await host.linter.resultReady(uri);
  if (!r) throw new ResponseError(ErrorCodes.InvalidParams, `${uri} is not open in the editor`);
  const base = { uri, version: r.version };
  if (r.tooLarge)
    return {
      ...base,
      traced: false,
      reason: 'the file is too large for the editor integration (run `pg-preflight trace` on it)',
      summary: 'pg-preflight: the file is too large for a dry run in the editor; run `pg-preflight trace` on it.',
    };
  const signal = host.linter.editSignal(uri);
  const progress = await host.progress('pg-preflight: verifying locks (dry run, rolled back)', token);
  try {
    progress.report(args.databaseUrl ? 'connecting to the scratch database' : 'starting the embedded PostgreSQL', 0);
    const trace = await loadTrace();
    const ctx = r.context;
    let result: TraceResult;
    try {
      result = await trace.traceDocument(
        {
          text: r.text,
          path: ctx.path,
          settings: ctx.settings,
          stats: ctx.stats,
          priorFiles: ctx.priorFiles,
          pgVersion: r.analysis.pgVersion || undefined,
          // Never marked scratch here: only a URL the settings list as scratch is accepted.
          database:
            args.databaseUrl !== undefined ? { url: args.databaseUrl, runNoTransaction: args.runNoTransaction === true } : undefined,
        },
        {
          signal,
          onProgress: (message, done, total) =>
            progress.report(message, done !== undefined && total ? Math.min(99, Math.round((done / total) * 100)) : undefined),
        },
      );
    } catch (err) {
      if (err instanceof trace.TraceError) {
        if (err.code === 'cancelled') return stale(base);
        return { ...base, traced: false, reason: err.message, summary: `pg-preflight: dry run not possible: ${err.message}` };
      }
      throw err;
    }
    if (signal?.aborted) return stale(base);
    const diagnostics = trace.traceDiagnostics(result).map((d) => traceToDiagnostic(r.lines, d));
    const shown = host.linter.setTraceDiagnostics(uri, r.version, diagnostics);
    if (!shown) return stale(base);
    return summarizeTrace(base, result, (offset) => r.lines.positionAt(offset).line);
  } finally {
    progress.done();
  }
}

function stale(base: { uri: string; version: number }): VerifyLocksResult {
  const reason = 'the document changed during the dry run; run it again';
  return { ...base, traced: false, reason, summary: `pg-preflight: ${reason}.` };
}

export function summarizeTrace(
  base: { uri: string; version: number },
  t: TraceResult,
  lineAt: (offset: number) => number,
): VerifyLocksResult {
  const traced = t.statements.filter((s) => s.traced).length;
  const notTraced = t.statements.filter((s) => !s.traced && !s.error).length;
  const failedSt = t.statements.find((s) => s.error);
  const engine = t.engine === 'pglite' ? `PGlite (PostgreSQL ${t.pgVersion})` : `the scratch database (PostgreSQL ${t.pgVersion})`;
  const out: VerifyLocksResult = {
    ...base,
    traced: true,
    engine: t.engine,
    serverVersionNum: t.serverVersionNum,
    tracedStatements: traced,
    notTracedStatements: notTraced,
    disagreements: t.disagreements.length,
    replayed: t.replayed.length,
    rolledBack: t.rolledBack,
    notes: t.notes,
    totalMs: Math.round(t.timings.totalMs),
    summary: '',
  };
  if (t.syntheticRows) out.syntheticRowTables = t.syntheticRows.tables.length;
  if (failedSt?.error) out.failed = { line: lineAt(failedSt.error.span.start), message: failedSt.error.message };
  if (t.replayFailure) out.replayFailure = { path: t.replayFailure.path, message: t.replayFailure.error.message };

  const parts: string[] = [];
  if (t.replayFailure)
    parts.push(`the earlier migration ${t.replayFailure.path} fails on ${engine}: ${t.replayFailure.error.message}; nothing was traced`);
  else {
    parts.push(`${traced} statement${traced === 1 ? '' : 's'} traced on ${engine}`);
    if (notTraced) parts.push(`${notTraced} not traced (the model's prediction is shown)`);
    if (out.failed) parts.push(`line ${out.failed.line + 1} fails: ${out.failed.message}`);
    parts.push(
      t.disagreements.length
        ? `${t.disagreements.length} disagreement${t.disagreements.length === 1 ? '' : 's'} with the lock model`
        : 'the locks match the model',
    );
    if (out.syntheticRowTables) parts.push(`synthetic rows in ${out.syntheticRowTables} table${out.syntheticRowTables === 1 ? '' : 's'}`);
  }
  out.summary = `pg-preflight dry run: ${parts.join('; ')}; ${t.rolledBack ? 'rolled back' : 'NOT rolled back'} (${out.totalMs} ms). Results are on the statements until the next edit.`;
  return out;
}
