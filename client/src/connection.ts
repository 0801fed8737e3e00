// The statistics connection: which database, when to read it, and what the user sees when that fails.
// No vscode import (the host passes in collect/send/notify/timers), so the whole fault policy is unit-tested
// in plain Node against a fake collector and a real PostgreSQL.
//
// Policy:
// - A read is one collectStats() call (shared/src/collect.ts: short connect timeout, statement_timeout,
//   READ ONLY transaction, rolled back). A successful read is sent to the language server (pgPreflight/stats).
// - While connected it re-reads every `refreshMinutes` (0 = only on command).
// - A failure never throws out of here: the state becomes 'error' (the status bar shows it), the user gets
//   ONE notification per episode (an episode ends at the next success or the user's next Connect/Refresh),
//   and transient faults (refused, unknown host, timeout, dropped) are retried with exponential back-off
//   (30 s, 1 min, 2 min, ... capped at 10 min). Auth, TLS, privileges and bad URLs wait for the user.
// - The last good snapshot stays in use at the server through failures; Disconnect drops it.
import type { StatsSnapshot } from '@pg-preflight/shared';
import { CollectError, type CollectErrorCode } from '@pg-preflight/shared/dist/collect';
import { RETRYABLE, type ConnectionState } from './status';

export interface ConnectionSource {
  url: string;
  /** Display name: "prod-replica" or user@host:port/db. Never holds a password. */
  name: string;
  /** Where the URL came from. */
  origin: 'saved' | 'env' | 'command';
}

export interface ConnectionHost {
  collect(url: string): Promise<StatsSnapshot>;
  /** Sends the snapshot (null = drop it) to the language server. */
  send(snapshot: StatsSnapshot | null): void | Promise<void>;
  /** Shows one notification for a failure (the caller adds buttons). */
  notifyFailure(state: Extract<ConnectionState, { kind: 'error' }>, userInitiated: boolean): void;
  log(line: string): void;
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const BACKOFF_MS = [30_000, 60_000, 120_000, 300_000, 600_000];
export const MAX_BACKOFF_MS = 600_000;

export function backoffDelay(failures: number): number {
  return BACKOFF_MS[Math.min(Math.max(failures, 1), BACKOFF_MS.length) - 1] ?? MAX_BACKOFF_MS;
}

export class StatsConnection {
  private _state: ConnectionState = { kind: 'disconnected' };
  private _source: ConnectionSource | undefined;
  private _snapshot: StatsSnapshot | undefined;
  private timer: unknown;
  private failures = 0;
  private notifiedThisEpisode = false;
  /** Bumped by connect/disconnect: a read that finishes for an older generation is dropped. */
  private generation = 0;
  private inFlight: Promise<boolean> | undefined;
  private readonly listeners = new Set<(s: ConnectionState) => void>();

  constructor(
    private readonly host: ConnectionHost,
    private refreshMinutes: number,
  ) {}

  get state(): ConnectionState {
    return this._state;
  }
  get source(): ConnectionSource | undefined {
    return this._source;
  }
  /** The last snapshot read (also after a later failure); undefined when none or disconnected. */
  get snapshot(): StatsSnapshot | undefined {
    return this._snapshot;
  }

  onDidChange(listener: (s: ConnectionState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  setRefreshMinutes(minutes: number): void {
    const m = Number.isFinite(minutes) && minutes >= 0 ? minutes : 10;
    if (m === this.refreshMinutes) return;
    this.refreshMinutes = m;
    if (this._state.kind === 'connected') this.schedule(this.refreshMs());
  }

  /** Switches to a source and reads it now. Resolves true when statistics arrived. */
  async connect(source: ConnectionSource, userInitiated: boolean): Promise<boolean> {
    this.generation++;
    this.cancelTimer();
    if (this._source && this._source.url !== source.url) {
      this._snapshot = undefined;
      await this.host.send(null);
    }
    this._source = source;
    this.failures = 0;
    this.notifiedThisEpisode = false;
    this.inFlight = undefined;
    this.set({ kind: 'connecting', name: source.name });
    return this.read(userInitiated);
  }

  /** Re-reads the current source. A user's refresh starts a new episode (its failure is notified again). */
  async refresh(userInitiated: boolean): Promise<boolean> {
    if (!this._source) return false;
    if (userInitiated) {
      this.notifiedThisEpisode = false;
      this.failures = 0;
    }
    return this.read(userInitiated);
  }

  async disconnect(note?: string): Promise<void> {
    this.generation++;
    this.cancelTimer();
    const had = this._source !== undefined || this._snapshot !== undefined;
    this._source = undefined;
    this._snapshot = undefined;
    this.inFlight = undefined;
    this.failures = 0;
    this.set({ kind: 'disconnected', ...(note ? { note } : {}) });
    if (had) await this.host.send(null);
  }

  dispose(): void {
    this.generation++;
    this.cancelTimer();
    this.listeners.clear();
  }

  private read(userInitiated: boolean): Promise<boolean> {
    if (this.inFlight) return this.inFlight;
    const p = this.doRead(userInitiated).finally(() => {
      if (this.inFlight === p) this.inFlight = undefined;
    });
    this.inFlight = p;
    return p;
  }

  private async doRead(userInitiated: boolean): Promise<boolean> {
    const source = this._source;
    if (!source) return false;
    const gen = this.generation;
    this.cancelTimer();
    if (this._state.kind === 'connected') this.set({ ...this._state, refreshing: true });
    else if (this._state.kind !== 'connecting') this.set({ kind: 'connecting', name: source.name });
    let snapshot: StatsSnapshot;
    try {
      snapshot = await this.host.collect(source.url);
    } catch (err) {
      if (gen !== this.generation) return false;
      const e =
        err instanceof CollectError ? err : new CollectError('other', `could not read statistics from ${source.name}: ${oneLine(err)}`);
      this.failed(source, e.code, e.message, userInitiated);
      return false;
    }
    if (gen !== this.generation) return false;
    this._snapshot = snapshot;
    this.failures = 0;
    this.notifiedThisEpisode = false;
    try {
      await this.host.send(snapshot);
    } catch (err) {
      this.host.log(`could not send the statistics to the language server: ${oneLine(err)}`);
    }
    if (gen !== this.generation) return false;
    this.host.log(
      `read statistics of ${snapshot.tables.length} tables from ${source.name} (server_version_num ${snapshot.serverVersionNum})`,
    );
    this.set({
      kind: 'connected',
      name: source.name,
      serverVersionNum: snapshot.serverVersionNum,
      capturedAt: snapshot.capturedAt,
      tables: snapshot.tables.length,
    });
    const every = this.refreshMs();
    if (every > 0) this.schedule(every);
    return true;
  }

  private failed(source: ConnectionSource, code: CollectErrorCode, message: string, userInitiated: boolean): void {
    this.failures++;
    const retryable = RETRYABLE.has(code);
    const delay = retryable ? backoffDelay(this.failures) : undefined;
    const state: Extract<ConnectionState, { kind: 'error' }> = {
      kind: 'error',
      name: source.name,
      code,
      message,
      ...(delay !== undefined ? { retryAt: this.host.now() + delay } : {}),
      ...(this._snapshot ? { lastGood: { capturedAt: this._snapshot.capturedAt, serverVersionNum: this._snapshot.serverVersionNum } } : {}),
    };
    this.host.log(
      `statistics read failed (${code}, attempt ${this.failures}): ${message}${delay !== undefined ? `; retrying in ${Math.round(delay / 1000)} s` : '; not retrying on its own'}`,
    );
    this.set(state);
    if (!this.notifiedThisEpisode) {
      this.notifiedThisEpisode = true;
      this.host.notifyFailure(state, userInitiated);
    }
    if (delay !== undefined) this.schedule(delay);
  }

  private refreshMs(): number {
    return Math.round(this.refreshMinutes * 60_000);
  }

  private schedule(ms: number): void {
    this.cancelTimer();
    this.timer = this.host.setTimer(() => {
      this.timer = undefined;
      void this.read(false);
    }, ms);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.host.clearTimer(this.timer);
    this.timer = undefined;
  }

  private set(state: ConnectionState): void {
    this._state = state;
    for (const l of [...this.listeners]) {
      try {
        l(state);
      } catch {
        // a listener's failure is its own
      }
    }
  }
}

function oneLine(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.replace(/\s+/g, ' ').trim();
}

/** A source from the editor's environment: DATABASE_URL, else PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE/PGSSLMODE. */
export function envConnectionUrl(env: NodeJS.ProcessEnv): { url: string; from: string } | undefined {
  const direct = env.DATABASE_URL?.trim();
  if (direct && /^postgres(ql)?:\/\//i.test(direct)) return { url: direct, from: 'DATABASE_URL' };
  if (!env.PGHOST && !env.PGDATABASE && !env.PGUSER) return undefined;
  const host = env.PGHOST || 'localhost';
  const hostPart = host.startsWith('/') ? '' : host.includes(':') ? `[${host}]` : host;
  const user = env.PGUSER ? encodeURIComponent(env.PGUSER) : '';
  const password = env.PGPASSWORD ? `:${encodeURIComponent(env.PGPASSWORD)}` : '';
  const auth = user ? `${user}${password}@` : '';
  const port = env.PGPORT ? `:${env.PGPORT}` : '';
  const db = encodeURIComponent(env.PGDATABASE || env.PGUSER || 'postgres');
  const params = new URLSearchParams();
  if (host.startsWith('/')) params.set('host', host);
  if (env.PGSSLMODE) params.set('sslmode', env.PGSSLMODE);
  const q = params.toString();
  return { url: `postgresql://${auth}${hostPart}${port}/${db}${q ? `?${q}` : ''}`, from: 'PG* variables' };
}
