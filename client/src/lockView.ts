// The lock timeline as HTML: a pure function of the server's LockAnalysis (pgPreflight.showLockAnalysis).
// One row per statement, in file order, on a shared time axis: each bar starts where the statements before
// it end and is as wide as the statement's estimated lock time, colored by its strongest lock mode; in a
// file the runner wraps in one transaction a faded tail shows the lock still held until COMMIT. The risk
// score sits on top. Colors are VS Code theme variables; the page passes a strict content security policy
// (no inline style attributes, one nonce for the style sheet and the script). No vscode import.
import type { LockAnalysis, LockAnalysisRow } from '@pg-preflight/shared';

/** Lock modes weakest first, with the theme color of each and what it means for traffic. */
export const LOCK_MODES: { mode: string; title: string; color: string; blocks: string }[] = [
  { mode: 'AccessShareLock', title: 'ACCESS SHARE', color: 'var(--vscode-charts-green, #89d185)', blocks: 'only ACCESS EXCLUSIVE' },
  { mode: 'RowShareLock', title: 'ROW SHARE', color: 'var(--vscode-charts-green, #89d185)', blocks: 'EXCLUSIVE, ACCESS EXCLUSIVE' },
  { mode: 'RowExclusiveLock', title: 'ROW EXCLUSIVE', color: 'var(--vscode-charts-green, #89d185)', blocks: 'SHARE and stronger (DDL)' },
  {
    mode: 'ShareUpdateExclusiveLock',
    title: 'SHARE UPDATE EXCLUSIVE',
    color: 'var(--vscode-charts-blue, #3794ff)',
    blocks: 'DDL and VACUUM, not reads or writes',
  },
  { mode: 'ShareLock', title: 'SHARE', color: 'var(--vscode-charts-yellow, #cca700)', blocks: 'writes' },
  { mode: 'ShareRowExclusiveLock', title: 'SHARE ROW EXCLUSIVE', color: 'var(--vscode-charts-orange, #d18616)', blocks: 'writes' },
  { mode: 'ExclusiveLock', title: 'EXCLUSIVE', color: 'var(--vscode-charts-purple, #b180d7)', blocks: 'writes and SELECT FOR UPDATE' },
  { mode: 'AccessExclusiveLock', title: 'ACCESS EXCLUSIVE', color: 'var(--vscode-charts-red, #f14c4c)', blocks: 'everything, reads too' },
];

const STRENGTH = new Map(LOCK_MODES.map((m, i) => [m.mode, i]));

export interface TimelineStatement {
  statementIndex: number;
  line: number;
  character: number;
  statement: string;
  /** The strongest mode among the statement's locks. */
  mode: string;
  locks: { relation: string; modeTitle: string; newTable: boolean }[];
  /** Seconds; undefined when no lock of the statement has a size-based estimate. */
  seconds: number | undefined;
  startSeconds: number;
  why: string;
}

/** Groups the analysis rows (one per lock) into statements on a time axis. */
export function timeline(analysis: LockAnalysis): { statements: TimelineStatement[]; totalSeconds: number } {
  const byStatement = new Map<number, LockAnalysisRow[]>();
  for (const r of analysis.rows) {
    const list = byStatement.get(r.statementIndex) ?? [];
    list.push(r);
    byStatement.set(r.statementIndex, list);
  }
  const statements: TimelineStatement[] = [];
  let t = 0;
  for (const [statementIndex, rows] of [...byStatement.entries()].sort((a, b) => a[0] - b[0])) {
    const strongest = rows.reduce((a, b) => ((STRENGTH.get(b.mode) ?? -1) > (STRENGTH.get(a.mode) ?? -1) ? b : a));
    const known = rows.map((r) => r.estimatedSeconds).filter((s): s is number => typeof s === 'number' && Number.isFinite(s));
    const seconds = known.length ? Math.max(...known) : undefined;
    statements.push({
      statementIndex,
      line: rows[0].line,
      character: rows[0].character,
      statement: rows[0].statement,
      mode: strongest.mode,
      locks: rows
        .slice()
        .sort((a, b) => (STRENGTH.get(b.mode) ?? -1) - (STRENGTH.get(a.mode) ?? -1))
        .map((r) => ({ relation: r.relation, modeTitle: r.modeTitle, newTable: r.newTable })),
      seconds,
      startSeconds: t,
      why: strongest.why,
    });
    t += seconds ?? 0;
  }
  return { statements, totalSeconds: t };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** "0.2 s", "45 s", "6 min", "2.5 h". */
export function formatSeconds(s: number): string {
  if (s < 0.05) return '< 0.1 s';
  if (s < 1) return `${Math.round(s * 10) / 10} s`;
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${Math.round((s / 3600) * 10) / 10} h`;
}

function modeClass(mode: string): string {
  return `m-${STRENGTH.has(mode) ? mode : 'unknown'}`;
}

export interface RenderOptions {
  nonce: string;
  /** webview.cspSource */
  cspSource: string;
  fileName: string;
  /** What the stats source means to the reader. */
  statsNote?: string;
}

const VIEW_WIDTH = 1000;
const MIN_BAR = 6;

export function renderLockTimeline(analysis: LockAnalysis, opts: RenderOptions): string {
  const { statements, totalSeconds } = timeline(analysis);
  const scale = totalSeconds > 0 ? VIEW_WIDTH / totalSeconds : 0;
  const risk = analysis.riskScore === null ? null : Math.max(1, Math.min(10, Math.round(analysis.riskScore)));
  const riskTone = risk === null ? 'unknown' : risk >= 7 ? 'high' : risk >= 4 ? 'medium' : 'low';
  const stats =
    opts.statsNote ??
    (analysis.statsSource === 'notification'
      ? 'table sizes from the connected database'
      : analysis.statsSource === 'file'
        ? 'table sizes from the statsFile snapshot'
        : 'no table sizes: connect a database or set statsFile for durations');
  const f = analysis.findings;

  const rows = statements
    .map((st) => {
      const x = Math.round(st.startSeconds * scale);
      const w = st.seconds !== undefined && scale > 0 ? Math.max(MIN_BAR, Math.round(st.seconds * scale)) : MIN_BAR;
      const tail = analysis.wrappedInTransaction && scale > 0 ? Math.max(0, VIEW_WIDTH - x - w) : 0;
      const tables = st.locks
        .map(
          (l) =>
            `<span class="rel">${escapeHtml(l.relation)}</span> <span class="mode">${escapeHtml(l.modeTitle)}</span>${l.newTable ? ' <span class="new">new</span>' : ''}`,
        )
        .join(', ');
      const duration =
        st.seconds !== undefined ? (st.seconds < 0.05 ? formatSeconds(st.seconds) : `~${formatSeconds(st.seconds)}`) : 'size unknown';
      const title = `${st.statement} · line ${st.line + 1} · ${duration}\n${st.why}`;
      return `<div class="row" role="button" tabindex="0" data-line="${st.line}" data-character="${st.character}" title="${escapeHtml(title)}">
  <div class="head"><span class="ln">${st.line + 1}</span><span class="stmt">${escapeHtml(st.statement)}</span><span class="dur">${escapeHtml(duration)}</span><span class="tables">${tables}</span></div>
  <div class="track"><svg viewBox="0 0 ${VIEW_WIDTH} 20" preserveAspectRatio="none" aria-hidden="true">${
    tail ? `<rect class="tail ${modeClass(st.mode)}" x="${x + w}" y="4" width="${tail}" height="12"></rect>` : ''
  }<rect class="bar ${modeClass(st.mode)}${st.seconds === undefined ? ' unknown' : ''}" x="${Math.min(x, VIEW_WIDTH - w)}" y="1" width="${w}" height="18"></rect></svg></div>
</div>`;
    })
    .join('\n');

  const legend = LOCK_MODES.filter(
    (m, i, all) => all.findIndex((o) => o.color === m.color) === i || statements.some((s) => s.mode === m.mode),
  )
    .map(
      (m) =>
        `<span class="key"><svg viewBox="0 0 10 10" aria-hidden="true"><rect class="${modeClass(m.mode)}" width="10" height="10"></rect></svg>${escapeHtml(m.title)}: blocks ${escapeHtml(m.blocks)}</span>`,
    )
    .join('');

  const modeCss = LOCK_MODES.map((m) => `.${modeClass(m.mode)} { fill: ${m.color}; }`).join('\n    ');
  const csp = `default-src 'none'; style-src ${opts.cspSource} 'nonce-${opts.nonce}'; script-src 'nonce-${opts.nonce}'; img-src ${opts.cspSource} data:; font-src ${opts.cspSource};`;

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Lock Analysis</title>
<style nonce="${opts.nonce}">
    body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 12px 16px; }
    header { display: flex; align-items: center; gap: 16px; margin-bottom: 12px; }
    .risk { font-size: 1.6em; font-weight: 600; padding: 4px 12px; border-radius: 4px; border: 2px solid var(--vscode-charts-green); }
    .risk.medium { border-color: var(--vscode-charts-yellow); }
    .risk.high { border-color: var(--vscode-charts-red); }
    .risk.unknown { border-color: var(--vscode-disabledForeground); }
    .meta { color: var(--vscode-descriptionForeground); line-height: 1.5; }
    .file { color: var(--vscode-foreground); font-weight: 600; }
    .rows { display: flex; flex-direction: column; gap: 10px; }
    .row { cursor: pointer; outline: none; }
    .row:hover .stmt, .row:focus .stmt { color: var(--vscode-textLink-activeForeground); }
    .head { display: flex; align-items: baseline; gap: 8px; white-space: nowrap; overflow: hidden; margin-bottom: 3px; }
    .ln { color: var(--vscode-editorLineNumber-foreground); min-width: 2.2em; text-align: right; font-family: var(--vscode-editor-font-family); }
    .stmt { font-family: var(--vscode-editor-font-family); font-weight: 600; }
    .tables { overflow: hidden; text-overflow: ellipsis; }
    .track { margin-left: calc(2.2em + 8px); border-left: 1px solid var(--vscode-panel-border); border-right: 1px solid var(--vscode-panel-border); background: var(--vscode-editorWidget-background); }
    .track svg { display: block; width: 100%; height: 20px; }
    .tail { opacity: 0.25; }
    .unknown { opacity: 0.45; }
    .dur { font-variant-numeric: tabular-nums; color: var(--vscode-descriptionForeground); }
    .rel { font-family: var(--vscode-editor-font-family); }
    .mode { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
    .new { color: var(--vscode-charts-green); font-size: 0.85em; }
    .axis { margin-left: calc(2.2em + 8px); display: flex; justify-content: space-between; color: var(--vscode-descriptionForeground); font-size: 0.85em; margin-top: 4px; }
    .legend { margin-top: 16px; display: flex; flex-wrap: wrap; gap: 6px 16px; color: var(--vscode-descriptionForeground); font-size: 0.9em; }
    .key svg { width: 10px; height: 10px; margin-right: 5px; vertical-align: -1px; }
    .empty { color: var(--vscode-descriptionForeground); }
    ${modeCss}
</style>
</head>
<body>
<header>
  <div class="risk ${riskTone}" id="risk">${risk === null ? 'Risk not analysed' : `Risk ${risk}/10`}</div>
  <div class="meta"><div class="file">${escapeHtml(opts.fileName)}</div>
    <div>PostgreSQL ${analysis.pgVersion} · ${escapeHtml(analysis.runner)}${analysis.wrappedInTransaction ? ' · one transaction: locks are held until COMMIT' : ''} · ${escapeHtml(stats)}</div>
    <div>${f.error} error${f.error === 1 ? '' : 's'}, ${f.warning} warning${f.warning === 1 ? '' : 's'}, ${f.info + f.hint} note${f.info + f.hint === 1 ? '' : 's'}${totalSeconds > 0 ? ` · estimated lock time ${formatSeconds(totalSeconds)}` : ''}</div>
  </div>
</header>
${
  statements.length
    ? `<div class="rows">\n${rows}\n</div>
<div class="axis"><span>0</span><span>${totalSeconds > 0 ? formatSeconds(totalSeconds) : analysis.statsSource === 'none' ? 'durations need table sizes' : 'under 0.1 s'}</span></div>`
    : '<p class="empty">No statement in this file takes a table lock.</p>'
}
<div class="legend">${legend}</div>
<script nonce="${opts.nonce}">
  const vscode = acquireVsCodeApi();
  for (const row of document.querySelectorAll('.row')) {
    const reveal = () => vscode.postMessage({ type: 'reveal', line: Number(row.dataset.line), character: Number(row.dataset.character) });
    row.addEventListener('click', reveal);
    row.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') reveal(); });
  }
</script>
</body>
</html>`;
}
