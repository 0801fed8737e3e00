// Which databases a trace may run on. A trace runs the migration's statements for real (inside a
// transaction that is always rolled back), so it refuses any database the user has not marked as a
// scratch copy: by an explicit flag (--scratch; `scratch: true` in the API) or by listing it in the
// scratchDatabaseUrls setting. Whatever else the user types, an unmarked connection is never opened.
import type { Settings } from '@pg-preflight/shared';
import { parseConnectionUrl } from '@pg-preflight/shared/dist/connection-url';

/** user@host:port/db of a postgresql:// URL (host lower-cased, port defaulted); undefined when it is not one. */
export function connectionIdentity(url: string): string | undefined {
  const p = parseConnectionUrl(url);
  return p && `${p.user}@${p.host.toLowerCase()}:${p.port}/${p.database}`;
}

/** The URL is listed in settings.scratchDatabaseUrls (same user, host, port and database; passwords ignored). */
export function isListedScratch(url: string, settings: Pick<Settings, 'scratchDatabaseUrls'> | undefined): boolean {
  const id = connectionIdentity(url);
  if (!id) return false;
  return (settings?.scratchDatabaseUrls ?? []).some((s) => connectionIdentity(s) === id);
}
