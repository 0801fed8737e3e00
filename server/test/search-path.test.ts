// SET search_path in migrations: which schema an unqualified name means. The lock corpus
// (test-fixtures/locks/corpus.sql, "SET search_path") checks the locks against PostgreSQL 11-18; these
// cases check the parts around it: reading the setting, earlier files, CTE names, the editor's memo.
import { strict as assert } from 'assert';
import { parseSync, loadModule } from 'libpg-query';
import { analyze } from '../src/core/analyze';
import { AnalysisMemo } from '../src/core/memo';
import { searchPathSetBy } from '../src/core/schema/search-path';
import { unwrap } from '../src/core/syntax/ast';
import { loadParser } from '../src/core/syntax/parse';

const SETTINGS: { sql: string; path?: string[]; local?: boolean }[] = [
  { sql: 'SET search_path = app, public', path: ['app', 'public'], local: false },
  { sql: 'SET LOCAL search_path TO App', path: ['app'], local: true },
  // A string literal is one schema name, verbatim (PostgreSQL shows it as "App").
  { sql: "SET search_path TO 'App'", path: ['App'], local: false },
  { sql: "SET search_path = 'app, public'", path: ['app, public'], local: false },
  { sql: 'SET search_path = "$user", app', path: ['app'], local: false },
  { sql: 'SET search_path = "$user"', path: ['public'], local: false },
  { sql: 'RESET search_path', path: ['public'], local: false },
  { sql: 'SET search_path TO DEFAULT', path: ['public'], local: false },
  { sql: "SELECT set_config('search_path', 'app, public', false)", path: ['app', 'public'], local: false },
  { sql: `SELECT pg_catalog.set_config('search_path', '"App", x', true)`, path: ['App', 'x'], local: true },
  // pg_dump's: every name of the file is qualified, the default stays.
  { sql: "SELECT pg_catalog.set_config('search_path', '', false)", path: ['public'], local: false },
  { sql: "SELECT set_config('work_mem', '64MB', false)" },
  { sql: "SET lock_timeout = '1s'" },
];

describe('search_path', () => {
  before(async () => {
    await loadModule();
    await loadParser();
  });

  for (const c of SETTINGS) {
    it(`reads ${c.sql}`, () => {
      const stmt = parseSync(c.sql).stmts?.[0]?.stmt;
      const [kind, node] = unwrap(stmt);
      const got = searchPathSetBy(kind, node);
      assert.deepEqual(got && { path: [...got.path], local: got.local }, c.path ? { path: c.path, local: c.local } : undefined);
    });
  }

  const locksOn = (text: string, priorFiles: { path: string; text: string }[] = []) =>
    analyze({ text, path: 'supabase/migrations/20240201000000_x.sql', priorFiles, pgVersion: 15 }).statements.map((s) =>
      s.locks.map((l) => `${l.relation} ${l.mode}${l.rewrite ? ' rewrite' : ''}`),
    );

  it("an earlier file's SET search_path puts its tables in that schema, and ends with the file", () => {
    const prior = [
      {
        path: 'supabase/migrations/20240101000000_a.sql',
        text: 'SET search_path = app;\nCREATE TABLE widgets (id int, name varchar(50));\n',
      },
      { path: 'supabase/migrations/20240102000000_b.sql', text: 'CREATE TABLE gadgets (id int, name varchar(50));\n' },
    ];
    // Widening a varchar is catalog-only, which the model knows only for a column it knows.
    const [[widgets]] = locksOn('ALTER TABLE app.widgets ALTER COLUMN name TYPE varchar(200);', prior);
    assert.equal(widgets, 'app.widgets AccessExclusiveLock');
    const [[gadgets]] = locksOn('ALTER TABLE public.gadgets ALTER COLUMN name TYPE varchar(200);', prior);
    assert.equal(gadgets, 'public.gadgets AccessExclusiveLock', 'the second file ran under the default path');
    const [[unknown]] = locksOn('ALTER TABLE public.widgets ALTER COLUMN name TYPE varchar(200);', prior);
    assert.equal(unknown, 'public.widgets AccessExclusiveLock rewrite', 'public.widgets is not the table the first file made');
  });

  it('a CTE named like a table is not qualified; the table it reads is', () => {
    const prior = [
      {
        path: 'supabase/migrations/20240101000000_a.sql',
        text: 'CREATE TABLE public.orders (id int);\nCREATE TABLE app.users (id int);\n',
      },
    ];
    const [, locks] = locksOn(
      'SET search_path = app, public;\nWITH users AS (SELECT 1 AS id) DELETE FROM orders WHERE id IN (SELECT id FROM users);',
      prior,
    );
    // orders only exists in public (the path falls through to it); "users" is the CTE, not app.users.
    assert.deepEqual(locks, ['public.orders RowExclusiveLock']);
  });

  it('SET LOCAL lasts to the end of its transaction', () => {
    const locks = locksOn('BEGIN;\nSET LOCAL search_path = app;\nLOCK TABLE t;\nCOMMIT;\nLOCK TABLE t;\n');
    assert.deepEqual([locks[2], locks[4]], [['app.t AccessExclusiveLock'], ['public.t AccessExclusiveLock']]);
  });

  it('the editor memo gives what a fresh analysis gives when the SET line or what follows it changes', () => {
    const memo = new AnalysisMemo();
    const texts = [
      'SET search_path = app;\nCREATE INDEX ON users (name);\nALTER TABLE users ADD COLUMN x int;\n',
      'SET search_path = app;\nCREATE INDEX ON users (name);\nALTER TABLE users ADD COLUMN y int;\n',
      'SET search_path = public;\nCREATE INDEX ON users (name);\nALTER TABLE users ADD COLUMN y int;\n',
      'SET search_path = public;\nCREATE INDEX ON users (name);\nALTER TABLE users ADD COLUMN z int;\n',
    ];
    for (const text of texts) {
      const input = { text, path: 'supabase/migrations/20240201000000_x.sql', pgVersion: 15 };
      const fresh = analyze(input).statements.map((s) => s.locks.map((l) => l.relation));
      const withMemo = analyze({ ...input, memo }).statements.map((s) => s.locks.map((l) => l.relation));
      assert.deepEqual(withMemo, fresh, text);
    }
    assert.ok(memo.counters.statementsReused > 0, 'the memo reused work');
  });
});
