// `npm run crosscheck`: the cross-check table with every miss (case, expected, got), for both tools.
import { loadParser } from '../../src/core/syntax/parse';
import { judgePreflight, judgeSquawkAll, loadCases, loadCrossStats, report, type Verdict } from './crosscheck';

async function main(): Promise<void> {
  await loadParser();
  const cases = loadCases();
  const stats = loadCrossStats();
  const pre = new Map<string, Verdict>(cases.map((c) => [c.id, judgePreflight(c, stats)]));
  const squawk = judgeSquawkAll(cases);
  console.log(report(cases, pre, squawk));
  if (process.argv.includes('--squawk-misses')) {
    console.log('\nsquawk misses (specific findings only):');
    for (const c of cases) {
      const v = squawk.specific.get(c.id);
      if (!v?.pass) console.log(`  ${c.file}:${c.line} ${c.id}: expected ${c.expect}; got ${v?.got.join(', ') || 'nothing'}`);
    }
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
});
