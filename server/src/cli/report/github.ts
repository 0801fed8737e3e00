// GitHub Actions workflow commands: one `::error|warning|notice file=...,line=...::message` per finding
// (shown as annotations on the pull request), a notice per file that locks existing tables, then a
// plain summary line. Escaping follows @actions/core: data escapes % \r \n; properties also : and ,.
import { formatDuration } from '../../core/estimate';
import { modeTitle } from '../../core/locks/modes';
import type { Severity } from '../../core/types';
import { lockRows, plural, riskWords, totalCounts, type FileResult, type ReportOptions } from './common';

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(kind: 'error' | 'warning' | 'notice', props: Record<string, string | number>, message: string): string {
  const p = Object.entries(props)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${kind} ${p}::${escapeData(message)}`;
}

function kindOf(s: Severity): 'error' | 'warning' | 'notice' {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'notice';
}

export function renderGithub(results: FileResult[], options: ReportOptions = {}): string {
  return [...streamGithub(results, options)].join('');
}

/** The commands one line at a time (each with its line break). */
export function* streamGithub(results: FileResult[], _options: ReportOptions = {}): Generator<string> {
  for (const r of results) {
    for (const v of r.analysis.violations) {
      const range = r.lines.rangeOf(v.span);
      const sameLine = range.start.line === range.end.line;
      yield `${command(
        kindOf(v.severity),
        // GitHub accepts col/endColumn (1-based, inclusive) only for a single-line annotation.
        sameLine
          ? {
              file: r.path,
              line: range.start.line + 1,
              col: range.start.character + 1,
              endLine: range.end.line + 1,
              endColumn: Math.max(range.end.character, range.start.character + 1),
              title: v.rule,
            }
          : { file: r.path, line: range.start.line + 1, endLine: range.end.line + 1, title: v.rule },
        v.help ? `${v.message}\n${v.help}` : v.message,
      )}\n`;
    }
    const rows = lockRows(r);
    if (rows.length) {
      const score = r.analysis.riskScore;
      const locks = rows.map(
        (row) => `line ${row.line}: ${modeTitle(row.lock.mode)} on ${row.lock.relation} (${formatDuration(row.lock.estimatedSeconds)})`,
      );
      yield `${command('notice', { file: r.path, line: rows[0].line, title: `pg-preflight risk ${riskWords(score)}` }, `Lock analysis:\n${locks.join('\n')}`)}\n`;
    }
  }
  const c = totalCounts(results);
  yield `pg-preflight: checked ${plural(results.length, 'file')}: ${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}.\n`;
}
