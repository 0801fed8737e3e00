// split.ts: a table of inputs and the statements they split into. Where the input is valid SQL
// (`pg: true`), the statement boundaries are also checked against PostgreSQL's own parser
// (libpg-query: stmt_location is the first token, stmt_location + stmt_len the ';').

import { strict as assert } from 'assert';
import { loadModule, parseSync } from 'libpg-query';
import { splitSql, type SplitResult } from '../src/core/syntax/split';
import { Utf8Mapper } from '../src/core/syntax/text';

/**
 * An expected statement. A plain string is its text; kind is 'meta' when it starts with a
 * backslash; terminated when it is meta or ends with ';'. The object form overrides terminated.
 */
type Expected = string | { text: string; terminated: boolean };

interface Case {
  name: string;
  input: string;
  expected: Expected[];
  /** Expected comment texts, in order (checked when given). */
  comments?: string[];
  /** Valid SQL: check statement boundaries against libpg-query. */
  pg?: boolean;
}

const CASES: Case[] = [
  // basics
  { name: 'two statements', input: 'select 1; select 2;', expected: ['select 1;', 'select 2;'], pg: true },
  { name: 'last statement unterminated', input: 'select 1;\nselect 2', expected: ['select 1;', 'select 2'], pg: true },
  { name: 'empty file', input: '', expected: [] },
  { name: 'only whitespace and comments', input: '  \n-- x\n/* y */\n', expected: [], comments: ['-- x', '/* y */'] },
  { name: 'empty statements produce nothing', input: ';;select 1;; ;\n;', expected: ['select 1;'], pg: true },
  {
    name: 'leading whitespace and comments are outside the span',
    input: '  -- c\n/* b */ select 1 ; ',
    expected: ['select 1 ;'],
    comments: ['-- c', '/* b */'],
    pg: true,
  },
  {
    name: 'blank lines inside a statement do not end it',
    input: 'alter table t\n\n\n  add column c int;\n\n\nselect 1;',
    expected: ['alter table t\n\n\n  add column c int;', 'select 1;'],
    pg: true,
  },
  {
    name: 'trailing line comment is not part of an unterminated statement',
    input: 'select 1 -- done',
    expected: [{ text: 'select 1', terminated: false }],
    comments: ['-- done'],
    pg: true,
  },
  {
    name: 'parentheses do not hold back a semicolon',
    input: 'select (1; select 2)',
    expected: ['select (1;', { text: 'select 2)', terminated: false }],
  },

  // single quotes
  { name: "'' escapes", input: "select 'a;''b;'; select 2;", expected: ["select 'a;''b;';", 'select 2;'], pg: true },
  {
    name: 'plain strings keep backslashes literally (standard_conforming_strings)',
    input: "select 'C:\\'; select 2;",
    expected: ["select 'C:\\';", 'select 2;'],
    pg: true,
  },
  {
    name: "E'' strings take backslash escapes",
    input: "select E'it\\'s; fine'; select 2;",
    expected: ["select E'it\\'s; fine';", 'select 2;'],
    pg: true,
  },
  {
    name: "e'' (lower case) with an escaped backslash and ''",
    input: "select e'a\\\\'; select 'x''y' || e'it''s\\n;';",
    expected: ["select e'a\\\\';", "select 'x''y' || e'it''s\\n;';"],
    pg: true,
  },
  {
    name: 'a word ending in e is not an E prefix',
    input: "select name'a\\'; select 2;",
    expected: ["select name'a\\';", 'select 2;'],
  },
  {
    name: "B'', X'', N'' and U&'' strings",
    input: "select B'101', X'1F', N'a;b', U&'d\\0061t;'; select 2;",
    expected: ["select B'101', X'1F', N'a;b', U&'d\\0061t;';", 'select 2;'],
    pg: true,
  },

  // quoted identifiers
  {
    name: 'quoted identifiers with "" escapes',
    input: 'select 1 as "a;""b"; select 2 as "it\'s";',
    expected: ['select 1 as "a;""b";', 'select 2 as "it\'s";'],
    pg: true,
  },

  // dollar quotes
  {
    name: '$$ body',
    input: 'create function f() returns int language sql as $$ select 1; $$; select 2;',
    expected: ['create function f() returns int language sql as $$ select 1; $$;', 'select 2;'],
    pg: true,
  },
  {
    name: 'tagged body with a different tag nested inside',
    input:
      'create function f() returns int language plpgsql as $body$\nbegin\n  execute $q$ select 1; $q$;\n  return 1;\nend\n$body$;\nselect 2;',
    expected: [
      'create function f() returns int language plpgsql as $body$\nbegin\n  execute $q$ select 1; $q$;\n  return 1;\nend\n$body$;',
      'select 2;',
    ],
    pg: true,
  },
  {
    name: '$$ inside $fn$ is body text',
    input: 'do $fn$ begin perform $$;$$; end $fn$; select 1;',
    expected: ['do $fn$ begin perform $$;$$; end $fn$;', 'select 1;'],
    pg: true,
  },
  {
    name: 'a longer tag sharing a prefix does not close',
    input: 'select $a$ x $ab$; $a$; select 2;',
    expected: ['select $a$ x $ab$; $a$;', 'select 2;'],
    pg: true,
  },
  {
    name: '$1 parameters are not dollar quotes',
    input: 'prepare p(int, int) as select $1 + $2; select $1, $$a;$$;',
    expected: ['prepare p(int, int) as select $1 + $2;', 'select $1, $$a;$$;'],
    pg: true,
  },
  {
    name: '$ inside an identifier is not a dollar quote',
    input: 'select a$b$ from t; select 2;',
    expected: ['select a$b$ from t;', 'select 2;'],
    pg: true,
  },
  {
    name: 'a tag must be an identifier-like word',
    input: 'select $a b$; select $1a$; select 3;',
    expected: ['select $a b$;', 'select $1a$;', 'select 3;'],
  },
  {
    name: 'dollar quote right after a number',
    input: 'select 1 +$$2$$::int; select 2;',
    expected: ['select 1 +$$2$$::int;', 'select 2;'],
  },
  {
    name: 'quotes inside dollar quotes and dollar quotes inside comments',
    input: 'select $$it\'s "x$$; /* $$ */ select 2; -- $$\nselect 3;',
    expected: ['select $$it\'s "x$$;', 'select 2;', 'select 3;'],
    comments: ['/* $$ */', '-- $$'],
    pg: true,
  },

  // comments
  {
    name: '-- comment hides a semicolon',
    input: 'select 1 -- ; not the end\n+ 1; select 2;',
    expected: ['select 1 -- ; not the end\n+ 1;', 'select 2;'],
    comments: ['-- ; not the end'],
    pg: true,
  },
  {
    name: 'nested block comments',
    input: 'select /* a /* b; */ still; */ 1; select 2;',
    expected: ['select /* a /* b; */ still; */ 1;', 'select 2;'],
    comments: ['/* a /* b; */ still; */'],
    pg: true,
  },
  {
    name: 'quotes inside comments do not open strings',
    input: "/* it's */ select 1; -- don't\nselect 2;",
    expected: ['select 1;', 'select 2;'],
    comments: ["/* it's */", "-- don't"],
    pg: true,
  },
  {
    name: 'suppression directives between statements are reported',
    input:
      'select 1;\n-- pg-preflight-ignore require-concurrent-index: small table\ncreate index i on t (a);\n/* pg-preflight-ignore x: y */',
    expected: ['select 1;', 'create index i on t (a);'],
    comments: ['-- pg-preflight-ignore require-concurrent-index: small table', '/* pg-preflight-ignore x: y */'],
    pg: true,
  },
  {
    name: '-- right after an operator starts a comment',
    input: 'select 1 +--2;\n 3; select 2;',
    expected: ['select 1 +--2;\n 3;', 'select 2;'],
    comments: ['--2;'],
    pg: true,
  },

  // psql meta-commands
  {
    name: 'psql meta lines',
    input: '\\set ON_ERROR_STOP on\nselect 1;\n  \\i other.sql  \r\n\\connect db\nselect 2;',
    expected: ['\\set ON_ERROR_STOP on', 'select 1;', '\\i other.sql', '\\connect db', 'select 2;'],
  },
  {
    name: 'meta-command after a statement on the same line',
    input: 'select 1; \\gset\nselect 2;',
    expected: ['select 1;', '\\gset', 'select 2;'],
  },
  {
    name: 'backslash line inside a statement is not a meta-command',
    input: 'select 1\n\\g\n;',
    expected: ['select 1\n\\g\n;'],
  },
  {
    name: 'meta-command at end of file without a line break',
    input: 'select 1;\n\\q',
    expected: ['select 1;', '\\q'],
  },

  // drizzle-kit
  {
    name: 'drizzle statement-breakpoint after ;',
    input: 'CREATE TABLE "a" ("id" integer PRIMARY KEY);--> statement-breakpoint\nCREATE INDEX "a_i" ON "a" USING btree ("id");',
    expected: ['CREATE TABLE "a" ("id" integer PRIMARY KEY);', 'CREATE INDEX "a_i" ON "a" USING btree ("id");'],
    comments: ['--> statement-breakpoint'],
    pg: true,
  },
  {
    name: 'drizzle statement-breakpoint ends a statement without ;',
    input: 'CREATE TABLE a (id int)\n--> statement-breakpoint\r\nCREATE INDEX i ON a (id)\n-->   statement-breakpoint',
    expected: [
      { text: 'CREATE TABLE a (id int)', terminated: false },
      { text: 'CREATE INDEX i ON a (id)', terminated: false },
    ],
    comments: ['--> statement-breakpoint', '-->   statement-breakpoint'],
  },
  {
    name: 'an ordinary --> comment does not break',
    input: 'select 1\n--> not a breakpoint\n+ 1;',
    expected: ['select 1\n--> not a breakpoint\n+ 1;'],
    pg: true,
  },

  // SQL-standard function bodies
  {
    name: 'BEGIN ATOMIC ... END is one statement',
    input:
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT CASE WHEN true THEN 2 ELSE 3 END;\nEND;\nselect 3;',
    expected: [
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT CASE WHEN true THEN 2 ELSE 3 END;\nEND;',
      'select 3;',
    ],
    pg: true,
  },
  {
    name: 'CREATE OR REPLACE PROCEDURE ... begin atomic (lower case, comment between)',
    input:
      'create or replace procedure p(a int) language sql begin /* x */ atomic insert into t values (a); delete from t where a = 1; end; select 1;',
    expected: [
      'create or replace procedure p(a int) language sql begin /* x */ atomic insert into t values (a); delete from t where a = 1; end;',
      'select 1;',
    ],
    pg: true,
  },
  {
    name: 'a function named begin does not open a body',
    input: 'create function begin() returns int language sql as $$select 1$$; select 2;',
    expected: ['create function begin() returns int language sql as $$select 1$$;', 'select 2;'],
    pg: true,
  },
  {
    name: 'BEGIN as a transaction is an ordinary statement',
    input: 'begin; create table t (a int); select case when true then 1 end; commit;',
    expected: ['begin;', 'create table t (a int);', 'select case when true then 1 end;', 'commit;'],
    pg: true,
  },
  {
    name: 'unfinished BEGIN ATOMIC runs to the end',
    input: 'create function f() returns int begin atomic select 1; select 2;',
    expected: [{ text: 'create function f() returns int begin atomic select 1; select 2;', terminated: false }],
  },

  // unterminated constructs at end of file
  {
    name: 'unterminated single quote',
    input: "select 1; select 'abc;\nselect 2;",
    expected: ['select 1;', { text: "select 'abc;\nselect 2;", terminated: false }],
  },
  {
    name: 'unterminated E string ending in a backslash',
    input: "select E'abc\\",
    expected: [{ text: "select E'abc\\", terminated: false }],
  },
  {
    name: 'unterminated quoted identifier',
    input: 'select "abc; x',
    expected: [{ text: 'select "abc; x', terminated: false }],
  },
  {
    name: 'unterminated dollar quote',
    input: 'select 1; select $$abc; select 2',
    expected: ['select 1;', { text: 'select $$abc; select 2', terminated: false }],
  },
  {
    name: 'unterminated block comment between statements',
    input: 'select 1; /* abc; select 2',
    expected: ['select 1;', { text: '/* abc; select 2', terminated: false }],
    comments: ['/* abc; select 2'],
  },
  {
    name: 'unterminated block comment inside a statement',
    input: 'select 1 /* x; /* y */ ',
    expected: [{ text: 'select 1 /* x; /* y */ ', terminated: false }],
  },

  // line endings and non-ASCII
  {
    name: 'CRLF',
    input: 'select 1;\r\n-- c\r\nselect\r\n  2;\r\n\r\n',
    expected: ['select 1;', 'select\r\n  2;'],
    comments: ['-- c'],
    pg: true,
  },
  {
    name: 'lone CR ends a line comment',
    input: 'select 1 -- c\r+ 1;',
    expected: ['select 1 -- c\r+ 1;'],
    comments: ['-- c'],
    pg: true,
  },
  {
    name: 'non-ASCII in strings, identifiers and comments',
    input: "-- ünïcødé ✓\nselect 'é✓😀;' as \"ü;\", ñame😀; /* 😀; */ select '😀';",
    expected: ['select \'é✓😀;\' as "ü;", ñame😀;', "select '😀';"],
    comments: ['-- ünïcødé ✓', '/* 😀; */'],
    pg: true,
  },
];

function expectedStatements(c: Case): SplitResult['statements'] {
  let from = 0;
  return c.expected.map((e) => {
    const text = typeof e === 'string' ? e : e.text;
    const meta = text.startsWith('\\');
    const start = c.input.indexOf(text, from);
    assert.ok(start >= 0, `test table: ${JSON.stringify(text)} is not in the input`);
    from = start + text.length;
    return {
      span: { start, end: start + text.length },
      text,
      kind: meta ? 'meta' : 'sql',
      terminated: typeof e === 'string' ? meta || text.endsWith(';') : e.terminated,
    };
  });
}

/** Invariants every split result holds, whatever the input. */
function checkInvariants(text: string, r: SplitResult): void {
  let prev = 0;
  for (const s of r.statements) {
    assert.ok(s.span.start >= prev, 'statements are ordered and do not overlap');
    assert.ok(s.span.start < s.span.end, 'statements are not empty');
    assert.ok(s.span.end <= text.length, 'span within bounds');
    assert.equal(s.text, text.slice(s.span.start, s.span.end));
    prev = s.span.end;
  }
  for (const c of r.comments) {
    assert.ok(c.span.start >= 0 && c.span.start < c.span.end && c.span.end <= text.length, 'comment within bounds');
    assert.equal(c.text, text.slice(c.span.start, c.span.end));
  }
}

/** Statement boundaries according to PostgreSQL, in UTF-16 offsets: [first token, ';' or -1]. */
function pgBoundaries(text: string): [number, number][] {
  const m = new Utf8Mapper(text);
  return (parseSync(text).stmts ?? []).map((s) => {
    const loc = s.stmt_location ?? 0;
    return [m.toUtf16(loc), s.stmt_len ? m.toUtf16(loc + s.stmt_len) : -1];
  });
}

function ourBoundaries(r: SplitResult): [number, number][] {
  return r.statements.map((s) => [s.span.start, s.terminated ? s.span.end - 1 : -1]);
}

describe('split: table', () => {
  before(async () => {
    await loadModule();
  });

  for (const c of CASES) {
    it(c.name, () => {
      const r = splitSql(c.input);
      checkInvariants(c.input, r);
      assert.deepEqual(
        r.statements.map((s) => s.text),
        c.expected.map((e) => (typeof e === 'string' ? e : e.text)),
      );
      assert.deepEqual(r.statements, expectedStatements(c));
      if (c.comments)
        assert.deepEqual(
          r.comments.map((x) => x.text),
          c.comments,
        );
      if (c.pg) assert.deepEqual(ourBoundaries(r), pgBoundaries(c.input), 'boundaries agree with libpg-query');
    });
  }
});

// Deterministic pseudo-random numbers, so a failure reproduces.
function rng(seed: number): (k: number) => number {
  let s = seed >>> 0;
  return (k) => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return Math.floor((s / 0x100000000) * k);
  };
}

describe('split: properties', () => {
  before(async () => {
    await loadModule();
  });

  // Valid, ';'-terminated statements drawn from the table, glued with random separators.
  const POOL = CASES.filter((c) => c.pg).flatMap((c) => c.expected.filter((e): e is string => typeof e === 'string' && e.endsWith(';')));
  const SEPARATORS = [' ', '\n', '\r\n', '\n\n', '\t', '-- note ✓\n', '/* a /* b */ */', ';', ' ; ;\r\n', '--> statement-breakpoint\n'];

  for (let seed = 1; seed <= 30; seed++) {
    it(`generated file #${seed}: statements come back whole and agree with libpg-query`, () => {
      const rand = rng(seed);
      const appended: string[] = [];
      let text = '';
      const count = 1 + rand(12);
      for (let k = 0; k < count; k++) {
        for (let s = rand(3); s > 0; s--) text += SEPARATORS[rand(SEPARATORS.length)];
        const stmt = POOL[rand(POOL.length)];
        text += (k > 0 ? '\n' : '') + stmt;
        appended.push(stmt);
      }
      const r = splitSql(text);
      checkInvariants(text, r);
      assert.deepEqual(
        r.statements.map((s) => s.text),
        appended,
      );
      assert.deepEqual(ourBoundaries(r), pgBoundaries(text));
    });
  }

  it('binary junk never throws and keeps spans within bounds', () => {
    const SPECIAL = '\'"$;-/*\\\r\nEe()';
    const rand = rng(42);
    for (let round = 0; round < 300; round++) {
      const len = rand(400);
      const bytes = new Uint8Array(len);
      for (let k = 0; k < len; k++) {
        // Bias towards the characters the splitter cares about.
        bytes[k] = rand(4) === 0 ? SPECIAL.charCodeAt(rand(SPECIAL.length)) : rand(256);
      }
      const text = Buffer.from(bytes).toString('latin1');
      checkInvariants(text, splitSql(text));
    }
  });

  it('random UTF-16 (lone surrogates included) never throws', () => {
    const rand = rng(43);
    for (let round = 0; round < 300; round++) {
      let text = '';
      const len = rand(200);
      for (let k = 0; k < len; k++) text += String.fromCharCode(rand(3) === 0 ? rand(128) : rand(0x10000));
      checkInvariants(text, splitSql(text));
    }
  });

  it('non-string input gives an empty result', () => {
    assert.deepEqual(splitSql(undefined as never), { statements: [], comments: [] });
    assert.deepEqual(splitSql(42 as never), { statements: [], comments: [] });
  });

  it('splits a 10 MB file completely', () => {
    const chunk =
      "CREATE TABLE t_x (id bigint PRIMARY KEY, name text DEFAULT 'it''s', note text DEFAULT E'a\\'b');\n" +
      '-- a comment with ; inside\n' +
      'CREATE FUNCTION f_x() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN NEW.x := $$;$$; RETURN NEW; END $fn$;\n' +
      '/* block /* nested */ ; */ ALTER TABLE "t_x" ADD COLUMN "é😀" int;\n\n';
    const text = chunk.repeat(Math.ceil((10 * 1024 * 1024) / chunk.length));
    // Its speed is reported by `npm run bench`; here: a 10 MB file splits completely and correctly.
    const r = splitSql(text);
    assert.equal(r.statements.length, (text.length / chunk.length) * 3);
  });
});
