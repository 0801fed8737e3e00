// Synthetic rows for the embedded engine: when a stats snapshot says a table holds rows, a few rows are
// inserted (committed, before the traced transaction) so that what depends on data behaves as on the
// real table: ADD COLUMN ... NOT NULL without a default fails, SET NOT NULL / CHECK / FOREIGN KEY
// validation really scans and checks rows, a rewrite copies rows.
//
// The rows follow the REPLAYED schema (not the snapshot's columns): types, NOT NULL, defaults (used as
// they are), identity and generated columns (left to PostgreSQL), domains and enums, and foreign keys
// (tables are filled parents first; a key column takes the values of rows inserted in the referenced
// table). Nullable columns get values too (a backfilled table), so SET NOT NULL succeeds as it would on
// a table without NULLs. A row that existing constraints reject is retried as one row, then with NULL in
// every nullable column; a table that still cannot be filled is reported, never guessed further.
import type { StatsSnapshot } from '@pg-preflight/shared';
import { sqlErrorOf, type TraceSession } from './engine';
import type { SyntheticRows } from './types';

export const SYNTHETIC_ROWS_PER_TABLE = 3;

interface ColumnRow {
  attnum: number;
  name: string;
  type: string;
  typname: string;
  category: string;
  typtype: string;
  basetypname: string | null;
  basecategory: string | null;
  notnull: boolean;
  hasdef: boolean;
  identity: string;
  generated: string;
  typeoid: string;
}

interface FkRow {
  conrelid: string;
  confrelid: string;
  conkey: number[];
  confkey: number[];
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
const quoteLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A literal of this type for row i, or undefined when pg-preflight has no value for it. */
function valueFor(c: ColumnRow, i: number): string | undefined {
  const name = c.typtype === 'd' ? (c.basetypname ?? '') : c.typname;
  const cat = c.typtype === 'd' ? (c.basecategory ?? '') : c.category;
  const cast = (lit: string) => `${quoteLiteral(lit)}::${c.type}`;
  const n = i + 1;
  if (c.typtype === 'e')
    return `(SELECT e.enumlabel FROM pg_catalog.pg_enum e WHERE e.enumtypid = ${c.typeoid} ORDER BY e.enumsortorder LIMIT 1)::${c.type}`;
  switch (name) {
    case 'uuid':
      return cast(`00000000-0000-4000-8000-${String(n).padStart(12, '0')}`);
    case 'json':
    case 'jsonb':
      return cast('{}');
    case 'bytea':
      return cast(`\\x0${n}`);
    case 'date':
      return cast(`2024-01-0${n}`);
    case 'timestamp':
    case 'timestamptz':
      return cast(`2024-01-0${n} 12:00:00`);
    case 'time':
    case 'timetz':
      return cast(`12:00:0${n}`);
    case 'interval':
      return cast(`${n} days`);
    case 'inet':
    case 'cidr':
      return cast(`10.0.0.${n}`);
    case 'macaddr':
      return cast(`08:00:2b:01:02:0${n}`);
    case 'money':
      return cast(String(n));
    case 'tsvector':
      return cast(`w${n}`);
    case 'xml':
      return cast(`<r>${n}</r>`);
    case 'bit':
    case 'varbit':
      return cast('1');
    case 'point':
      return cast(`(${n},${n})`);
  }
  switch (cat) {
    case 'N':
      return cast(String(n));
    case 'S':
      return cast(String(n));
    case 'B':
      return cast(i % 2 === 0 ? 'true' : 'false');
    case 'A':
      return cast('{}');
    case 'R':
      return cast('empty');
    default:
      return undefined;
  }
}

/**
 * Inserts synthetic rows into every table the snapshot shows with rows and the replayed schema has.
 * Runs outside any transaction (each INSERT commits on its own).
 */
export async function insertSyntheticRows(
  session: TraceSession,
  stats: StatsSnapshot,
  perTable = SYNTHETIC_ROWS_PER_TABLE,
): Promise<SyntheticRows> {
  const out: SyntheticRows = { tables: [], skipped: [] };
  const wanted = stats.tables.filter((t) => (t.kind === 'table' || t.kind === 'partitioned') && t.rows > 0);
  if (!wanted.length) return out;
  const names = wanted.map((t) => `${t.schema}.${t.name}`);
  const rels = await session.query<{ oid: string; name: string; relkind: string }>(
    `SELECT c.oid::text AS oid, n.nspname || '.' || c.relname AS name, c.relkind::text AS relkind
     FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname || '.' || c.relname = ANY ($1::text[]) AND c.relkind IN ('r', 'p')`,
    [names],
  );
  const byName = new Map(rels.map((r) => [r.name, r]));
  for (const n of names) if (!byName.has(n)) out.skipped.push({ relation: n, why: 'not in the schema the earlier migrations build' });
  if (!rels.length) return out;
  const oids = rels.map((r) => r.oid);
  const cols = await session.query<ColumnRow & { relid: string }>(
    `SELECT a.attrelid::text AS relid, a.attnum, a.attname AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
            t.typname, t.typcategory::text AS category, t.typtype::text AS typtype, a.atttypid::text AS typeoid,
            bt.typname AS basetypname, bt.typcategory::text AS basecategory,
            a.attnotnull AS notnull, a.atthasdef AS hasdef, a.attidentity::text AS identity, a.attgenerated::text AS generated
     FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
     LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype AND t.typtype = 'd'
     WHERE a.attrelid::text = ANY ($1::text[]) AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attrelid, a.attnum`,
    [oids],
  );
  const fks = await session.query<FkRow>(
    `SELECT k.conrelid::text AS conrelid, k.confrelid::text AS confrelid, k.conkey, k.confkey
     FROM pg_catalog.pg_constraint k WHERE k.contype = 'f' AND k.conrelid::text = ANY ($1::text[])`,
    [oids],
  );
  const colsOf = new Map<string, ColumnRow[]>();
  for (const c of cols) colsOf.set(c.relid, [...(colsOf.get(c.relid) ?? []), c]);
  const fksOf = new Map<string, FkRow[]>();
  for (const f of fks) fksOf.set(f.conrelid, [...(fksOf.get(f.conrelid) ?? []), f]);

  // Parents first (a depth-first topological order; a cycle is cut where it closes).
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (oid: string) => {
    if (state.get(oid)) return;
    state.set(oid, 'visiting');
    for (const f of fksOf.get(oid) ?? []) if (f.confrelid !== oid && oids.includes(f.confrelid)) visit(f.confrelid);
    state.set(oid, 'done');
    order.push(oid);
  };
  oids.forEach(visit);

  const filled = new Set<string>();
  const nameOf = new Map(rels.map((r) => [r.oid, r.name]));
  const relOf = (oid: string) => {
    const [schema, ...rest] = (nameOf.get(oid) ?? '').split('.');
    return `${quoteIdent(schema)}.${quoteIdent(rest.join('.'))}`;
  };
  // Referenced tables outside the snapshot may hold rows already (an earlier migration's seed data).
  const hasRows = async (oid: string) => {
    if (filled.has(oid)) return true;
    const r = await session
      .query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${await qualifiedName(session, oid)} LIMIT 1) s`)
      .catch(() => [{ n: 0 }]);
    return (r[0]?.n ?? 0) > 0;
  };

  for (const oid of order) {
    const name = nameOf.get(oid) as string;
    const columns = colsOf.get(oid) ?? [];
    const fkCols = new Map<number, { fk: FkRow; idx: number }>();
    for (const f of fksOf.get(oid) ?? []) f.conkey.forEach((k, idx) => fkCols.set(Number(k), { fk: f, idx }));
    let problem: string | undefined;
    const buildInsert = async (rows: number, nullsInNullable: boolean): Promise<string | undefined> => {
      const names: string[] = [];
      const valueRows: string[][] = Array.from({ length: rows }, () => []);
      for (const c of columns) {
        if (c.identity || c.generated) continue;
        const fk = fkCols.get(c.attnum);
        if (fk) {
          const self = fk.fk.confrelid === oid;
          if (self || !(await hasRows(fk.fk.confrelid))) {
            if (c.notnull) {
              problem = self
                ? `column ${c.name} references its own table and is NOT NULL`
                : `column ${c.name} references ${nameOf.get(fk.fk.confrelid) ?? 'a table'} that has no rows`;
              return undefined;
            }
            continue; // NULL
          }
          const refTable = await qualifiedName(session, fk.fk.confrelid);
          const refCols = await columnNames(session, fk.fk.confrelid, fk.fk.confkey);
          const refCol = refCols[fk.idx];
          names.push(quoteIdent(c.name));
          const orderBy = refCols.map(quoteIdent).join(', ');
          for (let i = 0; i < rows; i++) {
            valueRows[i].push(
              `(SELECT r.${quoteIdent(refCol)} FROM ${refTable} r ORDER BY ${orderBy} OFFSET ${i} % greatest((SELECT count(*) FROM ${refTable}), 1) LIMIT 1)`,
            );
          }
          continue;
        }
        if (c.hasdef) continue;
        if (!c.notnull && nullsInNullable) continue;
        const sample = valueFor(c, 0);
        if (sample === undefined) {
          if (c.notnull) {
            problem = `no synthetic value for column ${c.name} of type ${c.type}`;
            return undefined;
          }
          continue;
        }
        names.push(quoteIdent(c.name));
        for (let i = 0; i < rows; i++) valueRows[i].push(valueFor(c, i) as string);
      }
      const target = relOf(oid);
      if (!names.length) return `INSERT INTO ${target} DEFAULT VALUES`;
      return `INSERT INTO ${target} (${names.join(', ')}) VALUES ${valueRows.map((r) => `(${r.join(', ')})`).join(', ')}`;
    };

    let inserted = 0;
    let lastError: string | undefined;
    for (const [rows, nulls] of [
      [perTable, false],
      [1, false],
      [1, true],
    ] as [number, boolean][]) {
      problem = undefined;
      const sql = await buildInsert(rows, nulls);
      if (!sql) break;
      try {
        // A table with only defaults takes DEFAULT VALUES one row at a time.
        const times = /DEFAULT VALUES$/.test(sql) ? rows : 1;
        for (let t = 0; t < times; t++) await session.query(sql);
        inserted = rows;
        break;
      } catch (err) {
        lastError = sqlErrorOf(err).message;
      }
    }
    if (inserted) {
      filled.add(oid);
      out.tables.push({ relation: name, rows: inserted });
    } else {
      out.skipped.push({ relation: name, why: problem ?? `the rows were rejected: ${lastError ?? 'unknown error'}` });
    }
  }
  return out;
}

async function qualifiedName(session: TraceSession, oid: string): Promise<string> {
  const r = await session.query<{ s: string; n: string }>(
    `SELECT n.nspname AS s, c.relname AS n FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1::oid`,
    [oid],
  );
  return r[0] ? `${quoteIdent(r[0].s)}.${quoteIdent(r[0].n)}` : 'pg_catalog.pg_class';
}

async function columnNames(session: TraceSession, oid: string, attnums: number[]): Promise<string[]> {
  const r = await session.query<{ attnum: number; attname: string }>(
    `SELECT attnum, attname FROM pg_catalog.pg_attribute WHERE attrelid = $1::oid AND attnum = ANY ($2::int2[])`,
    [oid, attnums],
  );
  const m = new Map(r.map((x) => [Number(x.attnum), x.attname]));
  return attnums.map((a) => m.get(Number(a)) ?? '?');
}
