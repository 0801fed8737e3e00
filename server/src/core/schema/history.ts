// The schema history of one migration folder, built once per run: a CLI run checks the files of a folder
// in order, and file k's earlier files are file k-1's plus one. Without this, each file would replay all
// of its earlier files again (quadratic in the history's length). Where up and down files alternate
// (diesel's <version>/down.sql before its up.sql, pop's .down.sql), a down's earlier files hold its own
// up and the next up's do not: once a call has asked for less than the call before it, the state before
// the last file of each call is kept too, so that the next such call continues from it (a folder that
// only ever grows pays for no extra copies). Pure; never changes a result: the catalog after a prefix of
// earlier files is the same however it was reached.
import type { StatsSnapshot } from '@pg-preflight/shared';
import { Catalog } from './catalog';

export interface HistoryFile {
  path: string;
  text: string;
}

interface State {
  stats: StatsSnapshot | undefined;
  files: HistoryFile[];
  catalog: Catalog;
}

/** Kept states besides the one being extended (the newest are kept). */
const KEPT_STATES = 4;

export class SchemaHistory {
  /** The state of the last call: extended in place by the next call that continues it. */
  private working?: State;
  /** Earlier states, never changed: a call that starts from one starts from a copy. */
  private kept: State[] = [];
  /** A call asked for fewer files than the call before it (up and down files alternate). */
  private stepsBack = false;
  /** Work done, for tests that keep the history linear. */
  readonly counters = { filesApplied: 0, prefixesReused: 0 };

  /**
   * A fresh catalog (the caller may change it) after applying `files` in order on top of `stats`.
   * Continues from the kept state whose files are the longest prefix of these.
   */
  catalogAfter(
    stats: StatsSnapshot | undefined,
    files: readonly HistoryFile[],
    apply: (catalog: Catalog, file: HistoryFile) => void,
  ): Catalog {
    const continues = (s: State) =>
      s.stats === stats && s.files.length <= files.length && s.files.every((f, i) => f.path === files[i].path && f.text === files[i].text);
    let from = this.working && continues(this.working) ? this.working : undefined;
    if (!from && this.working) this.stepsBack = true;
    for (const s of this.kept) if (continues(s) && (!from || s.files.length > from.files.length)) from = s;
    let catalog: Catalog;
    let start = 0;
    if (from) {
      catalog = from === this.working ? from.catalog : from.catalog.clone();
      start = from.files.length;
      this.counters.prefixesReused++;
    } else catalog = new Catalog(stats);
    const keptAlready = from !== undefined && from !== this.working;
    // Half-applied while this runs: never continued from if it throws.
    this.working = undefined;
    for (let i = start; i < files.length; i++) {
      if (this.stepsBack && i === files.length - 1 && !(i === start && keptAlready))
        this.keep({ stats, files: copyOf(files, i), catalog: catalog.clone() });
      apply(catalog, files[i]);
      this.counters.filesApplied++;
    }
    this.working = { stats, files: copyOf(files, files.length), catalog };
    return catalog.clone();
  }

  private keep(state: State): void {
    this.kept.push(state);
    if (this.kept.length > KEPT_STATES) this.kept.shift();
  }
}

/** The first n files, as path and text only (the caller's objects may change after the call). */
function copyOf(files: readonly HistoryFile[], n: number): HistoryFile[] {
  return files.slice(0, n).map((f) => ({ path: f.path, text: f.text }));
}
