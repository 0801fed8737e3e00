// analyze(input) -> Analysis: the one entry point the front ends call. Pure: the caller reads files,
// stats and settings and hands them in as data. Never throws on any input.
import { DEFAULT_PG_VERSION, DEFAULT_SETTINGS, type Settings, type StatsSnapshot, type TableStats } from '@pg-preflight/shared';
import { qualify, rangeVarName, unwrap, type Node } from './syntax/ast';
import { Catalog } from './schema/catalog';
import { riskScore, withEstimate } from './estimate';
import { applyIgnores, readIgnores } from './ignore';
import { statementLocks, type LockContext, type StatementLocks } from './locks';
import { lockStrength } from './locks/modes';
import type { AnalysisMemo, SettingScope, StatementFindings } from './memo';
import { DEFAULT_PATH_STATE, isDefaultPath, pathAfter, pathInForce, qualifyThroughPath, type PathState } from './schema/search-path';
import { parseFile, parseNested, readPlpgsql, type ParsedStatement } from './syntax/parse';
import { fillTemplates, restoreIn } from './syntax/templates';
import { RULES, RULE_IDS } from './rules';
import type { Finding, Rule, RuleContext, StatementContext, StatementFinding, StatementRule, StatementView } from './rules/rule';
import { detectRunner, fileConvention, RUNNERS } from './migrations/runners';
import { Utf8Mapper } from './syntax/text';
import type { Analysis, Fix, LockMode, Span, StatementInfo, Violation } from './types';
import { INHERITANCE_CYCLE_RULE, RULE_CRASH, SYNTAX_ERROR_RULE } from './rules/core-findings';
import type { SchemaHistory } from './schema/history';

export { INHERITANCE_CYCLE_RULE, RULE_CRASH, SYNTAX_ERROR_RULE };

export interface SourceFile {
  path: string;
  text: string;
}

export interface AnalyzeInput {
  text: string;
  /** Path as the user knows it; used for runner detection and messages. */
  path?: string;
  settings?: Settings;
  stats?: StatsSnapshot;
  /** Overrides settings and stats: the PostgreSQL major version to assume. */
  pgVersion?: number;
  /** Earlier migrations of the same folder, in the runner's order: they define the schema. */
  priorFiles?: SourceFile[];
  /**
   * The schema `priorFiles` define, already built (origin 'earlier-file') by a caller that analyses many
   * files in a row, each seeing the ones before (planSplit's steps): analyze() works on a clone and does not
   * re-read priorFiles' statements, so n files cost O(n) instead of O(n^2). Must match priorFiles.
   */
  baseCatalog?: Catalog;
  /** File names of the other migrations in the folder (ordering and duplicate checks). */
  siblingNames?: string[];
  /**
   * Every migration name of the folder, this file's included; defaults to siblingNames plus this file.
   * The applied-history checks need it when siblingNames leaves out later files of the run.
   */
  migrationNames?: string[];
  /** Application source files to search for dropped or renamed names. */
  appFiles?: SourceFile[];
  /**
   * The path of the priorFiles entry this file reverts (a down migration's own up, which the project
   * layer pairs): dropping what that file created is a rollback, not a removal of something in use.
   */
  reverts?: string;
  /**
   * Tables ("schema.table") and columns ("schema.table.column") that exist after the folder's last
   * migration: the schema today's application code is written against. A name this file removes that
   * exists there again was created anew later, and the application's uses are of the new object.
   */
  namesAtHead?: ReadonlySet<string>;
  /** The file is in a migrations folder (default true); ordering rules run only then. */
  isMigration?: boolean;
  /** Work kept between analyses of the same document (language server); never changes the result. */
  memo?: AnalysisMemo;
  /** The folder's schema history, shared by the files of one run (CLI); never changes the result. */
  history?: SchemaHistory;
  /**
   * false when the runner's configuration outside the file turns its transaction off for this file
   * (diesel's metadata.toml with run_in_transaction = false); read by the project layer.
   */
  runsInTransaction?: boolean;
  /**
   * The PostgreSQL version the runner's own configuration states (Supabase's [db] major_version), used
   * when neither the settings nor the statistics give one.
   */
  fallbackPgVersion?: number;
}

/** StatementInfo per statement view, for views a memo reuses (the info is a function of the view). */
const infoOfView = new WeakMap<StatementView, StatementInfo>();

export function resolvePgVersion(settings: Settings, stats?: StatsSnapshot, override?: number, fallback?: number): number {
  if (override) return override;
  if (typeof settings.pgVersion === 'number') return settings.pgVersion;
  if (stats) return Math.floor(stats.serverVersionNum / 10000);
  if (fallback) return fallback;
  return DEFAULT_PG_VERSION;
}

/** Applies an earlier migration's statements to the catalog. */
function applyPrior(c: Catalog, prior: SourceFile): void {
  // Each file runs in a session of its own: its SET search_path ends with it. Taken as one transaction
  // (the runners' usual wrapping), so a SET LOCAL lasts to its COMMIT.
  let path = DEFAULT_PATH_STATE;
  for (const s of parseFile(fillTemplates(prior.text).text).statements) {
    if (!s.ast) continue;
    const inForce = pathInForce(path);
    const ast = isDefaultPath(inForce) ? s.ast : qualifyThroughPath(s.ast, inForce, (q) => c.hasRelation(q));
    c.apply(ast, 'earlier-file');
    const [kind, node] = unwrap(s.ast);
    path = pathAfter(path, kind, node, true);
  }
}

/**
 * The tables ("schema.table") and columns ("schema.table.column") after `files` in order: a folder's
 * whole history gives AnalyzeInput.namesAtHead.
 */
export function schemaNamesAfter(files: readonly SourceFile[]): Set<string> {
  const c = new Catalog();
  for (const f of files) applyPrior(c, f);
  const out = new Set<string>();
  for (const t of c.tables.values()) {
    out.add(t.qualified);
    for (const column of t.columns.keys()) out.add(`${t.qualified}.${column}`);
  }
  return out;
}

export function analyze(input: AnalyzeInput): Analysis {
  const settings = input.settings ?? DEFAULT_SETTINGS;
  const pgVersion = resolvePgVersion(settings, input.stats, input.pgVersion, input.fallbackPgVersion);
  // Runner placeholders ({{ ... }}) read as names of the same length; restored in the result.
  const templates = fillTemplates(typeof input.text === 'string' ? input.text : '');
  const text = templates.text;
  const runnerId = settings.runner === 'auto' ? detectRunner(input.path, text) : settings.runner;
  const runner = fileConvention(RUNNERS[runnerId] ?? RUNNERS.plain, input.path, input.runsInTransaction);
  const wrapped = runner.wrapsInTransaction && !runner.hasNoTransactionDirective(text);

  const priorFiles = input.priorFiles ?? [];
  const buildBase = (): Catalog => {
    if (input.baseCatalog) return input.baseCatalog.clone();
    if (input.history) return input.history.catalogAfter(input.stats, priorFiles, applyPrior);
    const c = new Catalog(input.stats);
    for (const prior of priorFiles) applyPrior(c, prior);
    return c;
  };

  const parsed = input.memo ? input.memo.parse(text) : parseFile(text);
  const statsByTable = new Map<string, TableStats>();
  for (const t of input.stats?.tables ?? []) statsByTable.set(`${t.schema}.${t.name}`, t);

  const views: StatementView[] = [];
  const violations: Violation[] = [];
  let inTx = wrapped;
  let explicitTx = false;
  let txId = wrapped ? 0 : -1;
  let nextTxId = 1;
  let lockTimeout: SettingScope = { session: false, committed: false };
  let statementTimeout: SettingScope = { session: false, committed: false };

  // With a memo (language server): reuse the earlier files' schema and, when the statements before the
  // memo's checkpoint are unchanged, the sequential pass's state after them. Same result, less work.
  const memo = input.memo;
  let catalog: Catalog;
  let firstIndex = 0;
  let checkpointAt = -1;
  let timeZoneUtc: boolean | undefined;
  let searchPath: PathState = DEFAULT_PATH_STATE;
  let renewedInTx: readonly string[] = [];
  if (memo) {
    const plan = memo.plan(
      input.stats,
      priorFiles,
      settings,
      pgVersion,
      wrapped,
      runner.id,
      parsed.statements.map((p) => p.raw),
    );
    const cp = plan.checkpoint;
    if (cp) {
      catalog = cp.catalog.clone();
      ({ inTx, explicitTx, txId, nextTxId, lockTimeout, statementTimeout, timeZoneUtc, searchPath, renewedInTx } = cp.state);
      for (const v of cp.views) views.push(v);
      for (const v of cp.violations) violations.push(v);
      firstIndex = cp.index;
    } else catalog = memo.baseCatalog(input.stats, priorFiles, buildBase);
    checkpointAt = plan.checkpointAt;
    memo.counters.statementsReused += firstIndex;
    memo.counters.statementsAnalysed += parsed.statements.length - firstIndex;
  } else catalog = buildBase();
  const lockCtx: LockContext = { catalog, pgVersion, parseNested, readPlpgsql };
  if (timeZoneUtc !== undefined) lockCtx.timeZoneUtc = timeZoneUtc;

  parsed.statements.forEach((parsedStatement: ParsedStatement, index: number) => {
    if (index < firstIndex) return;
    // Under a SET search_path other than the default, the statement's unqualified names are resolved first.
    const path = pathInForce(searchPath);
    const p =
      parsedStatement.ast && !isDefaultPath(path)
        ? { ...parsedStatement, ast: qualifyThroughPath(parsedStatement.ast, path, (q) => catalog.hasRelation(q)) }
        : parsedStatement;
    if (memo && index === checkpointAt) {
      const state = {
        inTx,
        explicitTx,
        txId,
        nextTxId,
        lockTimeout,
        statementTimeout,
        timeZoneUtc: lockCtx.timeZoneUtc,
        searchPath,
        renewedInTx,
      };
      memo.save(index, catalog, state, views, violations);
    }
    const ast = p.ast;
    const [kind, node] = ast ? unwrap(ast) : [p.raw.kind === 'meta' ? 'meta' : 'error', {} as Node];
    let lockInfo: StatementLocks = { effects: [], nonTransactional: false, notAnalysed: [] };
    if (ast) {
      if (kind === 'TransactionStmt') {
        const k = String(node.kind);
        if (k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START') {
          inTx = true;
          explicitTx = true;
          txId = nextTxId++;
        }
      }
      const createdName = createdRelation(ast);
      const created = createdName && !(node.if_not_exists && catalog.table(createdName)) ? createdName : undefined;
      const isNew = (rel: string) => rel === created || catalog.isNewTable(rel);
      lockCtx.renewedInTransaction = inTx ? renewedInTx : undefined;
      lockInfo = statementLocks(ast, lockCtx);
      // What got a new file in this transaction (created, or rewritten): a later TRUNCATE of it reuses the file.
      if (inTx) {
        const renewed = lockInfo.effects.filter((e) => e.rewrite && !e.emptiesTable).map((e) => e.relation);
        if (created) renewed.push(created);
        if (renewed.length) renewedInTx = [...renewedInTx, ...renewed];
      }
      const locks = lockInfo.effects.map((e) =>
        withEstimate(e, statsByTable.get(e.relation), isNew(e.relation), settings.throughput, (r) =>
          isNew(r) ? undefined : statsByTable.get(r),
        ),
      );
      // A DO block that sets lock_timeout before its SQL (the lock-retry block) guards its own waits.
      const guarded = isOn(lockTimeout) || (kind === 'DoStmt' && doSetsLockTimeout(node, lockCtx));
      views.push(makeView(p, index, kind, node, locks, lockInfo, inTx, txId, explicitTx, guarded, isOn(statementTimeout)));
      catalog.apply(ast, 'this-file');
      if (catalog.refused)
        violations.push({
          rule: INHERITANCE_CYCLE_RULE,
          severity: 'error',
          message: catalog.refused,
          span: p.raw.span,
          statementIndex: index,
        });
      if (kind === 'VariableSetStmt') {
        const name = String(node.name ?? '').toLowerCase();
        const off = node.kind === 'VAR_RESET' || node.kind === 'VAR_SET_DEFAULT' || isZeroSetting(node);
        if (name === 'lock_timeout') lockTimeout = setScope(lockTimeout, !off, node.is_local === true, inTx);
        if (name === 'statement_timeout') statementTimeout = setScope(statementTimeout, !off, node.is_local === true, inTx);
        if (name === 'timezone') lockCtx.timeZoneUtc = off || isUtc(node);
      } else if (kind === 'SelectStmt') {
        const sets = setConfigCalls(node);
        if (sets.includes('lock_timeout')) lockTimeout = setScope(lockTimeout, true, false, inTx);
        if (sets.includes('statement_timeout')) statementTimeout = setScope(statementTimeout, true, false, inTx);
      }
      searchPath = pathAfter(searchPath, kind, node, inTx);
      if (kind === 'TransactionStmt') {
        const k = String(node.kind);
        // COMMIT ends the runner's transaction too: what follows runs on its own.
        if (k === 'TRANS_STMT_COMMIT' || k === 'TRANS_STMT_ROLLBACK' || k === 'TRANS_STMT_PREPARE') {
          // SET LOCAL ends here (a plain SET of the transaction too, on ROLLBACK).
          lockTimeout = endScope(lockTimeout, k === 'TRANS_STMT_ROLLBACK');
          statementTimeout = endScope(statementTimeout, k === 'TRANS_STMT_ROLLBACK');
          inTx = false;
          explicitTx = false;
          txId = -1;
        }
      }
      if (!inTx) {
        txId = -1;
        renewedInTx = [];
      }
    } else {
      views.push(makeView(p, index, kind, node, [], lockInfo, inTx, txId, explicitTx, isOn(lockTimeout), isOn(statementTimeout)));
      if (p.error) {
        violations.push({
          rule: SYNTAX_ERROR_RULE,
          severity: 'error',
          message: `syntax error: ${p.error.message}`,
          span: p.error.span,
          statementIndex: index,
        });
      }
    }
  });

  const mappers = new Map<number, Utf8Mapper>();
  // Built only when a rule asks (a column this file re-types): rebuilding costs a pass over the earlier files.
  let before: Catalog | undefined;
  const ctx: RuleContext = {
    path: input.path,
    text,
    settings,
    pgVersion,
    runner,
    isMigration: input.isMigration ?? true,
    statements: views,
    catalog,
    catalogBefore: () => (before ??= memo ? memo.baseCatalog(input.stats, priorFiles, buildBase) : buildBase()),
    stats: input.stats,
    siblingNames: input.siblingNames ?? [],
    migrationNames: input.migrationNames ?? [...(input.siblingNames ?? []), ...(input.path ? [input.path] : [])],
    appFiles: input.appFiles ?? [],
    revertedFile: input.reverts !== undefined ? priorFiles.find((f) => f.path === input.reverts) : undefined,
    namesAtHead: input.namesAtHead,
    spanAt(statementIndex: number, byteLocation: number | undefined, length = 1): Span {
      const st = views[statementIndex];
      if (!st) return { start: 0, end: 0 };
      if (byteLocation === undefined || byteLocation < 0) return st.span;
      let m = mappers.get(statementIndex);
      if (!m) mappers.set(statementIndex, (m = new Utf8Mapper(st.text)));
      const start = st.span.start + m.toUtf16(byteLocation);
      return { start, end: Math.min(st.span.end, start + Math.max(1, length)) };
    },
    report: () => undefined,
  };

  const statementRules = new StatementRuleRunner(ctx, views, input, memo);
  for (const rule of RULES) {
    const level = settings.rules[rule.id];
    // (level !== 'off' is part of runsOn; said again so the type knows.)
    if (level === 'off' || !runsOn(rule, ctx)) continue;
    let found: Finding[] = [];
    try {
      if (rule.scope === 'statement') found = statementRules.run(rule);
      else {
        ctx.report = (f) => found.push(f);
        rule.check(ctx);
      }
    } catch (err) {
      // A broken rule is isolated: the other rules' findings still stand.
      violations.push({
        rule: RULE_CRASH,
        severity: 'info',
        message: `rule ${rule.id} failed on this file and was skipped: ${(err as Error)?.message ?? err}`,
        span: { start: 0, end: 0 },
      });
      continue;
    }
    for (const f of found) {
      const st = f.statementIndex !== undefined ? views[f.statementIndex] : undefined;
      // severityScaling off: the rule's default severity, whatever the table's size.
      const severity =
        level && level !== 'default'
          ? level
          : settings.severityScaling === false
            ? rule.defaultSeverity
            : (f.severity ?? rule.defaultSeverity);
      const v: Violation = { rule: rule.id, severity, message: f.message, span: f.span ?? st?.span ?? { start: 0, end: 0 } };
      if (f.statementIndex !== undefined) v.statementIndex = f.statementIndex;
      if (f.locks ?? st?.locks.length) v.locks = f.locks ?? st?.locks;
      if (f.help) v.help = f.help;
      if (f.fix) setFix(v, f.fix);
      if (f.alternativeFix) setFix(v, f.alternativeFix, 'alternativeFix');
      if (f.related) v.related = f.related;
      violations.push(v);
    }
  }

  const directives = readIgnores(
    text,
    parsed.comments,
    views.map((s) => s.span),
  );
  const filtered = applyIgnores(violations, directives, new Set(RULE_IDS)).filter((v) => settings.rules[v.rule] !== 'off');
  // Rule ids are lower-case ASCII: a code-unit comparison orders them as localeCompare does, without
  // loading ICU's collator (~6 ms of a short CLI run).
  filtered.sort((a, b) => a.span.start - b.span.start || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));

  const statements: StatementInfo[] = views.map((v) => {
    // A view restored from the memo's checkpoint is the same object as last time, and so is its info.
    const known = memo ? infoOfView.get(v) : undefined;
    if (known) return known;
    const info: StatementInfo = {
      span: v.span,
      text: v.text,
      kind: v.kind,
      label: v.label,
      transactional: v.transactional,
      locks: v.locks,
    };
    const err = parsed.statements[v.index]?.error;
    if (err) info.parseError = err.message;
    if (v.lockInfo.nonTransactional) info.nonTransactional = true;
    if (v.lockInfo.notAnalysed.length) info.notAnalysed = v.lockInfo.notAnalysed;
    if (v.lockInfo.fails) info.fails = v.lockInfo.fails;
    if (v.lockInfo.unsupported) info.unsupported = v.lockInfo.unsupported;
    if (memo) infoOfView.set(v, info);
    return info;
  });

  // Per table: the strongest mode, and the longest estimate (unknown as soon as one size-bound lock is unknown).
  const lockedTables = new Map<string, { relation: string; strongestMode: LockMode; estimatedSeconds?: number; unknown: boolean }>();
  for (const v of views) {
    for (const l of v.locks) {
      if (l.newTable || lockStrength(l.mode) < lockStrength('ShareUpdateExclusiveLock')) continue;
      const prev = lockedTables.get(l.relation) ?? { relation: l.relation, strongestMode: l.mode, unknown: false };
      lockedTables.set(l.relation, prev);
      if (lockStrength(l.mode) > lockStrength(prev.strongestMode)) prev.strongestMode = l.mode;
      if (l.estimatedSeconds === undefined) prev.unknown = true;
      else prev.estimatedSeconds = Math.max(prev.estimatedSeconds ?? 0, l.estimatedSeconds);
    }
  }

  const destructive = views.filter((v) => isDestructive(v.ast)).length;
  const failures = views.filter((v) => v.lockInfo.fails).length;
  const score = riskScore({
    // (Locks on new tables and locks weaker than SHARE UPDATE EXCLUSIVE score 0.)
    statements: views,
    destructive,
    failures,
    settings,
    stats: statsByTable,
    capturedAt: input.stats?.capturedAt,
  });

  const result: Analysis = {
    pgVersion,
    runner: runner.id,
    statements,
    violations: filtered,
    // A file none of whose statements parsed (another dialect, template control blocks) was not analysed: its risk is unknown, not low.
    riskScore: views.length > 0 && views.every((v) => v.kind === 'error') ? null : score,
    lockedTables: [...lockedTables.values()].map(({ unknown, ...t }) =>
      unknown ? { relation: t.relation, strongestMode: t.strongestMode } : t,
    ),
    wrappedInTransaction: wrapped,
  };
  return templates.filled ? restoreTemplates(result, templates.restore) : result;
}

/**
 * Runs the statement rules (rule.ts, StatementRule) over the views, statement by statement, reusing, with
 * a memo, the previous analysis's findings on the views this one restored from the checkpoint (the same
 * objects). All of them run on the first request; each rule's findings are then handed out in RULES order.
 */
class StatementRuleRunner {
  private readonly key: string;
  private readonly previous?: StatementFindings;
  /** The statement rules this analysis runs (not off, migration-only ones in migrations), in RULES order. */
  private readonly rules: StatementRule[];
  private results?: Map<string, Finding[]>;
  private readonly crashed = new Map<string, unknown>();
  private current!: StatementView;
  private found: StatementFinding[] = [];
  private readonly context: StatementContext;

  constructor(
    private readonly file: RuleContext,
    private readonly views: readonly StatementView[],
    private readonly input: AnalyzeInput,
    private readonly memo: AnalysisMemo | undefined,
  ) {
    this.rules = RULES.filter((r): r is StatementRule => r.scope === 'statement' && runsOn(r, file));
    // What a statement rule may read besides its view (and which rules run): a view's findings are reused only while it is the same.
    this.key = memo
      ? JSON.stringify([file.settings, file.pgVersion, file.runner.id, file.path, input.runsInTransaction, file.isMigration])
      : '';
    const prev = memo?.statementFindings;
    if (prev && prev.key === this.key && prev.stats === input.stats) this.previous = prev;
    this.context = {
      settings: file.settings,
      pgVersion: file.pgVersion,
      runner: file.runner,
      isMigration: file.isMigration,
      stats: file.stats,
      spanAt: (byteLocation, length) => file.spanAt(this.current.index, byteLocation, length),
      report: (f) => this.found.push(f),
    };
  }

  /** The rule's findings on every statement, as findings of the file (fixes bound to this analysis). Throws what the rule threw. */
  run(rule: StatementRule): Finding[] {
    this.results ??= this.runAll();
    if (this.crashed.has(rule.id)) throw this.crashed.get(rule.id);
    return this.results.get(rule.id) ?? [];
  }

  private runAll(): Map<string, Finding[]> {
    const rules = this.rules;
    const out = rules.map((): Finding[] => []);
    const before = this.previous;
    // Per view, each rule's findings (undefined: none of the rules found anything).
    const byView: ((readonly StatementFinding[])[] | undefined)[] = new Array(this.views.length);
    for (let i = 0; i < this.views.length; i++) {
      const st = this.views[i];
      let found: (readonly StatementFinding[])[] | undefined;
      if (before && before.views[i] === st) {
        found = before.byView[i];
        if (this.memo) this.memo.counters.statementChecksReused += rules.length;
      } else {
        this.current = st;
        for (let k = 0; k < rules.length; k++) {
          const rule = rules[k];
          if (this.crashed.has(rule.id)) continue;
          this.found = [];
          try {
            rule.checkStatement(st, this.context);
          } catch (err) {
            this.crashed.set(rule.id, err);
            continue;
          }
          if (this.found.length) (found ??= rules.map(() => NO_FINDINGS))[k] = this.found;
        }
        if (this.memo) this.memo.counters.statementChecksRun += rules.length;
      }
      byView[i] = found;
      if (!found) continue;
      for (let k = 0; k < rules.length; k++) {
        for (const f of found[k]) {
          const { fix, ...rest } = f;
          const finding: Finding = { ...rest, statementIndex: st.index };
          if (fix) finding.fix = () => fix(this.file);
          out[k].push(finding);
        }
      }
    }
    // Kept for the next analysis; not after a crash (the crashed rule's findings are missing).
    if (this.memo)
      this.memo.statementFindings = this.crashed.size ? undefined : { key: this.key, stats: this.input.stats, views: this.views, byView };
    return new Map(rules.map((r, k) => [r.id, out[k]]));
  }
}

const NO_FINDINGS: readonly StatementFinding[] = [];

/** Whether the rule runs in this analysis: not turned off, and migration-only rules only in migrations. */
function runsOn(rule: Rule, ctx: RuleContext): boolean {
  return ctx.settings.rules[rule.id] !== 'off' && !(rule.migrationOnly && !ctx.isMigration);
}

/** The analysis with the placeholders' stand-ins turned back into the placeholders (see syntax/templates). */
function restoreTemplates(a: Analysis, restore: (s: string) => string): Analysis {
  const deep = <T>(x: T): T => restoreIn(x, restore);
  const violations = a.violations.map((v) => {
    const out: Violation = { ...v, message: restore(v.message) };
    if (v.help) out.help = restore(v.help);
    if (v.locks) out.locks = deep(v.locks);
    if (v.related) out.related = deep(v.related);
    // Fixes stay lazy: rendered (and restored) when asked for.
    for (const key of ['fix', 'alternativeFix'] as const) {
      const d = Object.getOwnPropertyDescriptor(v, key);
      if (!d) continue;
      delete out[key];
      if (d.get) setFix(out, () => (v[key] ? deep(v[key]) : undefined), key);
      else if (d.value) out[key] = deep(d.value as Fix);
    }
    return out;
  });
  return { ...a, statements: deep(a.statements), lockedTables: deep(a.lockedTables), violations };
}

function makeView(
  p: ParsedStatement,
  index: number,
  kind: string,
  node: Node,
  locks: StatementView['locks'],
  lockInfo: StatementLocks,
  inTx: boolean,
  txId: number,
  explicitTx: boolean,
  lockTimeout: boolean,
  statementTimeout: boolean,
): StatementView {
  return {
    index,
    span: p.raw.span,
    text: p.raw.text,
    ast: p.ast,
    kind,
    node,
    label: p.ast ? statementLabel(p.ast) : kind === 'meta' ? 'psql meta-command' : 'syntax error',
    transactional: inTx,
    transactionId: inTx ? txId : -1,
    explicitTransaction: explicitTx,
    locks,
    lockInfo,
    hasLockTimeout: lockTimeout,
    hasStatementTimeout: statementTimeout,
  };
}

/** The relation a CREATE statement brings into being: new, empty and unseen, so its locks harm nobody. */
function createdRelation(ast: Node): string | undefined {
  const [kind, node] = unwrap(ast);
  if (kind === 'CreateStmt') return qualify(rangeVarName(node.relation));
  // (IF NOT EXISTS on an existing table is handled by the caller, which checks the catalog.)
  if (kind === 'CreateTableAsStmt') return qualify(rangeVarName(node.into?.rel));
  if (kind === 'ViewStmt' && !node.replace) return qualify(rangeVarName(node.view));
  return undefined;
}

function isOn(s: SettingScope): boolean {
  return s.local ?? s.session;
}

/** SET [LOCAL]: outside a transaction SET LOCAL has no effect (PostgreSQL warns), and a plain SET commits at once. */
function setScope(s: SettingScope, on: boolean, local: boolean, inTx: boolean): SettingScope {
  if (local) return inTx ? { ...s, local: on } : s;
  return inTx ? { session: on, committed: s.committed } : { session: on, committed: on };
}

function endScope(s: SettingScope, rolledBack: boolean): SettingScope {
  const session = rolledBack ? s.committed : s.session;
  return { session, committed: session };
}

function isUtc(node: Node): boolean {
  const a = node.args?.[0]?.A_Const;
  const v = String(a?.sval?.sval ?? a?.ival?.ival ?? (a?.ival ? 0 : '')).toUpperCase();
  return ['UTC', 'UCT', 'ETC/UTC', 'GMT', 'ZULU', 'Z', '0', 'UTC0'].includes(v);
}

function isZeroSetting(node: Node): boolean {
  const a = node.args?.[0]?.A_Const;
  const v = a?.sval?.sval ?? a?.ival?.ival ?? (a?.ival ? 0 : undefined);
  return v === 0 || v === '0' || v === '0s' || v === '0ms';
}

/**
 * The DO block's body sets lock_timeout (SET [LOCAL] or set_config) before its first other statement, so
 * that every lock it waits for is under a timeout. The setting does not outlive the block's own
 * statements for this analysis: the retry block restores the previous value.
 */
function doSetsLockTimeout(node: Node, ctx: LockContext): boolean {
  const body = (node.args ?? []).map((a: Node) => a?.DefElem).find((d: Node) => d?.defname === 'as')?.arg?.String?.sval;
  if (typeof body !== 'string' || !ctx.readPlpgsql || !ctx.parseNested) return false;
  const first = ctx.readPlpgsql(`DO $pgpf$${body}$pgpf$`)?.queries[0];
  const ast = first ? ctx.parseNested(first)?.[0] : undefined;
  const [k, n] = unwrap(ast);
  if (k === 'VariableSetStmt') return String(n.name ?? '').toLowerCase() === 'lock_timeout' && n.kind !== 'VAR_RESET' && !isZeroSetting(n);
  return k === 'SelectStmt' && setConfigCalls(n).includes('lock_timeout');
}

function setConfigCalls(node: Node): string[] {
  const out: string[] = [];
  const json = JSON.stringify(node);
  const re = /"funcname":\[\{"String":\{"sval":"set_config"\}\}\],"args":\[\{"A_Const":\{"sval":\{"sval":"([a-z_]+)"/g;
  for (let m = re.exec(json); m; m = re.exec(json)) out.push(m[1]);
  return out;
}

function isDestructive(ast: Node | undefined): boolean {
  const [kind, node] = unwrap(ast);
  if (kind === 'DropStmt') return ['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SCHEMA'].includes(node.removeType);
  if (kind === 'TruncateStmt') return true;
  if (kind === 'RenameStmt') return ['OBJECT_TABLE', 'OBJECT_COLUMN'].includes(node.renameType);
  if (kind === 'AlterTableStmt') return (node.cmds ?? []).some((c: Node) => c?.AlterTableCmd?.subtype === 'AT_DropColumn');
  return false;
}

/** "ALTER TABLE ... ADD COLUMN", "CREATE INDEX CONCURRENTLY", ... */
export function statementLabel(ast: Node): string {
  const [kind, node] = unwrap(ast);
  switch (kind) {
    case 'AlterTableStmt': {
      const sub = (node.cmds ?? []).map((c: Node) => String(c?.AlterTableCmd?.subtype ?? '')).map(subtypeLabel);
      const obj = node.objtype === 'OBJECT_INDEX' ? 'ALTER INDEX' : 'ALTER TABLE';
      return sub.length ? `${obj} ${[...new Set(sub)].join(', ')}` : obj;
    }
    case 'IndexStmt':
      return `CREATE ${node.unique ? 'UNIQUE ' : ''}INDEX${node.concurrent ? ' CONCURRENTLY' : ''}`;
    case 'DropStmt':
      return `DROP ${String(node.removeType ?? '')
        .replace('OBJECT_', '')
        .replace('_', ' ')}${node.concurrent ? ' CONCURRENTLY' : ''}`;
    case 'RenameStmt':
      return `RENAME ${String(node.renameType ?? '').replace('OBJECT_', '')}`;
    case 'CreateStmt':
      return 'CREATE TABLE';
    case 'VacuumStmt':
      return node.is_vacuumcmd ? 'VACUUM' : 'ANALYZE';
    case 'TransactionStmt':
      return String(node.kind ?? '').replace('TRANS_STMT_', '');
    case 'VariableSetStmt':
      return `SET ${node.name ?? ''}`.trim();
    default:
      return kind
        .replace(/Stmt$/, '')
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .toUpperCase();
  }
}

function subtypeLabel(subtype: string): string {
  const map: Record<string, string> = {
    AT_AddColumn: 'ADD COLUMN',
    AT_DropColumn: 'DROP COLUMN',
    AT_AlterColumnType: 'ALTER COLUMN TYPE',
    AT_SetNotNull: 'SET NOT NULL',
    AT_DropNotNull: 'DROP NOT NULL',
    AT_ColumnDefault: 'SET DEFAULT',
    AT_AddConstraint: 'ADD CONSTRAINT',
    AT_ValidateConstraint: 'VALIDATE CONSTRAINT',
    AT_DropConstraint: 'DROP CONSTRAINT',
    AT_AttachPartition: 'ATTACH PARTITION',
    AT_DetachPartition: 'DETACH PARTITION',
    AT_EnableRowSecurity: 'ENABLE ROW LEVEL SECURITY',
    AT_ChangeOwner: 'OWNER TO',
    AT_SetRelOptions: 'SET (...)',
  };
  return (
    map[subtype] ??
    subtype
      .replace(/^AT_/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toUpperCase()
  );
}

/**
 * A fix given as a function is rendered on first read of `violation.fix` and kept: the CLI's reports and
 * the split engine read it as before, the language server only when the user asks for code actions.
 */
function setFix(v: Violation, fix: Fix | (() => Fix | undefined), key: 'fix' | 'alternativeFix' = 'fix'): void {
  if (typeof fix !== 'function') {
    v[key] = fix;
    return;
  }
  let rendered = false;
  let value: Fix | undefined;
  Object.defineProperty(v, key, {
    enumerable: true,
    configurable: true,
    get() {
      if (!rendered) {
        rendered = true;
        value = fix();
      }
      return value;
    },
    set(x: Fix | undefined) {
      rendered = true;
      value = x;
    },
  });
}
