// A pull-request comment: a summary with the risk, per file the Lock Analysis Table as a markdown
// table and the findings. Kept under GitHub's comment size limit.
import { formatCount, formatDuration } from '../../core/estimate';
import { modeTitle } from '../../core/locks/modes';
import type { Severity } from '../../core/types';
import {
  blocksWords,
  countSeverities,
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
import { mdCode, mdText } from '../../core/present/markdown';

export { mdCode, mdText };

/** GitHub refuses comments over 65,536 characters. */
export const MAX_MARKDOWN_CHARS = 60_000;

const RISK_ICON = { low: '🟢', medium: '🟡', high: '🟠', critical: '🔴' } as const;
const SEVERITY_ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', info: 'ℹ️', hint: '💡' };

function risk(score: number | null): string {
  return score === null ? `⚪ ${riskWords(score)}` : `${RISK_ICON[riskLevel(score)]} ${riskWords(score)}`;
}

export function renderMarkdown(results: FileResult[], options: ReportOptions = {}): string {
  return [...streamMarkdown(results, options)].join('');
}

/**
 * The comment, cut to MAX_MARKDOWN_CHARS: lines past the cut are only counted, never kept, so a
 * migration of 200,000 statements holds no more than one comment's worth of text.
 */
export function* streamMarkdown(results: FileResult[], options: ReportOptions = {}): Generator<string> {
  const kept: string[] = [];
  let keptChars = 0;
  let total = 0;
  let full = true;
  for (const line of lines(results, options)) {
    total += line.length + 1;
    // Kept: the lines whose line break falls at or before MAX - 200 (room for the note).
    if (full && keptChars + line.length <= MAX_MARKDOWN_CHARS - 200) {
      kept.push(line);
      keptChars += line.length + 1;
    } else full = false;
  }
  if (total <= MAX_MARKDOWN_CHARS) {
    yield `${kept.join('\n')}\n`;
    return;
  }
  yield `${kept.join('\n')}\n\n_The report was cut to fit a comment (${total - keptChars + 1} more characters); run \`pg-preflight check\` for all of it._\n`;
}

function* lines(results: FileResult[], options: ReportOptions): Generator<string> {
  const c = totalCounts(results);
  const worst = results.length ? worstRisk(results.map((r) => r.analysis.riskScore)) : 1;
  yield* [`## pg-preflight: risk ${risk(worst)}`, ''];
  yield* [
    `Checked ${plural(results.length, 'migration file')}: **${plural(c.error, 'error')}**, ${plural(c.warning, 'warning')}${c.info + c.hint ? `, ${plural(c.info + c.hint, 'note')}` : ''}.`,
    '',
  ];
  if (results.length > 1) {
    yield* ['| File | Risk | Errors | Warnings |', '|---|---|--:|--:|'];
    for (const r of results) {
      const k = countSeverities(r.analysis.violations);
      yield* [`| ${mdCode(r.path)} | ${risk(r.analysis.riskScore)} | ${k.error} | ${k.warning} |`];
    }
    yield* [''];
  }
  for (const r of results) {
    yield* [`### ${mdCode(r.path)} — risk ${risk(r.analysis.riskScore)}`, ''];
    const rows = lockRows(r);
    if (rows.length) {
      yield* ['**Lock Analysis Table**', ''];
      yield* ['| Line | Table | Lock mode | Blocks | Rewrite/scan | Est. duration |', '|--:|---|---|---|---|--:|'];
      for (const row of rows) {
        const size = row.lock.rows !== undefined ? ` (${formatCount(row.lock.rows)} rows)` : '';
        yield* [
          `| ${row.line} | ${mdCode(row.lock.relation)}${size} | ${modeTitle(row.lock.mode)} | ${blocksWords(row.lock.blocks)} | ${workWords(row.lock)} | ${mdText(formatDuration(row.lock.estimatedSeconds))} |`,
        ];
      }
      yield* [''];
    } else {
      yield* ['No statement locks an existing table at SHARE UPDATE EXCLUSIVE or stronger.', ''];
    }
    if (r.analysis.violations.length) {
      yield* ['**Findings**', ''];
      for (const v of r.analysis.violations) {
        const line = r.lines.positionAt(v.span.start).line + 1;
        yield* [`- ${SEVERITY_ICON[v.severity]} **${v.severity}** ${mdCode(v.rule)} line ${line}: ${mdText(v.message)}`];
        if (v.help) yield* [`  - help: ${mdText(v.help)}`];
        if (v.fix) yield* [`  - fix: ${mdText(v.fix.title)}`];
        for (const rel of v.related ?? []) yield* [`  - used at ${mdCode(`${rel.path}:${rel.line}`)}: ${mdCode(rel.text.trim())}`];
      }
      yield* [''];
    }
  }
  yield* [
    `<sub>pg-preflight${options.toolVersion ? ` ${options.toolVersion}` : ''}: lock-aware checks for PostgreSQL migrations. Estimates assume the table sizes in the statistics snapshot.</sub>`,
  ];
}
