// The trace itself: analyse the file with the core (the predictions, and the statement spans), prepare
// the engine (embedded: replay + synthetic rows; scratch server: connect, check, set timeouts), run the
// statements inside one transaction reading what each did, roll back, compare.
import { DEFAULT_SETTINGS, type Settings, type StatsSnapshot } from '@pg-preflight/shared';
import { analyze, resolvePgVersion, type SourceFile } from '../core/analyze';
import { unwrap, type Node } from '../core/syntax/ast';
import { Catalog } from '../core/schema/catalog';
import { statementLocks } from '../core/locks';
import { loadParser, parseFile } from '../core/syntax/parse';
import { detectRunner } from '../core/migrations/runners';
import { lockStrength } from '../core/locks/modes';
import type { Analysis, Span } from '../core/types';
import { compareStatement } from './compare';
import { oneLine, pgliteSession, serverSession, since, sqlErrorOf, type PgClientLike, type TraceSession } from './engine';
import { EngineStartError, sharedHost, type PgliteHost } from './host';
import { fullSnapshot, lockedSnapshot, prepareSnapshots, TransactionView } from './observe';
import { extensionsUsed, mapError, replayFile, stepKey, SUPABASE_SHIM } from './replay';
import { sampleOutsideTransaction, undoPlanFor } from './sample';
import { checkScratch } from './scratch';
import type { ConnectionTarget } from '@pg-preflight/shared/dist/connection-url';
import { insertSyntheticRows } from './synthetic';
import type { Disagreement, PredictedLock, SyntheticRows, TracedStatement, TraceProgress, TraceResult } from './types';

export interface ScratchDatabase {
  /** postgresql:// URL of the scratch database. Never logged; messages name user@host:port/db. */
  url: string;
  /** The caller marked this connection as scratch (the CLI's --scratch). Else it must be in settings.scratchDatabaseUrls. */
  scratch?: boolean;
  /**
   * Run the statements that cannot run in a transaction (CONCURRENTLY, VACUUM, ...) for real, on their
   * own, sampling their locks from a second connection; pg-preflight then undoes what they did (drops
   * the index a CREATE INDEX CONCURRENTLY built, re-creates the index DROP INDEX CONCURRENTLY dropped,
   * re-attaches a detached partition). Statements it cannot undo are never run. Default false: they
   * are reported as not traced.
   */
  runNoTransaction?: boolean;
}

export interface TraceRequest {
  /** The migration's text. */
  text: string;
  /** Its path (runner detection, messages). */
  path?: string;
  settings?: Settings;
  /** Table statistics: on the embedded engine, tables with rows get synthetic rows. */
  stats?: StatsSnapshot;
  /** The earlier migrations of the same folder, in the runner's order (embedded engine: replayed). */
  priorFiles?: SourceFile[];
  /** The PostgreSQL major version production runs; notes say where the engine's version behaves differently. */
  pgVersion?: number;
  /** Trace on this scratch database instead of the embedded engine. */
  database?: ScratchDatabase;
}

export interface TraceOptions {
  onProgress?: TraceProgress;
  /** Stop between statements (the transaction is rolled back; the rest is reported as not traced). */
  signal?: AbortSignal;
  /** The embedded engine to use (default: the process's warm one). */
  host?: PgliteHost;
  /** Scratch server: give up connecting after this long (default 5000 ms). */
  connectTimeoutMs?: number;
}

export type TraceErrorCode = 'refused' | 'engine' | 'connect' | 'server' | 'cancelled';

/** The trace could not be done at all (a failing statement is a result, not a TraceError). */
export class TraceError extends Error {
  override readonly name = 'TraceError';
  constructor(
    readonly code: TraceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** One traced unit: the core's statement(s) sharing one span (the splitter's statement). */
interface Unit {
  index: number;
  span: Span;
  sql: string;
  label: string;
  kind: string;
  ast?: Node;
  predicted: PredictedLock[];
  nonTransactional: boolean;
  blind: boolean;
}

/** Statement kinds PostgreSQL refuses inside a transaction block, beyond what the lock model flags. */
const NO_TRANSACTION_KINDS = new Set([
  'CreatedbStmt',
  'DropdbStmt',
  'AlterSystemStmt',
  'CreateTableSpaceStmt',
  'DropTableSpaceStmt',
  'CreateSubscriptionStmt',
  'DropSubscriptionStmt',
  'AlterSubscriptionStmt',
]);

function buildUnits(analysis: Analysis, text: string, pgVersion: number): Unit[] {
  const parsed = parseFile(text).statements;
  const units: Unit[] = [];
  analysis.statements.forEach((st, i) => {
    const p = parsed[i] && parsed[i].raw.span.start === st.span.start ? parsed[i] : parsed.find((x) => x.raw.span.start === st.span.start);
    const last = units[units.length - 1];
    const predicted: PredictedLock[] = st.locks.map((l) => ({
      relation: l.relation,
      mode: l.mode,
      rewrite: l.rewrite,
      blocks: [...l.blocks],
      why: l.why,
    }));
    const blind = (st.notAnalysed ?? []).some((n) => /dynamic EXECUTE/.test(n));
    const ast = p?.ast;
    const [kind] = unwrap(ast);
    let nonTransactional = NO_TRANSACTION_KINDS.has(kind);
    if (ast && !nonTransactional) {
      try {
        nonTransactional = statementLocks(ast, { catalog: new Catalog(), pgVersion }).nonTransactional;
      } catch {
        // the model never throws; keep false
      }
    }
    if (last && last.span.start === st.span.start) {
      // Several statements on one span (rare): one unit, the predictions merged.
      for (const pr of predicted) {
        const prev = last.predicted.find((x) => x.relation === pr.relation);
        if (!prev) last.predicted.push(pr);
        else if (lockStrength(pr.mode) > lockStrength(prev.mode)) Object.assign(prev, { ...pr, rewrite: prev.rewrite || pr.rewrite });
        else prev.rewrite ||= pr.rewrite;
      }
      last.nonTransactional ||= nonTransactional;
      last.blind ||= blind;
      return;
    }
    units.push({ index: i, span: st.span, sql: st.text, label: st.label, kind: st.kind, ast, predicted, nonTransactional, blind });
  });
  return units;
}

function notTraced(u: Unit, reason: string): TracedStatement {
  return {
    index: u.index,
    span: u.span,
    sql: u.sql,
    label: u.label,
    traced: false,
    how: 'not-traced',
    notTracedReason: reason,
    elapsedMs: null,
    observed: [],
    predicted: u.predicted,
    changes: [],
  };
}

/** Why a unit is not run inside the transaction, or undefined when it is. */
function skipReason(u: Unit): string | undefined {
  if (u.kind === 'meta') return 'a psql meta-command, not SQL';
  if (u.kind === 'TransactionStmt')
    return 'transaction control is not run: the trace keeps every statement in one transaction and rolls it back';
  const [, node] = unwrap(u.ast);
  if (u.kind === 'CopyStmt' && (node.filename || node.is_program))
    return 'COPY to or from a server file or program acts outside the database, where nothing is rolled back';
  if (u.kind === 'CopyStmt')
    return node.is_from ? 'COPY ... FROM STDIN needs the data psql sends' : 'COPY ... TO STDOUT only streams rows to the client';
  return undefined;
}

interface TxOutcome {
  statements: TracedStatement[];
  disagreements: Disagreement[];
  failedStatement?: number;
  rolledBack: boolean;
  /** Units deferred because they cannot run in a transaction. */
  deferred: Unit[];
  /** Relation names that existed at the start (for sampled comparisons). */
  existedAtStart: Set<string>;
}

/** Runs the units inside one transaction on `session` and rolls back. Never commits. */
async function traceTransaction(
  session: TraceSession,
  units: Unit[],
  ctx: { onProgress?: TraceProgress; signal?: AbortSignal; rows?: SyntheticRows },
): Promise<TxOutcome> {
  const results: TracedStatement[] = [];
  const disagreements: Disagreement[] = [];
  const deferred: Unit[] = [];
  let failedStatement: number | undefined;
  let rolledBack = false;
  let existedAtStart = new Set<string>();
  const withRows = new Set((ctx.rows?.tables ?? []).map((t) => t.relation));
  await prepareSnapshots(session);
  await session.exec('BEGIN');
  try {
    const initial = await fullSnapshot(session);
    const view = new TransactionView(initial);
    existedAtStart = view.initialNames;
    const compareCtx = {
      relkindOf: (n: string) => view.relkindOf(n),
      heldOn: (n: string) => view.heldOn(n),
      existedAtStart: (n: string) => view.initialNames.has(n),
    };
    let stopped: string | undefined;
    for (let k = 0; k < units.length; k++) {
      const u = units[k];
      if (stopped) {
        results.push(notTraced(u, stopped));
        continue;
      }
      if (ctx.signal?.aborted) {
        stopped = 'not traced: the trace was cancelled';
        results.push(notTraced(u, stopped));
        continue;
      }
      const skip = skipReason(u);
      if (skip) {
        results.push(notTraced(u, skip));
        continue;
      }
      if (u.nonTransactional) {
        deferred.push(u);
        results.push(notTraced(u, 'cannot run inside a transaction block'));
        continue;
      }
      ctx.onProgress?.(`tracing statement ${k + 1} of ${units.length}`, k, units.length);
      const t0 = performance.now();
      try {
        await session.query(u.sql);
      } catch (err) {
        const elapsedMs = since(t0);
        const info = sqlErrorOf(err);
        const error = mapError(info, u.span, u.sql);
        const notes: string[] = [];
        const dataError = /^23/.test(info.code ?? '') || info.code === '42P16';
        if (withRows.size && dataError && (!info.table || withRows.has(info.table))) {
          notes.push('the table holds synthetic rows (a stats snapshot was given); the real rows may satisfy this');
        }
        if (deferred.length)
          notes.push(
            `an earlier statement that cannot run in a transaction (${deferred[deferred.length - 1].label}) was not run before this one`,
          );
        if (notes.length) error.note = notes.join('; ');
        results.push({
          index: u.index,
          span: u.span,
          sql: u.sql,
          label: u.label,
          traced: false,
          how: 'transaction',
          elapsedMs,
          observed: [],
          predicted: u.predicted,
          changes: [],
          error,
        });
        failedStatement = u.index;
        stopped = 'not traced: an earlier statement failed';
        continue;
      }
      const elapsedMs = since(t0);
      const after = await lockedSnapshot(session);
      const { observed, changes } = view.step(after);
      // Predicted relations the statement took nothing new on, but which the transaction holds: shown
      // with the modes held, since the statement taking one of them again is invisible.
      for (const p of u.predicted) {
        if (observed.some((o) => o.relation === p.relation)) continue;
        const held = view.heldOn(p.relation);
        if (held.length)
          observed.push({
            relation: p.relation,
            relkind: view.relkindOf(p.relation) ?? '?',
            mode: null,
            modes: [],
            rewrite: false,
            alreadyHeld: held,
          });
      }
      const st: TracedStatement = {
        index: u.index,
        span: u.span,
        sql: u.sql,
        label: u.label,
        traced: true,
        how: 'transaction',
        elapsedMs,
        observed,
        predicted: u.predicted,
        changes,
      };
      results.push(st);
      disagreements.push(
        ...compareStatement(
          { statementIndex: u.index, span: u.span, how: 'transaction', observed, predicted: u.predicted, blind: u.blind },
          compareCtx,
        ),
      );
    }
  } finally {
    try {
      await session.exec('ROLLBACK');
      rolledBack = true;
    } catch {
      rolledBack = false;
    }
  }
  return { statements: results, disagreements, failedStatement, rolledBack, deferred, existedAtStart };
}

/** Notes where the model predicts differently at the production version than at the engine's. */
function versionNotes(req: TraceRequest, settings: Settings, engineVersion: number, analysis: Analysis): string[] {
  // Only when production's version is known (given, configured, or from the stats snapshot).
  if (req.pgVersion === undefined && settings.pgVersion === 'auto' && !req.stats) return [];
  const target = resolvePgVersion(settings, req.stats, req.pgVersion);
  if (target === engineVersion) return [];
  const other = analyze({ text: req.text, path: req.path, settings, stats: req.stats, pgVersion: target, priorFiles: req.priorFiles });
  const key = (s: Analysis['statements'][number]) =>
    s.locks
      .map((l) => `${l.relation}:${l.mode}:${l.rewrite}`)
      .sort()
      .join(',');
  const differ = analysis.statements
    .map((s, i) => (other.statements[i] && key(other.statements[i]) !== key(s) ? i + 1 : 0))
    .filter((n) => n > 0);
  const notes = [`the engine is PostgreSQL ${engineVersion}; production is taken to be PostgreSQL ${target}`];
  if (differ.length)
    notes.push(
      `on PostgreSQL ${target} the model predicts different locks for statement${differ.length > 1 ? 's' : ''} ${[...new Set(differ)].join(', ')}: what is observed here does not carry over to production for ${differ.length > 1 ? 'them' : 'it'}`,
    );
  return notes;
}

/** Traces one migration. Throws TraceError when it cannot trace at all; a failing statement is a result. */
export async function runTrace(req: TraceRequest, opts: TraceOptions = {}): Promise<TraceResult> {
  const settings = req.settings ?? DEFAULT_SETTINGS;
  let target: ConnectionTarget | undefined;
  if (req.database) {
    const db = req.database;
    // Checked before anything else, whatever the rest of the request says. The target it resolves is
    // the only thing connections are opened with.
    const verdict = checkScratch(db.url, db.scratch === true, settings);
    if (!verdict.ok && verdict.kind === 'invalid')
      throw new TraceError('refused', `refusing to trace: ${scrubUrl(verdict.reason, db.url)}`);
    if (!verdict.ok) {
      throw new TraceError(
        'refused',
        `refusing to trace on ${verdict.source}: it is not marked as a scratch database (pass --scratch, or list it in scratchDatabaseUrls); a trace runs the migration's statements on it`,
      );
    }
    target = verdict.target;
  }
  await loadParser();
  const runner = settings.runner === 'auto' ? detectRunner(req.path, req.text) : settings.runner;
  return req.database && target
    ? traceOnServer(req, settings, runner, req.database, target, opts)
    : traceOnPglite(req, settings, runner, opts);
}

/** The reasons of a refused URL never quote the password, but a guard costs nothing. */
function scrubUrl(message: string, url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^:@/?#]*:([^@]*)@/i.exec(url.trim());
  return m && m[1].length >= 3 ? message.split(m[1]).join('****') : message;
}

function baseResult(engine: TraceResult['engine'], serverVersionNum: number, runner: string): TraceResult {
  return {
    engine,
    serverVersionNum,
    pgVersion: Math.floor(serverVersionNum / 10000),
    runner,
    replayed: [],
    statements: [],
    disagreements: [],
    rolledBack: false,
    notes: [],
    timings: { startMs: 0, replayMs: 0, rowsMs: 0, traceMs: 0, totalMs: 0 },
  };
}

async function traceOnPglite(req: TraceRequest, settings: Settings, runner: string, opts: TraceOptions): Promise<TraceResult> {
  const host = opts.host ?? sharedHost();
  const t0 = performance.now();
  return host.exclusive(async () => {
    const priors = req.priorFiles ?? [];
    const extensions = extensionsUsed([...priors.map((p) => p.text), req.text]);
    opts.onProgress?.('starting the embedded PostgreSQL');
    let inst: Awaited<ReturnType<typeof host.instance>>;
    try {
      inst = await host.instance(extensions);
    } catch (err) {
      throw new TraceError(
        'engine',
        err instanceof EngineStartError
          ? err.message
          : `the embedded PostgreSQL (PGlite) could not start: ${(err as Error)?.message ?? err}`,
      );
    }
    let session = await pgliteSession(inst.db);
    const result = baseResult('pglite', session.serverVersionNum, runner);
    result.timings.startMs = since(t0);

    // The committed base: shim, earlier files, rows. Reuse what the warm engine already holds.
    type Step = { key: string; kind: 'shim' | 'file' | 'rows'; file?: SourceFile };
    const steps: Step[] = [];
    if (runner === 'supabase') steps.push({ key: stepKey('shim', 'supabase', SUPABASE_SHIM), kind: 'shim' });
    for (const f of priors) steps.push({ key: stepKey('file', f.path, f.text), kind: 'file', file: f });
    if (req.stats)
      steps.push({
        key: stepKey('rows', JSON.stringify(req.stats.tables.map((t) => [t.schema, t.name, t.kind, t.rows > 0]))),
        kind: 'rows',
      });
    let done = inst.steps;
    if (done.length > steps.length || done.some((k, i) => steps[i].key !== k)) {
      opts.onProgress?.('resetting the embedded PostgreSQL');
      try {
        await host.reset();
        inst = await host.instance(extensions);
      } catch (err) {
        throw new TraceError('engine', (err as Error).message);
      }
      session = await pgliteSession(inst.db);
      done = [];
    }
    const tReplay = performance.now();
    const missingExtensions = new Set<string>();
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      const cached = i < done.length;
      if (s.kind === 'file') {
        const f = s.file as SourceFile;
        if (cached) {
          const memo = host.memo.get(s.key) as { statements: number; missingExtensions: string[] } | undefined;
          memo?.missingExtensions.forEach((e) => missingExtensions.add(e));
          result.replayed.push({ path: f.path, statements: memo?.statements ?? 0, ms: 0, cached: true });
          continue;
        }
        opts.onProgress?.(`replaying earlier migration ${f.path}`, i, steps.length);
        const t = performance.now();
        const r = await replayFile(session, f);
        r.missingExtensions.forEach((e) => missingExtensions.add(e));
        if (r.failure) {
          host.markDirty();
          result.replayFailure = r.failure;
          result.timings.replayMs = since(tReplay);
          result.notes.push(
            `the earlier migration ${f.path} fails on the embedded engine, so the schema could not be rebuilt; nothing was traced`,
          );
          result.statements = buildUnitsFor(req, settings, result.pgVersion).map((u) =>
            notTraced(u, `not traced: the earlier migration ${f.path} failed`),
          );
          result.timings.totalMs = since(t0);
          return result;
        }
        host.memo.set(s.key, { statements: r.statements, missingExtensions: r.missingExtensions });
        host.committed(s.key);
        result.replayed.push({ path: f.path, statements: r.statements, ms: since(t) });
      } else if (s.kind === 'shim') {
        if (cached) continue;
        try {
          await session.exec(SUPABASE_SHIM);
        } catch (err) {
          host.markDirty();
          throw new TraceError('engine', `the Supabase shim failed on the embedded engine: ${sqlErrorOf(err).message}`);
        }
        host.committed(s.key);
      } else {
        result.timings.replayMs = since(tReplay);
        const tRows = performance.now();
        if (!cached) {
          opts.onProgress?.('inserting synthetic rows');
          try {
            host.memo.set(s.key, await insertSyntheticRows(session, req.stats as StatsSnapshot));
          } catch (err) {
            host.markDirty();
            throw new TraceError('engine', `inserting synthetic rows failed: ${sqlErrorOf(err).message}`);
          }
          host.committed(s.key);
        }
        result.syntheticRows = host.memo.get(s.key) as SyntheticRows;
        result.timings.rowsMs = since(tRows);
      }
    }
    if (!req.stats) result.timings.replayMs = since(tReplay);
    if (runner === 'supabase')
      result.notes.push(
        'a Supabase project: the roles, auth.users, auth.uid() and storage tables the platform provides were stubbed before the earlier migrations',
      );
    if (missingExtensions.size)
      result.notes.push(
        `the embedded engine has no ${[...missingExtensions].join(', ')} extension: CREATE EXTENSION was skipped in the earlier migrations (trace on a scratch database for those)`,
      );
    if (result.syntheticRows?.tables.length) {
      result.notes.push(
        `${result.syntheticRows.tables.length} table${result.syntheticRows.tables.length > 1 ? 's' : ''} with rows in the stats snapshot got synthetic rows, so NOT NULL, CHECK and foreign key validation check real rows`,
      );
    }

    const analysis = analyze({
      text: req.text,
      path: req.path,
      settings,
      stats: req.stats,
      pgVersion: result.pgVersion,
      priorFiles: req.priorFiles,
    });
    const units = buildUnits(analysis, req.text, result.pgVersion);
    const tTrace = performance.now();
    let tx: TxOutcome;
    try {
      tx = await traceTransaction(session, units, { onProgress: opts.onProgress, signal: opts.signal, rows: result.syntheticRows });
    } catch (err) {
      host.markDirty();
      throw new TraceError('engine', `the embedded engine failed during the trace: ${sqlErrorOf(err).message}`);
    }
    if (!tx.rolledBack) host.markDirty();
    // Session state a migration can leave behind the rollback (prepared statements, advisory locks,
    // LISTEN, WITH HOLD cursors): the warm engine forgets it before the next trace.
    else await session.exec('DISCARD ALL').catch(() => host.markDirty());
    result.timings.traceMs = since(tTrace);
    for (const u of tx.deferred) {
      const st = tx.statements.find((s) => s.index === u.index);
      if (st)
        st.notTracedReason =
          "not traced on the embedded engine: it cannot run inside a transaction, and PGlite has one connection to sample it from; the model's prediction is shown";
    }
    finish(result, tx, versionNotes(req, settings, result.pgVersion, analysis));
    result.timings.totalMs = since(t0);
    return result;
  });
}

function buildUnitsFor(req: TraceRequest, settings: Settings, pgVersion: number): Unit[] {
  const analysis = analyze({ text: req.text, path: req.path, settings, stats: req.stats, pgVersion, priorFiles: req.priorFiles });
  return buildUnits(analysis, req.text, pgVersion);
}

function finish(result: TraceResult, tx: TxOutcome, notes: string[]): void {
  result.statements = tx.statements;
  result.disagreements = tx.disagreements;
  if (tx.failedStatement !== undefined) result.failedStatement = tx.failedStatement;
  result.rolledBack = tx.rolledBack;
  result.notes.push(...notes);
  if (!tx.rolledBack) result.notes.push('the ROLLBACK of the trace failed: the connection was lost, so PostgreSQL aborted the transaction');
}

// ---------------------------------------------------------------------------------------------------
// Scratch server

async function traceOnServer(
  req: TraceRequest,
  settings: Settings,
  runner: string,
  db: ScratchDatabase,
  target: ConnectionTarget,
  opts: TraceOptions,
): Promise<TraceResult> {
  const t0 = performance.now();
  const collect = await import('@pg-preflight/shared/dist/collect');
  const { Client } = await import('@pg-preflight/shared/dist/pg');
  const pgTarget = await import('@pg-preflight/shared/dist/pg-target');
  const { describeTarget } = await import('@pg-preflight/shared/dist/connection-url');
  let source = describeTarget(target);
  const scrub = (s: string) => {
    const out = collect.scrubPasswords(oneLine(collect.redactConnectionString(s)), db.url);
    return target.password && target.password.length >= 3 ? out.split(target.password).join('****') : out;
  };
  const statementMs = durationMs(settings.statementTimeout, 30_000);
  const lockMs = durationMs(settings.lockTimeout, 5_000);
  const connect = async (purpose: string) => {
    let client: InstanceType<typeof Client>;
    try {
      client = new Client(
        pgTarget.clientConfigFor(target, {
          connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
          application_name: `pg-preflight trace${purpose ? ` (${purpose})` : ''}`,
          keepAlive: true,
          // A backstop for a server that stops answering (statement_timeout cannot fire then).
          query_timeout: statementMs + 30_000,
        }),
      );
    } catch (err) {
      throw new TraceError('connect', scrub(`could not connect to ${source}: the database URL is not valid: ${(err as Error).message}`));
    }
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw new TraceError('connect', scrub(`could not connect to ${source}: ${collect.classifyError(err, 'connect').reason}`));
    }
    // Every connection (the trace's, the sampler's) proves where it is before it runs anything.
    let here: Awaited<ReturnType<typeof pgTarget.connectedAs>>;
    try {
      here = await pgTarget.connectedAs(client);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw new TraceError('connect', scrub(`could not connect to ${source}: ${collect.classifyError(err, 'query').reason}`));
    }
    const wrong = pgTarget.mismatch(target, here);
    if (wrong) {
      await client.end().catch(() => undefined);
      throw new TraceError('refused', scrub(`refusing to trace: ${wrong}`));
    }
    if (!purpose) source = pgTarget.describeConnected(target, here);
    return client;
  };
  opts.onProgress?.(`connecting to ${source}`);
  const client = await connect('');
  const clients = [client];
  try {
    const session = await serverSession(client as unknown as PgClientLike);
    const result = baseResult('postgres', session.serverVersionNum, runner);
    result.source = source;
    const major = result.pgVersion;
    const setup = await session.query<{ standby: boolean }>('SELECT pg_catalog.pg_is_in_recovery() AS standby');
    if (setup[0]?.standby) throw new TraceError('server', `${source} is a read-only standby; trace needs a writable scratch database`);
    await setSessionLimits(session, major, lockMs, statementMs);
    result.timings.startMs = since(t0);
    if ((req.priorFiles ?? []).length) {
      const tables = await session.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`,
      );
      if ((tables[0]?.n ?? 0) === 0)
        result.notes.push(
          `${source} holds no tables: earlier migrations are never replayed into a scratch database (that would change it); bring it to the schema before this migration first`,
        );
    }
    // The model needs the schema the statements run on: without a snapshot, read the scratch database's
    // catalog with the stats collector (its own read-only transaction, rolled back).
    let modelStats = req.stats;
    if (!modelStats) {
      opts.onProgress?.(`reading the catalog of ${source} for the model`);
      modelStats = await collect.collectStats(target, { connectTimeoutMs: opts.connectTimeoutMs }).catch(() => undefined);
      if (!modelStats)
        result.notes.push(`the model could not read the catalog of ${source}: its predictions only know the earlier migrations`);
    }
    const analysis = analyze({ text: req.text, path: req.path, settings, stats: modelStats, pgVersion: major, priorFiles: req.priorFiles });
    const units = buildUnits(analysis, req.text, major);
    const seqBefore = await sequenceStates(session);
    const tTrace = performance.now();
    let tx: TxOutcome;
    try {
      tx = await traceTransaction(session, units, { onProgress: opts.onProgress, signal: opts.signal });
    } catch (err) {
      throw new TraceError('server', scrub(`the trace failed on ${source}: ${sqlErrorOf(err).message}`));
    }
    // Sequences advance outside transactions: put back any the migration moved.
    if (tx.rolledBack) {
      const restored = await restoreSequences(session, seqBefore).catch(() => [] as string[]);
      if (restored.length)
        result.notes.push(`restored sequence${restored.length > 1 ? 's' : ''} ${restored.join(', ')} (sequences are not rolled back)`);
    }
    finish(result, tx, versionNotes(req, settings, major, analysis));
    // No-transaction statements: only with the caller's consent, only when undoable, only after the rollback.
    if (tx.deferred.length && tx.failedStatement === undefined && !opts.signal?.aborted) {
      for (const u of tx.deferred) {
        const st = result.statements.find((s) => s.index === u.index) as TracedStatement;
        if (!db.runNoTransaction) {
          st.notTracedReason =
            "not traced: it cannot run inside a transaction; pass --run-no-transaction to run it on its own on the scratch database (pg-preflight then undoes it); the model's prediction is shown";
          continue;
        }
        const plan = undoPlanFor(u.ast, major);
        if (!plan.ok) {
          st.notTracedReason = `not traced: it cannot run inside a transaction, and pg-preflight cannot undo it (${plan.why})`;
          continue;
        }
        opts.onProgress?.(`sampling statement ${u.index + 1} outside the transaction`);
        const traced = await sampleOutsideTransaction({
          connect,
          limits: (s: TraceSession) => setSessionLimits(s, major, lockMs, statementMs),
          unit: u,
          plan,
          existedAtStart: tx.existedAtStart,
        });
        Object.assign(st, traced.statement);
        result.disagreements.push(...traced.disagreements);
        if (traced.statement.error) break;
      }
    } else if (tx.deferred.length) {
      for (const u of tx.deferred) {
        const st = result.statements.find((s) => s.index === u.index) as TracedStatement;
        st.notTracedReason =
          tx.failedStatement !== undefined ? 'not traced: an earlier statement failed' : 'not traced: the trace was cancelled';
      }
    }
    result.disagreements.sort((a, b) => a.span.start - b.span.start);
    result.timings.traceMs = since(tTrace);
    result.timings.totalMs = since(t0);
    return result;
  } catch (err) {
    if (err instanceof TraceError) throw new TraceError(err.code, scrub(err.message));
    throw new TraceError('server', scrub(`the trace failed on ${source}: ${sqlErrorOf(err).message}`));
  } finally {
    for (const c of clients) await c.end().catch(() => undefined);
  }
}

/** lock_timeout / statement_timeout for every session, and limits that end our session if we vanish. */
export async function setSessionLimits(session: TraceSession, major: number, lockMs: number, statementMs: number): Promise<void> {
  await session.query(
    `SELECT pg_catalog.set_config('lock_timeout', $1, false), pg_catalog.set_config('statement_timeout', $2, false), pg_catalog.set_config('idle_in_transaction_session_timeout', $3, false)`,
    [`${lockMs}ms`, `${statementMs}ms`, `${Math.max(60_000, statementMs * 2)}ms`],
  );
  // PG 14+: notice a client that died (kill -9) while a statement runs or waits, and abort at once.
  if (major >= 14)
    await session.query(`SELECT pg_catalog.set_config('client_connection_check_interval', '1000ms', false)`).catch(() => undefined);
}

/** '5s', '500ms', '1min', '2h', '3000' -> milliseconds. */
export function durationMs(v: string | undefined, fallback: number): number {
  const m = /^\s*(\d+)\s*(ms|s|min|h)?\s*$/.exec(v ?? '');
  if (!m) return fallback;
  const n = Number(m[1]);
  return n * ({ ms: 1, s: 1000, min: 60_000, h: 3_600_000 } as Record<string, number>)[m[2] ?? 'ms'];
}

interface SeqState {
  oid: string;
  name: string;
  last: string | null;
  start: string;
}

async function sequenceStates(session: TraceSession): Promise<SeqState[]> {
  return session.query<SeqState>(
    `SELECT c.oid::text AS oid, quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename) AS name, s.last_value::text AS last, s.start_value::text AS start
     FROM pg_catalog.pg_sequences s JOIN pg_catalog.pg_namespace n ON n.nspname = s.schemaname JOIN pg_catalog.pg_class c ON c.relname = s.sequencename AND c.relnamespace = n.oid`,
  );
}

async function restoreSequences(session: TraceSession, before: SeqState[]): Promise<string[]> {
  const now = new Map((await sequenceStates(session)).map((s) => [s.oid, s]));
  const restored: string[] = [];
  for (const b of before) {
    const a = now.get(b.oid);
    if (!a || a.last === b.last) continue;
    if (b.last === null) await session.query(`SELECT pg_catalog.setval($1::regclass, $2::bigint, false)`, [b.oid, b.start]);
    else await session.query(`SELECT pg_catalog.setval($1::regclass, $2::bigint, true)`, [b.oid, b.last]);
    restored.push(b.name);
  }
  return restored;
}

export type { Unit as TraceUnit };
