// Writes docs/rules/README.md, the index of rules, from the registry (rules/index.ts).
// `npm run docs:rules`; a test fails when the committed index is out of date.
import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../src/core/rules';

export function renderRulesIndex(): string {
  const rows = [...RULES]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map(
      (r) =>
        `| [${r.id}](${r.id}.md) | ${r.title.replace(/\|/g, '\\|')} | ${r.migrationOnly ? `${r.defaultSeverity} (migration folders only)` : r.defaultSeverity} |`,
    );
  return [
    '# Rules',
    '',
    'Generated from `server/src/core/rules/index.ts` by `npm run docs:rules`. Each page gives the problem, the lock',
    'and the safe alternative. Severity: rules about lock duration scale with the table size from the statistics',
    'snapshot (a hint on a tiny table, an error on a large one or a long lock); the column shows the default.',
    'Set a rule to `off`, `error`, `warning`, `info` or `hint` in `.pg-preflight.json` under `"rules"`.',
    '',
    '| rule | flags | default severity |',
    '|---|---|---|',
    ...rows,
    '',
    'The core also reports `syntax-error` (a statement PostgreSQL cannot parse), `inheritance-cycle` (a statement',
    'that would make a table its own partition or inheritance ancestor, which PostgreSQL refuses), `ignore-missing-reason`',
    'and `unused-ignore` (suppression comments), and `internal-rule-error` (a rule failed on the file; the others still ran).',
    '',
  ].join('\n');
}

if (require.main === module) {
  const out = path.resolve(__dirname, '../../../docs/rules/README.md');
  fs.writeFileSync(out, renderRulesIndex());
  process.stdout.write(`wrote ${out} (${RULES.length} rules)\n`);
}
