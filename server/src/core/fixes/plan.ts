// planSplit: one migration -> ordered, independently deployable step files that never hold a
// traffic-blocking lock for long. Each statement becomes pieces (patterns.ts); pieces are placed in
// stages and the stages become files, in rounds: a later statement that depends on something an earlier
// statement's later stage creates (an index, a validated constraint, a dropped column) closes the
// round, so the original order of dependent statements is kept. Every step is analysed with the lock
// model (earlier steps as schema), which fills the header's lock lines and checks the result. Pure.
import { DEFAULT_SETTINGS, type Settings } from '@pg-preflight/shared';
import { qualify, rangeVarName, unwrap, walk, type Node } from '../syntax/ast';
import { analyze, type AnalyzeInput, type SourceFile } from '../analyze';
import { Catalog } from '../schema/catalog';
import { modeTitle } from '../locks/modes';
import { fillTemplates, restoreIn } from '../syntax/templates';
import { parseFile } from '../syntax/parse';
import { RUNNERS, type RunnerConvention } from '../migrations/runners';
import type { Analysis, LockEstimate, LockMode } from '../types';
import { lockStrength } from '../locks/modes';
import { FileNamer, inputFileName, runnerAfterNote } from './files';
import { keepPiece, longBlockingLock, planStatement, viewsAround, type PatternContext, type Piece, type StatementInput } from './patterns';
import { draftsOf, JOB_MARK, jobName, renderBody, renderStep, suffixOf } from './render';
import { SchemaFacts } from './schema';
import type { SplitPlan, SplitStep } from './types';

interface PlanState {
  pc: PatternContext;
  rounds: Piece[][];
  /** Per round: table -> name -> the highest stage a piece providing it is in. */
  deferred: Map<string, Map<string, number>>;
}

export function planSplit(input: AnalyzeInput, analysis?: Analysis): SplitPlan {
  // Runner placeholders ({{ ... }}): planned on the stand-in names, written back as the placeholders.
  const templates = fillTemplates(typeof input.text === 'string' ? input.text : '');
  if (!templates.filled) return planFilled(input, analysis);
  const priorFiles = input.priorFiles?.map((f) => ({ ...f, text: fillTemplates(f.text).text }));
  // A plan is plain data (file names, SQL, notes): every string of it gets the placeholders back.
  return restoreIn(planFilled({ ...input, text: templates.text, priorFiles }), templates.restore);
}

function planFilled(input: AnalyzeInput, analysis?: Analysis): SplitPlan {
  const settings: Settings = input.settings ?? DEFAULT_SETTINGS;
  const warnings: string[] = [];
  let text = typeof input.text === 'string' ? input.text : '';
  let a = analysis ?? analyze(input);
  let runner: RunnerConvention = RUNNERS[a.runner as keyof typeof RUNNERS] ?? RUNNERS.plain;
  if (runner.id === 'dbmate') {
    const down = /^--\s*migrate:down\b/m.exec(text);
    if (down) {
      text = text.slice(0, down.index);
      warnings.push('dbmate: the migrate:down section was left out; each step says how to reverse it.');
      a = analyze({ ...input, text, settings: { ...settings, runner: 'dbmate' } });
      runner = RUNNERS.dbmate;
    }
  }
  const forcedSettings: Settings = { ...settings, runner: runner.id };

  const catalog = new Catalog(input.stats);
  const facts = new SchemaFacts(input.stats);
  for (const prior of input.priorFiles ?? []) {
    for (const s of parseFile(prior.text).statements) {
      if (!s.ast) continue;
      catalog.apply(s.ast, 'earlier-file');
      facts.apply(s.ast, s.raw.text);
    }
  }

  const appRefs = new Map<number, string[]>();
  for (const v of a.violations) {
    if (v.rule !== 'app-references-removed-name' || v.statementIndex === undefined) continue;
    const list = appRefs.get(v.statementIndex) ?? [];
    for (const r of v.related ?? []) list.push(`${r.path}:${r.line}`);
    appRefs.set(v.statementIndex, list);
  }

  // A statement that uses an enum value added earlier in the file, or (PG 11) the ADD VALUE itself,
  // flagged by enum-value-used-in-transaction: a commit must come before it.
  const commitBefore = flaggedStatements(a, 'enum-value-used-in-transaction');
  const breaksView = flaggedStatements(a, 'type-change-breaks-view');
  const unbatchedDml = flaggedStatements(a, 'unbatched-dml', true);

  const pc: PatternContext = {
    catalog,
    facts,
    pgVersion: a.pgVersion,
    settings,
    runner,
    stats: input.stats,
    appRefs,
    warnings,
    jobName: () => JOB_MARK,
    takenNames: new Set(),
    unbatchedDml,
  };
  const state: PlanState = { pc, rounds: [[]], deferred: new Map() };
  const parsed = parseFile(text).statements;
  let otherSets = false;
  let addValueRound = -1;

  parsed.forEach((p, index) => {
    const info = a.statements[index];
    const ast = p.ast;
    const [kind, node] = unwrap(ast);
    if (!ast) {
      if (p.raw.kind === 'meta')
        warnings.push(
          `statement ${index + 1}: psql meta-command ${p.raw.text.trim().split(/\s/)[0]} is kept in the first file; runners other than psql do not understand it.`,
        );
      else
        warnings.push(
          `statement ${index + 1} does not parse (${p.error?.message ?? 'syntax error'}); it is kept as written in the first file.`,
        );
      place(
        state,
        [
          {
            stage: 0,
            sql: p.raw.text.trim(),
            phase: 'migrate',
            pattern: 'keep',
            title: 'kept as written',
            why: 'not analysed',
            reverse: 'undo by hand',
            suffix: 'migrate',
            source: index,
          },
        ],
        undefined,
      );
      return;
    }
    if (kind === 'TransactionStmt') {
      const k = String(node.kind);
      if (!['TRANS_STMT_BEGIN', 'TRANS_STMT_START', 'TRANS_STMT_COMMIT'].includes(k))
        warnings.push(`statement ${index + 1}: ${info?.label ?? k} is dropped; each step has its own transaction.`);
      return;
    }
    if (kind === 'VariableSetStmt') {
      const name = String(node.name ?? '').toLowerCase();
      if (name === 'lock_timeout' || name === 'statement_timeout') return; // every step sets its own
      if (!otherSets)
        warnings.push(
          `statement ${index + 1}: ${info?.label ?? 'SET'} applies only to the file it is in; the steps after the first do not repeat it (schema-qualify names instead of relying on search_path).`,
        );
      otherSets = true;
    }
    // PG 11 refuses ADD VALUE in a transaction block: it gets a file of its own, run outside one.
    const addValueOutside = kind === 'AlterEnumStmt' && commitBefore.has(index);
    if (addValueOutside || (commitBefore.has(index) && state.rounds.length - 1 === addValueRound)) newRound(state);
    const st: StatementInput = {
      index,
      text: p.raw.text,
      ast,
      kind,
      label: info?.label ?? kind,
      locks: info?.locks ?? [],
      nonTransactional: !!info?.nonTransactional || addValueOutside,
    };
    let pieces = planStatement(pc, st);
    if (!pieces) {
      const long = longBlockingLock(st.locks);
      if (long)
        warnings.push(
          `statement ${index + 1}: ${st.label} has no safe rewrite; it keeps ${modeTitle(long.mode)} on ${long.relation}${long.rewrite ? ' with a rewrite' : long.scan ? ' with a scan' : ''}. Run it in a quiet window with a short lock_timeout, or change it by hand.`,
        );
      pieces = [keepPiece(st)];
      // A type change that does not rewrite is kept; views on the column still make it fail.
      if (breaksView.has(index)) {
        const columns = (node.cmds ?? [])
          .map((c: Node) => c?.AlterTableCmd)
          .filter((c: Node) => c?.subtype === 'AT_AlterColumnType')
          .map((c: Node) => c.name);
        const views = viewsAround(pc, st, qualify(rangeVarName(node.relation)), columns);
        if (views) pieces[0].sql = [...views.drop, pieces[0].sql, ...views.create].join('\n');
      }
    }
    place(state, pieces, ast);
    if (kind === 'AlterEnumStmt') addValueRound = state.rounds.length - 1;
    if (addValueOutside) newRound(state);
    catalog.apply(ast, 'this-file');
    facts.apply(ast, p.raw.text);
  });

  const plan = assemble(state, input, text, runner, forcedSettings, a);
  plan.warnings.unshift(...warnings);
  const after = runnerAfterNote(runner);
  if (after && plan.steps.length > 1) plan.warnings.push(after);
  return plan;
}

/** Names a statement mentions, per table it touches. */
function mentions(ast: Node): { tables: Set<string>; names: Set<string> } {
  const tables = new Set<string>();
  const names = new Set<string>();
  walk(ast, (type, value) => {
    if (type === 'RangeVar') tables.add(qualify(rangeVarName(value)));
    if (type === 'String' && typeof value.sval === 'string') names.add(value.sval);
  });
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (!n || typeof n !== 'object') return;
    for (const [k, v] of Object.entries(n as Node)) {
      if (typeof v === 'string' && ['colname', 'name', 'conname', 'idxname', 'indexname', 'subname', 'newname', 'relname'].includes(k))
        names.add(v);
      else visit(v);
    }
  };
  visit(ast);
  // DROP INDEX / DROP TABLE name their objects as lists of strings.
  const [kind, node] = unwrap(ast);
  if (kind === 'DropStmt') {
    for (const o of node.objects ?? []) {
      const items: string[] = (o?.List?.items ?? []).map((i: Node) => i?.String?.sval).filter(Boolean);
      if (items.length) tables.add(items.length >= 2 ? `${items[items.length - 2]}.${items[items.length - 1]}` : `public.${items[0]}`);
    }
  }
  return { tables, names };
}

/** The statements a rule reports on (at warning or error only, when `warnings` is set). */
function flaggedStatements(a: Analysis, rule: string, warnings = false): Set<number> {
  const out = new Set<number>();
  for (const v of a.violations)
    if (v.rule === rule && v.statementIndex !== undefined && (!warnings || v.severity === 'warning' || v.severity === 'error'))
      out.add(v.statementIndex);
  return out;
}

/** Closes the current round (when it holds anything): what follows goes into later files. */
function newRound(state: PlanState): void {
  if (!state.rounds[state.rounds.length - 1].length) return;
  state.rounds.push([]);
  state.deferred.clear();
}

/** Puts a statement's pieces in the current round, or opens a new round when they depend on deferred work. */
function place(state: PlanState, pieces: Piece[], ast: Node | undefined): void {
  const minStage = Math.min(...pieces.map((p) => p.stage));
  if (ast) {
    const { tables, names } = mentions(ast);
    let conflict = false;
    let depStage = 0;
    for (const [table, deferred] of state.deferred) {
      const touched = tables.has(table) || [...tables].some((t) => t.endsWith(`.${table.split('.')[1]}`));
      if (!touched && !names.has(table.split('.')[1])) continue;
      for (const [name, stage] of deferred) {
        if (stage <= minStage) continue;
        if (name === '*' || names.has(name)) {
          conflict = true;
          depStage = Math.max(depStage, stage);
        }
      }
    }
    // An index build that needs a backfilled column can simply wait for the backfill (stage 3).
    if (conflict && depStage <= 2 && pieces.every((p) => p.stage === 1)) {
      for (const p of pieces) p.stage = 3;
      conflict = false;
    }
    // A piece of this statement that provides a name an earlier deferred piece uses (a rename, a drop) conflicts too.
    for (const p of pieces) {
      for (const pr of p.provides ?? []) {
        const deferred = state.deferred.get(pr.table);
        if (!deferred) continue;
        for (const n of pr.names) {
          const stage = deferred.get(n) ?? deferred.get('*');
          if (stage !== undefined && stage > p.stage) conflict = true;
        }
      }
    }
    if (conflict) newRound(state);
  }
  state.rounds[state.rounds.length - 1].push(...pieces);
  for (const p of pieces) {
    for (const pr of p.provides ?? []) {
      const m = state.deferred.get(pr.table) ?? new Map<string, number>();
      state.deferred.set(pr.table, m);
      for (const n of pr.names) m.set(n, Math.max(m.get(n) ?? 0, p.stage));
    }
  }
}

function assemble(
  state: PlanState,
  input: AnalyzeInput,
  text: string,
  runner: RunnerConvention,
  settings: Settings,
  original: Analysis,
): SplitPlan {
  const drafts = state.rounds.flatMap(draftsOf);
  const namer = new FileNamer(input.path, input.siblingNames ?? []);
  const warnings: string[] = [];
  if (namer.laterSiblings.length && drafts.length > 1) {
    warnings.push(
      `migrations that sort after this one already exist (${namer.laterSiblings.slice(0, 3).join(', ')}${namer.laterSiblings.length > 3 ? ', ...' : ''}); the new steps sort between them. Split a migration before later ones are added, or renumber.`,
    );
  }
  if (
    runner.wrapsInTransaction &&
    !runner.sendsOneBatch &&
    !runner.noTransactionDirective &&
    runner.id !== 'flyway' &&
    drafts.some((d) => !d.transactional)
  ) {
    warnings.push(
      `${runner.title} runs each migration inside its own transaction and has no per-file switch: run the non-transactional steps with psql (or the runner's escape hatch) instead.`,
    );
  }
  const baseName = inputFileName(input.path);
  const steps: SplitStep[] = [];
  const priorFiles: SourceFile[] = [...(input.priorFiles ?? [])];
  // Each step is analysed with the earlier steps as schema: one catalog grown step by step, not rebuilt per step.
  const base = priorCatalog(input);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  drafts.forEach((d, i) => {
    const name = i === 0 ? baseName : namer.next(suffixOf(d));
    const job = jobName(name);
    const body = renderBody(d, runner, settings, job);
    const stepAnalysis = analyze({
      text: body.analysisText,
      path: name,
      settings,
      stats: input.stats,
      pgVersion: original.pgVersion,
      priorFiles,
      baseCatalog: base,
      isMigration: false,
    });
    const overrides = d.pieces.flatMap((p) => p.lockLines ?? []);
    const locks = overrides.length ? overrides : lockLines(stepAnalysis);
    for (const w of unsafeLocks(stepAnalysis)) warnings.push(`step ${i + 1} (${name}): ${w}`);
    if (!d.transactional && stepAnalysis.statements.filter((s) => s.kind !== 'meta').length !== 1)
      warnings.push(`step ${i + 1} (${name}) should hold exactly one statement to run outside a transaction`);
    steps.push(
      renderStep(d, { name, job, index: i, total: drafts.length, baseName, runner, body, locks, eol, previous: steps[i - 1]?.name }),
    );
    priorFiles.push({ path: name, text: body.analysisText });
    addToCatalog(base, body.analysisText);
  });
  if (!steps.length) {
    steps.push({
      name: baseName,
      sql: text,
      transactional: original.wrappedInTransaction,
      phase: 'migrate',
      locks: '',
      reverse: 'nothing to reverse',
      replacesInput: true,
      sourceStatements: [],
    });
  }
  return { steps, warnings, runner: runner.id, pgVersion: original.pgVersion };
}

/** The schema of the input's earlier files. */
export function priorCatalog(input: AnalyzeInput): Catalog {
  const c = new Catalog(input.stats);
  for (const prior of input.priorFiles ?? []) addToCatalog(c, prior.text);
  return c;
}

/** Applies a file's statements to `c` as an earlier file (what analyze() does with priorFiles). */
export function addToCatalog(c: Catalog, text: string): void {
  for (const s of parseFile(text).statements) if (s.ast) c.apply(s.ast, 'earlier-file');
}

/** One line per table: the strongest lock the step takes on it, what it blocks, and the reason. */
export function lockLines(a: Analysis): string[] {
  const byTable = new Map<string, LockEstimate[]>();
  for (const s of a.statements) for (const l of s.locks) byTable.set(l.relation, [...(byTable.get(l.relation) ?? []), l]);
  const out: string[] = [];
  for (const [table, locks] of byTable) {
    if (table.startsWith('preflight.') || /^public\.pg_/.test(table) || table.startsWith('pg_catalog.')) continue;
    const strongest = locks.reduce((x, y) => (lockStrength(y.mode) > lockStrength(x.mode) ? y : x));
    const newTable = locks.every((l) => l.newTable);
    const traffic = strongest.blocks.filter((b) => b !== 'DDL');
    const blocks = traffic.length
      ? `blocks ${traffic.join('/')}`
      : strongest.blocks.includes('DDL')
        ? 'blocks only DDL and VACUUM'
        : 'blocks nothing but ACCESS EXCLUSIVE';
    const heavy = locks.some((l) => l.rewrite) ? ', rewrite' : locks.some((l) => l.scan) ? ', scan' : '';
    const duration = traffic.length && !heavy ? ', briefly' : '';
    out.push(
      `${table}: ${modeTitle(strongest.mode as LockMode)}${newTable ? ' (new table)' : ''}${heavy}${duration}; ${blocks}. ${[...new Set(locks.map((l) => l.why))].join('; ')}`,
    );
  }
  return out;
}

/** Locks a step must not take: ACCESS EXCLUSIVE with a rewrite or scan, or SHARE, on an existing table. */
export function unsafeLocks(a: Analysis): string[] {
  const out: string[] = [];
  for (const s of a.statements) {
    for (const l of s.locks) {
      if (l.newTable) continue;
      if (l.mode === 'AccessExclusiveLock' && (l.rewrite || l.scan))
        out.push(`${s.label} still takes ACCESS EXCLUSIVE with a ${l.rewrite ? 'rewrite' : 'scan'} on ${l.relation}`);
      else if (l.mode === 'ShareLock') out.push(`${s.label} still takes SHARE on ${l.relation}`);
    }
  }
  return out;
}
