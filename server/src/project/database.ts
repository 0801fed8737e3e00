// Statistics from a live database through shared's collector (read-only, rolled back). Loaded only
// when asked for, so `check` without --database-url never loads `pg`. Errors become one-line
// InputErrors that never contain the password.
import type { StatsSnapshot } from '@pg-preflight/shared';
import { InputError, oneLine } from './errors';

export async function statsFromDatabase(url: string): Promise<StatsSnapshot> {
  const collect = await import('@pg-preflight/shared/dist/collect');
  try {
    return await collect.collectStats(url);
  } catch (err) {
    const why = err instanceof collect.CollectError ? err.message : `could not read statistics: ${(err as Error)?.message ?? String(err)}`;
    throw new InputError('--database-url', collect.scrubPasswords(oneLine(collect.redactConnectionString(why)), url));
  }
}
