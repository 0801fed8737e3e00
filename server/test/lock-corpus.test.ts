// PostgreSQL is the oracle: every form of test-fixtures/locks/corpus.sql runs on a real PostgreSQL 15
// (throwaway cluster) and on PGlite (PostgreSQL 18); the strongest pg_locks mode per table, the
// relfilenode (rewrite) and the scan counters must be exactly what the static lock model predicts at
// that server's version. Forms that cannot run in a transaction are sampled from a second connection
// on PG 15 (PGlite has one connection and reports them as not traced). The other majors (official
// binaries from npm, declared in the root package.json) run the same corpus in
// lock-corpus-versions.test.ts.
import { strict as assert } from 'assert';
import { loadParser } from '../src/core/syntax/parse';
import { assertModelMatches } from './support/corpus-check';
import type { SqlEngine } from './support/engine';
import { disagreements } from './support/model-vs-observed';
import { loadCorpus, observeForm, openPgLockFixture, openPgliteLockFixture, type Observation } from './support/observe';
import { sharedPostgres } from './support/postgres';

const forms = loadCorpus();

describe('lock corpus: the model predicts what PostgreSQL does', function () {
  this.timeout(300_000);
  before(loadParser);

  it('covers at least 80 statement forms', () => {
    assert.ok(forms.length >= 80, `only ${forms.length} forms`);
  });

  it('can fail: a wrong prediction is reported as a disagreement', () => {
    const form = forms.find((f) => f.name === 'create-index');
    assert.ok(form, 'corpus has create-index');
    const fake: Observation = {
      form: form.name,
      relations: [
        { relation: 'public.users', relkind: 'r', mode: 'AccessExclusiveLock', rewrite: false, modes: ['AccessExclusiveLock'], scan: true },
      ],
    };
    assert.ok(disagreements(form, fake, 15).length > 0);
  });

  const engines: { name: string; version: number; open: () => Promise<SqlEngine> }[] = [
    { name: 'PostgreSQL 15', version: 15, open: async () => openPgLockFixture((await sharedPostgres()).url, 'pg15') },
    { name: 'PGlite (PostgreSQL 18)', version: 18, open: () => openPgliteLockFixture() },
  ];

  for (const e of engines) {
    describe(e.name, () => {
      let engine: SqlEngine;
      let traced = 0;
      before(async () => {
        engine = await e.open();
      });
      after(async () => {
        await engine?.close();
      });

      for (const form of forms) {
        it(form.name, async () => {
          const observed = await observeForm(engine, form, { sampleRuns: 1 });
          if (assertModelMatches(form, observed, e.version) === 'traced') traced++;
        });
      }

      it('traced most of the corpus', () => {
        assert.ok(traced >= 80, `only ${traced} forms traced on ${e.name}`);
      });
    });
  }
});
