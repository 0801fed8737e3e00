// Inputs that used to take minutes or escape analyze() as exceptions (issue 10, section 6), and the bounded
// fuzz run. No timings: work is counted (characters handed to the parser, statements parsed per step).
import { strict as assert } from 'assert';
import { DEFAULT_SETTINGS } from '@pg-preflight/shared';
import { analyze } from '../src/core/analyze';
import { planSplit, planToMarkdown } from '../src/core/fixes';
import { loadParser, MAX_AST_DEPTH, parseCounters } from '../src/core/syntax/parse';
import { OPERATOR_RUN_LIMIT } from '../src/core/syntax/split';
import { generateMigration } from '../bench/bench';
import { runFuzz } from '../bench/fuzz';

function syntaxErrors(text: string): { message: string; start: number }[] {
  return analyze({ text, settings: DEFAULT_SETTINGS })
    .violations.filter((v) => v.rule === 'syntax-error')
    .map((v) => ({ message: v.message, start: v.span.start }));
}

describe('robustness: superlinear inputs', () => {
  before(loadParser);

  it('an unterminated comment is not rescanned: 200 KB of /* reach the parser as 2 characters', () => {
    const before = parseCounters.parsedChars;
    const errors = syntaxErrors('/*'.repeat(100_000));
    assert.equal(parseCounters.parsedChars - before, 2);
    assert.deepEqual(errors, [{ message: 'syntax error: unterminated /* comment at or near "/*"', start: 0 }]);
  });

  it('an unterminated comment after a statement start: an earlier error still wins, at its place', () => {
    const text = 'SELECT 1 FRM x ' + '/*'.repeat(50_000);
    const before = parseCounters.parsedChars;
    const errors = syntaxErrors(text);
    assert.ok(parseCounters.parsedChars - before <= 'SELECT 1 FRM x /*'.length);
    assert.deepEqual(errors, [{ message: 'syntax error: syntax error at or near "x"', start: text.indexOf('x') }]);
    assert.deepEqual(syntaxErrors('SELECT 1 ' + '/*'.repeat(50_000)), [
      { message: 'syntax error: unterminated /* comment at or near "/*"', start: 9 },
    ]);
  });

  it('comments inside a statement are blanked for the parser; positions after them stay exact (UTF-8 too)', () => {
    const nested = '/*'.repeat(20_000) + ' é ' + '*/'.repeat(20_000);
    const text = `SELECT 1 ${nested} + /* 😀 */ 2 FRM x;`;
    assert.deepEqual(syntaxErrors(text), [{ message: 'syntax error: syntax error at or near "x"', start: text.lastIndexOf('x') }]);
    // and a valid statement with comments still parses to the same locks
    const a = analyze({ text: 'ALTER TABLE /* a /* b */ c */ t ADD COLUMN x int /* d */ DEFAULT 1;', settings: DEFAULT_SETTINGS });
    assert.equal(a.statements[0].kind, 'AlterTableStmt');
    assert.equal(a.statements[0].locks[0]?.relation, 'public.t');
  });

  it('a huge token is quoted shortly in the parser message', () => {
    const [e] = syntaxErrors(`SELECT '${'x'.repeat(200_000)}`);
    assert.ok(e.message.startsWith('syntax error: unterminated quoted string at or near "'), e.message);
    assert.ok(e.message.length <= 300, `${e.message.length} chars`);
  });

  it(`a run of more than ${OPERATOR_RUN_LIMIT} operator characters is not handed to the parser`, () => {
    const before = parseCounters.parsed;
    const errors = syntaxErrors(`SELECT 1 ${'+-'.repeat(20_000)} 1;\nSELECT 1 +-+- 1;`);
    assert.equal(parseCounters.parsed - before, 1); // only the second statement
    assert.deepEqual(errors, [
      {
        message: `syntax error: a run of 40000 operator characters; pg-preflight does not parse runs over ${OPERATOR_RUN_LIMIT}`,
        start: 0,
      },
    ]);
    // in a string or a comment the same characters are harmless
    assert.deepEqual(syntaxErrors(`SELECT '${'+-'.repeat(2000)}' /* ${'+-'.repeat(2000)} */;`), []);
  });

  it(`an expression nested deeper than ${MAX_AST_DEPTH} levels is reported, not thrown`, () => {
    for (const text of [
      'SELECT ' + 'NOT '.repeat(5000) + 'true;',
      'SELECT ' + Array(4000).fill('1').join('+') + ';',
      'SELECT ' + '(SELECT '.repeat(3200) + '1' + ')'.repeat(3200) + ';',
    ]) {
      const errors = syntaxErrors(text);
      assert.deepEqual(errors, [
        { message: `syntax error: statement nests more than ${MAX_AST_DEPTH} levels deep; pg-preflight does not analyse it`, start: 0 },
      ]);
    }
    assert.deepEqual(syntaxErrors('SELECT ' + Array(500).fill('1').join('+') + ';'), []);
  });

  it('split and plan analyse each step against a schema grown step by step, not re-read (linear work)', () => {
    const work = (n: number): number => {
      const input = { text: generateMigration(n, `r${n}`), path: 'migrations/0001_x.sql', settings: DEFAULT_SETTINGS };
      const a = analyze(input);
      const before = parseCounters.parsed + parseCounters.cacheHits;
      const plan = planSplit(input, a);
      planToMarkdown(input, plan, a);
      return parseCounters.parsed + parseCounters.cacheHits - before;
    };
    const small = work(300);
    const large = work(1200);
    // Re-reading every earlier step per step made this grow 16x for 4x the statements.
    assert.ok(large / small < 5, `statements parsed: ${small} for 300, ${large} for 1200`);
  });
});

describe('robustness: bounded fuzz run', function () {
  this.timeout(300_000);

  it('a few thousand in-process inputs, a handful through the CLI and the language server: no crash, no hang', async () => {
    const rep = await runFuzz({
      seed: 20240601,
      inProcess: 2000,
      cli: 6,
      lsp: 6,
      timeLimitMs: 20_000,
      minimizeBudget: 100,
      knownBugs: false,
    });
    const inputs = Object.entries(rep.counts)
      .filter(([k]) => !k.endsWith('failures'))
      .reduce((s, [, v]) => s + v, 0);
    assert.equal(inputs, 2012);
    assert.deepEqual(
      rep.failures.map(
        (f) => `${f.target} ${f.what}: ${f.message.split('\n')[0]} | input ${JSON.stringify((f.minimized ?? f.input.text).slice(0, 300))}`,
      ),
      [],
    );
  });
});
