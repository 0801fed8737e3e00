// New Migration…: names per runner.
import { strict as assert } from 'assert';
import { globFolder, planNewMigration, runnerForFolder, slugify, utcTimestamp } from '../../src/migrationName';

const now = new Date('2025-03-01T09:08:07.123Z');
const base = { description: 'Add orders.status index', now, lockTimeout: '5s', statementTimeout: '30s' };

describe('new migration names', () => {
  it('slugs and UTC timestamps', () => {
    assert.equal(slugify('Add orders.status index!'), 'add_orders_status_index');
    assert.equal(slugify('  Ünïcode   naïve  '), 'unicode_naive');
    assert.equal(slugify('!!!'), 'migration');
    assert.equal(utcTimestamp(now), '20250301090807');
  });

  it('Supabase: 14-digit UTC timestamp, with the safety header', () => {
    const p = planNewMigration({ ...base, runner: 'supabase', existing: ['20240101000000_init.sql'] });
    assert.equal(p.primary, '20250301090807_add_orders_status_index.sql');
    assert.match(p.files[0].text, /SET lock_timeout = '5s';\nSET statement_timeout = '30s';/);
  });

  it('sorts after an existing file from the future (clock skew)', () => {
    const p = planNewMigration({ ...base, runner: 'supabase', existing: ['20990101000000_later.sql'] });
    assert.equal(p.primary, '20990101000001_add_orders_status_index.sql');
  });

  it('Prisma: <timestamp>_<name>/migration.sql', () => {
    const p = planNewMigration({ ...base, runner: 'prisma', existing: ['20240101000000_init', '20240101000000_init/migration.sql'] });
    assert.equal(p.primary, '20250301090807_add_orders_status_index/migration.sql');
  });

  it('Flyway: the next V number', () => {
    assert.equal(
      planNewMigration({ ...base, runner: 'flyway', existing: ['V1__init.sql', 'V2__users.sql', 'V10__x.sql'] }).primary,
      'V11__add_orders_status_index.sql',
    );
    assert.equal(planNewMigration({ ...base, runner: 'flyway', existing: [] }).primary, 'V1__add_orders_status_index.sql');
  });

  it('golang-migrate: up and down files with the same sequence width', () => {
    const p = planNewMigration({ ...base, runner: 'golang-migrate', existing: ['000001_init.up.sql', '000001_init.down.sql'] });
    assert.deepEqual(
      p.files.map((f) => f.path),
      ['000002_add_orders_status_index.up.sql', '000002_add_orders_status_index.down.sql'],
    );
  });

  it('dbmate: timestamp and migrate:up / migrate:down sections', () => {
    const p = planNewMigration({ ...base, runner: 'dbmate', existing: [] });
    assert.equal(p.primary, '20250301090807_add_orders_status_index.sql');
    assert.match(p.files[0].text, /^-- migrate:up\n[\s\S]*-- migrate:down\n$/);
  });

  it('drizzle, node-pg-migrate, plain, graphile-migrate', () => {
    assert.equal(
      planNewMigration({ ...base, runner: 'drizzle', existing: ['0000_init.sql', '0001_x.sql'] }).primary,
      '0002_add_orders_status_index.sql',
    );
    assert.equal(
      planNewMigration({ ...base, runner: 'node-pg-migrate', existing: [] }).primary,
      `${now.getTime()}_add_orders_status_index.sql`,
    );
    assert.equal(planNewMigration({ ...base, runner: 'plain', existing: ['001_init.sql'] }).primary, '002_add_orders_status_index.sql');
    assert.equal(planNewMigration({ ...base, runner: 'graphile-migrate', existing: [] }).primary, 'current.sql');
  });

  it('folders and runners', () => {
    assert.equal(globFolder('supabase/migrations/*.sql'), 'supabase/migrations');
    assert.equal(globFolder('prisma/migrations/*/migration.sql'), 'prisma/migrations');
    assert.equal(globFolder('migrations/**/*.sql'), 'migrations');
    assert.equal(runnerForFolder('supabase/migrations', [], ''), 'supabase');
    assert.equal(runnerForFolder('src/main/resources/db/migration', [], ''), 'flyway');
    assert.equal(runnerForFolder('migrations', ['1_init.up.sql'], ''), 'golang-migrate');
    assert.equal(runnerForFolder('db/migrations', [], '-- migrate:up\n'), 'dbmate');
  });
});
