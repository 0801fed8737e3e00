// The duration model (docs/estimates.md): FK validation costs both tables and the hash spill, index builds
// cost by the key, old snapshots without nDistinct fall back to the table size, speedFactor divides.
import { strict as assert } from 'node:assert';
import { DEFAULT_SETTINGS, type StatsSnapshot, type TableStats } from '@pg-preflight/shared';
import { analyze } from '../src/core/analyze';
import { loadParser } from '../src/core/syntax/parse';

function table(name: string, rows: number, tableBytes: number, columns: TableStats['columns']): TableStats {
  return {
    schema: 'public',
    name,
    kind: 'table',
    rows,
    totalBytes: tableBytes,
    tableBytes,
    indexBytes: 0,
    inserts: 0,
    updates: 0,
    deletes: 0,
    seqScans: 0,
    idxScans: 0,
    columns,
    indexes: [],
    constraints: [],
  };
}
const snap = (withDistinct: boolean): StatsSnapshot => ({
  formatVersion: 1,
  capturedAt: '2026-01-01T00:00:00Z',
  serverVersionNum: 150000,
  tables: [
    table('users', 1_000_000, 234e6, [
      { name: 'id', type: 'bigint', notNull: true, avgWidth: 8, ...(withDistinct ? { nDistinct: -1 } : {}) },
    ]),
    table('orders', 3_000_000, 205e6, [
      { name: 'user_id', type: 'bigint', notNull: true, avgWidth: 8, ...(withDistinct ? { nDistinct: -0.33 } : {}) },
      { name: 'status', type: 'text', notNull: true, avgWidth: 5, ...(withDistinct ? { nDistinct: 2 } : {}) },
    ]),
  ],
});
const seconds = (sql: string, s: StatsSnapshot, speedFactor = 1) => {
  const a = analyze({
    text: sql,
    stats: s,
    pgVersion: 15,
    settings: { ...DEFAULT_SETTINGS, throughput: { ...DEFAULT_SETTINGS.throughput, speedFactor } },
  });
  return Object.fromEntries(a.statements[a.statements.length - 1].locks.map((l) => [l.relation, l.estimatedSeconds]));
};

describe('duration estimates', () => {
  before(() => loadParser());

  it('costs a foreign key validation as a join of both tables, on both locks, with the spill', () => {
    const t = seconds('ALTER TABLE orders ADD CONSTRAINT f FOREIGN KEY (user_id) REFERENCES users (id);', snap(true));
    const scanBoth = (234e6 + 205e6) / 500e6;
    assert.ok(t['public.orders']! > scanBoth * 3, `${t['public.orders']} vs a scan of both ${scanBoth}`);
    assert.equal(t['public.users'], t['public.orders']);
    const v = seconds(
      'ALTER TABLE orders ADD CONSTRAINT f FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID; ALTER TABLE orders VALIDATE CONSTRAINT f;',
      snap(true),
    );
    assert.equal(v['public.orders'], t['public.orders']);
  });

  it('costs an index build by its key, and falls back to the table size without nDistinct', () => {
    const bool = seconds("CREATE INDEX ON orders ((status = 'paid'));", snap(true))['public.orders']!;
    const wide = seconds('CREATE INDEX ON orders (user_id);', snap(true))['public.orders']!;
    assert.ok(bool < wide, `${bool} < ${wide}`);
    assert.equal(seconds('CREATE INDEX ON orders (user_id);', snap(false))['public.orders'], 205e6 / (2 * 30e6));
  });

  it('divides every estimate by speedFactor', () => {
    const a = seconds('ALTER TABLE orders ALTER COLUMN status SET NOT NULL;', snap(true))['public.orders']!;
    const b = seconds('ALTER TABLE orders ALTER COLUMN status SET NOT NULL;', snap(true), 2)['public.orders']!;
    assert.ok(Math.abs(a / b - 2) < 1e-9);
  });
});
