// Reports of `pg-preflight trace`: text and markdown tables (Statement | Relation | Mode (observed) |
// Mode (predicted) | Rewrite | Blocks | ms) and a JSON document with a stable, documented shape
// (docs/trace.md, schema: server/schemas/trace-output.schema.json):
//   {version: 1, path, engine, serverVersionNum, pgVersion, runner, source?, rolledBack,
//    replayed: [{path, statements, ms, cached?}], replayFailure?, syntheticRows?,
//    statements: [{range, sql, label, traced, how, notTracedReason?, elapsedMs,
//                  observed: [{relation, relkind, mode, modes, rewrite, alreadyHeld?, created?, dropped?, waited?}],
//                  predicted: [{relation, mode, rewrite, blocks}], changes: [...], error?, sampling?}],
//    disagreements: [{range, relation, observed, predicted, observedRewrite?, predictedRewrite?, message}],
//    failedStatement?, notes: [...], timings: {...}}
// Ranges are LSP style (0-based line and UTF-16 character, end exclusive), converted by core/syntax/text.ts.
// Adding optional fields is compatible; anything else bumps `version`.
import { blockedBy } from '../../core/locks/modes';
import { LineIndex } from '../../core/syntax/text';
import {
  explainingHeldMode,
  type ObservedLock,
  type PredictedLock,
  type TracedStatement,
  type TraceResult,
  type TraceSqlError,
} from '../../trace/types';
import { blocksWords } from './common';
import { mdCode, mdText } from './markdown';

export type TraceFormat = 'text' | 'json' | 'markdown';
export const TRACE_FORMATS: readonly TraceFormat[] = ['text', 'json', 'markdown'];
export const TRACE_JSON_VERSION = 1;

export interface TraceReportInput {
  path: string;
  text: string;
  lines: LineIndex;
  result: TraceResult;
  /** The text of an earlier migration (to place a replay failure). */
  priorText(path: string): string;
}

export function renderTrace(format: TraceFormat, input: TraceReportInput): string {
  if (format === 'json') return JSON.stringify(toTraceJson(input), null, 2) + '\n';
  return format === 'markdown' ? renderMarkdown(input) : renderText(input);
}

// --- JSON ----------------------------------------------------------------------------------------

function jsonError(e: TraceSqlError, lines: LineIndex): Record<string, unknown> {
  const out: Record<string, unknown> = { message: e.message, range: lines.rangeOf(e.span) };
  if (e.code) out.code = e.code;
  if (e.detail) out.detail = e.detail;
  if (e.hint) out.hint = e.hint;
  if (e.note) out.note = e.note;
  return out;
}

export function toTraceJson(input: TraceReportInput): Record<string, unknown> {
  const { result: r, lines } = input;
  const out: Record<string, unknown> = {
    version: TRACE_JSON_VERSION,
    path: input.path,
    engine: r.engine,
    serverVersionNum: r.serverVersionNum,
    pgVersion: r.pgVersion,
    runner: r.runner,
  };
  if (r.source) out.source = r.source;
  out.rolledBack = r.rolledBack;
  out.replayed = r.replayed.map((f) => ({ path: f.path, statements: f.statements, ms: f.ms, ...(f.cached ? { cached: true } : {}) }));
  if (r.replayFailure) {
    const f = r.replayFailure;
    const fl = new LineIndex(input.priorText(f.path));
    out.replayFailure = { path: f.path, range: fl.rangeOf(f.span), sql: f.sql, error: jsonError(f.error, fl) };
  }
  if (r.syntheticRows) out.syntheticRows = r.syntheticRows;
  out.statements = r.statements.map((s) => {
    const st: Record<string, unknown> = { range: lines.rangeOf(s.span), sql: s.sql, label: s.label, traced: s.traced, how: s.how };
    if (s.notTracedReason) st.notTracedReason = s.notTracedReason;
    st.elapsedMs = s.elapsedMs;
    st.observed = s.observed.map((o) => {
      const x: Record<string, unknown> = { relation: o.relation, relkind: o.relkind, mode: o.mode, modes: o.modes, rewrite: o.rewrite };
      if (o.alreadyHeld?.length) x.alreadyHeld = o.alreadyHeld;
      if (o.created) x.created = true;
      if (o.dropped) x.dropped = true;
      if (o.waited) x.waited = true;
      return x;
    });
    st.predicted = s.predicted.map((p) => ({ relation: p.relation, mode: p.mode, rewrite: p.rewrite, blocks: p.blocks }));
    st.changes = s.changes;
    if (s.error) st.error = jsonError(s.error, lines);
    if (s.sampling) st.sampling = s.sampling;
    return st;
  });
  out.disagreements = r.disagreements.map((d) => {
    const x: Record<string, unknown> = { range: lines.rangeOf(d.span), relation: d.relation, observed: d.observed, predicted: d.predicted };
    if (d.observedRewrite !== undefined) x.observedRewrite = d.observedRewrite;
    if (d.predictedRewrite !== undefined) x.predictedRewrite = d.predictedRewrite;
    x.message = d.message;
    return x;
  });
  if (r.failedStatement !== undefined) out.failedStatement = r.failedStatement;
  out.notes = r.notes;
  out.timings = r.timings;
  return out;
}

// --- table rows (text and markdown) ----------------------------------------------------------------

interface Row {
  statement: string;
  relation: string;
  observed: string;
  predicted: string;
  rewrite: string;
  blocks: string;
  ms: string;
}

const COMPARED = 'rpmv';

function observedCell(s: TracedStatement, o: ObservedLock | undefined, p: PredictedLock | undefined): string {
  if (!s.traced) return s.error ? 'failed' : 'not traced';
  if (!o) return 'none';
  const heldShown = explainingHeldMode(o, p?.mode);
  const held = heldShown ? ` (${heldShown} already held)` : '';
  const flags = [o.created ? 'new' : '', o.dropped ? 'dropped' : '', o.waited ? 'waited' : ''].filter(Boolean).join(', ');
  return `${o.mode ?? 'nothing new'}${held}${flags ? ` [${flags}]` : ''}`;
}

function rewriteCell(s: TracedStatement, o: ObservedLock | undefined, p: PredictedLock | undefined): string {
  const obs = s.traced && o ? (o.rewrite ? 'yes' : 'no') : undefined;
  const pred = p ? (p.rewrite ? 'yes' : 'no') : undefined;
  if (obs === undefined) return pred ? `(${pred})` : '-';
  if (pred !== undefined && pred !== obs) return `${obs} (predicted ${pred})`;
  return obs;
}

function rows(input: TraceReportInput): Row[] {
  const out: Row[] = [];
  for (const s of input.result.statements) {
    const line = input.lines.positionAt(s.span.start).line + 1;
    const label = `${line}: ${s.label}`;
    const shown = s.observed.filter((o) => COMPARED.includes(o.relkind));
    const relations = [...new Set([...shown.map((o) => o.relation), ...s.predicted.map((p) => p.relation)])];
    const ms = s.elapsedMs === null ? '-' : s.elapsedMs.toFixed(1);
    if (!relations.length) {
      out.push({
        statement: label,
        relation: '-',
        observed: s.traced ? 'none' : s.error ? 'failed' : 'not traced',
        predicted: 'none',
        rewrite: '-',
        blocks: '-',
        ms,
      });
      continue;
    }
    relations.forEach((rel, i) => {
      const o = shown.find((x) => x.relation === rel);
      const p = s.predicted.find((x) => x.relation === rel);
      const mode = (s.traced && o?.mode) || p?.mode;
      out.push({
        statement: i === 0 ? label : '',
        relation: rel,
        observed: observedCell(s, o, p),
        predicted: p ? p.mode : 'none',
        rewrite: rewriteCell(s, o, p),
        blocks: mode ? blocksWords(blockedBy(mode)) : '-',
        ms: i === 0 ? ms : '',
      });
    });
  }
  return out;
}

const HEADERS: Row = {
  statement: 'Statement',
  relation: 'Relation',
  observed: 'Mode (observed)',
  predicted: 'Mode (predicted)',
  rewrite: 'Rewrite',
  blocks: 'Blocks',
  ms: 'ms',
};
const KEYS = Object.keys(HEADERS) as (keyof Row)[];

function engineLine(r: TraceResult): string {
  const version = `PostgreSQL ${Math.floor(r.serverVersionNum / 10000)}.${r.serverVersionNum % 100}`;
  return r.engine === 'pglite'
    ? `the embedded engine (PGlite, ${version})`
    : `the scratch database ${r.source ?? ''} (${version})`.replace('  ', ' ');
}

function errorLine(path: string, lines: LineIndex, e: TraceSqlError): string {
  const pos = lines.positionAt(e.span.start);
  const extra = [e.code ? `SQLSTATE ${e.code}` : '', e.detail ?? '', e.hint ? `hint: ${e.hint}` : ''].filter(Boolean).join('; ');
  return `${path}:${pos.line + 1}:${pos.character + 1}: ${e.message}${extra ? ` (${extra})` : ''}${e.note ? ` (note: ${e.note})` : ''}`;
}

function summary(r: TraceResult, lines: LineIndex): string {
  const traced = r.statements.filter((s) => s.traced).length;
  const head = `Traced ${traced} of ${r.statements.length} statement${r.statements.length === 1 ? '' : 's'} in ${Math.round(r.timings.totalMs)} ms`;
  if (r.replayFailure) return `${head}: an earlier migration failed, nothing was traced.`;
  const failed = r.statements.find((s) => s.error);
  if (failed) return `${head}: the statement at line ${lines.positionAt(failed.span.start).line + 1} failed; the rest was not traced.`;
  const d = r.disagreements.length;
  return `${head}: ${d ? `${d} disagreement${d > 1 ? 's' : ''} with the lock model` : 'no disagreement with the lock model'}.${r.rolledBack ? ' Everything was rolled back.' : ''}`;
}

function preamble(input: TraceReportInput, md: boolean): string[] {
  const r = input.result;
  const out: string[] = [];
  const code = (s: string) => (md ? mdCode(s) : s);
  const txt = (s: string) => (md ? mdText(s) : s);
  out.push(
    `${md ? '## ' : ''}pg-preflight trace: ${code(input.path)} on ${txt(engineLine(r))}, in one transaction that was ${r.rolledBack ? 'rolled back' : 'NOT confirmed rolled back'}`,
  );
  out.push('');
  const replayed = r.replayed.length;
  if (replayed) {
    const stmts = r.replayed.reduce((n, f) => n + f.statements, 0);
    const cached = r.replayed.every((f) => f.cached) ? ' (already in the warm engine)' : '';
    out.push(txt(`Schema: ${replayed} earlier migration${replayed > 1 ? 's' : ''} replayed (${stmts} statements)${cached}.`));
  }
  if (r.replayFailure) {
    const f = r.replayFailure;
    const fl = new LineIndex(input.priorText(f.path));
    out.push(txt(`Earlier migration failed: ${errorLine(f.path, fl, f.error)}`));
    out.push(txt(`  the statement: ${f.sql.replace(/\s+/g, ' ').slice(0, 200)}`));
  }
  if (r.syntheticRows?.tables.length) {
    out.push(
      txt(`Synthetic rows (a stats snapshot was given): ${r.syntheticRows.tables.map((t) => `${t.relation} ${t.rows}`).join(', ')}.`),
    );
  }
  for (const s of r.syntheticRows?.skipped ?? []) out.push(txt(`  no synthetic rows in ${s.relation}: ${s.why}`));
  if (out.length > 2) out.push('');
  return out;
}

function postamble(input: TraceReportInput, md: boolean): string[] {
  const r = input.result;
  const out: string[] = [];
  const txt = (s: string) => (md ? mdText(s) : s);
  const bullet = md ? '- ' : '  ';
  const failed = r.statements.filter((s) => s.error);
  if (failed.length) {
    out.push(md ? '**Failed**' : 'Failed:', ...(md ? [''] : []));
    for (const s of failed) out.push(bullet + txt(errorLine(input.path, input.lines, s.error as TraceSqlError)));
    out.push('');
  }
  if (r.disagreements.length) {
    out.push(md ? '**Disagreements with the lock model**' : 'Disagreements with the lock model:', ...(md ? [''] : []));
    for (const d of r.disagreements) {
      const pos = input.lines.positionAt(d.span.start);
      out.push(bullet + txt(`${input.path}:${pos.line + 1}:${pos.character + 1}: ${d.message}`));
    }
    out.push('');
  }
  const untraced = r.statements.filter(
    (s) => !s.traced && !s.error && s.notTracedReason && !/an earlier statement failed/.test(s.notTracedReason),
  );
  if (untraced.length) {
    out.push(md ? '**Not traced**' : 'Not traced:', ...(md ? [''] : []));
    for (const s of untraced)
      out.push(bullet + txt(`line ${input.lines.positionAt(s.span.start).line + 1} (${s.label}): ${s.notTracedReason}`));
    out.push('');
  }
  const sampled = r.statements.filter((s) => s.sampling);
  for (const s of sampled) {
    const sp = s.sampling!;
    out.push(
      bullet +
        txt(
          `line ${input.lines.positionAt(s.span.start).line + 1} (${s.label}): sampled ${sp.samples} times${sp.waitSeen ? `, seen waiting on ${sp.waitedOn.join(', ')}` : ''}${sp.undo ? `; then ${sp.undo}` : ''}`,
        ),
    );
  }
  if (sampled.length) out.push('');
  if (r.notes.length) {
    out.push(md ? '**Notes**' : 'Notes:', ...(md ? [''] : []));
    for (const n of r.notes) out.push(bullet + txt(n));
    out.push('');
  }
  out.push(md ? `_${summary(r, input.lines)}_` : summary(r, input.lines));
  return out;
}

function renderText(input: TraceReportInput): string {
  const out = preamble(input, false);
  const body = rows(input);
  if (body.length) {
    const widths = KEYS.map((k) => body.reduce((w, row) => Math.max(w, row[k].length), HEADERS[k].length));
    const line = (row: Row) =>
      ` ${KEYS.map((k, i) => (k === 'ms' ? row[k].padStart(widths[i]) : row[k].padEnd(widths[i]))).join(' | ')}`.trimEnd();
    out.push(line(HEADERS), `-${widths.map((w) => '-'.repeat(w)).join('-+-')}-`, ...body.map(line), '');
  }
  out.push(...postamble(input, false));
  return out.join('\n') + '\n';
}

function renderMarkdown(input: TraceReportInput): string {
  const out = preamble(input, true);
  const body = rows(input);
  if (body.length) {
    out.push(`| ${KEYS.map((k) => HEADERS[k]).join(' | ')} |`, '|---|---|---|---|---|---|--:|');
    for (const r of body)
      out.push(
        `| ${mdText(r.statement)} | ${r.relation === '-' ? '-' : mdCode(r.relation)} | ${mdText(r.observed)} | ${mdText(r.predicted)} | ${mdText(r.rewrite)} | ${mdText(r.blocks)} | ${r.ms} |`,
      );
    out.push('');
  }
  out.push(...postamble(input, true));
  return out.join('\n') + '\n';
}
