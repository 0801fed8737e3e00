// What the status bar says about the database connection: a pure function of the connection state and the
// clock (no vscode import; unit-tested in plain Node). statusBar.ts puts it on screen.
import type { CollectErrorCode } from '@pg-preflight/shared/dist/collect';

export type ConnectionState =
  | {
      kind: 'disconnected';
      /** Why there is no connection when it is not just "none saved". */
      note?: string;
    }
  | { kind: 'connecting'; name: string }
  | { kind: 'connected'; name: string; serverVersionNum: number; capturedAt: string; tables: number; refreshing?: boolean }
  | {
      kind: 'error';
      name: string;
      code: CollectErrorCode;
      message: string;
      /** When the next automatic retry runs (ms since epoch); absent when none is scheduled. */
      retryAt?: number;
      /** The last snapshot that did arrive, still in use by the server. */
      lastGood?: { capturedAt: string; serverVersionNum: number };
    };

/** Short words for each fault, as the status bar shows them ("error: auth failed"). */
export const FAULT_LABELS: Record<CollectErrorCode, string> = {
  refused: 'connection refused',
  'unknown-host': 'unknown host',
  auth: 'auth failed',
  tls: 'TLS failed',
  timeout: 'timed out',
  privileges: 'missing privileges',
  dropped: 'connection dropped',
  'bad-url': 'invalid URL',
  'wrong-database': 'wrong database',
  other: 'stats failed',
};

/** Faults worth retrying on their own: the network or the server may come back. Auth, TLS, privileges and a bad URL need the user. */
export const RETRYABLE: ReadonlySet<CollectErrorCode> = new Set<CollectErrorCode>([
  'refused',
  'unknown-host',
  'timeout',
  'dropped',
  'other',
]);

/** 150008 -> "15.8"; 90624 -> "9.6.24". */
export function formatPgVersion(num: number): string {
  if (!Number.isFinite(num) || num <= 0) return '?';
  if (num >= 100000) return `${Math.floor(num / 10000)}.${num % 10000}`;
  return `${Math.floor(num / 10000)}.${Math.floor(num / 100) % 100}.${num % 100}`;
}

/** "just now", "1 min old", "3 min old", "2 h old", "3 days old". */
export function formatAge(ms: number): string {
  const min = Math.floor(Math.max(0, ms) / 60000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min old`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h old`;
  return `${Math.floor(h / 24)} days old`;
}

/** "30 s", "2 min". */
export function formatDelay(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return s < 90 ? `${s} s` : `${Math.round(s / 60)} min`;
}

export interface StatusView {
  text: string;
  tooltip: string;
  tone: 'normal' | 'busy' | 'error';
}

export function statusView(state: ConnectionState, now: number): StatusView {
  switch (state.kind) {
    case 'disconnected':
      return {
        text: '$(database) pg-preflight: not connected',
        tooltip: `pg-preflight: no database connected${state.note ? ` (${state.note})` : ''}. Linting uses the SQL alone${state.note ? '' : ' or the statsFile snapshot'}. Click to connect to a database (ideally a read replica) for real table sizes.`,
        tone: 'normal',
      };
    case 'connecting':
      return {
        text: `$(sync~spin) pg-preflight: ${state.name} · connecting…`,
        tooltip: `pg-preflight: reading table statistics from ${state.name} (read-only)`,
        tone: 'busy',
      };
    case 'connected': {
      const age = formatAge(now - Date.parse(state.capturedAt));
      return {
        text: `$(${state.refreshing ? 'sync~spin' : 'database'}) pg-preflight: ${state.name} · PG ${formatPgVersion(state.serverVersionNum)} · stats ${age}`,
        tooltip: `pg-preflight: statistics of ${state.tables} table${state.tables === 1 ? '' : 's'} from ${state.name}, read ${new Date(state.capturedAt).toISOString().replace('T', ' ').slice(0, 16)} UTC (${age}). Click to refresh, export or disconnect.`,
        tone: state.refreshing ? 'busy' : 'normal',
      };
    }
    case 'error': {
      const retry =
        state.retryAt !== undefined
          ? ` Retrying in ${formatDelay(state.retryAt - now)}.`
          : ' Not retrying on its own: fix the cause, then Refresh or Connect.';
      const kept = state.lastGood
        ? ` The statistics read ${formatAge(now - Date.parse(state.lastGood.capturedAt))} stay in use.`
        : ' Linting carries on without table sizes.';
      return {
        text: `$(error) pg-preflight: error: ${FAULT_LABELS[state.code]}`,
        tooltip: `${state.message}.${kept}${retry}`,
        tone: 'error',
      };
    }
  }
}
