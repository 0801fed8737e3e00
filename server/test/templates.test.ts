// Runner placeholders ({{ ... }}, as supabase/auth and other Go projects write their migrations): read as
// a name of the same length, so the statements parse and analyse, and the result speaks of the
// placeholder again. Tables in, parses and restorations out.
import { strict as assert } from 'assert';
import { loadModule, parseSync } from 'libpg-query';
import { analyze } from '../src/core/analyze';
import { planSplit } from '../src/core/fixes/plan';
import { loadParser } from '../src/core/syntax/parse';
import { fillTemplates } from '../src/core/syntax/templates';

const NS = '{{ index .Options "Namespace" }}';

const CASES: { name: string; sql: string; schema?: string }[] = [
  { name: 'a schema, unquoted', sql: `create table ${NS}.users (id int);`, schema: '{index :Options `Namespace`}' },
  { name: 'a schema the file quotes itself', sql: `create index i on "${NS}".users (id);`, schema: '{index :Options `Namespace`}' },
  {
    name: 'no spaces, trim markers',
    sql: 'create table {{-index .Options "Namespace"-}}.users (id int);',
    schema: '{index :Options `Namespace`}',
  },
  {
    name: 'part of a quoted name',
    sql: `create table "${NS}_archive".users (id int);`,
    schema: '{{ index :Options `Namespace` }}_archive',
  },
  { name: 'inside a string literal', sql: `select 1 from pg_namespace where nspname = '${NS}';` },
  { name: 'a long placeholder', sql: `create table {{ index .Options "${'x'.repeat(90)}" }}.users (id int);` },
  { name: 'empty braces', sql: 'create table {{}}.users (id int);', schema: '{}' },
];

describe('templates: placeholders read as names', () => {
  before(async () => {
    await loadModule();
    await loadParser();
  });

  for (const c of CASES) {
    it(`${c.name}: same length, parses, restores`, () => {
      const f = fillTemplates(c.sql);
      assert.ok(f.filled);
      assert.equal(f.text.length, c.sql.length, f.text);
      const tree = parseSync(f.text);
      if (c.schema !== undefined) {
        const stmt = tree.stmts?.[0]?.stmt as Record<string, { relation?: { schemaname?: string; relname?: string } }> | undefined;
        const rel = stmt?.CreateStmt?.relation ?? stmt?.IndexStmt?.relation;
        assert.equal(rel?.schemaname, c.schema);
        // The name the parser gives back reads as the placeholder again.
        const placeholder = /\{\{[^}]*\}\}(?:_archive)?/.exec(c.sql)?.[0];
        assert.equal(f.restore(`${rel?.schemaname}.${rel?.relname}`), `${placeholder}.users`);
      }
      assert.equal(f.restore(f.text), c.sql, 'the whole text restores to the original');
    });
  }

  it('text without placeholders is left as it is', () => {
    const sql = "select '{ not a template }', '{{ unclosed' from t;";
    const f = fillTemplates(sql);
    assert.equal(f.text, sql);
    assert.equal(f.filled, false);
  });

  it('a templated history analyses: the earlier file gives the schema, messages and fixes name the placeholder', () => {
    const a = analyze({
      path: 'migrations/20240201000000_widen.up.sql',
      text: `alter table {{index .Options "Namespace"}}.posts alter column title type varchar(200);\ncreate index posts_title on ${NS}.posts (title);\n`,
      priorFiles: [
        { path: 'migrations/20240101000000_init.up.sql', text: `create table ${NS}.posts (id int primary key, title varchar(50));\n` },
      ],
    });
    assert.ok(!a.violations.some((v) => v.rule === 'syntax-error'), JSON.stringify(a.violations));
    // The widening is known as such only if the earlier file's table is the same table.
    assert.ok(!a.violations.some((v) => v.rule === 'rewriting-type-change'), a.violations.map((v) => v.rule).join(', '));
    const index = a.violations.find((v) => v.rule === 'require-concurrent-index-creation');
    assert.ok(index, a.violations.map((v) => v.rule).join(', '));
    // Named as the file first spells it.
    const first = '{{index .Options "Namespace"}}';
    assert.ok(index.message.includes(`${first}.posts`), index.message);
    assert.ok(
      a.statements[1].locks.some((l) => l.relation === `${first}.posts`),
      JSON.stringify(a.statements[1].locks),
    );
    const fix = index.fix;
    assert.ok(fix, 'the concurrent-index fix');
    const sql = fix.edits.map((e) => e.newText).join('\n') + (fix.newFiles ?? []).map((n) => n.text).join('\n');
    assert.ok(sql.includes(`${first}.posts`), sql);
    assert.ok(!/\{index :Options/.test(sql), sql);
  });

  it('split writes its steps with the placeholders, and they parse once the runner fills them in', () => {
    const text = `alter table ${NS}.posts add constraint posts_author_fk foreign key (author_id) references ${NS}.users (id);\ncreate index posts_title on "${NS}".posts (title);\n`;
    const plan = planSplit({
      path: 'migrations/20240201000000_fk.up.sql',
      text,
      priorFiles: [
        {
          path: 'migrations/20240101000000_init.up.sql',
          text: `create table {{index .Options "Namespace"}}.users (id int primary key);\ncreate table ${NS}.posts (id int primary key, author_id int, title text);\n`,
        },
      ],
    });
    assert.ok(plan.steps.length >= 2, JSON.stringify(plan.steps.map((st) => st.name)));
    const all = plan.steps.map((st) => st.sql).join('\n');
    assert.ok(all.includes(`${NS}.posts`) && all.includes('NOT VALID') && all.includes('CONCURRENTLY'), all);
    assert.ok(!/\{index :Options|"\{ ?index/.test(all), all);
    for (const st of plan.steps) {
      const filledByRunner = st.sql.replace(/"?\{\{[^}]*\}\}"?/g, 'auth');
      assert.doesNotThrow(() => parseSync(filledByRunner), st.sql);
    }
    assert.ok(!plan.warnings.some((w) => /does not parse/.test(w)), plan.warnings.join('\n'));
  });
});
