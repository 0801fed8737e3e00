// Reports of very long migrations: 200,000 locking statements used to overflow the stack (the lock
// table's rows were spread into one push call); a 10 MB one gave a JSON report too long for one string.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_SETTINGS } from '@pg-preflight/shared';
import { analyze } from '../src/core/analyze';
import { loadParser } from '../src/core/syntax/parse';
import { main } from '../src/cli/main';
import { FORMATS, REPORTERS, STREAMERS } from '../src/cli/report';
import { MAX_MARKDOWN_CHARS } from '../src/cli/report/markdown';
import { scanned } from '../src/core/fixes/sqltext';
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
        locks: [
          {
            relation: 'public.t',
            mode: 'AccessExclusiveLock',
            blocks: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'DDL'],
            rewrite: false,
            scan: false,
            why: 'ADD COLUMN',
          } as never,
        ],
      });
    }
    const analysis: Analysis = {
      pgVersion: 15,
      runner: 'plain',
      statements,
      violations: [],
      riskScore: 5,
      lockedTables: [],
      wrappedInTransaction: false,
    };
    const out = renderText([{ path: 'big.sql', text, lines: new LineIndex(text), analysis }]);
    assert.equal(out.split('\n').filter((l) => /ACCESS EXCLUSIVE/.test(l)).length, n);
  });
});

describe('report: size, through the CLI', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-preflight-report-size-'));
    // 20,000 statements on one line, 10,000 findings: reports of 1 to 15 MB.
    fs.writeFileSync(path.join(dir, 'big.sql'), 'ALTER TABLE t ADD COLUMN c int; CREATE INDEX i ON t (c); '.repeat(10_000));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  // The report of a 10 MB migration can be larger than one string may be (V8: 2^29 characters): it is
  // written in pieces as it is rendered, never built whole.
  for (const format of FORMATS) {
    it(`check --format ${format} writes the report in bounded pieces, the same text as the renderer`, async () => {
      const pieces: string[] = [];
      const code = await main(['check', 'big.sql', '--format', format, '--fail-on', 'never', '--no-app-refs'], {
        cwd: dir,
        env: {},
        stdout: { write: (s: string) => pieces.push(s) },
        stderr: { write: () => true },
      });
      assert.equal(code, 0);
      const whole = pieces.join('');
      const longest = pieces.reduce((m, p) => Math.max(m, p.length), 0);
      if (format === 'markdown') assert.ok(whole.length <= MAX_MARKDOWN_CHARS, `${whole.length}`);
      else {
        assert.ok(whole.length > 1_000_000, `${format}: ${whole.length} characters`);
        // github: its lock notice is one line per file (as GitHub takes it), a few hundred KB here.
        assert.ok(
          format === 'github' ? pieces.length > 10 : longest <= 256 * 1024,
          `${format}: a piece of ${longest} characters in ${pieces.length}`,
        );
      }
      if (format === 'json') assert.equal(JSON.parse(whole).files[0].statements.length, 20_000);
      if (format === 'sarif') assert.ok(JSON.parse(whole).runs[0].results.length >= 10_000);
      // --output gets the same text, written through the atomic temp file.
      const out = path.join(dir, `report.${format}`);
      assert.equal(
        await main(['check', 'big.sql', '--format', format, '--fail-on', 'never', '--no-app-refs', '--output', out], {
          cwd: dir,
          env: {},
          stdout: { write: () => true },
          stderr: { write: () => true },
        }),
        0,
      );
      assert.equal(fs.readFileSync(out, 'utf8'), whole);
    });
  }

  it('every reporter yields the text of its render function, in pieces', async () => {
    await loadParser();
    const text =
      'BEGIN; CREATE INDEX i ON t (c); ALTER TABLE t ADD COLUMN d int NOT NULL DEFAULT random(), ALTER COLUMN e TYPE bigint; COMMIT;\n'.repeat(
        300,
      );
    const results = [
      { path: 'a.sql', text, lines: new LineIndex(text), analysis: analyze({ text, path: 'a.sql', settings: DEFAULT_SETTINGS }) },
    ];
    for (const f of FORMATS) {
      const pieces = [...STREAMERS[f](results, { toolVersion: '1.0.0' })];
      assert.equal(pieces.join(''), REPORTERS[f](results, { toolVersion: '1.0.0' }), f);
      if (f !== 'markdown') assert.ok(pieces.length > 300, `${f}: ${pieces.length} pieces`);
    }
    for (const f of ['json', 'sarif'] as const) assert.doesNotThrow(() => JSON.parse([...STREAMERS[f]([], {})].join('')), f);
  });
});

describe('quick fixes of one long ALTER TABLE', () => {
  // Each ADD COLUMN's fix finds the end of its clause: it used to tokenize the whole rest of the
  // statement for that, N times (2,000 clauses: 18 s in the JSON report). Counted, not timed.
  it('scan a number of tokens linear in the number of clauses', async () => {
    await loadParser();
    const counted = (n: number): number => {
      const text = `ALTER TABLE t ${Array.from({ length: n }, (_, i) => `ADD COLUMN c${i} int NOT NULL DEFAULT random()`).join(', ')};`;
      const analysis = analyze({ text, path: 'a.sql', settings: DEFAULT_SETTINGS });
      const before = scanned.tokens;
      // Reading .fix renders it (each volatile DEFAULT's split is tried, and found not to apply).
      const findings = analysis.violations.filter((v) => v.rule === 'volatile-default' && v.fix === undefined).length;
      assert.equal(findings, n);
      return scanned.tokens - before;
    };
    const small = counted(200);
    const large = counted(800);
    // Linear: 4x the clauses, about 4x the tokens (quadratic would be 16x).
    assert.ok(large < 6 * small, `200 clauses: ${small} tokens, 800 clauses: ${large}`);
  });
});
