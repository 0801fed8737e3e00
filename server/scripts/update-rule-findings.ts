// Rewrites test-fixtures/rules/<id>/bad.findings from what each rule reports now (`npm run fixtures:rules`).
// Run it after an intended change of a message or severity, and review the diff.
import * as fs from 'fs';
import { loadParser } from '../src/core/syntax/parse';
import { RULES } from '../src/core/rules';
import { findingsFile, readRuleFindings, renderRuleFindings } from '../test/support/rule-findings';

async function main(): Promise<void> {
  await loadParser();
  let changed = 0;
  for (const rule of RULES) {
    const now = renderRuleFindings(rule.id);
    if (readRuleFindings(rule.id) === now) continue;
    fs.writeFileSync(findingsFile(rule.id), now);
    changed++;
    process.stdout.write(`wrote ${findingsFile(rule.id)}\n`);
  }
  process.stdout.write(`${changed} of ${RULES.length} rule fixtures changed\n`);
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
