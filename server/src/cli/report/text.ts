// Human output: each finding as `path:line:col severity rule-id message` with the source line and a
// caret underline (like rustc / squawk), then per file the Lock Analysis Table and the risk score,
// then a one-line summary. Colours only when the caller says so (a TTY without NO_COLOR).
import { formatCount, formatDuration } from '../../core/estimate';
import { modeTitle } from '../../core/locks/modes';
import type { Severity, Violation } from '../../core/types';
import {
  blocksWords,
  lockRows,
  plural,
  riskLevel,
  riskWords,
  totalCounts,
  workWords,
  worstRisk,
  type FileResult,
  type ReportOptions,
} from './common';

const ESC = '\u001b[';

interface Style {
  bold(s: string): string;
  dim(s: string): string;
  severity(sev: Severity, s: string): string;
  risk(score: number | null, s: string): string;
}

function style(color: boolean): Style {
  const wrap = (code: string) => (s: string) => (color ? `${ESC}${code}m${s}${ESC}0m` : s);
  const red = wrap('31');
  const yellow = wrap('33');
  const cyan = wrap('36');
  const green = wrap('32');
  const dim = wrap('2');
  const boldRed = wrap('1;31');
  return {
    bold: wrap('1'),
    dim,
    severity: (sev, s) => (sev === 'error' ? red(s) : sev === 'warning' ? yellow(s) : sev === 'info' ? cyan(s) : dim(s)),
    risk: (score, s) => {
      if (score === null) return dim(s);
      const level = riskLevel(score);
      return level === 'critical' ? boldRed(s) : level === 'high' ? red(s) : level === 'medium' ? yellow(s) : green(s);
    },
  };
}

/** Source lines longer than this are shown as a window around the finding. */
const MAX_SHOWN_LINE = 160;
const TAB = '    ';

export function renderText(results: FileResult[], options: ReportOptions = {}): string {
  return [...streamText(results, options)].join('');
}

/** The report line by line (each with its line break): never one string of the whole report. */
export function* streamText(results: FileResult[], options: ReportOptions = {}): Generator<string> {
  const st = style(!!options.color);
  for (const r of results) {
    for (const v of r.analysis.violations) {
      for (const l of finding(r, v, st)) yield `${l}\n`;
      yield '\n';
    }
    for (const l of lockTable(r, st)) yield `${l}\n`;
    const score = r.analysis.riskScore;
    yield `Risk score: ${st.risk(score, riskWords(score))}\n\n`;
  }
  const c = totalCounts(results);
  const worst = worstRisk(results.map((r) => r.analysis.riskScore));
  const parts = [plural(c.error, 'error'), plural(c.warning, 'warning')];
  if (c.info + c.hint) parts.push(plural(c.info + c.hint, 'note'));
  const summary = `Checked ${plural(results.length, 'file')}: ${parts.join(', ')}${results.length ? (worst === null ? '; not analysed' : `; highest risk ${worst}/10`) : ''}.`;
  yield `${c.error ? st.severity('error', summary) : c.warning ? st.severity('warning', summary) : summary}\n`;
}

function finding(r: FileResult, v: Violation, st: Style): string[] {
  const start = r.lines.positionAt(v.span.start);
  const end = r.lines.positionAt(Math.max(v.span.start, v.span.end));
  const head = `${st.bold(`${r.path}:${start.line + 1}:${start.character + 1}`)} ${st.severity(v.severity, v.severity)} ${st.dim(v.rule)} ${v.message}`;
  const lines = [head];
  const lineNo = String(start.line + 1);
  const gutter = ' '.repeat(lineNo.length);
  const source = r.lines.lineText(start.line);
  const endChar = end.line === start.line ? Math.max(end.character, start.character + 1) : Math.max(source.length, start.character + 1);
  const { shown, from, to } = window(source, start.character, endChar);
  lines.push(`${gutter} ${st.dim('|')}`);
  lines.push(`${st.dim(`${lineNo} |`)} ${shown}`);
  lines.push(
    `${gutter} ${st.dim('|')} ${' '.repeat(from)}${st.severity(v.severity, '^'.repeat(Math.max(1, to - from)))}${end.line > start.line ? st.dim(` ... to line ${end.line + 1}`) : ''}`,
  );
  if (v.help) lines.push(`${gutter} ${st.dim('=')} help: ${v.help}`);
  if (v.fix) lines.push(`${gutter} ${st.dim('=')} fix: ${v.fix.title}`);
  for (const rel of v.related ?? []) lines.push(`${gutter} ${st.dim('=')} note: used at ${rel.path}:${rel.line}: ${rel.text.trim()}`);
  return lines;
}

/**
 * The source line as shown (tabs expanded, long lines cut to a window around the finding) and the
 * display columns [from, to) of the underline.
 */
function window(source: string, startChar: number, endChar: number): { shown: string; from: number; to: number } {
  let lo = 0;
  let hi = source.length;
  if (hi > MAX_SHOWN_LINE) {
    lo = Math.max(0, startChar - 40);
    hi = Math.min(source.length, lo + MAX_SHOWN_LINE);
  }
  const pre = lo > 0 ? '...' : '';
  const post = hi < source.length ? '...' : '';
  const expand = (s: string) => s.replace(/\t/g, TAB);
  const head = pre + expand(source.slice(lo, Math.max(lo, Math.min(startChar, hi))));
  const mid = expand(source.slice(Math.min(startChar, hi), Math.min(endChar, hi)));
  const shown = head + mid + expand(source.slice(Math.min(endChar, hi), hi)) + post;
  return { shown, from: head.length, to: head.length + Math.max(1, mid.length) };
}

const HEADERS = ['line', 'table', 'lock mode', 'blocks', 'rewrite/scan', 'est. duration'];

function* lockTable(r: FileResult, st: Style): Generator<string> {
  const rows = lockRows(r).map((row) => [
    String(row.line),
    row.lock.rows !== undefined ? `${row.lock.relation} (${formatCount(row.lock.rows)} rows)` : row.lock.relation,
    modeTitle(row.lock.mode),
    blocksWords(row.lock.blocks),
    workWords(row.lock),
    formatDuration(row.lock.estimatedSeconds),
  ]);
  const title = `Lock Analysis Table: ${r.path}`;
  if (rows.length === 0) {
    yield st.bold(title);
    yield '  no statement locks an existing table at SHARE UPDATE EXCLUSIVE or stronger';
    return;
  }
  const widths = HEADERS.map((h, k) => rows.reduce((w, row) => Math.max(w, row[k].length), h.length));
  const cell = (s: string, k: number) => (k === 0 ? s.padStart(widths[k]) : s.padEnd(widths[k]));
  const line = (cells: string[]) => ` ${cells.map(cell).join(' | ')}`.trimEnd();
  const rule = `-${widths.map((w) => '-'.repeat(w)).join('-+-')}-`;
  yield st.bold(title);
  yield st.bold(line(HEADERS));
  yield st.dim(rule);
  for (const row of rows) yield line(row);
}
