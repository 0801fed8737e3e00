// Which databases a trace may run on. A trace runs the migration's statements for real (inside a
// transaction that is always rolled back), so it refuses any database the user has not marked as a
// scratch copy: by an explicit flag (--scratch; `scratch: true` in the API) or by listing it in the
// scratchDatabaseUrls setting. Whatever else the user types, an unmarked connection is never opened.
// The identity compared is the ConnectionTarget that is later handed to `pg` field by field
// (shared/src/connection-url.ts), PG* variables included: what is checked is what is connected to.
import type { Settings } from '@pg-preflight/shared';
import {
  describeTarget,
  resolveConnection,
  targetIdentity,
  type ConnectionEnv,
  type ConnectionTarget,
} from '@pg-preflight/shared/dist/connection-url';

/** user@host:port/db a postgresql:// URL connects to (host lower-cased); undefined when it is not one or is refused. */
export function connectionIdentity(url: string, env?: ConnectionEnv): string | undefined {
  const r = resolveConnection(url, env);
  return r.ok ? targetIdentity(r.target) : undefined;
}

/** The URL is listed in settings.scratchDatabaseUrls (same user, host, port and database; passwords ignored). */
export function isListedScratch(url: string, settings: Pick<Settings, 'scratchDatabaseUrls'> | undefined, env?: ConnectionEnv): boolean {
  const id = connectionIdentity(url, env);
  if (!id) return false;
  return (settings?.scratchDatabaseUrls ?? []).some((s) => connectionIdentity(s, env) === id);
}

export type ScratchVerdict =
  | { ok: true; target: ConnectionTarget }
  /** 'invalid': the URL itself is refused (reason says why); 'unmarked': `source` is not marked as scratch. */
  | { ok: false; kind: 'invalid'; reason: string }
  | { ok: false; kind: 'unmarked'; source: string };

/** The one scratch check: resolves the URL once; the target it returns is the one to connect to. */
export function checkScratch(
  url: string,
  marked: boolean,
  settings: Pick<Settings, 'scratchDatabaseUrls'> | undefined,
  env?: ConnectionEnv,
): ScratchVerdict {
  const r = resolveConnection(url, env);
  if (!r.ok) return { ok: false, kind: 'invalid', reason: r.reason };
  if (marked) return { ok: true, target: r.target };
  const id = targetIdentity(r.target);
  const listed = (settings?.scratchDatabaseUrls ?? []).some((s) => connectionIdentity(s, env) === id);
  return listed ? { ok: true, target: r.target } : { ok: false, kind: 'unmarked', source: describeTarget(r.target) };
}
