// The assertions the lock corpus tests make about one observed form, shared by lock-corpus.test.ts
// (PostgreSQL 15 on PATH, PGlite) and lock-corpus-versions.test.ts (the other majors).
import { strict as assert } from 'assert';
import { analyze } from '../../src/core/analyze';
import { disagreements, predictForm } from './model-vs-observed';
import { loadSchemaSql, type CorpusForm, type Observation } from './observe';

export type FormOutcome = 'skipped' | 'not-traced' | 'expected-error' | 'traced';

/**
 * Asserts that the model agrees with what PostgreSQL `version` did for the form: the locks, rewrites
 * and scans (disagreements() is empty), or, for `-- expect-error` forms, that PostgreSQL refused it and
 * the core knows it fails. Skipped and not-traced observations must have a reason the corpus states.
 */
export function assertModelMatches(form: CorpusForm, observed: Observation, version: number): FormOutcome {
  if (observed.skipped) {
    assert.ok(form.minPg && form.minPg > version, `skipped unexpectedly: ${observed.skipped}`);
    return 'skipped';
  }
  if (observed.notTraced) {
    assert.ok(form.noTransaction, `not traced unexpectedly: ${observed.notTraced}`);
    return 'not-traced';
  }
  if (form.expectError) {
    assert.ok(observed.error, 'the corpus expects this form to fail on the fixture');
    // The core must know it fails too (the model, or PostgreSQL's own parser): that is what the rules warn about.
    const a = analyze({
      text: form.sql,
      path: 'corpus.sql',
      pgVersion: version,
      priorFiles: [{ path: 'schema.sql', text: loadSchemaSql() }],
    });
    assert.ok(
      a.statements.some((s) => s.fails || s.unsupported || s.parseError),
      `PostgreSQL said "${observed.error}" but the model expects success`,
    );
    return 'expected-error';
  }
  assert.equal(observed.error, undefined, `PostgreSQL refused the form: ${observed.error}`);
  assert.deepEqual(disagreements(form, observed, version), [], `model: ${JSON.stringify(predictForm(form, version).locks)}`);
  return 'traced';
}

/** Rules whose error says "this statement fails on the assumed version". */
const VERSION_RULES = new Set(['unsupported-on-version', 'enum-value-used-in-transaction', 'syntax-error']);

/**
 * Whether the core says the form fails on `version` when run as the observer runs it (inside a
 * transaction block unless the form is no-transaction): a statement that fails, is unsupported or does
 * not parse, or a version rule's error on one of the form's statements.
 */
export function modelSaysRefused(form: CorpusForm, version: number, includeSetup = false): { refused: boolean; findings: string[] } {
  const prefix = (form.noTransaction ? '' : 'BEGIN;\n') + form.setup.map((s) => (s.trim().endsWith(';') ? s : `${s};`) + '\n').join('');
  const a = analyze({
    text: prefix + form.sql,
    path: 'corpus.sql',
    pgVersion: version,
    priorFiles: [{ path: 'schema.sql', text: loadSchemaSql() }],
  });
  const own = new Set<number>();
  a.statements.forEach((s, i) => {
    if (s.span.start >= prefix.length || (includeSetup && s.kind !== 'TransactionStmt')) own.add(i);
  });
  const statements = a.statements.filter((_, i) => own.has(i));
  const findings = a.violations
    .filter((v) => v.statementIndex !== undefined && own.has(v.statementIndex) && VERSION_RULES.has(v.rule))
    .map((v) => `${v.rule}: ${v.message}`);
  const refused = statements.some((s) => s.fails || s.unsupported || s.parseError) || findings.length > 0;
  return { refused, findings };
}
