// Migration file names (core/migrations/naming.ts): versions, order and the next name. The next name
// must sort right after the file, carry a version of its own and keep the layout, for every runner.
import { strict as assert } from 'node:assert';
import {
  compareVersions,
  isRevertMigration,
  migrationDescription,
  migrationVersion,
  nextMigrationName,
} from '../src/core/migrations/naming';
import { detectRunner } from '../src/core/migrations/runners';

const VERSIONS: [string, string | undefined][] = [
  ['V1__init.sql', '1'],
  ['V1.2__add.sql', '1.2'],
  ['V1_2__add.sql', '1.2'],
  ['V2_10_3__x.sql', '2.10.3'],
  ['U3__undo.sql', '3'],
  ['R__views.sql', undefined],
  ['20240101120000_add_x.sql', '20240101120000'],
  ['0003_add_x.up.sql', '0003'],
  ['prisma/migrations/20240101120000_init/migration.sql', '20240101120000'],
  ['add_x.sql', undefined],
];

const NEXT: { name: string; suffix: string; step?: number; next: string }[] = [
  // Flyway: a part more, in the file's own separator, so the version is new and sorts before the next whole one.
  { name: 'V1_2__add.sql', suffix: 'validate', next: 'V1_2_1__validate.sql' },
  { name: 'V1.2__add.sql', suffix: 'validate', next: 'V1.2.1__validate.sql' },
  { name: 'V3__add.sql', suffix: 'validate', step: 2, next: 'V3.2__validate.sql' },
  { name: 'db/V7__x.sql', suffix: 'idx', next: 'db/V7.1__idx.sql' },
  { name: '20240101235959_add.sql', suffix: 'idx', next: '20240102000000_idx.sql' },
  { name: '0009_add.sql', suffix: 'idx', next: '0010_idx.sql' },
  { name: '0009_add.up.sql', suffix: 'idx', next: '0010_idx.up.sql' },
  { name: 'add.sql', suffix: 'idx', next: 'add_1_idx.sql' },
];

describe('migration naming', () => {
  for (const [name, version] of VERSIONS) {
    it(`${name} has version ${version ?? 'none'}`, () => assert.equal(migrationVersion(name), version));
  }

  for (const c of NEXT) {
    it(`after ${c.name}: ${c.next}`, () => {
      const next = nextMigrationName(c.name, c.suffix, c.step);
      assert.equal(next, c.next);
      const before = migrationVersion(c.name);
      const after = migrationVersion(next);
      if (before === undefined) return;
      assert.ok(after !== undefined && compareVersions(after, before) > 0, `${next} (version ${after}) sorts after ${c.name} (${before})`);
      assert.notEqual(after, before, 'a version of its own');
    });
  }

  it('a Flyway minor step sorts before the next whole version', () => {
    assert.ok(
      compareVersions(migrationVersion(nextMigrationName('V1_2__a.sql', 'b')) as string, migrationVersion('V1_3__c.sql') as string) < 0,
    );
  });

  it('versions compare as numbers, part by part, whatever their length', () => {
    const cases: [string, string, number][] = [
      ['1.10', '1.9', 1],
      ['1', '1.0', -1],
      ['0003', '3', 0],
      ['0003', '10', -1],
      ['20240101120000', '20240101120001', -1],
      ['99999999999999999999', '100000000000000000000', -1],
      ['1.2.3', '1.2.3', 0],
      ['2', '10', -1],
    ];
    for (const [a, b, c] of cases) {
      assert.equal(compareVersions(a, b), c, `${a} vs ${b}`);
      assert.equal(compareVersions(b, a), c === 0 ? 0 : -c, `${b} vs ${a}`);
    }
  });

  it('undo and down migrations revert, others do not', () => {
    assert.deepEqual(['U3__undo.sql', '0003_x.down.sql', '3_down.sql', 'V3__x.sql', '0003_x.up.sql'].map(isRevertMigration), [
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('descriptions drop version and extension', () => {
    assert.deepEqual(['V1_2__add_x.sql', '0003_add_x.up.sql', '20240101120000_init/migration.sql'].map(migrationDescription), [
      'add_x',
      'add_x',
      'init',
    ]);
  });

  it('Flyway names with either separator are detected as Flyway', () => {
    assert.deepEqual(
      ['db/migration/V1_2__a.sql', 'db/migration/V1.2__a.sql', 'db/migration/R__views.sql'].map((p) => detectRunner(p, '')),
      ['flyway', 'flyway', 'flyway'],
    );
  });
});
