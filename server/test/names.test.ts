// Generated names (core/names.ts) and the catalog's record of them, checked against PostgreSQL itself:
// a migration full of unnamed indexes and constraints on tables and columns at the 63-byte limit (ASCII
// and multi-byte) runs on PostgreSQL 15 and on PGlite, and every name the catalog predicts must be the
// one PostgreSQL chose. Also: partition and inheritance cycles are a finding, never a stack overflow.
import { strict as assert } from 'assert';
import { analyze, INHERITANCE_CYCLE_RULE } from '../src/core/analyze';
import { Catalog } from '../src/core/schema/catalog';
import { fileNamePart, makeObjectName, nameCounters, truncateIdentifier } from '../src/core/schema/names';
import { loadParser, parseFile } from '../src/core/syntax/parse';
import { connectPg, pgliteEngine, type SqlEngine } from './support/engine';
import { sharedPostgres } from './support/postgres';

const T = 'a_table_whose_name_is_long_enough_to_reach_the_identifier_limit'; // 63 bytes
const U = 'ünïcödé_täble_nämé_with_multibyte_letters_ok'; // multi-byte: cuts must fall on a character boundary
const C1 = 'first_column_with_a_rather_long_name_too';
const C2 = 'second_column_with_a_rather_long_name_too';

const MIGRATION = `
CREATE TABLE ${T} (id bigint PRIMARY KEY, ${C1} int, ${C2} int, other int UNIQUE, CHECK (${C1} > 0), CHECK (${C1} > ${C2}), CHECK (${C1} < 1000));
CREATE TABLE "${U}" (id bigint PRIMARY KEY, "${C1}é" int REFERENCES ${T} (id), "${C1}ü" int REFERENCES ${T} (id));
CREATE INDEX ON ${T} (${C1});
CREATE INDEX ON ${T} (${C1});
CREATE INDEX ON ${T} (${C1}, ${C2});
CREATE INDEX ON ${T} ((${C1} + 1), (${C2} + 1));
CREATE INDEX ON "${U}" ("${C1}é");
ALTER TABLE ${T} ADD FOREIGN KEY (${C1}) REFERENCES ${T} (id);
ALTER TABLE ${T} ADD FOREIGN KEY (${C2}) REFERENCES ${T} (id);
ALTER TABLE ${T} ADD FOREIGN KEY (${C1}) REFERENCES ${T} (id);
ALTER TABLE ${T} ADD UNIQUE (${C1}, ${C2});
ALTER TABLE ${T} ADD UNIQUE (${C1}, ${C2});
ALTER TABLE ${T} ADD CHECK (${C2} > 0);
ALTER TABLE "${U}" ADD CHECK ("${C1}é" > 0);
CREATE TABLE dup_keys (a int UNIQUE, b int REFERENCES dup_keys (a) CHECK (b > 0), FOREIGN KEY (b) REFERENCES dup_keys (a), CHECK (b > 0), CHECK (b > 0));
ALTER TABLE dup_keys ADD CHECK (b > 0), ADD FOREIGN KEY (b) REFERENCES dup_keys (a), ADD FOREIGN KEY (b) REFERENCES dup_keys (a);
CREATE TABLE merged_keys (a int UNIQUE PRIMARY KEY, b int UNIQUE, c int, d int UNIQUE, UNIQUE (b), UNIQUE (c), CONSTRAINT c_named UNIQUE (c), UNIQUE (a, b), UNIQUE (a, b) DEFERRABLE, UNIQUE (d) INCLUDE (c), UNIQUE (b, a));
CREATE INDEX ON merged_keys (d) INCLUDE (c);
CREATE INDEX ON merged_keys (d) INCLUDE (c);
ALTER TABLE dup_keys DROP CONSTRAINT dup_keys_b_check1, DROP CONSTRAINT dup_keys_b_fkey, ADD CHECK (b > 0), ADD CHECK (b > 0), ADD FOREIGN KEY (b) REFERENCES dup_keys (a);
`;

const NAMES = `
SELECT 'c:' || c.relname || ':' || k.conname AS n FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
 WHERE c.relnamespace = 'public'::regnamespace AND k.contype IN ('p', 'u', 'f', 'c', 'x')
UNION ALL
SELECT 'i:' || c.relname || ':' || ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
 WHERE c.relnamespace = 'public'::regnamespace
ORDER BY 1`;

function predicted(): string[] {
  const cat = new Catalog();
  for (const s of parseFile(MIGRATION).statements) cat.apply(s.ast!, 'this-file');
  const out: string[] = [];
  for (const t of cat.tables.values()) for (const k of t.constraints) if ('pufcx'.includes(k.type)) out.push(`c:${t.name}:${k.name}`);
  for (const i of cat.indexes.values()) out.push(`i:${i.table.split('.')[1]}:${i.qualified.split('.')[1]}`);
  return out.sort();
}

async function observed(engine: SqlEngine): Promise<string[]> {
  await engine.exec(MIGRATION);
  return (await engine.query<{ n: string }>(NAMES)).rows.map((r) => r.n).sort();
}

describe('generated names', function () {
  this.timeout(120_000);
  before(loadParser);

  it('truncate and join the way PostgreSQL does', () => {
    assert.equal(Buffer.byteLength(truncateIdentifier('é'.repeat(40))), 62);
    assert.equal(makeObjectName('t', 'a', 'idx'), 't_a_idx');
    const long = makeObjectName(T, C1, 'fkey');
    assert.equal(Buffer.byteLength(long), 63);
    assert.ok(long.endsWith(`_${C1.slice(0, 28)}_fkey`) || long.endsWith('_fkey'), long);
    assert.notEqual(makeObjectName(T, C1, 'fkey'), makeObjectName(T, C2, 'fkey'));
  });

  it('file name parts keep to [a-z0-9_] and tell long names apart', () => {
    const a = fileNamePart(`validate_${makeObjectName(T, C1, 'fkey')}`);
    const b = fileNamePart(`validate_${makeObjectName(T, C2, 'fkey')}`);
    for (const x of [a, b, fileNamePart('"we/ird:na*me?"'), fileNamePart('ünï')]) assert.match(x, /^[a-z0-9_]{1,48}$/);
    assert.notEqual(a, b);
  });

  for (const kind of ['pg15', 'pglite']) {
    it(`are the names ${kind} gives unnamed indexes and constraints (long and multi-byte identifiers)`, async () => {
      let engine: SqlEngine;
      let cleanup = async () => undefined as void;
      if (kind === 'pg15') {
        const server = await sharedPostgres();
        const admin = await connectPg(server.url);
        const db = `pgpf_names_${process.pid}`;
        await admin.exec(`DROP DATABASE IF EXISTS ${db}`);
        await admin.exec(`CREATE DATABASE ${db}`);
        const url = new URL(server.url);
        url.pathname = `/${db}`;
        engine = await connectPg(url.toString());
        cleanup = async () => {
          await engine.close();
          await admin.exec(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
          await admin.close();
        };
      } else {
        engine = await pgliteEngine();
        cleanup = () => engine.close();
      }
      try {
        const pg = await observed(engine);
        assert.ok(pg.length >= 20, pg.join('\n'));
        assert.deepEqual(predicted(), pg);
      } finally {
        await cleanup();
      }
    });
  }
});

describe('generated names at scale', () => {
  before(loadParser);

  it('one CREATE or ALTER TABLE of many unnamed constraints of one name tries each candidate name about once (no quadratic search)', () => {
    const tries = (n: number, statement: (n: number) => string): number => {
      const cat = new Catalog();
      const before = nameCounters.tries;
      for (const s of parseFile(statement(n)).statements) cat.apply(s.ast!, 'this-file');
      const k = cat.tables.get('public.t')!.constraints;
      assert.equal(new Set(k.map((c) => c.name)).size, k.length, 'every name handed out once');
      return nameCounters.tries - before;
    };
    // Repeated CHECKs and FOREIGN KEYs are kept, each under a name of its own (repeated UNIQUEs are merged into one).
    const create = (n: number) =>
      `CREATE TABLE t (a int UNIQUE, b int${', CHECK (b > 0), FOREIGN KEY (b) REFERENCES t (a)'.repeat(n / 2)});`;
    const alter = (n: number) =>
      `CREATE TABLE t (a int UNIQUE, b int); ALTER TABLE t${' ADD CHECK (b > 0),'.repeat(n - 1)} ADD CHECK (b > 0);`;
    for (const statement of [create, alter]) {
      const small = tries(250, statement);
      const large = tries(1000, statement);
      assert.ok(small >= 250, `${small} tries for 250 constraints`);
      // A search from name, name1, name2, ... for every constraint grew 16x for 4x the constraints.
      assert.ok(large / small < 5, `${small} tries for 250 constraints, ${large} for 1,000`);
    }
  });
});

describe('partition and inheritance cycles', () => {
  before(loadParser);
  const long1 = `${'p'.repeat(63)}_one`;
  const long2 = `${'p'.repeat(63)}_two`; // both cut to the same 63 bytes: the same table to PostgreSQL

  const cases: [string, string][] = [
    [
      'a table attached as its own partition',
      'CREATE TABLE t (a int) PARTITION BY RANGE (a);\nALTER TABLE t ATTACH PARTITION t FOR VALUES FROM (1) TO (2);',
    ],
    [
      'two tables attached to each other',
      'CREATE TABLE a (x int) PARTITION BY LIST (x);\nCREATE TABLE b (x int) PARTITION BY LIST (x);\nALTER TABLE a ATTACH PARTITION b FOR VALUES IN (1);\nALTER TABLE b ATTACH PARTITION a FOR VALUES IN (2);',
    ],
    [
      'two long names PostgreSQL cuts to one',
      `CREATE TABLE ${long1} (a int) PARTITION BY RANGE (a);\nALTER TABLE ${long1} ATTACH PARTITION ${long2} FOR VALUES FROM (1) TO (2);`,
    ],
    ['an inheritance loop', 'CREATE TABLE a (x int);\nCREATE TABLE b () INHERITS (a);\nALTER TABLE a INHERIT b;'],
  ];
  for (const [name, sql] of cases) {
    it(`${name}: a finding on the statement, and later statements and files are still analysed`, () => {
      const later = 'TRUNCATE t, a, b;\nCREATE INDEX ON t (a);\nDROP TABLE a;';
      const here = analyze({ text: `${sql}\n${later}`, path: 'migrations/001.sql' });
      const cycles = here.violations.filter((v) => v.rule === INHERITANCE_CYCLE_RULE);
      assert.equal(cycles.length, 1, JSON.stringify(here.violations));
      assert.equal(cycles[0].severity, 'error');
      assert.ok(!here.violations.some((v) => v.rule === 'internal-rule-error'));
      assert.equal(here.statements.length, sql.split('\n').length + 3);
      // As an earlier migration it must not break the next file.
      const next = analyze({ text: later, path: 'migrations/002.sql', priorFiles: [{ path: 'migrations/001.sql', text: sql }] });
      assert.equal(next.statements.length, 3);
      assert.ok(!next.violations.some((v) => v.rule === 'internal-rule-error' || v.rule === INHERITANCE_CYCLE_RULE));
    });
  }

  it('a chain of 20,000 partitions is walked without recursion', () => {
    const lines = ['CREATE TABLE p0 (a int) PARTITION BY RANGE (a);'];
    for (let i = 1; i <= 20_000; i++) lines.push(`ALTER TABLE p${i - 1} ATTACH PARTITION p${i} FOR VALUES FROM (${i}) TO (${i + 1});`);
    const cat = new Catalog();
    for (const s of parseFile(lines.join('\n')).statements) cat.apply(s.ast!, 'this-file');
    assert.equal(cat.partitionsOf('public.p0').length, 20_000);
    assert.equal(cat.descendantsOf('public.p0').length, 20_000);
  });
});

describe('generated constraint names: work per name', () => {
  // A fuzzed CREATE TABLE of 5,000 unnamed UNIQUE columns of one name took minutes: every try of
  // name, name1, name2, ... scanned all the table's constraints. Counted, not timed: reads of the list.
  it('reads the existing constraints once per name chosen, not once per try', () => {
    const k = 400;
    const list = Array.from({ length: k }, (_, i) => ({ name: i ? `t_name_key${i}` : 't_name_key', type: 'u', columns: ['name'] }));
    let reads = 0;
    const counted = new Proxy(list, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const name = new Catalog().constraintName({ schema: 'public', name: 't', constraints: counted as never }, 'u', ['name']);
    assert.equal(name, `t_name_key${k}`);
    assert.ok(reads <= 2 * k, `${reads} reads of ${k} constraints`);
  });
});
