// A pull-request comment: a summary with the risk, per file the Lock Analysis Table as a markdown
// table and the findings. Kept under GitHub's comment size limit.
import { formatCount, formatDuration } from '../../core/estimate';
import { modeTitle } from '../../core/locks/modes';
import type { Severity } from '../../core/types';
import { blocksWords, countSeverities, lockRows, plural, riskLevel, riskWords, totalCounts, workWords, worstRisk, type FileResult, type ReportOptions } from './common';
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
  const c = totalCounts(results);
  const worst = results.length ? worstRisk(results.map((r) => r.analysis.riskScore)) : 1;
  const out: string[] = [];
  out.push(`## pg-preflight: risk ${risk(worst)}`, '');
  out.push(`Checked ${plural(results.length, 'migration file')}: **${plural(c.error, 'error')}**, ${plural(c.warning, 'warning')}${c.info + c.hint ? `, ${plural(c.info + c.hint, 'note')}` : ''}.`, '');
  if (results.length > 1) {
    out.push('| File | Risk | Errors | Warnings |', '|---|---|--:|--:|');
    for (const r of results) {
      const k = countSeverities(r.analysis.violations);
      out.push(`| ${mdCode(r.path)} | ${risk(r.analysis.riskScore)} | ${k.error} | ${k.warning} |`);
    }
    out.push('');
  }
  for (const r of results) {
    out.push(`### ${mdCode(r.path)} — risk ${risk(r.analysis.riskScore)}`, '');
    const rows = lockRows(r);
    if (rows.length) {
      out.push('**Lock Analysis Table**', '');
      out.push('| Line | Table | Lock mode | Blocks | Rewrite/scan | Est. duration |', '|--:|---|---|---|---|--:|');
      for (const row of rows) {
        const size = row.lock.rows !== undefined ? ` (${formatCount(row.lock.rows)} rows)` : '';
        out.push(`| ${row.line} | ${mdCode(row.lock.relation)}${size} | ${modeTitle(row.lock.mode)} | ${blocksWords(row.lock.blocks)} | ${workWords(row.lock)} | ${mdText(formatDuration(row.lock.estimatedSeconds))} |`);
      }
      out.push('');
    } else {
      out.push('No statement locks an existing table at SHARE UPDATE EXCLUSIVE or stronger.', '');
    }
    if (r.analysis.violations.length) {
      out.push('**Findings**', '');
      for (const v of r.analysis.violations) {
        const line = r.lines.positionAt(v.span.start).line + 1;
        out.push(`- ${SEVERITY_ICON[v.severity]} **${v.severity}** ${mdCode(v.rule)} line ${line}: ${mdText(v.message)}`);
        if (v.help) out.push(`  - help: ${mdText(v.help)}`);
        if (v.fix) out.push(`  - fix: ${mdText(v.fix.title)}`);
        for (const rel of v.related ?? []) out.push(`  - used at ${mdCode(`${rel.path}:${rel.line}`)}: ${mdCode(rel.text.trim())}`);
      }
      out.push('');
    }
  }
  out.push(`<sub>pg-preflight${options.toolVersion ? ` ${options.toolVersion}` : ''}: lock-aware checks for PostgreSQL migrations. Estimates assume the table sizes in the statistics snapshot.</sub>`);
  return truncate(out.join('\n') + '\n');
}

function truncate(md: string): string {
  if (md.length <= MAX_MARKDOWN_CHARS) return md;
  const cut = md.lastIndexOf('\n', MAX_MARKDOWN_CHARS - 200);
  return `${md.slice(0, cut)}\n\n_The report was cut to fit a comment (${md.length - cut} more characters); run \`pg-preflight check\` for all of it._\n`;
}
