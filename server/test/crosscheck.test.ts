// The cross-check (docs/crosscheck.md): every case of test-fixtures/crosscheck through analyze() and
// through squawk's native binary; prints both tools' figures and pg-preflight's misses, and fails when
// pg-preflight falls below the floors. The floors are the figures measured when the cases were written;
// raise them as rules improve (goal: 95% / 95%).
import { strict as assert } from 'assert';
import { loadParser } from '../src/core/syntax/parse';
import { judgePreflight, judgeSquawkAll, loadCases, loadCrossStats, pct, report, score, type Verdict } from './support/crosscheck';

const FLOOR_DANGEROUS_CAUGHT = 100;
const FLOOR_SAFE_CLEAN = 100;

describe("cross-check against the peers' test suites", () => {
  before(loadParser);

  it('has 200+ well-formed cases, both kinds', () => {
    const cases = loadCases();
    assert.ok(cases.length >= 200, `only ${cases.length} cases`);
    assert.ok(cases.some((c) => c.expect === 'dangerous') && cases.some((c) => c.expect === 'safe'));
  });

  it(`pg-preflight catches >= ${FLOOR_DANGEROUS_CAUGHT}% of dangerous cases and keeps >= ${FLOOR_SAFE_CLEAN}% of safe ones clean (squawk beside it)`, function () {
    this.timeout(300_000);
    const cases = loadCases();
    const stats = loadCrossStats();
    const pre = new Map<string, Verdict>(cases.map((c) => [c.id, judgePreflight(c, stats)]));
    const squawk = judgeSquawkAll(cases);
    console.log(report(cases, pre, squawk));
    const s = score(cases, pre);
    assert.ok(
      pct(s.caught, s.dangerous) >= FLOOR_DANGEROUS_CAUGHT,
      `dangerous caught ${pct(s.caught, s.dangerous)}% < floor ${FLOOR_DANGEROUS_CAUGHT}%`,
    );
    assert.ok(pct(s.clean, s.safe) >= FLOOR_SAFE_CLEAN, `safe clean ${pct(s.clean, s.safe)}% < floor ${FLOOR_SAFE_CLEAN}%`);
  });
});
