// The rule scaffold (npm run new-rule) writes every file a rule needs into a copy of the repository's
// rule registry, registers the rule, and refuses to overwrite.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scaffoldRule } from '../scripts/new-rule';
import { REPO } from './support/fixtures';

describe('new-rule scaffold', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgp-new-rule-'));
    fs.mkdirSync(path.join(root, 'server/src/core/rules'), { recursive: true });
    fs.copyFileSync(path.join(REPO, 'server/src/core/rules/index.ts'), path.join(root, 'server/src/core/rules/index.ts'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('writes the rule, its fixtures and its page, and registers it', () => {
    const written = scaffoldRule({ id: 'ban-vacuum-full', title: 'VACUUM FULL rewrites the table under ACCESS EXCLUSIVE', root });
    assert.deepEqual(written, [
      'server/src/core/rules/ban-vacuum-full.ts',
      'test-fixtures/rules/ban-vacuum-full/bad.sql',
      'test-fixtures/rules/ban-vacuum-full/ok.sql',
      'docs/rules/ban-vacuum-full.md',
      'server/src/core/rules/index.ts',
    ]);
    const index = fs.readFileSync(path.join(root, 'server/src/core/rules/index.ts'), 'utf8');
    assert.match(index, /import \{ banVacuumFull \} from '\.\/ban-vacuum-full';/);
    assert.match(index, /\n {2}banVacuumFull,\n\];/);
    assert.match(fs.readFileSync(path.join(root, 'server/src/core/rules/ban-vacuum-full.ts'), 'utf8'), /id: 'ban-vacuum-full'/);
    assert.match(fs.readFileSync(path.join(root, 'test-fixtures/rules/ban-vacuum-full/bad.sql'), 'utf8'), /-- \^\^\^ ban-vacuum-full/);
    for (const h of ['## Problem', '## Lock', '## Safe alternative'])
      assert.ok(fs.readFileSync(path.join(root, 'docs/rules/ban-vacuum-full.md'), 'utf8').includes(h));
  });

  it('refuses a bad id and never overwrites', () => {
    assert.throws(() => scaffoldRule({ id: 'Ban_Vacuum', root }), /not a kebab-case rule id/);
    scaffoldRule({ id: 'x-y', root });
    const before = fs.readFileSync(path.join(root, 'server/src/core/rules/index.ts'), 'utf8');
    assert.throws(() => scaffoldRule({ id: 'x-y', root }), /already exists/);
    assert.equal(fs.readFileSync(path.join(root, 'server/src/core/rules/index.ts'), 'utf8'), before);
  });
});
