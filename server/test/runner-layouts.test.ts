// diesel's and pop/popx's folder layouts, as real projects lay them out: the earlier migrations of the
// layout give the schema, the runner's own configuration (diesel's metadata.toml, popx's .autocommit,
// Supabase's config.toml) decides the transaction and the PostgreSQL version, through the project layer.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../src/core/analyze';
import { migrationVersion, isRevertMigration } from '../src/core/migrations/naming';
import { detectRunner } from '../src/core/migrations/runners';
import { loadParser } from '../src/core/syntax/parse';
import { sqlFilesUnder } from '../src/project/inputs';
import { analyzeInput, loadFiles, openProject } from '../src/project/load';
import { tomlValue } from '../src/project/runner-config';

function write(root: string, rel: string, text: string): string {
  const file = path.join(root, ...rel.split('/'));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function check(root: string, file: string) {
  const project = openProject(root);
  const [loaded] = loadFiles(project, [file]);
  return { loaded, analysis: analyze(analyzeInput(project, loaded, undefined, [])) };
}

const rules = (a: ReturnType<typeof analyze>) => a.violations.map((v) => v.rule);

describe('runner layouts: diesel', () => {
  let root: string;
  before(async () => {
    await loadParser();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgp-diesel-'));
    fs.mkdirSync(path.join(root, '.git'));
    write(
      root,
      'migrations/00000000000000_diesel_initial_setup/up.sql',
      'create or replace function diesel_manage_updated_at(_tbl regclass) returns void as $$ begin end $$ language plpgsql;\n',
    );
    write(root, 'migrations/00000000000000_diesel_initial_setup/down.sql', 'drop function diesel_manage_updated_at(regclass);\n');
    write(
      root,
      'migrations/2024-01-10-120000_create_posts/up.sql',
      'create table posts (id bigint primary key, title varchar(50) not null, body text);\n',
    );
    write(root, 'migrations/2024-01-10-120000_create_posts/down.sql', 'drop table posts;\n');
    write(root, 'migrations/2024-02-01-090000_widen_title/up.sql', 'alter table posts alter column title type varchar(200);\n');
    write(root, 'migrations/2024-02-01-090000_widen_title/down.sql', 'alter table posts alter column title type varchar(50);\n');
    write(root, 'migrations/2024-03-01-090000_index_body/up.sql', 'create index concurrently posts_body on posts (body);\n');
    write(root, 'migrations/2024-03-01-090000_index_body/metadata.toml', '# diesel: no transaction\nrun_in_transaction = false\n');
    write(root, 'migrations/2024-03-02-090000_index_title/up.sql', 'create index concurrently posts_title on posts (title);\n');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('names: the folder is the migration, its version without dashes; down.sql reverts', () => {
    assert.equal(migrationVersion('migrations/2024-02-01-090000_widen_title/up.sql'), '20240201090000');
    assert.equal(migrationVersion('2026-07-30-140000-0000_x/up.sql'), '202607301400000000');
    assert.equal(migrationVersion('00000000000000_diesel_initial_setup/up.sql'), '00000000000000');
    assert.ok(isRevertMigration('2024-02-01-090000_widen_title/down.sql'));
    assert.ok(!isRevertMigration('2024-02-01-090000_widen_title/up.sql'));
    assert.equal(detectRunner('migrations/2024-02-01-090000_widen_title/up.sql', ''), 'diesel');
  });

  it('the earlier folders give the schema: widening a varchar of an earlier migration is not a rewrite', () => {
    const { loaded, analysis } = check(root, path.join(root, 'migrations/2024-02-01-090000_widen_title/up.sql'));
    assert.equal(analysis.runner, 'diesel');
    assert.deepEqual(
      loaded.context.priorFiles.map((p) => p.path),
      ['migrations/00000000000000_diesel_initial_setup/up.sql', 'migrations/2024-01-10-120000_create_posts/up.sql'],
    );
    assert.ok(!rules(analysis).includes('rewriting-type-change'), rules(analysis).join(', '));
    assert.ok(
      !analysis.violations.some((v) => /not in the known schema|unknown/.test(v.message)),
      analysis.violations.map((v) => v.message).join('\n'),
    );
    const [st] = analysis.statements;
    assert.ok(
      st.locks.some((l) => l.relation === 'public.posts' && !l.rewrite && /widening varchar\(50\) to varchar\(200\)/.test(l.why ?? '')),
      JSON.stringify(st.locks),
    );
  });

  it('a down.sql runs against the schema its own up.sql left', () => {
    const { loaded, analysis } = check(root, path.join(root, 'migrations/2024-02-01-090000_widen_title/down.sql'));
    assert.ok(loaded.context.priorFiles.some((p) => p.path.endsWith('2024-02-01-090000_widen_title/up.sql')));
    // varchar(200) -> varchar(50) checks every row: the narrowing is known as such.
    assert.ok(
      analysis.violations.some((v) => v.rule === 'rewriting-type-change' && /public\.posts/.test(v.message)),
      rules(analysis).join(', '),
    );
  });

  it("a down.sql dropping what its own up.sql created is a rollback: info, and the app's uses are not an error", () => {
    const project = openProject(root);
    const [loaded] = loadFiles(project, [path.join(root, 'migrations/2024-01-10-120000_create_posts/down.sql')]);
    assert.equal(loaded.context.reverts, 'migrations/2024-01-10-120000_create_posts/up.sql');
    const app = [{ path: 'src/posts.ts', text: "export const posts = await db.from('posts').select('id, title');\n" }];
    // namesAtHead left out: posts still exists at the head, which alone would silence the app check.
    const input = { ...analyzeInput(project, loaded, undefined, app), namesAtHead: undefined };
    const analysis = analyze(input);
    const drop = analysis.violations.find((v) => v.rule === 'drop-table');
    assert.equal(drop?.severity, 'info', JSON.stringify(analysis.violations));
    assert.match(
      drop.message,
      /DROP TABLE public\.posts undoes migrations\/2024-01-10-120000_create_posts\/up\.sql, which created it: a rollback/,
    );
    assert.ok(!rules(analysis).includes('app-references-removed-name'), rules(analysis).join(', '));
    // The same drop in an up migration is the error it always was.
    const up = analyze({ ...input, reverts: undefined, path: 'migrations/2024-01-10-120000_create_posts/up.sql' });
    assert.deepEqual(
      up.violations
        .filter((v) => v.severity === 'error')
        .map((v) => v.rule)
        .sort(),
      ['app-references-removed-name', 'drop-table'],
    );
  });

  it('one transaction per file unless metadata.toml says run_in_transaction = false', () => {
    const inTx = check(root, path.join(root, 'migrations/2024-03-02-090000_index_title/up.sql')).analysis;
    assert.equal(inTx.wrappedInTransaction, true);
    const f = inTx.violations.find((v) => v.rule === 'concurrently-in-transaction');
    assert.ok(f, 'diesel runs a lone CONCURRENTLY inside its own transaction: it fails');
    assert.match(f.message, /metadata\.toml beside up\.sql holding run_in_transaction = false/);
    const { loaded, analysis } = check(root, path.join(root, 'migrations/2024-03-01-090000_index_body/up.sql'));
    assert.equal(loaded.context.runsInTransaction, false);
    assert.equal(analysis.wrappedInTransaction, false);
    assert.ok(!rules(analysis).includes('concurrently-in-transaction'), rules(analysis).join(', '));
  });

  it('a whole-folder check sees every earlier folder in version order', () => {
    const project = openProject(root);
    const files = sqlFilesUnder(path.join(root, 'migrations')).filter((f) => f.endsWith('up.sql'));
    const loaded = loadFiles(project, files);
    const last = loaded.find((l) => l.file.includes('index_title'));
    assert.equal(last?.context.priorFiles.length, 4);
  });
});

describe('runner layouts: gobuffalo pop / ory popx', () => {
  let root: string;
  const dir = 'persistence/sql/migrations/sql';
  before(async () => {
    await loadParser();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgp-popx-'));
    fs.mkdirSync(path.join(root, '.git'));
    write(
      root,
      `${dir}/20150100000001000000_networks.postgres.up.sql`,
      'create table networks (id uuid primary key, name varchar(40) not null);\n',
    );
    write(
      root,
      `${dir}/20150100000001000000_networks.mysql.up.sql`,
      'CREATE TABLE `networks` (`id` CHAR(36) NOT NULL, PRIMARY KEY(`id`)) ENGINE=InnoDB;\n',
    );
    write(root, `${dir}/20150100000001000000_networks.sqlite3.up.sql`, 'CREATE TABLE "networks" ("id" TEXT PRIMARY KEY);\n');
    write(root, `${dir}/20150100000001000000_networks.postgres.down.sql`, 'drop table networks;\n');
    // A generic file and the postgres one of the same version: PostgreSQL runs the postgres one only.
    write(root, `${dir}/20200101000000000000_identities.up.sql`, 'create table identities (id int primary key, nid uuid);\n');
    write(
      root,
      `${dir}/20200101000000000000_identities.postgres.up.sql`,
      'create table identities (id uuid primary key, nid uuid references networks (id), traits text);\n',
    );
    write(root, `${dir}/20200101000000000001_widen.up.sql`, 'alter table networks alter column name type varchar(120);\n');
    write(
      root,
      `${dir}/20200101000000000002_index.postgres.autocommit.up.sql`,
      'create index concurrently identities_nid on identities (nid);\n',
    );
    write(root, `${dir}/20200101000000000003_index.up.sql`, 'create index concurrently identities_traits on identities (traits);\n');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it("the earlier PostgreSQL files give the schema; other databases' files and superseded generic ones do not", () => {
    const { loaded, analysis } = check(root, path.join(root, `${dir}/20200101000000000001_widen.up.sql`));
    assert.equal(analysis.runner, 'pop', "the folder shows pop/popx, though this file's own name is golang-migrate-like");
    assert.deepEqual(
      loaded.context.priorFiles.map((p) => path.basename(p.path)),
      ['20150100000001000000_networks.postgres.up.sql', '20200101000000000000_identities.postgres.up.sql'],
    );
    assert.ok(!rules(analysis).includes('rewriting-type-change'), rules(analysis).join(', '));
    assert.ok(!rules(analysis).includes('duplicate-migration-version'), rules(analysis).join(', '));
    assert.ok(
      !analysis.violations.some((v) => /not in the known schema/.test(v.message)),
      analysis.violations.map((v) => v.message).join('\n'),
    );
  });

  it('a .down.sql dropping what its own .up.sql created is a rollback (info)', () => {
    const { loaded, analysis } = check(root, path.join(root, `${dir}/20150100000001000000_networks.postgres.down.sql`));
    assert.equal(path.basename(loaded.context.reverts ?? ''), '20150100000001000000_networks.postgres.up.sql');
    assert.deepEqual(
      analysis.violations.filter((v) => v.rule === 'drop-table').map((v) => v.severity),
      ['info'],
    );
  });

  it("a .down.sql dropping a table an earlier version's up created is a rollback too (info)", () => {
    const file = write(root, `${dir}/20200101000000000004_drop_identities.postgres.down.sql`, 'drop table identities;\n');
    try {
      const { analysis } = check(root, file);
      const drops = analysis.violations.filter((v) => v.rule === 'drop-table');
      assert.deepEqual(
        drops.map((v) => v.severity),
        ['info'],
      );
      assert.match(drops[0].message, /DROP TABLE public\.identities is in a down migration: a rollback/);
    } finally {
      fs.rmSync(file);
    }
  });

  it('the generic file beside a .postgres. one of its version is not a duplicate version', () => {
    const { analysis } = check(root, path.join(root, `${dir}/20200101000000000000_identities.up.sql`));
    assert.ok(!rules(analysis).includes('duplicate-migration-version'), rules(analysis).join(', '));
  });

  it("a folder check leaves other databases' files out", () => {
    const files = sqlFilesUnder(path.join(root, dir)).map((f) => path.basename(f));
    assert.ok(!files.some((f) => /\.(mysql|sqlite3)\./.test(f)), files.join(', '));
    assert.ok(files.includes('20150100000001000000_networks.postgres.up.sql'));
  });

  it('each file in a transaction, unless its name has .autocommit (popx)', () => {
    assert.equal(detectRunner(`${dir}/20200101000000000002_index.postgres.autocommit.up.sql`, ''), 'pop');
    assert.equal(detectRunner(`${dir}/20150100000001000000_networks.postgres.up.sql`, ''), 'pop');
    const auto = check(root, path.join(root, `${dir}/20200101000000000002_index.postgres.autocommit.up.sql`)).analysis;
    assert.equal(auto.wrappedInTransaction, false);
    assert.ok(!rules(auto).includes('concurrently-in-transaction'), rules(auto).join(', '));
    const inTx = check(root, path.join(root, `${dir}/20200101000000000003_index.up.sql`)).analysis;
    assert.equal(inTx.wrappedInTransaction, true);
    assert.ok(rules(inTx).includes('concurrently-in-transaction'), 'pop runs a lone CONCURRENTLY inside its own transaction: it fails');
  });
});

describe('runner configuration: Supabase config.toml states the PostgreSQL version', () => {
  let root: string;
  let file: string;
  before(async () => {
    await loadParser();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgp-supa-'));
    fs.mkdirSync(path.join(root, '.git'));
    write(
      root,
      'supabase/config.toml',
      'project_id = "x"\n\n[api]\nmajor_version = 99\n\n[db]\nport = 54322\n# the server\nmajor_version = 14 # as deployed\n\n[db.pooler]\nenabled = false\n',
    );
    file = write(
      root,
      'supabase/migrations/20240101000000_t.sql',
      'create table t (id bigint primary key);\nalter table t add column c text not null default gen_random_uuid()::text;\n',
    );
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it("reads [db] major_version, not another table's key of that name", () => {
    assert.equal(tomlValue(fs.readFileSync(path.join(root, 'supabase/config.toml'), 'utf8'), 'db', 'major_version'), '14');
    assert.equal(tomlValue('db.major_version = 13\n', 'db', 'major_version'), '13');
    assert.equal(tomlValue('[db]\nport = 1\n', 'db', 'major_version'), undefined);
  });

  it('is the version when neither the config nor the statistics give one', () => {
    assert.equal(check(root, file).analysis.pgVersion, 14);
  });

  it('.pg-preflight.json and the statistics win over it', () => {
    const project = openProject(root, { pgVersion: 16 });
    const [l] = loadFiles(project, [file]);
    assert.equal(analyze(analyzeInput(project, l, undefined, [])).pgVersion, 16);
    const p2 = openProject(root);
    const [l2] = loadFiles(p2, [file]);
    const stats = { version: 1, serverVersionNum: 150004, tables: [], capturedAt: '2024-01-01T00:00:00Z' } as unknown as Parameters<
      typeof analyzeInput
    >[2];
    assert.equal(analyze(analyzeInput(p2, l2, stats, [])).pgVersion, 15);
  });
});

describe('application references: checked against the schema at the head of the history', () => {
  let root: string;
  const app = [
    { path: 'src/downloads.sql', text: 'UPDATE crate_downloads SET downloads = downloads + 1 WHERE crate_id = $1;\n' },
    {
      path: 'src/labels.ts',
      text: "export const title = 'Shows keywords of each crate';\nexport const rows = db.from('crates').select('id, name');\n",
    },
  ];
  const run = (file: string) => {
    const project = openProject(root);
    const [loaded] = loadFiles(project, [path.join(root, 'migrations', file)]);
    return analyze(analyzeInput(project, loaded, undefined, app));
  };
  before(async () => {
    await loadParser();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgp-head-'));
    fs.mkdirSync(path.join(root, '.git'));
    write(
      root,
      'migrations/20190101000000_init.sql',
      'create table crates (id bigint primary key, name text, keywords text);\ncreate table crate_downloads (crate_id bigint, downloads bigint);\n',
    );
    write(root, 'migrations/20190301000000_remove_crate_downloads.sql', 'drop table crate_downloads;\n');
    write(root, 'migrations/20190401000000_remove_keywords.sql', 'alter table crates drop column keywords;\n');
    write(
      root,
      'migrations/20240301000000_crate_downloads_again.sql',
      'create table crate_downloads (crate_id bigint primary key, downloads bigint not null);\n',
    );
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('a table dropped years ago and created again later: the app uses the new one', () => {
    const a = run('20190301000000_remove_crate_downloads.sql');
    assert.ok(!rules(a).includes('app-references-removed-name'), rules(a).join(', '));
    assert.ok(rules(a).includes('drop-table'), 'the drop itself is still reported');
  });

  it('a name in a sentence of the app is not a use of the column', () => {
    const a = run('20190401000000_remove_keywords.sql');
    assert.ok(!rules(a).includes('app-references-removed-name'), a.violations.map((v) => v.message).join('\n'));
  });

  it('a later migration that cannot be read does not stop the check of an earlier one', () => {
    const junk = path.join(root, 'migrations/20250101000000_junk.sql');
    fs.writeFileSync(junk, Buffer.from([0x00, 0xff, 0xfe, 0x00, 0x41]));
    try {
      const a = run('20190401000000_remove_keywords.sql');
      assert.ok(a.statements.length > 0);
    } finally {
      fs.rmSync(junk);
    }
  });

  it('without the later re-creation the same drop is an error naming the SQL that uses it', () => {
    fs.renameSync(path.join(root, 'migrations/20240301000000_crate_downloads_again.sql'), path.join(root, 'later.sql.off'));
    try {
      const f = run('20190301000000_remove_crate_downloads.sql').violations.find((v) => v.rule === 'app-references-removed-name');
      assert.equal(f?.severity, 'error');
      assert.match(f.message, /src\/downloads\.sql:1/);
    } finally {
      fs.renameSync(path.join(root, 'later.sql.off'), path.join(root, 'migrations/20240301000000_crate_downloads_again.sql'));
    }
  });
});

describe("runner conventions: Flyway's own detection of statements that cannot run in a transaction", () => {
  before(loadParser);
  const run = (text: string) => analyze({ text, path: 'src/main/resources/db/migration/V9__indexes.sql', pgVersion: 15 });

  it('a migration made only of such statements runs outside a transaction (what Flyway does): no finding', () => {
    const a = run(
      '-- drop the old index\nDROP INDEX CONCURRENTLY IF EXISTS t_a_idx;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_b_idx ON t (b);\ncreate unique index concurrently t_c_key on t (c);\n',
    );
    assert.equal(a.runner, 'flyway');
    assert.equal(a.wrappedInTransaction, false);
    assert.ok(!rules(a).includes('concurrently-in-transaction'), rules(a).join(', '));
  });

  it('mixed with other statements, Flyway refuses the migration: an error that says so', () => {
    const a = run('SET lock_timeout = 5000;\nCREATE INDEX CONCURRENTLY t_b_idx ON t (b);\n');
    assert.equal(a.wrappedInTransaction, true);
    const f = a.violations.find((v) => v.rule === 'concurrently-in-transaction');
    assert.equal(f?.severity, 'error');
    assert.match(f.message, /Flyway refuses a migration that mixes it with statements that can run in a transaction/);
  });

  it("a form Flyway does not detect, alone in its file, fails in Flyway's transaction unless the script's .conf turns it off", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgp-flyway-'));
    try {
      fs.mkdirSync(path.join(root, '.git'));
      const dir = 'src/main/resources/db/migration';
      write(root, `${dir}/V1__init.sql`, 'CREATE TABLE t (id int, b int);\nCREATE INDEX t_b_idx ON t (b);\n');
      const file = write(root, `${dir}/V2__reindex.sql`, 'REINDEX INDEX CONCURRENTLY t_b_idx;\n');
      const before = check(root, file).analysis;
      const f = before.violations.find((v) => v.rule === 'concurrently-in-transaction');
      assert.match(
        f?.message ?? '',
        /Flyway runs this file in a transaction.*V2__reindex\.sql\.conf|<script>\.sql\.conf beside it holding executeInTransaction=false/,
      );
      write(root, `${dir}/V2__reindex.sql.conf`, '# Flyway script configuration\nexecuteInTransaction=false\n');
      const after = check(root, file);
      assert.equal(after.loaded.context.runsInTransaction, false);
      assert.equal(after.analysis.wrappedInTransaction, false);
      assert.ok(!rules(after.analysis).includes('concurrently-in-transaction'), rules(after.analysis).join(', '));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('a CONCURRENTLY form Flyway does not detect (REINDEX INDEX CONCURRENTLY) beside another statement runs in its transaction', () => {
    const a = run('SET lock_timeout = 5000;\nREINDEX INDEX CONCURRENTLY t_b_idx;\n');
    assert.equal(a.wrappedInTransaction, true);
    assert.match(
      a.violations.find((v) => v.rule === 'concurrently-in-transaction')?.message ?? '',
      /Flyway runs this file in a transaction/,
    );
  });
});
