// The cross-check cases on real PostgreSQL 15 (support/postgres.ts): each case runs, statement by
// statement as a plain runner sends them, in its own database cloned from test-fixtures/crosscheck/
// schema.sql. Checks that every case is valid SQL against its setup (or fails where it says `fails: yes`),
// and two claims the cases make: a case expected safe rewrites no existing table, and a case expected
// dangerous for a rewrite does rewrite one (relfilenode, as observe.ts reads it).
import { strict as assert } from 'assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { splitSql } from '../src/core/syntax/split';
import { CROSSCHECK, loadCases, type CrossCase } from './support/crosscheck';
import { sharedPostgres } from './support/postgres';

const TEMPLATE = 'crosscheck_tpl';
const REWRITE_RULES = ['add-column-rewrites-table', 'volatile-default', 'rewriting-type-change'];
/** Dangerous for a rewrite in the rules list, but the danger is a scan/rebuild or another version's behaviour. */
const REWRITE_NOT_EXPECTED = new Set(['type-citext-indexed', 'type-text-to-varchar-then-text', 'add-column-constant-default-pg10']);

interface Run {
  error?: string;
  rewritten: string[];
}

async function relfilenodes(c: Client): Promise<Map<string, string>> {
  const r = await c.query(
    `SELECT n.nspname || '.' || c.relname AS name, c.relfilenode::text AS node FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'm') AND n.nspname IN ('public', 'billing')`,
  );
  return new Map(r.rows.map((x: { name: string; node: string }) => [x.name, x.node]));
}

async function runCase(url: string, admin: Client, c: CrossCase, n: number): Promise<Run> {
  const db = `crosscheck_${n}`;
  await admin.query(`CREATE DATABASE ${db} TEMPLATE ${TEMPLATE}`);
  const u = new URL(url);
  u.pathname = `/${db}`;
  const client = new Client({ connectionString: u.toString() });
  await client.connect();
  try {
    const before = await relfilenodes(client);
    let error: string | undefined;
    for (const s of splitSql(c.text).statements) {
      // REINDEX DATABASE/SYSTEM must name the database it runs in.
      const sql = s.text.replace(/^(REINDEX\s+(?:DATABASE|SYSTEM))\s+postgres\b/i, `$1 ${db}`);
      try {
        await client.query(sql);
      } catch (err) {
        error = `${(err as Error).message} (in: ${sql.slice(0, 80)})`;
        break;
      }
    }
    if (error) await client.query('ROLLBACK').catch(() => undefined);
    const after = await relfilenodes(client);
    const rewritten = [...before].filter(([name, node]) => after.has(name) && after.get(name) !== node).map(([name]) => name);
    return { error, rewritten };
  } finally {
    await client.end();
    await admin.query(`DROP DATABASE ${db} WITH (FORCE)`);
  }
}

describe('cross-check cases on PostgreSQL 15', function () {
  this.timeout(600_000);
  const runs = new Map<string, Run>();
  const cases = loadCases();

  before(async () => {
    const pg = await sharedPostgres();
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
      await admin.query(`CREATE DATABASE ${TEMPLATE}`);
      const u = new URL(pg.url);
      u.pathname = `/${TEMPLATE}`;
      const t = new Client({ connectionString: u.toString() });
      await t.connect();
      await t.query(fs.readFileSync(path.join(CROSSCHECK, 'schema.sql'), 'utf8'));
      await t.end();
      let n = 0;
      for (const c of cases) runs.set(c.id, await runCase(pg.url, admin, c, n++));
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE}`).catch(() => undefined);
      await admin.end();
    }
  });

  it('every case runs on its setup, and fails exactly where it says so', () => {
    const wrong = cases
      .map((c) => ({ c, r: runs.get(c.id)! }))
      .filter(({ c, r }) => c.fails !== Boolean(r.error))
      .map(({ c, r }) => `${c.file}:${c.line} ${c.id}: ${c.fails ? 'expected an error, ran' : `failed: ${r.error}`}`);
    assert.deepEqual(wrong, []);
  });

  it('no case expected safe rewrites an existing table', () => {
    const wrong = cases
      .filter((c) => c.expect === 'safe' && runs.get(c.id)!.rewritten.length)
      .map((c) => `${c.id}: rewrote ${runs.get(c.id)!.rewritten.join(', ')}`);
    assert.deepEqual(wrong, []);
  });

  it('every case expected dangerous for a rewrite rewrites an existing table', () => {
    const rewriteCases = cases.filter(
      (c) =>
        c.expect === 'dangerous' &&
        !c.fails &&
        !REWRITE_NOT_EXPECTED.has(c.id) &&
        c.rules.some((r) => REWRITE_RULES.includes(r)) &&
        c.rules.every((r) => REWRITE_RULES.includes(r)),
    );
    assert.ok(rewriteCases.length >= 25, `only ${rewriteCases.length} rewrite cases`);
    const wrong = rewriteCases.filter((c) => !runs.get(c.id)!.rewritten.length).map((c) => c.id);
    assert.deepEqual(wrong, []);
  });
});
