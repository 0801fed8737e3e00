// Observes every form of test-fixtures/locks/corpus.sql on PostgreSQL 15 (a throwaway cluster) and
// on PGlite (PostgreSQL 18), writes the raw observations to /tmp/pg-preflight-observed.json
// ({pg15: Observation[], pglite: Observation[]}) and prints a table (also saved to
// /tmp/pg-preflight-observed.txt).
//
//   node server/dist/test/support/dump-observations.js [form-name-substring ...]
//
// Table: one row per (form, relation). Cells: the strongest mode the form newly took on the
// relation ("Lock" suffix dropped; weaker modes it also took in parentheses), R = relfilenode
// changed (rewrite / rebuild / new storage), S = sequential scan (in-transaction forms), +new = created by the form, dropped, waited = seen
// waiting for that mode (no-transaction forms). '-' = no lock on that relation. First column
// marks: '!' the engines differ, '*' only weaker extra modes differ, '~' not comparable (skipped /
// not traced on one engine).

import * as fs from 'node:fs';
import { startThrowawayPostgres } from './postgres';
import {
  loadCorpus,
  observeAll,
  openPgLockFixture,
  openPgliteLockFixture,
  compareObservations,
  relationCell,
  type CorpusForm,
  type Observation,
} from './observe';

const JSON_OUT = '/tmp/pg-preflight-observed.json';
const TEXT_OUT = '/tmp/pg-preflight-observed.txt';
/** Sampled (no-transaction) forms run this many times on PG15 and are merged. */
const SAMPLE_RUNS = 3;

function note(o: Observation | undefined): string | undefined {
  if (!o) return 'not run';
  if (o.skipped) return `skipped: ${o.skipped}`;
  if (o.notTraced) return `not traced: ${o.notTraced}`;
  if (o.error) return `${o.expectError ? 'ERROR (expected)' : 'ERROR (UNEXPECTED)'}: ${o.error}`;
  if (o.expectError) return 'UNEXPECTED SUCCESS (corpus says expect-error)';
  return undefined;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s + ' ' : s + ' '.repeat(n - s.length);
}

function shortRel(name: string): string {
  return name.startsWith('public.') ? name.slice('public.'.length) : name;
}

export function renderTable(
  forms: CorpusForm[],
  pg15: Observation[],
  pglite: Observation[],
): { text: string; differing: string[]; weaker: string[] } {
  const byName = (list: Observation[]) => new Map(list.map((o) => [o.form, o]));
  const a = byName(pg15);
  const b = byName(pglite);
  const rows: string[][] = [];
  const differing: string[] = [];
  const weaker: string[] = [];
  for (const f of forms) {
    const oa = a.get(f.name);
    const ob = b.get(f.name);
    if (!oa && !ob) continue;
    const cmp = oa && ob ? compareObservations(oa, ob) : 'n/a';
    const mark = cmp === 'differs' ? '!' : cmp === 'weaker-modes' ? '*' : cmp === 'n/a' ? '~' : ' ';
    if (cmp === 'differs') differing.push(f.name);
    if (cmp === 'weaker-modes') weaker.push(f.name);
    const rels = new Map<string, string>();
    for (const o of [oa, ob]) for (const r of o?.relations ?? []) rels.set(r.relation, r.relkind);
    const extra = (o: Observation | undefined) => {
      const bits: string[] = [];
      if (o?.transientLocks) bits.push(`transient relations locked: ${o.transientLocks}`);
      if (o?.setupHeld?.length) bits.push(`setup held: ${o.setupHeld.map(shortRel).join(', ')}`);
      if (o?.sampled) {
        const s = o.sampled;
        bits.push(
          `${s.runs ?? 1} run(s), ${s.samples} samples; ${s.waitSeen ? `waited on ${s.waitedOn.join('+')}` : 'NO WAIT SEEN'}; ` +
            `holds released on wait ${s.holdsReleasedOnWait}/${s.holds}`,
        );
      }
      return bits;
    };
    const first: string[][] = [];
    const na = note(oa);
    const nb = note(ob);
    if (na || nb || !rels.size)
      first.push([na ?? (rels.size ? '' : '(no user-relation locks)'), nb ?? (rels.size ? '' : '(no user-relation locks)')]);
    const lines: string[][] = [];
    for (const [rel, kind] of rels) {
      const ra = oa?.relations.find((r) => r.relation === rel);
      const rb = ob?.relations.find((r) => r.relation === rel);
      lines.push([`${shortRel(rel)} (${kind})`, oa && !na ? relationCell(ra) : '', ob && !nb ? relationCell(rb) : '']);
    }
    const ea = extra(oa);
    const eb = extra(ob);
    for (let k = 0; k < Math.max(ea.length, eb.length); k++) lines.push(['', ea[k] ? `[${ea[k]}]` : '', eb[k] ? `[${eb[k]}]` : '']);
    let firstRow = true;
    for (const [ca, cb] of first) {
      rows.push([mark, f.name, '', ca, cb]);
      firstRow = false;
    }
    for (const [rel, ca, cb] of lines) {
      rows.push([firstRow ? mark : '', firstRow ? f.name : '', rel, ca, cb]);
      firstRow = false;
    }
  }
  const header = ['', 'FORM', 'RELATION', 'PG15', 'PGLITE (PG18)'];
  const widths = [1, 0, 0, 0, 0];
  for (const r of [header, ...rows]) for (let k = 1; k < 4; k++) widths[k] = Math.min(Math.max(widths[k], r[k].length), 44);
  const out: string[] = [];
  const line = (r: string[]) =>
    out.push((pad(r[0], 1) + pad(r[1], widths[1]) + pad(r[2], widths[2]) + pad(r[3], widths[3]) + r[4]).trimEnd());
  line(header);
  let prevForm = '';
  for (const r of rows) {
    if (r[1] && prevForm) out.push('');
    if (r[1]) prevForm = r[1];
    line(r);
  }
  return { text: out.join('\n'), differing, weaker };
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const forms = loadCorpus().filter((f) => !filters.length || filters.some((x) => f.name.includes(x)));
  const log = (s: string) => process.stderr.write(s + '\n');
  log(`observing ${forms.length} forms`);

  // PostgreSQL 15 (throwaway cluster)
  let t = Date.now();
  const cluster = await startThrowawayPostgres();
  let pg15: Observation[];
  let pg15Engine = '';
  try {
    const engine = await openPgLockFixture(cluster.url, 'pg15');
    pg15Engine = `${engine.name} (server_version_num ${engine.serverVersionNum})`;
    try {
      pg15 = await observeAll(engine, forms, { sampleRuns: SAMPLE_RUNS }, (o) => log(`  pg15   ${o.form} ${o.ms}ms`));
    } finally {
      await engine.close();
    }
  } finally {
    await cluster.stop();
  }
  const pg15Ms = Date.now() - t;

  // PGlite (PostgreSQL 18)
  t = Date.now();
  const lite = await openPgliteLockFixture();
  const liteEngine = `${lite.name} (server_version_num ${lite.serverVersionNum})`;
  let pglite: Observation[];
  try {
    pglite = await observeAll(lite, forms, {}, (o) => log(`  pglite ${o.form} ${o.ms}ms`));
  } finally {
    await lite.close();
  }
  const liteMs = Date.now() - t;

  fs.writeFileSync(JSON_OUT, JSON.stringify({ pg15, pglite }, null, 2) + '\n');
  const { text, differing, weaker } = renderTable(forms, pg15, pglite);
  const unexpected = [...pg15, ...pglite].filter(
    (o) => (o.error && !o.expectError) || (!o.error && o.expectError && !o.skipped && !o.notTraced),
  );
  const summary = [
    `pg-preflight lock corpus: ${forms.length} forms`,
    `  pg15:   ${pg15Engine}, ${(pg15Ms / 1000).toFixed(1)} s including cluster start/stop`,
    `  pglite: ${liteEngine}, ${(liteMs / 1000).toFixed(1)} s including PGlite start`,
    `Legend: mode = strongest pg_locks mode newly taken ("Lock" dropped; weaker modes also taken in parentheses);`,
    `  R = relfilenode changed (rewrite/rebuild/new storage); S = sequential scan of the table by the form`,
    `  (pg_stat_xact_user_tables.seq_scan grew; in-transaction forms, tables/matviews only);`,
    `  +new = created; dropped; waited = seen waiting (sampled forms);`,
    `  recreated = dropped and created again under the same name (new oid; R then means rebuilt, no R = storage reused);`,
    `  ->name = renamed to; '-' = no lock on that relation.`,
    `  First column: '!' engines differ (relations, strongest mode, R or flags), '*' only the weaker extra modes differ,`,
    `  '~' not comparable (skipped / not traced). Sampled (no-transaction) forms are a lower bound: a lock held only`,
    `  between two samples is missed.`,
    `  Relations in pg_catalog / information_schema / pg_toast are not shown. Kinds: r table, p partitioned, m matview,`,
    `  v view, i index, I partitioned index, S sequence.`,
    '',
  ].join('\n');
  const tail = [
    '',
    `Forms where PG15 and PGlite differ (${differing.length}): ${differing.join(', ') || 'none'}`,
    `Forms where only the weaker extra modes differ (${weaker.length}): ${weaker.join(', ') || 'none'}`,
    `Unexpected results (error without expect-error, or success with it): ${
      unexpected.map((o) => `${o.engine}:${o.form}`).join(', ') || 'none'
    }`,
    `JSON: ${JSON_OUT}`,
  ].join('\n');
  const full = summary + text + '\n' + tail + '\n';
  fs.writeFileSync(TEXT_OUT, full);
  process.stdout.write(full);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
