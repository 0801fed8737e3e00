// planToMarkdown as the API types it: settings are optional.
import { strict as assert } from 'assert';
import { planToMarkdown } from '../src/core/fixes';
import { loadParser } from '../src/core/syntax/parse';

describe('planToMarkdown', () => {
  before(loadParser);

  it('works without settings (the type says they are optional)', () => {
    const md = planToMarkdown({
      text: 'CREATE INDEX ON users (email);\nALTER TABLE users ADD FOREIGN KEY (account_id) REFERENCES accounts (id);',
      path: 'migrations/001_x.sql',
    });
    assert.match(md, /^# Migration plan/m);
    assert.match(md, /CREATE INDEX CONCURRENTLY/);
  });
});
