// The schema history of one migration folder, built once per run: a CLI run checks the files of a folder
// in order, and file k's earlier files are file k-1's plus one. Without this, each file would replay all
// of its earlier files again (quadratic in the history's length). Pure; never changes a result: the
// catalog after a prefix of earlier files is the same however it was reached.
import type { StatsSnapshot } from '@pg-preflight/shared';
import { Catalog } from './catalog';

export interface HistoryFile {
  path: string;
  text: string;
}

export class SchemaHistory {
  private last?: { stats: StatsSnapshot | undefined; files: HistoryFile[]; catalog: Catalog };
  /** Work done, for tests that keep the history linear. */
  readonly counters = { filesApplied: 0, prefixesReused: 0 };

  /**
   * A fresh catalog (the caller may change it) after applying `files` in order on top of `stats`.
   * Reuses the catalog of the previous call when its files are a prefix of these.
   */
  catalogAfter(
    stats: StatsSnapshot | undefined,
    files: readonly HistoryFile[],
    apply: (catalog: Catalog, file: HistoryFile) => void,
  ): Catalog {
    const l = this.last;
    // The kept catalog is private: extended in place, and only a copy is handed out.
    let catalog: Catalog;
    let start = 0;
    if (
      l &&
      l.stats === stats &&
      l.files.length <= files.length &&
      l.files.every((f, i) => f.path === files[i].path && f.text === files[i].text)
    ) {
      catalog = l.catalog;
      start = l.files.length;
      this.counters.prefixesReused++;
    } else catalog = new Catalog(stats);
    try {
      for (let i = start; i < files.length; i++) {
        apply(catalog, files[i]);
        this.counters.filesApplied++;
      }
    } catch (err) {
      this.last = undefined; // half-applied: never reuse it
      throw err;
    }
    this.last = { stats, files: files.map((f) => ({ path: f.path, text: f.text })), catalog };
    return catalog.clone();
  }
}
