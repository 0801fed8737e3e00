// "Add CONCURRENTLY" follows the runner: psql-style files lose their BEGIN/COMMIT around the statement;
// a runner with a no-transaction directive gets it when the file holds only the statement; a runner that
// sends the file as one batch or transaction gets the statement moved into its own new migration,
// named to sort right after. Each case applies the fix and re-lints: the finding is gone, and the new
// file (analysed after the fixed one) raises neither the rule nor concurrently-in-transaction.
import { strict as assert } from 'assert';
import { analyze, type AnalyzeInput } from '../src/core/analyze';
import { loadParser } from '../src/core/syntax/parse';
import type { TextEdit } from '../src/core/types';
import { loadStats } from './support/fixtures';

function applyEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start))
    out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

interface Case {
  name: string;
  path: string;
  text: string;
  rule: string;
  /** Expected fixed text of this file. */
  fixed: string;
  /** Expected new file names (and a pattern their text matches). */
  newFiles?: [string, RegExp][];
}

const CASES: Case[] = [
  {
    name: 'psql: CREATE INDEX alone in BEGIN/COMMIT loses the block',
    path: 'sql/0003_index.sql',
    text: 'BEGIN;\nCREATE INDEX orders_user_id_idx ON orders (user_id);\nCOMMIT;\n',
    rule: 'require-concurrent-index-creation',
    fixed: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders (user_id);\n',
  },
  {
    name: 'psql: a block shared with other statements: the index moves after COMMIT',
    path: 'sql/0003_index.sql',
    text: 'BEGIN;\nALTER TABLE orders ADD COLUMN n int;\nCREATE INDEX orders_user_id_idx ON orders (user_id);\nCOMMIT;\n',
    rule: 'require-concurrent-index-creation',
    fixed:
      'BEGIN;\nALTER TABLE orders ADD COLUMN n int;\nCOMMIT;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders (user_id);\n',
  },
  {
    name: 'dbmate: alone in the file: migrate:up gains transaction:false',
    path: 'db/migrations/20240101000000_index.sql',
    text: '-- migrate:up\nCREATE INDEX orders_user_id_idx ON orders (user_id);\n\n-- migrate:down\nDROP INDEX orders_user_id_idx;\n',
    rule: 'require-concurrent-index-creation',
    fixed:
      '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders (user_id);\n\n-- migrate:down\nDROP INDEX orders_user_id_idx;\n',
  },
  {
    name: 'graphile-migrate: alone in the file: --! no-transaction at the top',
    path: 'migrations/current.sql',
    text: '--! Previous: sha1:abc\nDROP INDEX orders_status_idx;\n',
    rule: 'require-concurrent-index-deletion',
    fixed: '--! no-transaction\n--! Previous: sha1:abc\nDROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;\n',
  },
  {
    name: 'Supabase: with other statements: moved into a new migration that sorts right after',
    path: 'supabase/migrations/20240101000000_orders.sql',
    text: "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN n int;\nCREATE INDEX orders_user_id_idx ON orders (user_id);\n",
    rule: 'require-concurrent-index-creation',
    fixed: "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN n int;\n",
    newFiles: [
      [
        '20240101000001_index_orders_user_id_idx.sql',
        /INVALID index[\s\S]*\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders \(user_id\);\n$/,
      ],
    ],
  },
  {
    name: 'Supabase: alone in the file: it stays, CONCURRENTLY added',
    path: 'supabase/migrations/20240101000000_orders.sql',
    text: 'REINDEX INDEX orders_pkey;\n',
    rule: 'require-concurrent-reindex',
    fixed: 'REINDEX INDEX CONCURRENTLY orders_pkey;\n',
  },
  {
    name: 'golang-migrate: two indexes dropped in one statement: one new file each',
    path: 'migrations/000007_drop.up.sql',
    text: 'ALTER TABLE orders ADD COLUMN n int;\nDROP INDEX orders_status_idx, orders_user_id_idx;\n',
    rule: 'require-concurrent-index-deletion',
    fixed: 'ALTER TABLE orders ADD COLUMN n int;\n',
    newFiles: [
      ['000008_drop_index_orders_status_idx.up.sql', /\nDROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;\n$/],
      ['000009_drop_index_orders_user_id_idx.up.sql', /\nDROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx;\n$/],
    ],
  },
];

describe('quick fix: Add CONCURRENTLY follows the runner', () => {
  before(loadParser);
  const stats = () => loadStats();
  const prior =
    'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, status text);\nCREATE INDEX orders_status_idx ON orders (status);\nCREATE INDEX orders_user_id_idx ON orders (user_id);\n';

  for (const c of CASES) {
    it(c.name, () => {
      const input: AnalyzeInput = { text: c.text, path: c.path, stats: stats(), priorFiles: [{ path: 'prior.sql', text: prior }] };
      const v = analyze(input).violations.find((x) => x.rule === c.rule);
      assert.ok(v?.fix, `no fix for ${c.rule}`);
      assert.ok(v.fix.preferred);
      const fixed = applyEdits(c.text, v.fix.edits);
      assert.equal(fixed, c.fixed);
      const names = (v.fix.newFiles ?? []).map((f) => f.name);
      assert.deepEqual(
        names,
        (c.newFiles ?? []).map(([n]) => n),
      );
      for (const [name, re] of c.newFiles ?? []) assert.match(v.fix.newFiles!.find((f) => f.name === name)!.text, re);
      const after = analyze({ ...input, text: fixed, siblingNames: names });
      assert.deepEqual(
        after.violations.filter((x) => x.rule === c.rule || x.rule === 'concurrently-in-transaction').map((x) => x.message),
        [],
      );
      const priorFiles = [...input.priorFiles!, { path: c.path, text: fixed }];
      for (const f of v.fix.newFiles ?? []) {
        const path = c.path.replace(/[^/]*$/, '') + f.name;
        const a = analyze({ text: f.text, path, stats: stats(), priorFiles: [...priorFiles] });
        assert.deepEqual(
          a.violations
            .filter((x) => x.rule === c.rule || x.rule === 'concurrently-in-transaction' || x.rule === 'syntax-error')
            .map((x) => x.message),
          [],
          f.name,
        );
        priorFiles.push({ path, text: f.text });
      }
    });
  }
});
