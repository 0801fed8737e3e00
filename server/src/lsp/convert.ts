// Analysis -> LSP: diagnostics, hovers, code lenses and the lock analysis table. Pure functions of an
// analysed document; every position goes through core/syntax/text.ts LineIndex (UTF-16 offsets -> line/character),
// never through anything else. Nothing here reads files or talks to the client.
import {
  COMMANDS,
  writesPerSecond,
  type LockAnalysis,
  type LockAnalysisRow,
  type Settings,
  type StatsSnapshot,
  type TableStats,
} from '@pg-preflight/shared';
import {
  CodeLens,
  Diagnostic,
  DiagnosticSeverity,
  DiagnosticTag,
  Hover,
  MarkupKind,
  type DiagnosticRelatedInformation,
  type Range,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver';
import { RULE_CRASH, SYNTAX_ERROR_RULE } from '../core/analyze';
import { formatBytes, formatCount, formatDuration } from '../core/estimate';
import { UNUSED_IGNORE } from '../core/ignore';
import { lockStrength, modeTitle } from '../core/locks/modes';
import { NOT_ANALYSED } from '../core/present/risk';
import { RULES } from '../core/rules';
import type { LineIndex } from '../core/syntax/text';
import type { Analysis, Fix, LockEstimate, Severity, StatementInfo, Violation } from '../core/types';
import type { TraceDiagnostic } from '../trace';

export const SOURCE = 'pg-preflight';

/** Everything the conversions need about one analysed document version. */
export interface AnalysedDocument {
  uri: string;
  version: number;
  text: string;
  lines: LineIndex;
  analysis: Analysis;
  settings: Settings;
  stats?: StatsSnapshot;
  statsSource: 'notification' | 'file' | 'none';
  /** Where the assumed PostgreSQL version came from, for the hover. */
  pgVersionSource: string;
  /** The file is in a migrations folder (all rules ran). */
  isMigration: boolean;
}

/** A fix with its edits already in LSP ranges of the version it was computed for. */
export interface FixData {
  title: string;
  preferred?: boolean;
  edits: LspTextEdit[];
  newFiles?: { name: string; text: string }[];
}

/**
 * Diagnostic.data: what a code action needs to find the finding again. The fix itself is not carried:
 * rendering fixes on every keystroke cost more than the rules; code actions render it from the current
 * analysis (actions.ts), for the diagnostics of the current version.
 */
export interface DiagnosticData {
  rule: string;
  /** The document version the diagnostic belongs to. */
  version: number;
  statementIndex?: number;
  /** Where the statement starts (line/character), for "suppress for this statement". */
  statementStart?: { line: number; character: number };
}

export interface ConvertOptions {
  /** The rule's documentation page. */
  docsUrl(rule: string): string | undefined;
  /** A path as the core reports it (related locations) -> a URI, when it can be resolved. */
  pathToUri?(path: string): string | undefined;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toSeverity(s: Severity): DiagnosticSeverity {
  return SEVERITY[s] ?? DiagnosticSeverity.Warning;
}

export function fixToData(fix: Fix, lines: LineIndex): FixData {
  const out: FixData = { title: fix.title, edits: fix.edits.map((e) => ({ range: lines.rangeOf(e.span), newText: e.newText })) };
  if (fix.preferred) out.preferred = true;
  if (fix.newFiles?.length) out.newFiles = fix.newFiles.map((f) => ({ name: f.name, text: f.text }));
  return out;
}

/** The findings the user sees: every violation but the core's internal rule errors (logged instead). */
export function visibleViolations(a: Analysis): Violation[] {
  return a.violations.filter((v) => v.rule !== RULE_CRASH);
}

export function toDiagnostic(doc: AnalysedDocument, v: Violation, opts: ConvertOptions): Diagnostic {
  const range = doc.lines.rangeOf(v.span);
  const d = Diagnostic.create(range, v.message, toSeverity(v.severity), v.rule, SOURCE);
  const href = opts.docsUrl(v.rule);
  if (href) d.codeDescription = { href };
  if (v.rule === UNUSED_IGNORE) d.tags = [DiagnosticTag.Unnecessary];
  const data: DiagnosticData = { rule: v.rule, version: doc.version };
  if (v.statementIndex !== undefined) {
    data.statementIndex = v.statementIndex;
    const st = doc.analysis.statements[v.statementIndex];
    if (st) data.statementStart = doc.lines.positionAt(st.span.start);
  }
  d.data = data;
  if (v.related?.length && opts.pathToUri) {
    const related: DiagnosticRelatedInformation[] = [];
    for (const r of v.related) {
      const uri = opts.pathToUri(r.path);
      if (!uri) continue;
      const line = Math.max(0, r.line - 1);
      related.push({ location: { uri, range: { start: { line, character: 0 }, end: { line, character: 0 } } }, message: r.text });
    }
    if (related.length) d.relatedInformation = related;
  }
  return d;
}

export function toDiagnostics(doc: AnalysedDocument, opts: ConvertOptions): Diagnostic[] {
  return visibleViolations(doc.analysis).map((v) => toDiagnostic(doc, v, opts));
}

/** A dry run's finding (pgPreflight.verifyLocks) on the text it traced. No data: there is no fix to offer. */
export function traceToDiagnostic(lines: LineIndex, t: TraceDiagnostic): Diagnostic {
  return Diagnostic.create(lines.rangeOf(t.span), t.message, toSeverity(t.severity), t.code, t.source);
}

// --- statements at a position ----------------------------------------------------------------------

/** The statement whose span holds the offset (end inclusive, so the cursor right after ';' counts). */
export function statementAt(a: Analysis, offset: number): number {
  const sts = a.statements;
  let lo = 0;
  let hi = sts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const s = sts[mid].span;
    if (offset < s.start) hi = mid - 1;
    else if (offset > s.end) lo = mid + 1;
    else {
      // Several parsed statements can share one span (rare); take the first.
      let i = mid;
      while (i > 0 && sts[i - 1].span.start === s.start) i--;
      return i;
    }
  }
  return -1;
}

// --- words -------------------------------------------------------------------------------------------

export function workWords(l: LockEstimate): string[] {
  const w: string[] = [];
  if (l.rewrite) w.push('rewrite');
  // A rewrite rebuilds the indexes too; say "index build" only when that is the work.
  else if (l.indexBuild) w.push('index build');
  if (l.scan && !l.indexBuild) w.push('scan');
  if (l.emptiesTable) w.push('truncate');
  return w;
}

function heldFor(l: LockEstimate): string {
  if (l.newTable) return 'new table';
  if (!l.rewrite && !l.scan && !l.indexBuild) return 'instant';
  if (l.estimatedSeconds === undefined) return 'size unknown';
  return formatDuration(l.estimatedSeconds);
}

const STRONG = lockStrength('ShareUpdateExclusiveLock');

/** Locks worth a lens: SHARE UPDATE EXCLUSIVE or stronger, on a table that existed before this migration. */
export function lensLocks(st: StatementInfo): LockEstimate[] {
  return st.locks
    .filter((l) => !l.newTable && lockStrength(l.mode) >= STRONG)
    .sort((a, b) => lockStrength(b.mode) - lockStrength(a.mode) || (b.estimatedSeconds ?? 0) - (a.estimatedSeconds ?? 0));
}

/** "🔒 ACCESS EXCLUSIVE public.users · rewrite · ~45 s" */
export function lensTitle(locks: LockEstimate[]): string {
  const l = locks[0];
  const parts = [`🔒 ${modeTitle(l.mode)} ${l.relation}`];
  const work = workWords(l);
  if (work.length) parts.push(work.join(' + '));
  parts.push(heldFor(l));
  const others = new Set(
    locks
      .slice(1)
      .map((x) => x.relation)
      .filter((r) => r !== l.relation),
  );
  if (others.size) parts.push(`+${others.size} more`);
  return parts.join(' · ');
}

export function riskTitle(a: Analysis): string {
  const n = a.lockedTables.length;
  return `Risk ${a.riskScore === null ? NOT_ANALYSED : `${a.riskScore}/10`} · ${n === 0 ? 'no tables locked' : n === 1 ? '1 table locked' : `${n} tables locked`}`;
}

export function codeLenses(doc: AnalysedDocument): CodeLens[] {
  const a = doc.analysis;
  const first: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const lenses: CodeLens[] = [CodeLens.create(first)];
  lenses[0].command = { title: riskTitle(a), command: COMMANDS.showLockAnalysis, arguments: [doc.uri] };
  a.statements.forEach((st, i) => {
    if (i > 0 && a.statements[i - 1].span.start === st.span.start) return;
    const locks = lensLocks(st);
    if (!locks.length) return;
    const pos = doc.lines.positionAt(st.span.start);
    const lens = CodeLens.create({ start: pos, end: pos });
    lens.command = { title: lensTitle(locks), command: COMMANDS.showLockAnalysis, arguments: [doc.uri, pos.line] };
    lenses.push(lens);
  });
  return lenses;
}

// --- hover -------------------------------------------------------------------------------------------

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function tableStats(doc: AnalysedDocument, relation: string): TableStats | undefined {
  return doc.stats?.tables.find((t) => `${t.schema}.${t.name}` === relation);
}

function writeRate(doc: AnalysedDocument, relation: string): number | undefined {
  const t = tableStats(doc, relation);
  if (!t || !doc.stats || doc.stats.inRecovery) return undefined;
  return writesPerSecond(t, doc.stats.capturedAt);
}

function rate(n: number | undefined): string {
  if (n === undefined) return '—';
  if (n < 0.1) return '< 0.1/s';
  return `${n < 10 ? n.toFixed(1) : formatCount(n)}/s`;
}

export function hoverAt(doc: AnalysedDocument, offset: number, opts: ConvertOptions): Hover | null {
  const index = statementAt(doc.analysis, offset);
  if (index < 0) return null;
  const a = doc.analysis;
  const st = a.statements[index];
  const siblings = a.statements.filter((s, i) => i >= index && s.span.start === st.span.start);
  const locks = siblings.flatMap((s) => s.locks);
  const out: string[] = [];
  const where = st.transactional ? 'inside a transaction' : 'outside any transaction';
  out.push(`**${cell(st.label)}** · ${where}`);
  out.push('');
  if (st.kind === 'error') {
    out.push(`Syntax error: ${st.parseError ?? 'the statement does not parse'}. Its locks are unknown until it parses.`);
  } else if (st.kind === 'meta') {
    out.push('psql meta-command: not sent to the server as SQL, not analysed.');
  } else if (!locks.length) {
    out.push('Takes no table lock.');
  } else {
    out.push('| Relation | Lock | Blocks | Work | Rows | Size | Writes | Held |');
    out.push('|---|---|---|---|---|---|---|---|');
    for (const l of locks) {
      const blocks = l.blocks.length ? l.blocks.join(', ') : 'ACCESS EXCLUSIVE only';
      const work = workWords(l).join(', ') || 'catalog only';
      const rows = l.newTable ? 'new' : l.rows !== undefined ? formatCount(l.rows) : '?';
      const size = l.newTable ? 'empty' : l.totalBytes !== undefined ? formatBytes(l.totalBytes) : '?';
      out.push(
        `| ${cell(l.relation)} | ${modeTitle(l.mode)} | ${blocks} | ${work} | ${rows} | ${size} | ${rate(writeRate(doc, l.relation))} | ${heldFor(l)} |`,
      );
    }
    const whys = [...new Set(locks.map((l) => l.why).filter(Boolean))];
    if (whys.length) {
      out.push('');
      for (const w of whys) out.push(`- ${w}`);
    }
  }
  for (const s of siblings) {
    if (s.fails) out.push('', `⚠ Will fail: ${s.fails}`);
    if (s.unsupported) out.push('', `⚠ Not on PostgreSQL ${a.pgVersion}: ${s.unsupported}`);
    if (s.notAnalysed?.length) out.push('', `Not analysed (dynamic SQL): ${s.notAnalysed.map((x) => `\`${x.slice(0, 80)}\``).join(', ')}`);
  }
  const stats = doc.stats
    ? `stats: ${doc.statsSource === 'file' ? 'snapshot file' : 'live snapshot'} of ${doc.stats.capturedAt.slice(0, 10)}${doc.stats.source ? ` (${doc.stats.source})` : ''}`
    : 'no table statistics (sizes unknown)';
  out.push('', `_PostgreSQL ${a.pgVersion} assumed (${doc.pgVersionSource}) · runner: ${a.runner} · ${stats}_`);

  const findings = visibleViolations(a).filter(
    (v) => v.statementIndex !== undefined && v.statementIndex >= index && v.statementIndex < index + siblings.length,
  );
  if (findings.length) {
    out.push('', '**Safer alternative**');
    for (const v of findings) {
      const href = opts.docsUrl(v.rule);
      const name = href ? `[${v.rule}](${href})` : v.rule;
      out.push(`- ${name}: ${v.help ?? ruleTitle(v.rule) ?? v.message}${v.fix ? ` — quick fix: ${v.fix.title}` : ''}`);
    }
  } else if (locks.some((l) => !l.newTable && l.blocks.includes('INSERT'))) {
    out.push('', 'No finding: the lock is expected to be short here.');
  }
  const range = doc.lines.rangeOf(st.span);
  return { contents: { kind: MarkupKind.Markdown, value: out.join('\n') }, range };
}

const TITLES = new Map(RULES.map((r) => [r.id, r.title]));
export function ruleTitle(rule: string): string | undefined {
  if (rule === SYNTAX_ERROR_RULE) return 'The statement does not parse';
  return TITLES.get(rule);
}

// --- lock analysis table -------------------------------------------------------------------------------

export function lockAnalysis(doc: AnalysedDocument): LockAnalysis {
  const a = doc.analysis;
  const rows: LockAnalysisRow[] = [];
  a.statements.forEach((st, i) => {
    const pos = doc.lines.positionAt(st.span.start);
    for (const l of st.locks) {
      const row: LockAnalysisRow = {
        statementIndex: i,
        line: pos.line,
        character: pos.character,
        statement: st.label,
        relation: l.relation,
        mode: l.mode,
        modeTitle: modeTitle(l.mode),
        blocks: [...l.blocks],
        rewrite: l.rewrite,
        scan: l.scan,
        indexBuild: !!l.indexBuild,
        newTable: !!l.newTable,
        why: l.why,
      };
      if (l.estimatedSeconds !== undefined) row.estimatedSeconds = l.estimatedSeconds;
      if (l.rows !== undefined) row.rows = l.rows;
      if (l.totalBytes !== undefined) row.totalBytes = l.totalBytes;
      const w = writeRate(doc, l.relation);
      if (w !== undefined) row.writesPerSecond = w;
      rows.push(row);
    }
  });
  const findings = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const v of visibleViolations(a)) findings[v.severity]++;
  return {
    uri: doc.uri,
    version: doc.version,
    riskScore: a.riskScore,
    pgVersion: a.pgVersion,
    runner: a.runner,
    wrappedInTransaction: a.wrappedInTransaction,
    statsSource: doc.statsSource,
    rows,
    lockedTables: a.lockedTables.map((t) => {
      const o: LockAnalysis['lockedTables'][number] = {
        relation: t.relation,
        mode: t.strongestMode,
        modeTitle: modeTitle(t.strongestMode),
      };
      if (t.estimatedSeconds !== undefined) o.estimatedSeconds = t.estimatedSeconds;
      return o;
    }),
    findings,
  };
}
