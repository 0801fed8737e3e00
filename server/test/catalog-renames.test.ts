// A rename reaches what depends on the renamed object (PostgreSQL keeps dependencies by OID): other
// tables' foreign keys, views' reads, indexes. The locks themselves are checked on PostgreSQL by the
// lock corpus (drop-table-fk-to-renamed).
import { strict as assert } from 'node:assert';
import { analyze } from '../src/core/analyze';
import { loadParser } from '../src/core/syntax/parse';

const prior = [
  {
    path: 'migrations/0001_init.sql',
    text: 'create table p (id int primary key, code int unique);\ncreate table c (id int, p_id int references p (id), p_code int references p (code));\ncreate view v as select id from p;\n',
  },
];
const run = (text: string) => analyze({ text, path: 'migrations/0002_x.sql', priorFiles: prior });

describe('catalog: renames reach their dependents', () => {
  before(loadParser);

  it('DROP TABLE of a table referencing a renamed table locks the new name', () => {
    const a = run('alter table p rename to p2;\ndrop table c;\n');
    const locked = a.statements[1].locks.map((l) => l.relation);
    assert.ok(locked.includes('public.p2'), locked.join(', '));
    assert.ok(!locked.includes('public.p'), locked.join(', '));
  });

  it('a view of a renamed table still depends on it', () => {
    const a = run('alter table p rename to p2;\nalter table p2 alter column id type bigint;\n');
    assert.ok(
      a.violations.some((v) => v.rule === 'type-change-breaks-view' && /public\.v/.test(v.message)),
      a.violations.map((v) => v.rule).join(', '),
    );
  });

  it('a view reading a renamed column still depends on it', () => {
    const a = run('alter table p rename column id to pid;\nalter table p alter column pid type bigint;\n');
    assert.ok(
      a.violations.some((v) => v.rule === 'type-change-breaks-view' && /public\.v/.test(v.message)),
      a.violations.map((v) => v.rule).join(', '),
    );
  });
});
