// Regenerates test-fixtures/crosscheck/stats.json: loads schema.sql into a throwaway PostgreSQL 15,
// reads it with collectStats() (the same collector users run), then raises rows, sizes and write counters
// to production scale so every existing table counts as large and busy.
// Run: npm run build && node server/dist/test/support/crosscheck-stats.js
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { collectStats } from '@pg-preflight/shared/dist/collect';
import { CROSSCHECK } from './crosscheck';
import { startThrowawayPostgres } from './postgres';

/** Rows per table at production scale; sizes follow at ~400 bytes a row. */
const ROWS: Record<string, number> = {
  'public.accounts': 8_000_000,
  'public.orders': 60_000_000,
  'public.events': 30_000_000,
  'billing.invoices': 2_000_000,
  'public.measurements': 10_000_000,
  'public.measurements_2023': 10_000_000,
  'public.measurements_2024': 5_000_000,
  'public.account_totals': 1_000_000,
};

async function main(): Promise<void> {
  const pg = await startThrowawayPostgres();
  try {
    const c = new Client({ connectionString: pg.url });
    await c.connect();
    await c.query(fs.readFileSync(path.join(CROSSCHECK, 'schema.sql'), 'utf8'));
    await c.end();
    const snap = await collectStats(pg.url, { schemas: ['public', 'billing'] });
    snap.source = 'crosscheck@schema.sql (scaled)';
    snap.capturedAt = '2024-06-01T00:00:00Z';
    for (const t of snap.tables) {
      const rows = ROWS[`${t.schema}.${t.name}`];
      if (!rows) continue;
      t.rows = rows;
      t.tableBytes = rows * 300;
      t.indexBytes = rows * 100;
      t.totalBytes = t.tableBytes + t.indexBytes;
      t.inserts = rows;
      t.updates = rows * 2;
      t.deletes = Math.floor(rows / 20);
      t.seqScans = 50;
      t.idxScans = rows * 10;
      t.statsSince = '2024-05-01T00:00:00Z';
    }
    fs.writeFileSync(path.join(CROSSCHECK, 'stats.json'), JSON.stringify(snap, null, 2) + '\n');
  } finally {
    await pg.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
