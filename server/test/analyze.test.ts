// analyze(): the core's one entry point. Never throws; transaction tracking per runner; suppression
// comments; the documented risk-score examples (docs/risk.md).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyze, RULE_CRASH } from '../src/core/analyze';
import { AnalysisMemo } from '../src/core/memo';
import { RULES } from '../src/core/rules';
import type { StatementRule } from '../src/core/rules/rule';
import { astCounters } from '../src/core/syntax/ast';
import { loadParser } from '../src/core/syntax/parse';
import { loadStats, REPO } from './support/fixtures';

const stats = loadStats();

function allFixtureSql(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.sql')) out.push(p);
    }
  };
  walk(path.join(REPO, 'test-fixtures'));
  return out;
}

describe('analyze', () => {
  before(loadParser);

  describe('never throws', () => {
    it('a statement rule that throws on one statement is skipped for the file, with or without a memo; the others still run', () => {
      const broken: StatementRule = {
        id: 'broken-statement-rule',
        title: 'throws on a TRUNCATE',
        defaultSeverity: 'error',
        scope: 'statement',
        checkStatement(st, ctx) {
          if (st.kind === 'TruncateStmt') throw new Error('boom');
          ctx.report({ message: 'seen' });
        },
      };
      RULES.push(broken);
      try {
        const memo = new AnalysisMemo();
        const text = 'CREATE INDEX ON public.orders (status);\nTRUNCATE public.orders;\nSELECT 1;\n';
        for (const [what, t] of [
          ['first', text],
          ['again, restored from the memo', `${text} `],
          ['without the memo', text],
        ] as const) {
          const a = analyze({
            text: t,
            path: 'supabase/migrations/20240101000000_x.sql',
            stats,
            memo: what === 'without the memo' ? undefined : memo,
          });
          const crash = a.violations.filter((v) => v.rule === RULE_CRASH);
          assert.equal(crash.length, 1, what);
          assert.match(crash[0].message, /broken-statement-rule failed on this file.*boom/, what);
          assert.ok(!a.violations.some((v) => v.rule === 'broken-statement-rule'), `${what}: no findings of the broken rule`);
          assert.ok(
            a.violations.some((v) => v.rule === 'require-concurrent-index-creation'),
            `${what}: the other rules ran`,
          );
        }
      } finally {
        RULES.splice(RULES.indexOf(broken), 1);
      }
    });

    it('on every prefix of every fixture file', function () {
      this.timeout(120_000);
      let prefixes = 0;
      for (const file of allFixtureSql()) {
        const text = fs.readFileSync(file, 'utf8');
        // Every character for small files; a stride for large ones keeps this under a few seconds.
        const step = Math.max(1, Math.floor(text.length / 400));
        for (let i = 0; i <= text.length; i += step) {
          const a = analyze({ text: text.slice(0, i), path: 'supabase/migrations/20240101000000_x.sql', stats });
          // null exactly when statements exist and none parsed (a prefix cut inside the first statement).
          if (a.riskScore === null) assert.ok(a.statements.length > 0 && a.statements.every((st) => st.kind === 'error'));
          else assert.ok(a.riskScore >= 1 && a.riskScore <= 10);
          prefixes++;
        }
      }
      assert.ok(prefixes > 1000, `only ${prefixes} prefixes`);
    });

    it('on binary junk', () => {
      let seed = 42;
      const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
      for (let n = 0; n < 200; n++) {
        const bytes = Array.from({ length: 1 + Math.floor(rand() * 400) }, () => Math.floor(rand() * 256));
        const text = String.fromCharCode(...bytes);
        const a = analyze({ text, stats });
        for (const v of a.violations) assert.ok(v.span.start >= 0 && v.span.end <= text.length);
      }
    });

    it('on a 10 MB file', function () {
      this.timeout(120_000);
      const unit = 'ALTER TABLE orders ADD COLUMN c int; CREATE INDEX i ON orders (c); -- é✓😀\n';
      const text = unit.repeat(Math.ceil(10_000_000 / unit.length));
      const a = analyze({ text, stats });
      assert.ok(a.statements.length > 200_000);
      assert.ok(a.violations.some((v) => v.rule === 'require-concurrent-index-creation'));
    });

    it('on input that is not a string', () => {
      const a = analyze({ text: undefined as unknown as string });
      assert.deepEqual(a.statements, []);
    });
  });

  describe('transactions follow the runner', () => {
    const cases: { name: string; path: string; text: string; transactional: boolean[] }[] = [
      {
        name: 'plain psql runs each statement alone',
        path: 'x.sql',
        text: 'CREATE INDEX i ON t (a); SELECT 1;',
        transactional: [false, false],
      },
      {
        name: 'explicit BEGIN/COMMIT',
        path: 'x.sql',
        text: 'BEGIN; CREATE INDEX i ON t (a); COMMIT; SELECT 1;',
        transactional: [true, true, true, false],
      },
      {
        name: 'Supabase wraps the file',
        path: 'supabase/migrations/20240101000000_x.sql',
        text: 'CREATE INDEX i ON t (a);',
        transactional: [true],
      },
      {
        name: 'dbmate transaction:false opts out',
        path: 'db/migrations/20240101000000_x.sql',
        text: '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);',
        transactional: [false],
      },
      {
        name: 'graphile-migrate --! no-transaction',
        path: 'migrations/current.sql',
        text: '--! no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);',
        transactional: [false],
      },
      {
        name: 'Atlas txmode none',
        path: 'migrations/20240101000000_x.sql',
        text: '-- atlas:txmode none\nCREATE INDEX CONCURRENTLY i ON t (a);',
        transactional: [false],
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const a = analyze({ text: c.text, path: c.path });
        assert.deepEqual(
          a.statements.map((s) => s.transactional),
          c.transactional,
        );
      });
    }
  });

  describe('a transaction left open (transaction-nesting)', () => {
    const open = (text: string, p = 'migrations/001_x.sql') =>
      analyze({ text, path: p })
        .violations.filter((v) => v.rule === 'transaction-nesting' && v.message.includes('no COMMIT'))
        .map((v) => text.slice(v.span.start, v.span.end));
    for (const begin of ['BEGIN', 'START TRANSACTION', 'BEGIN WORK']) {
      it(`${begin} with no COMMIT is flagged on the ${begin}`, () => {
        assert.deepEqual(open(`${begin};\nCREATE TABLE ledger (id bigint);\n`), [`${begin};`]);
      });
    }
    it('only the last of two transactions, when it is the one left open', () => {
      assert.deepEqual(open('BEGIN;\nSELECT 1;\nCOMMIT;\nSTART TRANSACTION;\nSELECT 2;\n'), ['START TRANSACTION;']);
    });
    it('not when every transaction ends (COMMIT, ROLLBACK, END)', () => {
      assert.deepEqual(open('BEGIN;\nSELECT 1;\nCOMMIT;\nBEGIN WORK;\nSELECT 2;\nROLLBACK;\nBEGIN;\nSELECT 3;\nEND;\n'), []);
    });
    it('not in a file the runner wraps (its COMMIT ends it; the BEGIN gets its own finding)', () => {
      assert.deepEqual(open('-- migrate:up\nBEGIN;\nCREATE TABLE ledger (id bigint);\n', 'db/migrations/20240101000000_x.sql'), []);
    });
  });

  describe('COMMIT or ROLLBACK with no transaction open (transaction-nesting)', () => {
    const stray = (text: string, p = 'migrations/001_x.sql') =>
      analyze({ text, path: p })
        .violations.filter((v) => v.rule === 'transaction-nesting')
        .map((v) => text.slice(v.span.start, v.span.end));
    it('a second COMMIT in a plain file', () => {
      assert.deepEqual(stray('BEGIN;\nSELECT 1;\nCOMMIT;\nCOMMIT;\n'), ['COMMIT;']);
      assert.equal(stray('BEGIN;\nSELECT 1;\nCOMMIT;\nCOMMIT;\n').length, 1);
    });
    it('ROLLBACK with no BEGIN in a plain file', () => {
      assert.deepEqual(stray('SELECT 1;\nROLLBACK;\n'), ['ROLLBACK;']);
    });
    it('COMMIT with no BEGIN in a file sent as one batch (Supabase): ends its implicit transaction early', () => {
      const text = 'SELECT 1;\nCOMMIT;\n';
      const found = analyze({ text, path: 'supabase/migrations/20240101000000_x.sql' }).violations.filter(
        (v) => v.rule === 'transaction-nesting',
      );
      assert.deepEqual(
        found.map((v) => text.slice(v.span.start, v.span.end)),
        ['COMMIT;'],
      );
      assert.match(found[0].message, /one batch/);
    });
    it('not a BEGIN ... COMMIT pair, in a plain file or one sent as one batch', () => {
      assert.deepEqual(stray('BEGIN;\nSELECT 1;\nCOMMIT;\nBEGIN;\nSELECT 2;\nROLLBACK;\n'), []);
      assert.deepEqual(stray('BEGIN;\nSELECT 1;\nCOMMIT;\n', 'supabase/migrations/20240101000000_x.sql'), []);
    });
  });

  describe('SET LOCAL lasts until its transaction ends (missing-lock-timeout)', () => {
    const unguarded = (text: string) =>
      analyze({ text, path: 'migrations/001_x.sql', stats })
        .violations.filter((v) => v.rule === 'missing-lock-timeout')
        .map((v) => text.slice(v.span.start, v.span.end));
    it('a SET LOCAL ended by COMMIT leaves the next ALTER without a lock_timeout', () => {
      assert.deepEqual(unguarded("BEGIN;\nSET LOCAL lock_timeout = '2s';\nCOMMIT;\nALTER TABLE orders ADD COLUMN c text;\n"), [
        'ALTER TABLE orders ADD COLUMN c text;',
      ]);
    });
    it('a plain SET in a rolled-back transaction is undone', () => {
      assert.deepEqual(unguarded("BEGIN;\nSET lock_timeout = '2s';\nROLLBACK;\nALTER TABLE orders ADD COLUMN c text;\n"), [
        'ALTER TABLE orders ADD COLUMN c text;',
      ]);
    });
    it('SET LOCAL outside a transaction does nothing', () => {
      assert.deepEqual(unguarded("SET LOCAL lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN c text;\n"), [
        'ALTER TABLE orders ADD COLUMN c text;',
      ]);
    });
    it('a plain SET in a committed transaction stays; SET LOCAL guards its own transaction', () => {
      assert.deepEqual(unguarded("BEGIN;\nSET lock_timeout = '2s';\nCOMMIT;\nALTER TABLE orders ADD COLUMN c text;\n"), []);
      assert.deepEqual(unguarded("BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN c text;\nCOMMIT;\n"), []);
    });
  });

  describe('suppression comments', () => {
    const bad = 'CREATE INDEX orders_user_id_idx ON orders (user_id);';
    const rule = 'require-concurrent-index-creation';
    const cases: { name: string; text: string; suppressed: boolean; extra?: string }[] = [
      {
        name: 'a reasoned ignore on the line above suppresses',
        text: `-- pg-preflight-ignore ${rule}: built off-peak\n${bad}`,
        suppressed: true,
      },
      {
        name: 'an ignore without a reason suppresses nothing and is reported',
        text: `-- pg-preflight-ignore ${rule}\n${bad}`,
        suppressed: false,
        extra: 'ignore-missing-reason',
      },
      {
        name: 'a file-level ignore covers the file',
        text: `-- pg-preflight-ignore-file ${rule}: empty in production\nSELECT 1;\n${bad}`,
        suppressed: true,
      },
      {
        name: 'an ignore separated by a blank line from a later statement does not apply',
        text: `SELECT 1;\n-- pg-preflight-ignore ${rule}: x\n\n${bad}`,
        suppressed: false,
        extra: 'unused-ignore',
      },
      {
        name: 'an unused ignore is reported',
        text: `-- pg-preflight-ignore ${rule}: x\nSELECT 1;`,
        suppressed: false,
        extra: 'unused-ignore',
      },
      {
        name: 'an unknown rule is reported',
        text: `-- pg-preflight-ignore no-such-rule: x\n${bad}`,
        suppressed: false,
        extra: 'unused-ignore',
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const a = analyze({ text: c.text, stats });
        assert.equal(
          a.violations.some((v) => v.rule === rule),
          !c.suppressed && c.text.includes('CREATE INDEX'),
        );
        if (c.extra)
          assert.ok(
            a.violations.some((v) => v.rule === c.extra),
            `expected ${c.extra}: ${a.violations.map((v) => v.rule).join(', ')}`,
          );
      });
    }
  });

  describe('risk score examples of docs/risk.md', () => {
    const doc = fs.readFileSync(path.join(REPO, 'docs/risk.md'), 'utf8');
    const cases: { sql: string; score: number; row: string }[] = [
      {
        row: '`CREATE TABLE` + `CREATE INDEX` on it',
        sql: 'CREATE TABLE t (id bigint primary key, a int); CREATE INDEX t_a ON t (a);',
        score: 1,
      },
      {
        row: '`CREATE INDEX CONCURRENTLY` on 40M rows, with lock_timeout',
        sql: "SET lock_timeout = '5s'; CREATE INDEX CONCURRENTLY i ON orders (note);",
        score: 2,
      },
      { row: '`CREATE INDEX` on 40M rows (~2 min), no lock_timeout', sql: 'CREATE INDEX i ON orders (note);', score: 8 },
      {
        row: '`ALTER TABLE ... ADD CHECK` on 40M rows (~21 s under ACCESS EXCLUSIVE)',
        sql: 'ALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0);',
        score: 8,
      },
    ];
    for (const c of cases) {
      it(`${c.row} scores ${c.score}`, () => {
        assert.ok(doc.includes(`| ${c.row} | ${c.score} |`), 'docs/risk.md lists this example with this score');
        assert.equal(analyze({ text: c.sql, stats }).riskScore, c.score);
      });
    }
  });

  it('one statement, one story: a plain CREATE INDEX tells its lock once, each other finding only its own part', () => {
    const a = analyze({ text: 'CREATE INDEX i ON orders (note);', stats });
    assert.deepEqual(a.violations.map((v) => v.rule).sort(), [
      'missing-lock-timeout',
      'missing-statement-timeout',
      'require-concurrent-index-creation',
    ]);
    const leads = a.violations.filter((v) => v.message.includes('takes SHARE lock on public.orders'));
    assert.deepEqual(
      leads.map((v) => v.rule),
      ['require-concurrent-index-creation'],
    );
    // The timeout findings still name the lock they are about, without its sizes and what it blocks.
    for (const v of a.violations.filter((x) => x.rule.startsWith('missing-'))) {
      assert.match(v.message, /its SHARE lock on public\.orders,/);
      assert.ok(!v.message.includes('blocks INSERT'), v.message);
    }
  });

  it('tables created in the same file are new: their locks are not findings', () => {
    const a = analyze({
      text: 'CREATE TABLE t (id bigint primary key, a int); CREATE INDEX t_a ON t (a); ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);',
      stats,
    });
    const lockRules = [
      'require-concurrent-index-creation',
      'constraint-missing-not-valid',
      'missing-lock-timeout',
      'missing-statement-timeout',
      'statements-after-access-exclusive',
    ];
    assert.deepEqual(
      a.violations.filter((v) => lockRules.includes(v.rule)).map((v) => v.rule),
      [],
    );
    assert.ok(a.statements[1].locks.every((l) => l.newTable));
  });

  describe('timeout findings only where traffic queues behind the lock (observed on PG 15)', () => {
    const priorFiles = [
      {
        path: 'migrations/001_x.sql',
        text: "CREATE TABLE m (id int, at date) PARTITION BY RANGE (at); CREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');\nCREATE TABLE t (id int PRIMARY KEY); CREATE MATERIALIZED VIEW mv AS SELECT id FROM t; CREATE UNIQUE INDEX ON mv (id);",
      },
    ];
    const timeouts = (text: string) =>
      analyze({ text, path: 'migrations/002_x.sql', priorFiles })
        .violations.filter((v) => v.rule === 'missing-lock-timeout' || v.rule === 'missing-statement-timeout')
        .map((v) => v.rule);
    it('DETACH PARTITION ... CONCURRENTLY: parent queries go on, a lock_timeout would leave the detach pending', () => {
      assert.deepEqual(timeouts('ALTER TABLE m DETACH PARTITION m1 CONCURRENTLY;'), []);
      assert.deepEqual(timeouts('ALTER TABLE m DETACH PARTITION m1;'), ['missing-lock-timeout']);
    });
    it('REFRESH MATERIALIZED VIEW CONCURRENTLY: readers go on, and a matview takes no writes', () => {
      assert.deepEqual(timeouts('REFRESH MATERIALIZED VIEW CONCURRENTLY mv;'), []);
      assert.deepEqual(timeouts('REFRESH MATERIALIZED VIEW mv;'), ['missing-lock-timeout', 'missing-statement-timeout']);
    });
  });

  it('CREATE TABLE IF NOT EXISTS on an existing table keeps its size', () => {
    const a = analyze({ text: 'CREATE TABLE IF NOT EXISTS orders (id bigint); CREATE INDEX i ON orders (note);', stats });
    assert.equal(a.statements[1].locks[0].newTable, undefined);
    assert.equal(a.statements[1].locks[0].rows, 40_000_000);
  });

  it('earlier migration files give the schema (types, views)', () => {
    const a = analyze({
      text: 'ALTER TABLE accounts ALTER COLUMN email TYPE varchar(300);',
      priorFiles: [{ path: '1.sql', text: 'CREATE TABLE accounts (id int, email varchar(200));' }],
    });
    assert.equal(a.statements[0].locks[0].rewrite, false);
    const b = analyze({
      text: 'ALTER TABLE accounts ALTER COLUMN email TYPE int USING email::int;',
      priorFiles: [
        { path: '1.sql', text: 'CREATE TABLE accounts (id int, email varchar(200)); CREATE VIEW v AS SELECT email FROM accounts;' },
      ],
    });
    assert.match(b.statements[0].fails ?? '', /view public\.v/);
  });

  it('DO blocks are analysed and dynamic EXECUTE is reported as not analysed', () => {
    const a = analyze({
      text: "DO $$ BEGIN ALTER TABLE orders ADD COLUMN x int DEFAULT random(); EXECUTE 'DROP TABLE ' || 'x'; END $$;",
      stats,
    });
    assert.equal(a.statements[0].locks[0].relation, 'public.orders');
    assert.equal(a.statements[0].locks[0].rewrite, true);
    assert.match(a.statements[0].notAnalysed?.join() ?? '', /dynamic EXECUTE/);
  });

  it('functions defined by the migration and called later are analysed', () => {
    const a = analyze({
      text: 'CREATE FUNCTION add_idx() RETURNS void LANGUAGE plpgsql AS $$ BEGIN CREATE INDEX i ON orders (note); END $$;\nSELECT add_idx();',
      stats,
    });
    assert.equal(a.statements[1].locks.find((l) => l.relation === 'public.orders')?.mode, 'ShareLock');
  });

  describe('work grows linearly with the number of statements', () => {
    // Each unit exercises the rules that look back or ahead across the file: type changes after
    // renames and earlier ADD COLUMNs, renamed and dropped names searched in application files, a table
    // renamed before RLS is enabled, IF NOT EXISTS, an enum value used later in the same transaction, a
    // backfill after DDL in the same transaction. Counted, never timed: eight times the units must cost
    // about eight times the AST reads (a rule that walks all earlier statements per statement: ~50x).
    const unit = (k: number) =>
      [
        `CREATE TABLE t_${k} (id bigint PRIMARY KEY, a int, note varchar(20));`,
        `ALTER TABLE t_${k} ALTER COLUMN a TYPE bigint;`,
        `CREATE TABLE open_${k} (id bigint PRIMARY KEY);`,
        `ALTER TABLE t_${k} RENAME TO t_${k}_r;`,
        `ALTER TABLE t_${k}_r ENABLE ROW LEVEL SECURITY;`,
        'CREATE TABLE IF NOT EXISTS orders (id bigint);',
        `ALTER TABLE orders ADD COLUMN c_${k} int;`,
        `ALTER TABLE orders RENAME COLUMN c_${k} TO d_${k};`,
        `ALTER TABLE orders ALTER COLUMN d_${k} TYPE text;`,
        `ALTER TABLE users RENAME COLUMN old_${k} TO new_${k};`,
        `ALTER TABLE users ALTER COLUMN new_${k} TYPE bigint;`,
        `ALTER TABLE users DROP COLUMN gone_${k};`,
        'ALTER TABLE orders ALTER COLUMN amount TYPE numeric(10, 2);',
        `ALTER TYPE mood ADD VALUE 'v_${k}';`,
        `INSERT INTO orders (status) VALUES ('v_${k}');`,
        `UPDATE users SET name = 'n_${k}';`,
      ].join('\n');
    const appFiles = [
      {
        path: 'src/app.ts',
        text: Array.from({ length: 50 }, (_, k) => `await db.from('users').select('old_${k}, gone_${k}');`).join('\n'),
      },
    ];

    function measure(units: number) {
      const text = Array.from({ length: units }, (_, k) => unit(k)).join('\n');
      const input = { text, path: 'supabase/migrations/20240101000000_big.sql', stats, appFiles };
      analyze(input); // parse caches warm, so both sizes are counted the same way
      const before = { ...astCounters };
      const a = analyze(input);
      const perRule = new Map<string, number>();
      for (const v of a.violations) perRule.set(v.rule, (perRule.get(v.rule) ?? 0) + 1);
      return { unwrap: astCounters.unwrap - before.unwrap, walk: astCounters.walk - before.walk, perRule, statements: a.statements.length };
    }

    it('8x the statements: at most ~8x the unwrap() calls and walk() steps', function () {
      this.timeout(60_000);
      const small = measure(20);
      const large = measure(160);
      assert.equal(large.statements, 8 * small.statements);
      assert.ok(
        large.unwrap <= 8.5 * small.unwrap,
        `unwrap(): ${small.unwrap} -> ${large.unwrap} calls (${(large.unwrap / small.unwrap).toFixed(1)}x)`,
      );
      assert.ok(large.walk <= 8.5 * small.walk, `walk(): ${small.walk} -> ${large.walk} steps (${(large.walk / small.walk).toFixed(1)}x)`);
      // The unit really reaches the cross-statement rules, once per unit.
      for (const rule of [
        'rewriting-type-change',
        'rename-column',
        'drop-column',
        'table-without-rls',
        'enum-value-used-in-transaction',
        'unbatched-dml',
      ]) {
        assert.ok((small.perRule.get(rule) ?? 0) >= 20, `${rule}: ${small.perRule.get(rule) ?? 0} findings in 20 units`);
        assert.ok((large.perRule.get(rule) ?? 0) >= 160, `${rule}: ${large.perRule.get(rule) ?? 0} findings in 160 units`);
      }
      assert.ok((large.perRule.get('app-references-removed-name') ?? 0) > 0);
    });
  });
});
