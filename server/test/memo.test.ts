// AnalysisMemo never changes a result: analyze() with a memo kept across a sequence of edits returns what
// a fresh analyze() returns, for typing at the end, edits in the middle and at the start, deletions, and
// changes of the earlier files, the stats and the settings. And it does reuse work when it can.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { normalizeSettings } from '@pg-preflight/shared';
import { analyze, type AnalyzeInput } from '../src/core/analyze';
import { AnalysisMemo, commonPrefixLength } from '../src/core/memo';
import { loadParser, parseFile } from '../src/core/syntax/parse';
import { splitSql } from '../src/core/syntax/split';
import { generateMigration } from '../bench/bench';
import { RULES } from '../src/core/rules';
import { loadStats, REPO } from './support/fixtures';

function same(memo: AnalysisMemo, input: AnalyzeInput, what: string): void {
  const fresh = analyze(input);
  const memoised = analyze({ ...input, memo });
  assert.deepEqual(JSON.parse(JSON.stringify(memoised)), JSON.parse(JSON.stringify(fresh)), what);
}

describe('AnalysisMemo', function () {
  this.timeout(120_000);
  before(loadParser);

  it('commonPrefixLength', () => {
    assert.equal(commonPrefixLength('', ''), 0);
    assert.equal(commonPrefixLength('abc', 'abd'), 2);
    const long = 'x'.repeat(10_000);
    assert.equal(commonPrefixLength(long + 'a', long + 'b'), 10_000);
    assert.equal(commonPrefixLength(long, long + 'tail'), 10_000);
  });

  it('splitSql from a statement start gives the tail of the whole split', () => {
    const text = fs.readFileSync(path.join(REPO, 'test-fixtures/locks/corpus.sql'), 'utf8');
    const whole = splitSql(text);
    for (const k of [1, 7, 50, whole.statements.length - 1]) {
      const from = whole.statements[k].span.start;
      const tail = splitSql(text, from);
      assert.deepEqual(tail.statements, whole.statements.slice(k));
      assert.deepEqual(
        tail.comments,
        whole.comments.filter((c) => c.span.start >= from),
      );
    }
  });

  it('memo.parse equals parseFile over a sequence of edits', () => {
    const memo = new AnalysisMemo();
    let text = generateMigration(60, 'parse');
    const edits: ((t: string) => string)[] = [
      (t) => t + '\nALTER TABLE x ADD COLUMN y int',
      (t) => t + ';',
      (t) => t.slice(0, 200) + '/* open comment' + t.slice(200),
      (t) => t.replace('/* open comment', ''),
      (t) => 'BEGIN;\n' + t,
      (t) => t.slice(0, t.length / 2) + '$$ unterminated' + t.slice(t.length / 2),
      (t) => t.replace('$$ unterminated', ''),
      (t) => t.slice(0, t.length - 40),
      () => '',
      (t) => t + 'SELECT 1;',
    ];
    for (const [i, e] of edits.entries()) {
      text = e(text);
      const a = memo.parse(text);
      const b = parseFile(text);
      assert.deepEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)), `edit ${i}`);
    }
  });

  it('analyze with a memo equals analyze without, typing every character of a migration at the end of another', () => {
    const memo = new AnalysisMemo();
    const stats = loadStats();
    const base = generateMigration(80, 'memo');
    const typed =
      "\nALTER TABLE public.orders ALTER COLUMN status TYPE integer USING status::integer;\nCREATE INDEX ON public.orders (status);\nSET lock_timeout = '1s';\nALTER TABLE public.users ADD CONSTRAINT c CHECK (email <> '');";
    for (let k = 0; k <= typed.length; k++)
      same(memo, { text: base + typed.slice(0, k), path: 'supabase/migrations/20240101000000_x.sql', stats }, `prefix ${k}`);
    assert.ok(memo.counters.statementsReused > 50 * typed.length, `reused ${memo.counters.statementsReused} statements`);
  });

  it('... and for edits anywhere, deletions, and changes of earlier files, stats and settings', () => {
    const memo = new AnalysisMemo();
    const stats = loadStats();
    const corpus = fs.readFileSync(path.join(REPO, 'test-fixtures/locks/corpus.sql'), 'utf8');
    const prior = [
      {
        path: 'supabase/migrations/20230101000000_prior.sql',
        text: fs.readFileSync(path.join(REPO, 'test-fixtures/locks/schema.sql'), 'utf8'),
      },
    ];
    const input: AnalyzeInput = { text: corpus, path: 'supabase/migrations/20240101000000_x.sql', stats, priorFiles: prior };
    same(memo, input, 'first');
    same(memo, { ...input, text: corpus + '\nDROP TABLE public.orders;' }, 'append');
    const mid = corpus.indexOf(';', corpus.length / 2) + 1;
    same(memo, { ...input, text: corpus.slice(0, mid) + '\nSET lock_timeout = 0;\nBEGIN;' + corpus.slice(mid) }, 'insert in the middle');
    same(memo, { ...input, text: corpus.slice(0, mid) + corpus.slice(mid + 300) }, 'delete in the middle');
    same(memo, { ...input, text: "SET TimeZone = 'Europe/Paris';\n" + corpus }, 'insert at the start');
    same(memo, { ...input, text: corpus }, 'back');
    same(memo, { ...input, priorFiles: [] }, 'earlier files gone');
    same(
      memo,
      { ...input, priorFiles: [{ ...prior[0], text: prior[0].text + '\nCREATE TABLE public.extra (id int);' }] },
      'earlier file changed',
    );
    same(memo, { ...input, stats: undefined }, 'stats dropped');
    same(memo, { ...input, pgVersion: 11 }, 'another version');
    same(memo, { ...input, settings: normalizeSettings({ runner: 'plain', throughput: { scanMBps: 1 } }).settings }, 'settings');
    // Settings the sequential pass does not read but statement rules do (size thresholds scale severities):
    // the checkpoint applies, the statement rules' findings of the restored statements must not.
    same(memo, { ...input, text: corpus + '\nSELECT 1;' }, 'before a threshold change');
    same(
      memo,
      { ...input, text: corpus + '\nSELECT 1;', settings: normalizeSettings({ largeTableRows: 1e12 }).settings },
      'size thresholds',
    );
    same(
      memo,
      {
        ...input,
        text: corpus + '\nSELECT 1;',
        settings: normalizeSettings({ rules: { 'require-concurrent-index-creation': 'off' } }).settings,
      },
      'a statement rule off',
    );
    same(memo, { ...input, text: corpus + '\nSELECT 2;' }, 'and on again');
    same(memo, { ...input, text: corpus.slice(0, 5000) }, 'truncated');
    same(memo, { ...input, text: '' }, 'empty');
    same(memo, { ...input, text: corpus }, 'whole again');
  });

  it('after a keystroke at the end, the statement rules check only the statements the edit changed', () => {
    const memo = new AnalysisMemo();
    const base = generateMigration(200, 'checks');
    const input = (text: string): AnalyzeInput => ({ text, path: 'supabase/migrations/20240101000000_x.sql', memo });
    analyze(input(base));
    const statementRules = RULES.filter((r) => r.scope === 'statement').length;
    assert.ok(statementRules >= 10, `${statementRules} statement rules`);
    let text = base;
    for (const ch of '\nCREATE INDEX ON public.orders (st') {
      text += ch;
      const run = memo.counters.statementChecksRun;
      const reused = memo.counters.statementChecksReused;
      analyze(input(text));
      // The statement being typed, and at most the one before it (where the checkpoint sits).
      assert.ok(memo.counters.statementChecksRun - run <= 2 * statementRules, `checks run: ${memo.counters.statementChecksRun - run}`);
      assert.ok(
        memo.counters.statementChecksReused - reused >= 190 * statementRules,
        `checks reused: ${memo.counters.statementChecksReused - reused}`,
      );
    }
  });

  it('every rule fixture, typed at the end of the lock corpus schema one statement at a time', () => {
    const memo = new AnalysisMemo();
    const stats = loadStats();
    const dir = path.join(REPO, 'test-fixtures/rules');
    let text = '';
    for (const id of fs.readdirSync(dir).sort()) {
      const bad = path.join(dir, id, 'bad.sql');
      if (!fs.existsSync(bad)) continue;
      for (const st of splitSql(fs.readFileSync(bad, 'utf8')).statements) {
        text += `\n${st.text}`;
        same(memo, { text, path: 'supabase/migrations/20240101000000_x.sql', stats }, `${id}: ${st.text.slice(0, 40)}`);
      }
    }
  });
});
