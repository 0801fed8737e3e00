// Quick fixes the rules attach to their findings (Violation.fix): edits to this file plus new migration
// files named to sort right after it. They reuse the split engine's patterns for one statement, so a
// quick fix and `pg-preflight split` write the same SQL. Pure; never analyses the new files (rules run
// inside analyze(), and the new files are checked by the rules test instead).
import { hasOption, listName, qualify, strings, unwrap, type Node } from '../syntax/ast';
import type { RuleContext, StatementView } from '../rules/rule';
import type { Fix, TextEdit } from '../types';
import { FileNamer } from './files';
import { concurrentIndexSql, planStatement, type PatternContext, type PatternKind, type Piece, type StatementInput } from './patterns';
import { Catalog } from '../schema/catalog';
import { draftsOf, JOB_MARK, jobName, renderBody, renderStep } from './render';
import { SchemaFacts } from './schema';
import { quoteIdent, tokens, withoutSemicolon } from './sqltext';

function statementInput(st: StatementView): StatementInput {
  return {
    index: st.index,
    text: st.text,
    ast: st.ast,
    kind: st.kind,
    label: st.label,
    locks: st.locks,
    nonTransactional: st.lockInfo.nonTransactional,
  };
}

interface FileCache {
  facts: SchemaFacts;
  createdHere: Set<string>;
  /** Statements of the run (dbmate: before migrate:down) that are not meta lines or BEGIN/COMMIT. */
  runStatements: Set<number>;
  txStatements: StatementView[];
  /** The file's line ending. */
  eol: string;
}

// Rules run once per analysis and may report thousands of findings: what every fix needs about the
// whole file is computed once per rule context (the same object for every rule of one analyze()).
const caches = new WeakMap<RuleContext, FileCache>();

function fileCache(ctx: RuleContext): FileCache {
  const hit = caches.get(ctx);
  if (hit) return hit;
  const facts = new SchemaFacts(ctx.stats);
  // ctx.catalog is the schema after the whole file: relations this file creates are not "taken" names.
  const here = new Catalog(ctx.stats);
  const before = new Set([...here.indexes.keys(), ...here.tables.keys()]);
  for (const s of ctx.statements) {
    if (!s.ast) continue;
    facts.apply(s.ast, s.text);
    here.apply(s.ast, 'this-file');
  }
  const createdHere = new Set([...here.indexes.keys(), ...here.tables.keys()].filter((k) => !before.has(k)));
  // dbmate: the statements of the migrate:down section are not part of this run.
  const down = ctx.runner.id === 'dbmate' ? (/^--\s*migrate:down\b/m.exec(ctx.text)?.index ?? Infinity) : Infinity;
  const runStatements = new Set(
    ctx.statements.filter((s) => s.kind !== 'meta' && s.kind !== 'TransactionStmt' && s.span.start < down).map((s) => s.index),
  );
  const firstBreak = ctx.text.indexOf('\n');
  const eol = firstBreak > 0 && ctx.text[firstBreak - 1] === '\r' ? '\r\n' : '\n';
  const cache = { facts, createdHere, runStatements, txStatements: ctx.statements.filter((s) => s.kind === 'TransactionStmt'), eol };
  caches.set(ctx, cache);
  return cache;
}

function patternContext(ctx: RuleContext): PatternContext {
  const cache = fileCache(ctx);
  return {
    catalog: ctx.catalog,
    facts: cache.facts,
    pgVersion: ctx.pgVersion,
    settings: ctx.settings,
    runner: ctx.runner,
    stats: ctx.stats,
    appRefs: new Map(),
    warnings: [],
    takenNames: new Set(),
    ignoreSize: true,
    createdHere: cache.createdHere,
    jobName: () => JOB_MARK,
  };
}

/** New migration files for pieces (stages 1..7), named after this file. */
function newFiles(ctx: RuleContext, pieces: Piece[], namer: FileNamer): { name: string; text: string }[] {
  // One follow-up file holds VALIDATE and what needs it (SET NOT NULL, USING INDEX): "VALIDATE + SET NOT
  // NULL + DROP CONSTRAINT in the next file". The split engine keeps them apart so each retries alone.
  const drafts = draftsOf(pieces).reduce<ReturnType<typeof draftsOf>>((acc, d) => {
    const prev = acc[acc.length - 1];
    if (prev && prev.stage === 5 && d.stage === 6) prev.pieces.push(...d.pieces);
    else acc.push({ ...d, pieces: [...d.pieces] });
    return acc;
  }, []);
  const eol = fileCache(ctx).eol;
  const base = (ctx.path ?? 'migration.sql').replace(/\\/g, '/').split('/').pop() ?? 'migration.sql';
  const out: { name: string; text: string }[] = [];
  let previous = base;
  drafts.forEach((d, i) => {
    const name = namer.next(suffixFor(d.pieces));
    const job = jobName(name);
    const body = renderBody(d, ctx.runner, ctx.settings, job);
    const step = renderStep(d, {
      name,
      job,
      index: i + 1,
      total: drafts.length + 1,
      baseName: base,
      runner: ctx.runner,
      body,
      locks: d.pieces.flatMap((p) => p.lockLines ?? []),
      eol,
      previous,
      title: `pg-preflight: follow-up to ${base} (deploy after it)`,
    });
    out.push({ name, text: step.sql });
    for (const c of step.companionFiles ?? []) out.push(c);
    previous = name;
  });
  return out;
}

function suffixFor(pieces: Piece[]): string {
  return pieces[0].suffix;
}

/** Replaces a statement's text (and a line break after it when the replacement is empty). */
function replaceStatement(ctx: RuleContext, st: StatementView, text: string): TextEdit {
  let end = st.span.end;
  if (!text) {
    if (ctx.text.startsWith('\r\n', end)) end += 2;
    else if (ctx.text[end] === '\n') end += 1;
  }
  return { span: { start: st.span.start, end }, newText: text };
}

/**
 * The split of one statement as a quick fix: its first-stage SQL stays here, the later stages go into new
 * files named to sort right after this one. Undefined when the pattern does not apply or would need a
 * step it cannot write (a backfill without a key).
 */
export function splitFix(ctx: RuleContext, st: StatementView, pattern: PatternKind, title: string): Fix | undefined {
  const pc = patternContext(ctx);
  const pieces = planStatement(pc, statementInput(st), pattern);
  if (!pieces || pc.warnings.length) return undefined;
  if (pattern === 'volatile-default' && !pieces.some((p) => p.stage === 2)) return undefined;
  const now = pieces
    .filter((p) => p.stage === 0)
    .map((p) => p.sql)
    .join('\n');
  const later = pieces.filter((p) => p.stage !== 0);
  const eol = fileCache(ctx).eol;
  const namer = new FileNamer(ctx.path, ctx.siblingNames);
  const files = newFiles(ctx, later, namer);
  const fix: Fix = { title, edits: [replaceStatement(ctx, st, now.replace(/\n/g, eol))], preferred: true };
  if (files.length) fix.newFiles = files;
  return fix;
}

/**
 * "Add CONCURRENTLY" for CREATE INDEX, DROP INDEX and REINDEX (or, for a statement that already is
 * concurrent, only the transaction part), following the runner: take it out of the file's BEGIN ...
 * COMMIT, add the runner's no-transaction directive when the file holds only this statement, or move it
 * into its own new migration file named to sort right after this one.
 */
export function concurrentlyFix(ctx: RuleContext, st: StatementView): Fix | undefined {
  const concurrent = concurrentTexts(ctx, st);
  if (!concurrent) return undefined;
  const { statements: sqls, indexNames } = concurrent;
  const eol = fileCache(ctx).eol;
  const runnerWraps = ctx.runner.wrapsInTransaction && !ctx.runner.hasNoTransactionDirective(ctx.text);
  // The runner's way out is a file beside this one or a name part (diesel, popx): no edit of this file does it.
  if (runnerWraps && ctx.runner.noTransactionSwitch) return undefined;
  const cache = fileCache(ctx);
  const alone = cache.runStatements.size - (cache.runStatements.has(st.index) ? 1 : 0) === 0;
  const txStatements = cache.txStatements;
  const what = sqls.length > 1 ? `${sqls.length} statements` : 'CONCURRENTLY';
  const invalid = indexNames.length ? ` (if the build fails it leaves an INVALID index: drop it and rerun)` : '';

  // psql and Sqitch run the file as written: only an explicit BEGIN ... COMMIT is in the way.
  // A runner whose directive the file already has runs it the same way.
  const directive = ctx.runner.noTransactionDirective;
  const canStayHere = !runnerWraps || (alone && (!ctx.runner.wrapsInTransaction || !!directive || sqls.length === 1));
  if (canStayHere) {
    const edits: TextEdit[] = [];
    let replacement = sqls.join(eol);
    if (st.explicitTransaction) {
      const begin = [...txStatements].reverse().find((s) => s.index < st.index && /^(BEGIN|START)/.test(s.label));
      const end = txStatements.find((s) => s.index > st.index);
      const inBlock = ctx.statements.filter((s) => begin && end && s.index > begin.index && s.index < end.index && s.kind !== 'meta');
      if (begin && end && inBlock.length === 1) {
        edits.push(replaceStatement(ctx, begin, ''), replaceStatement(ctx, end, ''));
      } else if (end) {
        // Others share the block: move this statement after the COMMIT.
        edits.push({ span: { start: end.span.end, end: end.span.end }, newText: `${eol}${replacement}` });
        replacement = '';
      } else return undefined;
    }
    edits.push(replaceStatement(ctx, st, replacement));
    if (runnerWraps && directive) edits.push(directiveEdit(ctx, directive));
    const where =
      runnerWraps && directive
        ? `, with "${directive}" so ${ctx.runner.title} runs the file outside a transaction`
        : st.explicitTransaction
          ? ', outside the BEGIN ... COMMIT block'
          : '';
    return { title: `Use ${what}${where}${invalid}`, edits, preferred: true };
  }

  // Move it into its own migration file(s) named to sort right after this one.
  const namer = new FileNamer(ctx.path, ctx.siblingNames);
  const from = (ctx.path ?? 'the migration').split('/').pop();
  const indexish = /INDEX|REINDEX/.test(st.label);
  const pieces: Piece[] = sqls.map((sql, i) => ({
    stage: 1,
    sql,
    phase: 'migrate',
    pattern: 'concurrent-index',
    title: indexish ? `${st.label.replace(/ CONCURRENTLY$/, '')} CONCURRENTLY, moved out of ${from}` : `${st.label}, moved out of ${from}`,
    why: indexish
      ? 'the CONCURRENTLY form takes SHARE UPDATE EXCLUSIVE: reads and writes continue; it cannot run inside a transaction block, so it is alone in its own file'
      : 'it cannot run inside a transaction block, so it is alone in its own file',
    reverse: /^DROP/i.test(sql)
      ? 'recreate the index with CREATE INDEX CONCURRENTLY'
      : indexNames[i]
        ? `DROP INDEX CONCURRENTLY IF EXISTS ${indexNames[i]};`
        : 'nothing to reverse',
    suffix: /^DROP/i.test(sql)
      ? `drop_index_${slugOf(indexNames[i])}`
      : /^REINDEX/i.test(sql)
        ? 'reindex_concurrently'
        : /^CREATE/i.test(sql)
          ? `index_${slugOf(indexNames[i])}`
          : slugOf(st.label),
    notes:
      /^CREATE/i.test(sql) && indexNames[i]
        ? [
            `If the build fails or is cancelled it leaves an INVALID index ${indexNames[i]}, and IF NOT EXISTS would then skip it silently:`,
            `check with SELECT indexrelid::regclass FROM pg_index WHERE NOT indisvalid; then DROP INDEX CONCURRENTLY IF EXISTS ${indexNames[i]}; and rerun this file.`,
          ]
        : indexish
          ? ['If it fails midway it can leave an INVALID index: drop it (DROP INDEX CONCURRENTLY) and rerun this file.']
          : undefined,
    source: st.index,
  }));
  const files = newFiles(ctx, pieces, namer);
  return {
    title: `Use ${what} in ${files.length > 1 ? 'new migration files' : 'a new migration file'} (${ctx.runner.title} runs this file in a transaction)${invalid}`,
    edits: [replaceStatement(ctx, st, '')],
    newFiles: files,
    preferred: true,
  };
}

function slugOf(name: string | undefined): string {
  return (name ?? 'index')
    .replace(/^.*\./, '')
    .replace(/"/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
}

/** The runner directive line, inserted at the top (dbmate: the migrate:up line gains transaction:false). */
function directiveEdit(ctx: RuleContext, directive: string): TextEdit {
  const eol = fileCache(ctx).eol;
  if (ctx.runner.id === 'dbmate') {
    const m = /^--\s*migrate:up\b[^\r\n]*/m.exec(ctx.text);
    if (m) return { span: { start: m.index, end: m.index + m[0].length }, newText: `${m[0].trimEnd()} transaction:false` };
  }
  return { span: { start: 0, end: 0 }, newText: `${directive}${eol}` };
}

/** The concurrent form(s) of the statement, with IF [NOT] EXISTS, and the index names involved. */
function concurrentTexts(ctx: RuleContext, st: StatementView): { statements: string[]; indexNames: string[] } | undefined {
  const [kind, node] = unwrap(st.ast);
  if (kind === 'IndexStmt') {
    const table = qualify({ schema: node.relation?.schemaname, name: node.relation?.relname ?? '' });
    if (ctx.catalog.table(table)?.kind === 'partitioned' || node.relation?.inh === false) return undefined;
    // The name PostgreSQL gave it when the catalog applied the statement (or would give it now).
    const name = node.idxname ?? ctx.catalog.nameOf(node) ?? ctx.catalog.indexName(table, node);
    const sql = concurrentIndexSql(st.text, name);
    const schema = node.relation?.schemaname;
    return sql ? { statements: [sql], indexNames: [schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name)] } : undefined;
  }
  if (kind === 'DropStmt' && node.removeType === 'OBJECT_INDEX') {
    if (node.behavior === 'DROP_CASCADE') return undefined;
    if (node.concurrent) return { statements: [`${withoutSemicolon(st.text)};`], indexNames: [] };
    const names = (node.objects ?? []).map((o: Node) => listName(strings(o?.List?.items)));
    const written = names.map((n: { schema?: string; name: string }) =>
      n.schema ? `${quoteIdent(n.schema)}.${quoteIdent(n.name)}` : quoteIdent(n.name),
    );
    return { statements: written.map((w: string) => `DROP INDEX CONCURRENTLY IF EXISTS ${w};`), indexNames: written };
  }
  if (kind === 'ReindexStmt') {
    if (node.kind !== 'REINDEX_OBJECT_INDEX' && node.kind !== 'REINDEX_OBJECT_TABLE') return undefined;
    const body = withoutSemicolon(st.text);
    if (hasOption(node.params, 'concurrently') || node.concurrent === true) return { statements: [`${body};`], indexNames: [] };
    if (ctx.pgVersion < 12) return undefined;
    const target = tokens(body).find((t) => t.depth === 0 && (t.word === 'index' || t.word === 'table'));
    if (!target) return undefined;
    return { statements: [`${body.slice(0, target.end)} CONCURRENTLY${body.slice(target.end)};`], indexNames: [] };
  }
  if (st.lockInfo.nonTransactional) return { statements: [`${withoutSemicolon(st.text)};`], indexNames: [] };
  return undefined;
}
