// AnalysisMemo: what analyze() may keep between two analyses of the same document, so that a long-running
// front end (the language server) does not redo work a keystroke did not change. A memo never changes a
// result: analyze(input) and analyze({...input, memo}) return equal analyses (a test checks it), it only
// skips recomputing what is provably the same:
//   - the schema of the earlier files (stats snapshot + priorFiles), rebuilt only when they change;
//   - the sequential pass over the file's statements up to a checkpoint: when every statement before the
//     checkpoint has the same text at the same offset as last time, and nothing else in the input that
//     the pass reads changed, the state after them (catalog, transaction and timeout state, statement
//     views) is restored instead of recomputed;
//   - the statement rules' findings on the statements restored from the checkpoint.
// Pure data, no I/O; one memo per document.
import type { PathState } from './schema/search-path';
import type { Settings, StatsSnapshot } from '@pg-preflight/shared';
import type { Catalog } from './schema/catalog';
import { parseFile, parserLoaded, parseSplit, type ParsedFile, type ParsedStatement } from './syntax/parse';
import { splitSql, type SplitResult } from './syntax/split';
import type { StatementFinding, StatementView } from './rules/rule';
import type { Violation } from './types';

export interface MemoSource {
  path: string;
  text: string;
}

/** The sequential pass's state between two statements. */
export interface PassState {
  inTx: boolean;
  explicitTx: boolean;
  txId: number;
  nextTxId: number;
  lockTimeout: SettingScope;
  statementTimeout: SettingScope;
  timeZoneUtc?: boolean;
  /** SET search_path in force: the session's, and a SET LOCAL's until the transaction ends (never mutated). */
  searchPath: PathState;
  /** Tables created or rewritten in the open transaction: a TRUNCATE of one empties it in place (never mutated). */
  renewedInTx: readonly string[];
}

/**
 * Whether a timeout setting is on, by scope (never mutated: the memo copies the state shallowly). SET LOCAL
 * lasts until its transaction ends; a plain SET inside a transaction is undone by ROLLBACK.
 */
export interface SettingScope {
  /** Session value, counting plain SETs of the open transaction. */
  session: boolean;
  /** Session value as of the last transaction end (what ROLLBACK goes back to). */
  committed: boolean;
  /** SET LOCAL in the open transaction. */
  local?: boolean;
}

export interface Checkpoint {
  /** Statements [0, index) are covered; their texts and offsets are those of the memo's previous analysis. */
  index: number;
  catalog: Catalog;
  state: PassState;
  views: StatementView[];
  /** Findings the pass made for the covered statements (syntax errors). */
  violations: Violation[];
}

/** What analyze() does with the memo for one analysis. */
export interface PassPlan {
  /** Restore this state and start the pass at checkpoint.index. */
  checkpoint?: Checkpoint;
  /** Save a checkpoint right before the pass reaches this statement index (-1: none). */
  checkpointAt: number;
}

/** A checkpoint this many statements before the edit is replaced by one at the edit. */
const CHECKPOINT_REFRESH = 32;

export interface MemoCounters {
  /** Analyses that built the schema of the earlier files / reused it. */
  baseBuilt: number;
  baseReused: number;
  /** Statements restored from a checkpoint / run through the sequential pass. */
  statementsReused: number;
  statementsAnalysed: number;
  /** Statements the splitter produced again (the rest came from the previous analysis). */
  statementsResplit: number;
  /** Statement-rule checks run / whose findings were reused from the previous analysis (same view). */
  statementChecksRun: number;
  statementChecksReused: number;
}

/**
 * The statement rules' findings on each statement view of the previous analysis: a view restored from
 * the checkpoint is the same object, and a statement rule's findings on it are the same as long as the
 * inputs in `key` (settings, version, runner, path) and the stats snapshot are.
 */
export interface StatementFindings {
  key: string;
  stats?: StatsSnapshot;
  views: readonly StatementView[];
  /** Per view, each statement rule's findings in the order the rules run (undefined: none found anything). */
  byView: readonly ((readonly StatementFinding[])[] | undefined)[];
}

export class AnalysisMemo {
  private base?: { stats?: StatsSnapshot; priors: MemoSource[]; catalog: Catalog };
  /** The inputs the sequential pass depends on besides the statements, as one comparable key. */
  private passKey?: string;
  private passStats?: StatsSnapshot;
  private checkpoint?: Checkpoint;
  /** Statement texts and offsets of the previous analysis, to find where this one starts to differ. */
  private previous?: readonly { text: string; span: { start: number } }[];
  readonly counters: MemoCounters = {
    baseBuilt: 0,
    baseReused: 0,
    statementsReused: 0,
    statementsAnalysed: 0,
    statementsResplit: 0,
    statementChecksRun: 0,
    statementChecksReused: 0,
  };
  /** Set by analyze() after its rules ran; read by the next analysis. */
  statementFindings?: StatementFindings;
  private lastParse?: { text: string; split: SplitResult; parsed: ParsedStatement[] };

  /**
   * parseFile(text), re-splitting and re-parsing only from the last statement that starts inside the
   * part of the text that is unchanged since the previous call. The splitter's state at a statement's
   * start depends only on the text before it, so the statements before that point are those of the
   * previous call, objects and all.
   */
  parse(text: string): ParsedFile {
    if (!parserLoaded()) {
      this.lastParse = undefined;
      return parseFile(text);
    }
    const prev = this.lastParse;
    let result: ParsedFile;
    let split: SplitResult;
    if (!prev) {
      split = splitSql(text);
      result = parseSplit(split);
      this.counters.statementsResplit += split.statements.length;
    } else {
      const same = commonPrefixLength(prev.text, text);
      const old = prev.split.statements;
      // The last earlier statement that starts within the unchanged prefix: re-split from its start.
      let lo = 0;
      let hi = old.length - 1;
      let k = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (old[mid].span.start <= same) {
          k = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      const from = k >= 0 ? old[k].span.start : 0;
      const kept = k >= 0 ? old.slice(0, k) : [];
      const tail = splitSql(text, from);
      split = {
        statements: kept.concat(tail.statements),
        comments: prev.split.comments.filter((c) => c.span.start < from).concat(tail.comments),
      };
      let keptParsed = 0;
      while (keptParsed < prev.parsed.length && prev.parsed[keptParsed].raw.span.start < from) keptParsed++;
      result = parseSplit({ statements: tail.statements, comments: split.comments }, prev.parsed.slice(0, keptParsed));
      this.counters.statementsResplit += tail.statements.length;
    }
    this.lastParse = { text, split, parsed: result.statements };
    return result;
  }

  /** The catalog after the stats snapshot and the earlier files: a fresh copy, reused when they did not change. */
  baseCatalog(stats: StatsSnapshot | undefined, priors: readonly MemoSource[], build: () => Catalog): Catalog {
    const b = this.base;
    if (b && b.stats === stats && samePriors(b.priors, priors)) {
      this.counters.baseReused++;
      return b.catalog.clone();
    }
    const catalog = build();
    this.base = { stats, priors: priors.map((p) => ({ path: p.path, text: p.text })), catalog: catalog.clone() };
    this.counters.baseBuilt++;
    return catalog;
  }

  private baseIsCurrent(stats: StatsSnapshot | undefined, priors: readonly MemoSource[]): boolean {
    return !!this.base && this.base.stats === stats && samePriors(this.base.priors, priors);
  }

  /**
   * Decides, before the pass, whether the checkpoint applies and where to take the next one. The
   * checkpoint's statements always equal the previous analysis' first `index` statements (it was taken
   * or used then), so it applies when nothing before its index changed since that analysis, and neither
   * the earlier files nor the inputs of the pass did. The next checkpoint goes where this analysis
   * starts to differ from the previous one: where the user is typing.
   */
  plan(
    stats: StatsSnapshot | undefined,
    priors: readonly MemoSource[],
    settings: Settings,
    pgVersion: number,
    wrapped: boolean,
    runner: string,
    statements: readonly { text: string; span: { start: number } }[],
  ): PassPlan {
    const key = JSON.stringify([settings.throughput, pgVersion, wrapped, runner]);
    if (!this.baseIsCurrent(stats, priors) || key !== this.passKey || stats !== this.passStats) this.checkpoint = undefined;
    this.passKey = key;
    this.passStats = stats;
    const n = statements.length;
    const prev = this.previous;
    let same = 0;
    if (prev) {
      const m = Math.min(prev.length, n);
      // Statements parse() kept are the very same objects: identity first, then text and offset.
      while (
        same < m &&
        (prev[same] === statements[same] ||
          (prev[same].span.start === statements[same].span.start && prev[same].text === statements[same].text))
      )
        same++;
    }
    this.previous = statements;
    let cp = this.checkpoint;
    if (cp && cp.index > same) cp = this.checkpoint = undefined;
    // First analysis: guess that typing happens at the end.
    const target = prev ? Math.min(same, n - 1) : n - 1;
    let checkpointAt = -1;
    if (target > 0 && (!cp || target - cp.index > CHECKPOINT_REFRESH)) checkpointAt = target;
    return { checkpoint: cp, checkpointAt };
  }

  /** Takes the checkpoint: called by the pass right before statement `index`, with the state after [0, index). */
  save(index: number, catalog: Catalog, state: PassState, views: readonly StatementView[], violations: readonly Violation[]): void {
    this.checkpoint = {
      index,
      catalog: catalog.clone(),
      state: { ...state },
      views: views.slice(0, index),
      violations: violations.slice(),
    };
  }
}

function samePriors(a: readonly MemoSource[], b: readonly MemoSource[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].path !== b[i].path || a[i].text !== b[i].text) return false;
  return true;
}

/** Length of the common prefix of two strings (compared a chunk at a time). */
export function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  const CHUNK = 4096;
  let i = 0;
  while (i + CHUNK <= n && a.substr(i, CHUNK) === b.substr(i, CHUNK)) i += CHUNK;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
