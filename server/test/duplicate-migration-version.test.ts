// duplicate-migration-version depends on how the runner keys a migration: by its version (most runners)
// or by its whole name (Prisma's folders), so it is tested on paths rather than in a rule fixture.
import { strict as assert } from 'node:assert';
import { analyze } from '../src/core/analyze';

function duplicates(path: string, siblingNames: string[]): string[] {
  return analyze({ text: 'SELECT 1;\n', path, siblingNames })
    .violations.filter((v) => v.rule === 'duplicate-migration-version')
    .map((v) => v.message);
}

describe('duplicate-migration-version', () => {
  it('is quiet on Prisma folders that share a timestamp: Prisma keys a migration by its folder name', () => {
    const siblings = ['01', '02', '03'].map((n) => `20240101000000_add_cursor_index_${n}/migration.sql`);
    assert.deepEqual(duplicates('prisma/migrations/20240101000000_add_cursor_index_02/migration.sql', siblings), []);
  });

  it('still flags flat files that share a version (the runner keys by version)', () => {
    const found = duplicates('supabase/migrations/20240101000000_add_b.sql', ['20240101000000_add_a.sql', '20240101000000_add_b.sql']);
    assert.equal(found.length, 1);
    assert.match(found[0], /^Version 20240101000000 is also used by 20240101000000_add_a\.sql:/);
  });
});
