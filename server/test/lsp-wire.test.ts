// The analysis the worker sends as a difference from its previous one (lsp/wire.ts) arrives whole: over a
// sequence of edits (typing at the end, an edit in the middle that changes findings before the end, a
// deletion, a new document), what the server rebuilds equals what a full copy would have brought, and the
// difference really is small when only the end changed.
import { strict as assert } from 'assert';
import { analyze } from '../src/core/analyze';
import { AnalysisMemo } from '../src/core/memo';
import { loadParser } from '../src/core/syntax/parse';
import type { Analysis } from '../src/core/types';
import { decodeAnalysis, encodeAnalysis, withoutLazyFixes, type Crossed } from '../src/lsp/wire';
import { generateMigration } from '../bench/bench';

const PATH = '/p/supabase/migrations/20240203000000_wire.sql';

/** One document's crossings: the worker's side (memo, last sent) and the server's (last received). */
class Crossing {
  private readonly memo = new AnalysisMemo();
  private sent?: Crossed;
  private received?: Crossed;
  private job = 0;

  /** Analyses `text` as the worker does, crosses by structured clone; returns what each side holds. */
  edit(text: string): { full: Analysis; rebuilt: Analysis | undefined; keptStatements: number; keptViolations: number } {
    const job = ++this.job;
    const analysis = analyze({ text, path: PATH, memo: this.memo });
    const { violations, lazy } = withoutLazyFixes(analysis.violations);
    const outgoing = { ...analysis, violations };
    const wire = encodeAnalysis(outgoing, this.sent);
    this.sent = { job, analysis: outgoing };
    const rebuilt = decodeAnalysis(structuredClone(wire), this.received, new Set(lazy));
    if (rebuilt) this.received = { job, analysis: rebuilt };
    return { full: structuredClone(outgoing), rebuilt, keptStatements: wire.statements.kept, keptViolations: wire.violations.kept };
  }
}

describe('lsp: analyses cross from the worker as differences', function () {
  this.timeout(60_000);
  before(loadParser);

  it('what the server rebuilds equals the whole analysis, edit after edit', () => {
    const c = new Crossing();
    const base = generateMigration(120, 'w');
    const cases: { name: string; text: string; small: boolean }[] = [{ name: 'open', text: base, small: false }];
    let typed = base;
    for (const ch of '\nALTER TABLE w_orders_3 ADD COLUMN archived_at timestamptz NOT NULL;') {
      typed += ch;
      cases.push({ name: `typing ${JSON.stringify(typed.slice(-12))}`, text: typed, small: true });
    }
    // An edit in the middle: the findings of that statement change, and every later span moves.
    const mid = typed.indexOf('ADD COLUMN score integer NOT NULL DEFAULT 0');
    const edited = `${typed.slice(0, mid)}ADD COLUMN score integer NOT NULL${typed.slice(mid + 'ADD COLUMN score integer NOT NULL DEFAULT 0'.length)}`;
    cases.push({ name: 'edit in the middle', text: edited, small: false });
    cases.push({ name: 'deleting the second half', text: edited.slice(0, Math.floor(edited.length / 2)), small: false });
    cases.push({ name: 'everything replaced', text: 'DROP TABLE w_accounts;\nCREATE INDEX ON w_orders_1 (email);\n', small: false });
    cases.push({ name: 'empty', text: '', small: false });

    let smallSeen = 0;
    for (const k of cases) {
      const r = c.edit(k.text);
      assert.ok(r.rebuilt, `${k.name}: decoded`);
      assert.deepStrictEqual(r.rebuilt, r.full, k.name);
      if (k.small && r.full.statements.length > 10) {
        // Only the statement being typed and its findings cross again.
        assert.ok(
          r.keptStatements >= r.full.statements.length - 2,
          `${k.name}: kept ${r.keptStatements} of ${r.full.statements.length} statements`,
        );
        assert.ok(
          r.keptViolations >= r.full.violations.length - 4,
          `${k.name}: kept ${r.keptViolations} of ${r.full.violations.length} findings`,
        );
        smallSeen++;
      }
    }
    assert.ok(smallSeen > 50);
  });

  it('a difference from an analysis the server does not hold is refused, not misapplied', () => {
    const memo = new AnalysisMemo();
    const text = generateMigration(30, 'r');
    const first = analyze({ text, path: PATH, memo });
    const second = analyze({ text: `${text}\nSELECT 1;`, path: PATH, memo });
    const wire = encodeAnalysis(second, { job: 7, analysis: first });
    assert.ok(wire.statements.kept > 0);
    assert.equal(decodeAnalysis(wire, undefined, new Set()), undefined);
    assert.equal(decodeAnalysis(wire, { job: 6, analysis: first }, new Set()), undefined);
    assert.deepStrictEqual(decodeAnalysis(wire, { job: 7, analysis: first }, new Set())?.statements, second.statements);
  });

  it('a kept finding whose fix is lazy does not carry the fix rendered for the previous analysis', () => {
    const memo = new AnalysisMemo();
    const text = 'CREATE INDEX orders_email_idx ON orders (email);\n';
    const first = analyze({ text, path: PATH, memo });
    const index = first.violations.findIndex((v) => Object.getOwnPropertyDescriptor(v, 'fix')?.get);
    assert.ok(index >= 0, 'the fixture has a finding with a lazy fix');
    const sent = withoutLazyFixes(first.violations);
    const received = decodeAnalysis(
      structuredClone(encodeAnalysis({ ...first, violations: sent.violations }, undefined)),
      undefined,
      new Set(sent.lazy),
    )!;
    // The server renders the fix into its copy (a code action asked for it).
    received.violations[index].fix = { title: 'rendered for the previous text', edits: [] };
    const again = withoutLazyFixes(analyze({ text: `${text} `, path: PATH, memo }).violations);
    const wire = encodeAnalysis(
      { ...first, violations: again.violations },
      { job: 1, analysis: { ...first, violations: sent.violations } },
    );
    assert.ok(wire.violations.kept > index, 'the finding is kept');
    const next = decodeAnalysis(structuredClone(wire), { job: 1, analysis: received }, new Set(again.lazy))!;
    assert.equal(next.violations[index].fix, undefined);
    assert.equal(received.violations[index].fix?.title, 'rendered for the previous text');
  });
});
