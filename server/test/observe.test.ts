// Checks the lock observer (server/test/support/observe.ts) itself: the corpus parser, and that
// observations on real PostgreSQL (15 via initdb, 18 via PGlite) match facts the PostgreSQL
// documentation states. If these fail, nothing built on the observer can be trusted.

import * as assert from 'node:assert/strict';
import { analyze } from '../src/core/analyze';
import { loadParser } from '../src/core/syntax/parse';
import { sharedPostgres } from './support/postgres';
import type { SqlEngine } from './support/engine';
import {
  loadCorpus,
  loadSchemaSql,
  observeAll,
  observeForm,
  openPgLockFixture,
  openPgliteLockFixture,
  readCorpus,
  type CorpusForm,
  type Observation,
} from './support/observe';

function form(sql: string, extra: Partial<CorpusForm> = {}): CorpusForm {
  return { name: extra.name ?? 'test-form', sql, setup: [], noTransaction: false, expectError: false, ...extra };
}

function rel(o: Observation, relation: string) {
  return o.relations.find((r) => r.relation === relation);
}

function modeOf(o: Observation, relation: string): string | undefined {
  assert.equal(o.error, undefined, `unexpected error: ${o.error}`);
  return rel(o, relation)?.mode;
}

describe('lock corpus: readCorpus', () => {
  it('parses names, directives and multi-line statements', () => {
    const text = [
      '-- header comment, ignored',
      '-- form: first-form',
      '-- setup: CREATE SCHEMA s',
      "-- setup: SET LOCAL TimeZone = 'UTC'",
      '-- min-pg: 13',
      'ALTER TABLE t ADD COLUMN c int;',
      '',
      '-- ===== section header',
      '-- form: second',
      '-- no-transaction',
      '-- hold: LOCK TABLE t IN ACCESS SHARE MODE',
      '-- hold: SELECT 1',
      'CREATE INDEX CONCURRENTLY i ON t (c);',
      '-- form: third',
      '-- expect-error',
      'DO $$',
      'BEGIN',
      '  -- a comment inside the body stays',
      '  ALTER TABLE t ADD COLUMN d int NOT NULL;',
      'END',
      '$$;',
    ].join('\n');
    const forms = readCorpus(text);
    assert.deepEqual(
      forms.map((f) => f.name),
      ['first-form', 'second', 'third'],
    );
    assert.deepEqual(forms[0], {
      name: 'first-form',
      sql: 'ALTER TABLE t ADD COLUMN c int;',
      setup: ['CREATE SCHEMA s', "SET LOCAL TimeZone = 'UTC'"],
      minPg: 13,
      noTransaction: false,
      expectError: false,
    });
    assert.equal(forms[1].noTransaction, true);
    assert.deepEqual(forms[1].hold, ['LOCK TABLE t IN ACCESS SHARE MODE', 'SELECT 1']);
    assert.equal(forms[1].sql, 'CREATE INDEX CONCURRENTLY i ON t (c);');
    assert.equal(forms[2].expectError, true);
    assert.match(forms[2].sql, /^DO \$\$\nBEGIN\n {2}-- a comment inside the body stays\n/);
    assert.match(forms[2].sql, /\$\$;$/);
  });

  it('treats ordinary comments before the statement as comments, not directives', () => {
    const [f] = readCorpus('-- form: a\n-- setup is done by schema.sql\n-- no-transaction needed here\nSELECT 1;');
    assert.deepEqual(f.setup, []);
    assert.equal(f.noTransaction, false);
    assert.equal(f.sql, 'SELECT 1;');
  });

  it('rejects duplicate names and forms without a statement', () => {
    assert.throws(() => readCorpus('-- form: a\nSELECT 1;\n-- form: a\nSELECT 2;'), /duplicate/);
    assert.throws(() => readCorpus('-- form: a\n-- setup: SELECT 1\n'), /no statement/);
  });

  it('the shipped corpus has at least 90 well-formed forms', () => {
    const forms = loadCorpus();
    assert.ok(forms.length >= 90, `only ${forms.length} forms`);
    for (const f of forms) {
      assert.match(f.name, /^[a-z0-9]+(-[a-z0-9]+)*$/, `form name ${f.name} is not kebab-case`);
      if (f.hold) assert.ok(f.noTransaction, `${f.name}: hold only makes sense for no-transaction forms`);
    }
    assert.ok(forms.some((f) => f.noTransaction) && forms.some((f) => f.expectError) && forms.some((f) => f.minPg));
    assert.match(loadSchemaSql(), /CREATE TABLE public\.users/);
  });
});

interface EngineCase {
  name: string;
  open(): Promise<SqlEngine>;
}

const engines: EngineCase[] = [
  { name: 'PostgreSQL 15 (initdb)', open: async () => openPgLockFixture((await sharedPostgres()).url, 'pg15') },
  { name: 'PGlite (PostgreSQL 18)', open: () => openPgliteLockFixture() },
];

for (const ec of engines) {
  describe(`lock observer on ${ec.name}`, function () {
    this.timeout(120_000);
    let engine: SqlEngine;
    before(async () => {
      await loadParser();
      engine = await ec.open();
    });
    after(async () => {
      await engine?.close();
    });

    const observe = (sql: string, extra: Partial<CorpusForm> = {}) => observeForm(engine, form(sql, extra));

    it('LOCK TABLE ... IN SHARE MODE observes ShareLock and nothing else', async () => {
      const o = await observe('LOCK TABLE public.users IN SHARE MODE');
      assert.deepEqual(o.relations, [
        { relation: 'public.users', relkind: 'r', mode: 'ShareLock', rewrite: false, modes: ['ShareLock'], scan: false },
      ]);
    });

    it('every LOCK TABLE mode is reported as pg_locks spells it', async () => {
      const modes: [string, string][] = [
        ['ACCESS SHARE', 'AccessShareLock'],
        ['ROW SHARE', 'RowShareLock'],
        ['ROW EXCLUSIVE', 'RowExclusiveLock'],
        ['SHARE UPDATE EXCLUSIVE', 'ShareUpdateExclusiveLock'],
        ['SHARE ROW EXCLUSIVE', 'ShareRowExclusiveLock'],
        ['EXCLUSIVE', 'ExclusiveLock'],
        ['ACCESS EXCLUSIVE', 'AccessExclusiveLock'],
      ];
      for (const [sqlMode, mode] of modes) {
        const o = await observe(`LOCK TABLE public.orders IN ${sqlMode} MODE`);
        assert.equal(modeOf(o, 'public.orders'), mode, sqlMode);
      }
    });

    it('ADD COLUMN without default: ACCESS EXCLUSIVE, no rewrite', async () => {
      const o = await observe('ALTER TABLE public.users ADD COLUMN x int');
      assert.equal(modeOf(o, 'public.users'), 'AccessExclusiveLock');
      assert.equal(rel(o, 'public.users')!.rewrite, false);
    });

    it('ALTER SEQUENCE takes SHARE ROW EXCLUSIVE on the sequence (nextval needs ROW EXCLUSIVE), as the model says', async () => {
      for (const sql of ['ALTER SEQUENCE public.invoice_seq RESTART WITH 1000', 'ALTER SEQUENCE public.invoice_seq INCREMENT BY 10']) {
        const o = await observe(sql);
        assert.equal(modeOf(o, 'public.invoice_seq'), 'ShareRowExclusiveLock', sql);
        const model = analyze({ text: `${sql};` }).statements[0].locks.find((l) => l.relation === 'public.invoice_seq');
        assert.equal(model?.mode, 'ShareRowExclusiveLock', sql);
      }
    });

    it('ADD COLUMN with a volatile default rewrites the table and its indexes', async () => {
      const o = await observe('ALTER TABLE public.users ADD COLUMN r float8 DEFAULT random()');
      assert.equal(modeOf(o, 'public.users'), 'AccessExclusiveLock');
      assert.equal(rel(o, 'public.users')!.rewrite, true);
      assert.equal(rel(o, 'public.users_pkey')!.rewrite, true);
    });

    it('ALTER COLUMN TYPE int -> bigint rewrites; the index on the column is rebuilt', async () => {
      const o = await observe('ALTER TABLE public.users ALTER COLUMN age TYPE bigint');
      assert.equal(modeOf(o, 'public.users'), 'AccessExclusiveLock');
      assert.equal(rel(o, 'public.users')!.rewrite, true);
      assert.equal(rel(o, 'public.users_age_idx')!.rewrite, true);
    });

    it('ALTER COLUMN TYPE varchar(100) -> varchar(200) does not rewrite (index kept as is)', async () => {
      const o = await observe('ALTER TABLE public.users ALTER COLUMN email TYPE varchar(200)');
      assert.equal(modeOf(o, 'public.users'), 'AccessExclusiveLock');
      assert.equal(rel(o, 'public.users')!.rewrite, false);
      const idx = rel(o, 'public.users_email_idx')!;
      assert.equal(idx.recreated, true);
      assert.equal(idx.rewrite, false);
    });

    it('timestamp -> timestamptz with a UTC session does not rewrite the table (PG 12+)', async () => {
      const o = await observe('ALTER TABLE public.users ALTER COLUMN created_at TYPE timestamptz', {
        setup: ["SET LOCAL TimeZone = 'UTC'"],
      });
      assert.equal(rel(o, 'public.users')!.rewrite, false);
    });

    it('SET NOT NULL scans the table unless a valid CHECK (col IS NOT NULL) proves it (PG 12+)', async () => {
      const proven = await observe('ALTER TABLE public.accounts ALTER COLUMN balance SET NOT NULL');
      assert.equal(modeOf(proven, 'public.accounts'), 'AccessExclusiveLock');
      assert.equal(rel(proven, 'public.accounts')!.scan, false);
      const scanned = await observe('ALTER TABLE public.accounts ALTER COLUMN region SET NOT NULL');
      assert.equal(rel(scanned, 'public.accounts')!.scan, true);
      assert.equal(rel(scanned, 'public.accounts')!.rewrite, false);
    });

    it('ATTACH PARTITION: SHARE UPDATE EXCLUSIVE on the parent (PG 12+); a matching CHECK skips the scan', async () => {
      const plain = await observe(
        "ALTER TABLE public.metrics ATTACH PARTITION public.metrics_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
      );
      assert.equal(modeOf(plain, 'public.metrics'), 'ShareUpdateExclusiveLock');
      assert.equal(rel(plain, 'public.metrics_2025')!.scan, true);
      const checked = await observe(
        "ALTER TABLE public.metrics ATTACH PARTITION public.metrics_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
      );
      assert.equal(rel(checked, 'public.metrics_2026')!.scan, false);
    });

    it('CREATE INDEX takes SHARE on the table; the new index is reported as created', async () => {
      const o = await observe('CREATE INDEX users_name_idx ON public.users (name)');
      assert.equal(modeOf(o, 'public.users'), 'ShareLock');
      assert.equal(rel(o, 'public.users_name_idx')!.created, true);
    });

    it('ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on both tables', async () => {
      const o = await observe(
        'ALTER TABLE public.orders ADD CONSTRAINT o_fk2 FOREIGN KEY (user_id) REFERENCES public.users (id) NOT VALID',
      );
      assert.equal(modeOf(o, 'public.orders'), 'ShareRowExclusiveLock');
      assert.equal(modeOf(o, 'public.users'), 'ShareRowExclusiveLock');
    });

    it('VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE', async () => {
      const o = await observe('ALTER TABLE public.users VALIDATE CONSTRAINT users_email_not_null');
      assert.equal(modeOf(o, 'public.users'), 'ShareUpdateExclusiveLock');
    });

    it('DML: SELECT, SELECT FOR UPDATE, UPDATE', async () => {
      assert.equal(modeOf(await observe('SELECT count(*) FROM public.accounts'), 'public.accounts'), 'AccessShareLock');
      assert.equal(modeOf(await observe('SELECT id FROM public.accounts WHERE id = 1 FOR UPDATE'), 'public.accounts'), 'RowShareLock');
      assert.equal(modeOf(await observe('UPDATE public.accounts SET balance = 0 WHERE id = 1'), 'public.accounts'), 'RowExclusiveLock');
    });

    it('rolls back: nothing a form does survives it', async () => {
      await observe('ALTER TABLE public.users ADD COLUMN leak_check int');
      const r = await engine.query(
        `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'leak_check'`,
      );
      assert.equal(r.rows[0].n, 0);
    });

    it('separates setup locks from the form locks', async () => {
      const o = await observe('ALTER TABLE public.users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_uidx', {
        setup: ['CREATE UNIQUE INDEX users_email_uidx ON public.users (email)'],
      });
      assert.equal(modeOf(o, 'public.users'), 'AccessExclusiveLock');
      // CREATE INDEX in the setup took SHARE on users and ACCESS EXCLUSIVE on the new index
      assert.ok(o.setupHeld?.includes('public.users ShareLock'), String(o.setupHeld));
      assert.equal(rel(o, 'public.users_email_uidx')?.created, undefined);
    });

    it('records the error of an expect-error form instead of locks', async () => {
      const o = await observe('ALTER TABLE public.users ADD COLUMN must text NOT NULL', { expectError: true });
      assert.match(o.error ?? '', /contains null values/);
      assert.deepEqual(o.relations, []);
    });

    it('skips forms newer than the engine', async () => {
      const o = await observe('SELECT 1', { minPg: 99 });
      assert.equal(o.skipped, 'needs PG 99');
    });

    it('observes the whole corpus as the corpus says (errors only where expected)', async () => {
      const forms = loadCorpus().filter((f) => !f.noTransaction);
      const all = await observeAll(engine, forms);
      const wrong = all.filter((o) => !o.skipped && !!o.error !== !!o.expectError);
      assert.deepEqual(
        wrong.map((o) => `${o.form}: ${o.error ?? 'succeeded but expect-error'}`),
        [],
      );
    });

    if (ec.name.startsWith('PGlite')) {
      it('does not invent observations for no-transaction forms', async () => {
        const o = await observe('CREATE INDEX CONCURRENTLY i ON public.users (name)', { noTransaction: true });
        assert.equal(o.notTraced, 'embedded engine has one connection');
        assert.deepEqual(o.relations, []);
      });
    } else {
      it('samples CREATE INDEX CONCURRENTLY: SHARE UPDATE EXCLUSIVE, not SHARE', async () => {
        const o = await observe('CREATE INDEX CONCURRENTLY users_name_idx ON public.users (name)', {
          noTransaction: true,
          hold: ['LOCK TABLE public.users IN ROW EXCLUSIVE MODE'],
        });
        assert.equal(modeOf(o, 'public.users'), 'ShareUpdateExclusiveLock');
        assert.ok(!rel(o, 'public.users')!.modes.includes('ShareLock'));
        // It waited for the holder's transaction (a virtualxid wait, not a relation lock).
        assert.equal(o.sampled?.waitSeen, true);
        assert.deepEqual(o.sampled?.waitedOn, ['virtualxid']);
        // (Locks on the new index are held only briefly between waits; sampling may miss them.)
        const indexExists = await engine.query(`SELECT 1 FROM pg_class WHERE relname = 'users_name_idx'`);
        assert.equal(indexExists.rows.length, 0, 'ran in its own database, not in the fixture');
      });

      it('samples VACUUM FULL: ACCESS EXCLUSIVE (waited for) and a rewrite', async () => {
        const o = await observe('VACUUM FULL public.users', {
          noTransaction: true,
          hold: ['LOCK TABLE public.users IN ACCESS SHARE MODE'],
        });
        const users = rel(o, 'public.users')!;
        assert.equal(users.mode, 'AccessExclusiveLock');
        assert.equal(users.waited, true);
        assert.equal(users.rewrite, true);
      });
    }
  });
}
