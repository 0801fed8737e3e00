// A statistics snapshot file (pg-preflight stats > snapshot.json): read and validated the same way for
// the CLI's --stats and the editor's statsFile setting, with one size limit.
import { validateStatsSnapshot, type StatsSnapshot } from '@pg-preflight/shared';
import { InputError, jsonProblem } from './errors';
import { readTextFile, type ReadProblem } from './fsutil';

/** A statistics snapshot of many thousand tables is larger than any migration. */
const MAX_STATS_BYTES = 50 * 1024 * 1024;

/** Reads and validates a snapshot; a problem is one line saying what is wrong (and with which field). */
export function readStatsSnapshot(file: string): { snapshot: StatsSnapshot } | ReadProblem {
  const r = readTextFile(file, MAX_STATS_BYTES);
  if ('why' in r) return r;
  let json: unknown;
  try {
    json = JSON.parse(r.text);
  } catch (err) {
    return { why: `not a statistics snapshot: ${jsonProblem(err, r.text)}` };
  }
  const v = validateStatsSnapshot(json);
  if (!v.ok) return { why: `not a valid statistics snapshot: ${v.error}` };
  return { snapshot: v.snapshot };
}

/** Like readStatsSnapshot, but a problem is an InputError. */
export function readStatsFile(file: string, shownAs: string): StatsSnapshot {
  const r = readStatsSnapshot(file);
  if ('why' in r) throw new InputError(shownAs, r.why);
  return r.snapshot;
}
