// Statistics from a live database through shared's collector (read-only, rolled back). Loaded only
// when asked for, so `check` without --database-url never loads `pg`. Errors become one-line
// CliErrors that never contain the password.
import type { StatsSnapshot } from '@pg-preflight/shared';
import { CliError, oneLine } from './errors';

export async function statsFromDatabase(url: string): Promise<StatsSnapshot> {
  const collect = await import('@pg-preflight/shared/dist/collect');
  try {
    return await collect.collectStats(url);
  } catch (err) {
    const why = err instanceof collect.CollectError ? err.message : `could not read statistics: ${(err as Error)?.message ?? String(err)}`;
    throw new CliError('--database-url', scrubSecrets(oneLine(collect.redactConnectionString(why)), url));
  }
}

/**
 * Removes any password of `url` from `message` (raw and percent-decoded; also a password=
 * parameter): the collector already promises this, and a second guard costs nothing.
 */
export function scrubSecrets(message: string, url: string): string {
  const secrets = new Set<string>();
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^:@/?#]*:([^@]*)@/i.exec(url.trim());
  if (m) secrets.add(m[1]);
  for (const p of url.matchAll(/[?&]password=([^&]*)/gi)) secrets.add(p[1]);
  for (const s of [...secrets]) {
    try {
      secrets.add(decodeURIComponent(s));
    } catch {
      // not percent-encoded
    }
  }
  let out = message;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('****');
  return out;
}
