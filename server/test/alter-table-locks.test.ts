// The ALTER TABLE lock table (server/src/core/locks/alter-table.ts) against the lock corpus: every
// subcommand reachable from SQL has a corpus form, so PostgreSQL (lock-corpus*.test.ts) confirms its
// row on every major; the rows that say they are internal are never produced by the parser; and a
// row that leaves rewrite or scan to the AST has the function that decides it.
import { strict as assert } from 'assert';
import type { AlterTableType } from '@pgsql/types';
import { ALTER_TABLE } from '../src/core/locks/alter-table';
import { loadParser, parseFile } from '../src/core/syntax/parse';
import { loadCorpus } from './support/observe';

/** Subtypes of the ALTER TABLE statements in `sql`, with the form that holds each. */
function subtypesIn(sql: string): string[] {
  const out: string[] = [];
  for (const st of parseFile(sql).statements) {
    for (const c of st.ast?.AlterTableStmt?.cmds ?? []) out.push(String(c?.AlterTableCmd?.subtype));
  }
  return out;
}

describe('ALTER TABLE lock table', () => {
  before(loadParser);

  const rows = Object.entries(ALTER_TABLE) as [AlterTableType, (typeof ALTER_TABLE)[AlterTableType]][];
  const forms = loadCorpus();
  const inCorpus = new Map<string, string[]>();
  before(() => {
    for (const f of forms) for (const s of subtypesIn(f.sql)) inCorpus.set(s, [...(inCorpus.get(s) ?? []), f.name]);
  });

  it('has a row for each of the 66 subcommands of the parser', () => {
    assert.equal(rows.length, 66);
  });

  it('every subcommand reachable from SQL is in the lock corpus, or its row says why not', () => {
    const missing = rows.filter(([t, r]) => !r.internal && !r.uncorpused && !inCorpus.has(t)).map(([t]) => t);
    assert.deepEqual(missing, [], 'add a form using each of these to test-fixtures/locks/corpus.sql');
  });

  it('a row marked uncorpused really has no corpus form (else drop the excuse)', () => {
    const stale = rows.filter(([t, r]) => r.uncorpused && inCorpus.has(t)).map(([t]) => `${t}: ${inCorpus.get(t)?.join(', ')}`);
    assert.deepEqual(stale, []);
  });

  it('internal subcommands are not what the parser gives for any corpus form', () => {
    const reached = rows.filter(([t, r]) => r.internal && inCorpus.has(t)).map(([t]) => `${t}: ${inCorpus.get(t)?.join(', ')}`);
    assert.deepEqual(reached, []);
  });

  it('the parser gives the SQL-reachable subtype, not an internal one, for what PostgreSQL transforms later', () => {
    // ADD ... PRIMARY KEY/UNIQUE (USING INDEX) become AT_AddIndex/AT_AddIndexConstraint only in parse analysis.
    assert.deepEqual(subtypesIn('ALTER TABLE t ADD PRIMARY KEY (a); ALTER TABLE t ADD CONSTRAINT k UNIQUE USING INDEX i;'), [
      'AT_AddConstraint',
      'AT_AddConstraint',
    ]);
  });

  it('rewrite or scan left to the AST comes with the function that decides it', () => {
    const bad = rows.filter(([, r]) => (r.rewrite === 'ast' || r.scan === 'ast') && !r.effects).map(([t]) => t);
    assert.deepEqual(bad, []);
  });
});
