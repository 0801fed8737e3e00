// Which databases a trace may run on. A trace runs the migration's statements for real (inside a
// transaction that is always rolled back), so it refuses any database the user has not marked as a
// scratch copy: by an explicit flag (--scratch; `scratch: true` in the API) or by listing it in the
// scratchDatabaseUrls setting. Whatever else the user types, an unmarked connection is never opened.
import type { Settings } from '@pg-preflight/shared';

/** user@host:port/db of a postgresql:// URL (host lower-cased, port defaulted); undefined when it is not one. */
export function connectionIdentity(url: string): string | undefined {
  if (typeof url !== 'string' || !/^postgres(ql)?:\/\//i.test(url.trim())) return undefined;
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return undefined;
  }
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const q = u.searchParams;
  const user = q.get('user') ?? dec(u.username);
  const host = (q.get('host') ?? dec(u.hostname)).toLowerCase() || 'localhost';
  const port = q.get('port') ?? (u.port || '5432');
  const db = q.get('dbname') ?? dec(u.pathname.replace(/^\//, ''));
  return `${user}@${host}:${port}/${db}`;
}

/** The URL is listed in settings.scratchDatabaseUrls (same user, host, port and database; passwords ignored). */
export function isListedScratch(url: string, settings: Pick<Settings, 'scratchDatabaseUrls'> | undefined): boolean {
  const id = connectionIdentity(url);
  if (!id) return false;
  return (settings?.scratchDatabaseUrls ?? []).some((s) => connectionIdentity(s) === id);
}
