// The findings a rule makes on its bad.sql, pinned in test-fixtures/rules/<id>/bad.findings: one line per
// finding, "<line>:<column> <severity> <message>", so a change of wording or severity shows in review.
// `npm run fixtures:rules` rewrites the files after an intended change.
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../src/core/analyze';
import { LineIndex } from '../../src/core/syntax/text';
import { fixtureInput, RULE_FIXTURES } from './fixtures';

export function findingsFile(ruleId: string): string {
  return path.join(RULE_FIXTURES, ruleId, 'bad.findings');
}

/** The rule's findings on bad.sql, rendered as the .findings file holds them. */
export function renderRuleFindings(ruleId: string): string {
  const input = fixtureInput(ruleId, 'bad.sql');
  const lines = new LineIndex(input.text);
  const rows = analyze(input)
    .violations.filter((v) => v.rule === ruleId)
    .map((v) => {
      const p = lines.positionAt(v.span.start);
      return `${p.line + 1}:${p.character + 1} ${v.severity} ${v.message.replace(/\s*\n\s*/g, ' ')}`;
    });
  return rows.length ? `${rows.join('\n')}\n` : '';
}

export function readRuleFindings(ruleId: string): string | undefined {
  const f = findingsFile(ruleId);
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined;
}
