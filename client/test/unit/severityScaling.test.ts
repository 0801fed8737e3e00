// The severityScaling setting (shared Settings, pgPreflight.severityScaling in VS Code): on, a finding's
// severity follows the table's size; off, every finding keeps its rule's default severity.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_SETTINGS, normalizeSettings, type StatsSnapshot } from '@pg-preflight/shared';
import { analyze, loadParser } from 'pg-preflight';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const stats = JSON.parse(fs.readFileSync(path.join(ROOT, 'test-fixtures', 'demo', 'stats.json'), 'utf8')) as StatsSnapshot;
const text = 'SET lock_timeout = 5000; SET statement_timeout = 30000;\ncreate index orders_user_id_idx on public.orders (user_id);\n';

describe('severityScaling', () => {
  before(() => loadParser());

  const severityOf = (severityScaling: boolean) => {
    const settings = normalizeSettings({ severityScaling }).settings;
    const a = analyze({ text, path: 'migrations/001_x.sql', settings, stats });
    return a.violations.find((v) => v.rule === 'require-concurrent-index-creation')?.severity;
  };

  it('is on by default', () => {
    assert.equal(DEFAULT_SETTINGS.severityScaling, true);
  });

  it('on: an index build on a table with millions of rows is an error; off: the rule default (warning)', () => {
    assert.equal(severityOf(true), 'error');
    assert.equal(severityOf(false), 'warning');
  });
});
