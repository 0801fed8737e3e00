// The text report of a very long migration: 200,000 locking statements used to overflow the stack
// (the lock table's rows were spread into one push call).
import { strict as assert } from 'assert';
import { renderText } from '../src/cli/report/text';
import { LineIndex } from '../src/core/syntax/text';
import type { Analysis, StatementInfo } from '../src/core/types';

describe('report: size', () => {
  it('renderText of 200,000 locking statements', () => {
    const n = 200_000;
    const one = 'ALTER TABLE t ADD COLUMN c int;\n';
    const text = one.repeat(n);
    const statements: StatementInfo[] = [];
    for (let i = 0; i < n; i++) {
      statements.push({
        span: { start: i * one.length, end: (i + 1) * one.length - 1 },
        text: one.trim(),
        kind: 'AlterTableStmt',
        label: 'ALTER TABLE ADD COLUMN',
        transactional: true,
        locks: [{ relation: 'public.t', mode: 'AccessExclusiveLock', blocks: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'DDL'], rewrite: false, scan: false, why: 'ADD COLUMN' } as never],
      });
    }
    const analysis: Analysis = { pgVersion: 15, runner: 'plain', statements, violations: [], riskScore: 5, lockedTables: [], wrappedInTransaction: false };
    const out = renderText([{ path: 'big.sql', text, lines: new LineIndex(text), analysis }]);
    assert.equal(out.split('\n').filter((l) => /ACCESS EXCLUSIVE/.test(l)).length, n);
  });
});
