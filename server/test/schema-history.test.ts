// A whole migration history in one run: each earlier file is applied to the schema once per folder, not
// once per later file (SchemaHistory), and the findings are those of analysing each file on its own.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../src/core/analyze';
import { loadParser } from '../src/core/syntax/parse';
import { analyzeInput, loadFiles, openProject } from '../src/project/load';

type Loaded = ReturnType<typeof loadFiles>[number];

/** One file analysed in a fresh project of its own (no shared history), the others of `files` as its folder. */
function analysedAlone(root: string, files: string[], l: Loaded): { analysis: ReturnType<typeof analyze>; own: Loaded } {
  const alone = openProject(root);
  const [own] = loadFiles(alone, [l.file], new Set(files));
  return { analysis: analyze({ ...analyzeInput(alone, own, undefined, []), history: undefined }), own };
}

const findingsOf = (a: ReturnType<typeof analyze>) => a.violations.map((v) => `${v.rule}: ${v.message}`);

function assertEarlierFilesGaveTheSchema(together: ReturnType<typeof analyze>[]): void {
  assert.ok(
    together.some((a) => a.violations.some((v) => v.rule === 'rewriting-type-change')),
    'the earlier files gave the schema: the type change is known to rewrite',
  );
}

describe('schema history: linear in the number of migrations', () => {
  let root: string;
  const N = 60;
  before(async () => {
    await loadParser();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgp-history-'));
    const dir = path.join(root, 'supabase', 'migrations');
    fs.mkdirSync(dir, { recursive: true });
    fs.mkdirSync(path.join(root, '.git'));
    for (let i = 1; i <= N; i++) {
      const ts = `2024${String(i).padStart(10, '0')}`;
      const prev =
        i > 1 ? `alter table t_${i - 1} add column c_${i} text;\nalter table t_${i - 1} alter column name type varchar(200);\n` : '';
      fs.writeFileSync(
        path.join(dir, `${ts}_m${i}.sql`),
        `create table t_${i} (id bigint primary key, name text);\n${prev}create index on t_${i} (name);\n`,
      );
    }
    // A down migration is never schema.
    fs.writeFileSync(path.join(dir, '20240000000003_m3.down.sql'), 'drop table t_3;\n');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('applies each earlier file once, with the same findings as one file at a time', () => {
    const project = openProject(root);
    const dir = path.join(root, 'supabase', 'migrations');
    const files = fs
      .readdirSync(dir)
      .filter((f) => !f.includes('.down.'))
      .sort()
      .map((f) => path.join(dir, f));
    const loaded = loadFiles(project, files);
    const together = loaded.map((l) => analyze(analyzeInput(project, l, undefined, [])));
    const history = project.histories.get(dir);
    assert.ok(history, 'the folder has a history');
    assert.equal(history.counters.filesApplied, N - 1, 'each earlier file applied once (the last file has N-1 earlier ones)');
    // Every later file starts from the kept catalog (a rule asking again for the schema before the file reuses it too).
    assert.ok(history.counters.prefixesReused >= N - 1, `prefixes reused: ${history.counters.prefixesReused}`);
    // The same files, each analysed in a fresh project of its own (no shared history).
    for (const [i, l] of loaded.entries()) {
      const { analysis, own } = analysedAlone(root, files, l);
      assert.deepEqual(findingsOf(together[i]), findingsOf(analysis), l.shown);
      assert.ok(
        own.context.priorFiles.length === i && own.context.priorFiles.every((p) => !p.path.includes('.down.')),
        `${l.shown}: ${i} earlier files`,
      );
    }
    assertEarlierFilesGaveTheSchema(together);
  });
});

describe('schema history: up and down files alternating (diesel)', () => {
  // migrations/<version>_mK/down.sql sorts before its up.sql: the down's earlier files hold its own up,
  // the up's do not, so consecutive files ask for the history one file longer, then one shorter.
  let root: string;
  const N = 40;
  before(async () => {
    await loadParser();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgp-history-diesel-'));
    fs.mkdirSync(path.join(root, '.git'));
    for (let i = 1; i <= N; i++) {
      const dir = path.join(root, 'migrations', `2024-01-01-${String(i).padStart(6, '0')}_m${i}`);
      fs.mkdirSync(dir, { recursive: true });
      const prev = i > 1 ? `alter table t_${i - 1} alter column name type varchar(200);\n` : '';
      fs.writeFileSync(path.join(dir, 'up.sql'), `create table t_${i} (id bigint primary key, name text);\n${prev}`);
      fs.writeFileSync(path.join(dir, 'down.sql'), `drop table t_${i};\n`);
    }
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('applies each earlier file a bounded number of times, with the same findings as one file at a time', () => {
    const project = openProject(root);
    const files = fs
      .readdirSync(path.join(root, 'migrations'))
      .sort()
      .flatMap((d) => ['down.sql', 'up.sql'].map((f) => path.join(root, 'migrations', d, f)));
    const loaded = loadFiles(project, files);
    const together = loaded.map((l) => analyze(analyzeInput(project, l, undefined, [])));
    const history = project.histories.get(path.join(root, 'migrations'));
    assert.ok(history, 'the folder has a history');
    // Replaying from scratch for every up file would be about N^2/2 applications.
    assert.ok(history.counters.filesApplied <= 2 * N, `files applied: ${history.counters.filesApplied} for ${N} migrations`);
    for (const [i, l] of loaded.entries())
      assert.deepEqual(findingsOf(together[i]), findingsOf(analysedAlone(root, files, l).analysis), l.shown);
    assertEarlierFilesGaveTheSchema(together);
  });
});
