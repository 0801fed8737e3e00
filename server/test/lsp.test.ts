// The language server, driven in-process over a stream pair by a real LSP client connection (and once
// over stdio): diagnostics, hovers, code lenses, code actions applied to the text and re-linted,
// commands, version ordering, pull diagnostics, stats and settings, schema context from earlier files.
// Every wait is for an event (a publishDiagnostics of a given version, a notification), never a sleep.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { COMMANDS, FIX_ALL_KIND, STATS_NOTIFICATION, type LockAnalysis, type StatsSnapshot } from '@pg-preflight/shared';
import type { CodeAction, Diagnostic, MarkupContent, PublishDiagnosticsParams, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { analyze, RULE_CRASH } from '../src/core/analyze';
import { loadParser } from '../src/core/syntax/parse';
import { RULES } from '../src/core/rules';
import type { Rule } from '../src/core/rules/rule';
import { LineIndex } from '../src/core/syntax/text';
import type { DiagnosticData } from '../src/lsp/convert';
import { fixtureInput, loadStats, REPO, RULE_FIXTURES } from './support/fixtures';
import { FULL_CAPABILITIES, LspClient } from './support/lsp-client';
import { fixtureProject, Project, STATS_FIXTURE } from './support/lsp-project';

const BIN = path.join(REPO, 'server/bin/pg-preflight.js');

function codes(ds: Diagnostic[]): string[] {
  return ds.map((d) => String(d.code)).sort();
}

function dataOf(d: Diagnostic): DiagnosticData {
  return d.data as DiagnosticData;
}

/** The findings analyze() makes for a fixture, as (rule, line, message) strings: what the server must publish. */
function expectedFindings(ruleId: string, file: string, text?: string): string[] {
  const input = fixtureInput(ruleId, file, text);
  const a = analyze(input);
  const lines = new LineIndex(input.text);
  return a.violations
    .filter((v) => v.rule !== RULE_CRASH)
    .map((v) => `${v.rule}@${lines.positionAt(v.span.start).line}: ${v.message}`)
    .sort();
}

function published(ds: Diagnostic[]): string[] {
  return ds.map((d) => `${d.code}@${d.range.start.line}: ${d.message}`).sort();
}

async function start(project: Project, options: ConstructorParameters<typeof LspClient>[1] = {}): Promise<LspClient> {
  const c = await LspClient.inProcess(options);
  await c.initialize(project.uri(''));
  return c;
}

/** The quick fix the server offers for a diagnostic (not a suppression), rendered at code-action time. */
async function fixAction(c: LspClient, uri: string, d: Diagnostic): Promise<CodeAction | undefined> {
  return (await c.codeActions(uri, [d])).find((a) => a.kind === 'quickfix' && !a.title.startsWith('Suppress '));
}

function createdBy(a: CodeAction): { kind: string; uri: string; options: unknown }[] {
  return (a.edit?.documentChanges ?? []).filter((x) => 'kind' in x) as { kind: string; uri: string; options: unknown }[];
}

/** Applies a code action's edit through the client (didChange to the server) and returns the new version. */
function apply(c: LspClient, uri: string, edit: WorkspaceEdit | undefined): number {
  assert.ok(edit, 'the action has an edit');
  c.applyWorkspaceEdit(edit);
  return c.version(uri);
}

const ORDERS_STATS = (): StatsSnapshot => loadStats();

describe('lsp: the language server', function () {
  this.timeout(60_000);
  before(loadParser);

  describe('diagnostics', () => {
    let project: Project;
    let c: LspClient;
    before(async () => {
      project = new Project({
        '.pg-preflight.json': JSON.stringify({ statsFile: 'stats.json' }),
        'stats.json': fs.readFileSync(STATS_FIXTURE, 'utf8'),
        'supabase/migrations/20240101000000_init.sql': 'CREATE TABLE public.events (id bigint PRIMARY KEY, kind text);\n',
      });
      c = await start(project);
    });
    after(() => {
      c.dispose();
      project.remove();
    });

    it('advertises incremental sync, hover, lenses, quick fixes, fix-all and the commands', () => {
      const caps = c.initializeResult!.capabilities;
      assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } });
      assert.equal(caps.hoverProvider, true);
      assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix', FIX_ALL_KIND], resolveProvider: false });
      assert.deepEqual(caps.executeCommandProvider?.commands, Object.values(COMMANDS));
      assert.equal(caps.diagnosticProvider, undefined, 'push mode when the client cannot pull');
    });

    it('publishes each finding with the rule id as code, a docs link, the lock, table and size, and a data payload', async () => {
      const text = 'CREATE INDEX orders_status_idx ON public.orders (status);\n';
      const uri = project.uri('supabase/migrations/20240201000000_index.sql');
      await c.open(uri, text);
      const ds = await c.diagnostics(uri);
      const d = ds.find((x) => x.code === 'require-concurrent-index-creation');
      assert.ok(d, `diagnostics: ${codes(ds)}`);
      assert.equal(d.source, 'pg-preflight');
      assert.equal(d.severity, 1, '40M rows: an error');
      assert.match(d.message, /CREATE INDEX takes SHARE lock on public\.orders \(40M rows, ~\d+ (s|min)\): blocks INSERT\/UPDATE\/DELETE/);
      const href = d.codeDescription?.href ?? '';
      assert.ok(
        href.startsWith('file://') &&
          fs.existsSync(fileURLToPath(href)) &&
          href.endsWith('/docs/rules/require-concurrent-index-creation.md'),
        href,
      );
      assert.deepEqual(d.range, { start: { line: 0, character: 0 }, end: { line: 0, character: text.indexOf('\n') } });
      const data = dataOf(d);
      assert.equal(data.rule, d.code);
      assert.equal(data.version, 1);
      assert.equal(data.statementIndex, 0);
      assert.deepEqual(data.statementStart, { line: 0, character: 0 });
      assert.ok(!('fix' in data), 'fixes are not rendered into every diagnostic');
      const header = ds.find((x) => x.code === 'missing-lock-timeout');
      const headerFix = await fixAction(c, uri, header!);
      assert.equal(headerFix?.isPreferred, true, 'the safety header fix is offered when asked for');
      assert.match(headerFix!.title, /SET lock_timeout/);
      // Beside it, the lock-retry block: offered, not preferred, replacing the statement with a DO block.
      const retry = (await c.codeActions(uri, [header!])).find((a) => a.kind === 'quickfix' && a.title.startsWith('Retry '));
      assert.ok(retry, 'the lock-retry block is offered beside the safety header');
      assert.notEqual(retry.isPreferred, true);
      const retryEdits = JSON.stringify(retry.edit);
      assert.match(retryEdits, /DO \$pgpf_retry\$/);
      assert.match(retryEdits, /EXCEPTION WHEN lock_not_available/);
      // Everything analyze() finds for the same input, and nothing else.
      const expected = analyze({
        text,
        path: 'supabase/migrations/20240201000000_index.sql',
        stats: ORDERS_STATS(),
        priorFiles: [{ path: 'x', text: 'CREATE TABLE public.events (id bigint PRIMARY KEY, kind text);' }],
      });
      assert.deepEqual(codes(ds), expected.violations.map((v) => v.rule).sort());
    });

    it('ranges count UTF-16 code units through LineIndex (non-ASCII text, CRLF)', async () => {
      const text = "-- café ✓ 😀\r\nSELECT 'é😀';\r\nCREATE INDEX i_😀 ON public.orders (status);\r\n";
      const uri = project.uri('supabase/migrations/20240202000000_unicode.sql');
      await c.open(uri, text);
      const ds = await c.diagnostics(uri);
      const d = ds.find((x) => x.code === 'require-concurrent-index-creation')!;
      const a = analyze({ text, path: 'supabase/migrations/20240202000000_unicode.sql', stats: ORDERS_STATS() });
      const v = a.violations.find((x) => x.rule === 'require-concurrent-index-creation')!;
      assert.deepEqual(d.range, new LineIndex(text).rangeOf(v.span));
      assert.equal(d.range.start.line, 2);
    });

    it('reports a syntax error on the broken statement only and still analyses the others', async () => {
      const text =
        "SET lock_timeout = '5s';\nALTER TABLE public.orders ADD COLUMN note text;\nALTER TABLE public.orders ALTR COLUMN x;\nCREATE INDEX ON public.users (email);\n";
      const uri = project.uri('supabase/migrations/20240203000000_broken.sql');
      await c.open(uri, text);
      const ds = await c.diagnostics(uri);
      const syntax = ds.filter((d) => d.code === 'syntax-error');
      assert.equal(syntax.length, 1);
      assert.equal(syntax[0].range.start.line, 2);
      assert.equal(syntax[0].range.end.line, 2);
      assert.ok(
        ds.some((d) => d.code === 'require-concurrent-index-creation' && d.range.start.line === 3),
        'the statement after the broken one is analysed',
      );
    });

    it('lints other .sql files with the migration-only rules off', async () => {
      const text = "UPDATE public.orders SET status = 'x';\n";
      const mig = project.uri('supabase/migrations/20240204000000_backfill.sql');
      const other = project.uri('queries/backfill.sql');
      await c.open(mig, text);
      await c.open(other, text);
      assert.ok(codes(await c.diagnostics(mig)).includes('unbatched-dml'));
      assert.ok(!codes(await c.diagnostics(other)).includes('unbatched-dml'));
    });

    it('lints untitled documents with the workspace settings', async () => {
      const uri = 'untitled:Untitled-1';
      await c.open(uri, 'CREATE INDEX ON public.orders (status);\n');
      assert.ok(codes(await c.diagnostics(uri)).includes('require-concurrent-index-creation'));
    });

    it('clears the diagnostics of a closed document', async () => {
      const uri = project.uri('supabase/migrations/20240205000000_closed.sql');
      await c.open(uri, 'CREATE INDEX ON public.orders (status);\n');
      assert.ok((await c.diagnostics(uri)).length > 0);
      await c.close(uri);
      const p = await c.waitFor(uri, (x) => x.diagnostics.length === 0);
      assert.deepEqual(p.diagnostics, []);
    });

    it('publishes only the newest version: rapid changes coalesce and no older version follows a newer one', async () => {
      const uri = project.uri('supabase/migrations/20240206000000_typing.sql');
      await c.open(uri, '');
      await c.diagnostics(uri, 1);
      const stmt = 'ALTER TABLE public.orders ALTER COLUMN status TYPE integer USING status::integer;';
      for (const ch of stmt) void c.append(uri, ch);
      const last = c.version(uri);
      const final = await c.diagnostics(uri, last);
      const versions = c.log.filter((p) => p.uri === uri).map((p) => p.version ?? -1);
      assert.deepEqual(
        versions,
        [...versions].sort((a, b) => a - b),
        `published versions in order: ${versions}`,
      );
      assert.ok(versions.length <= stmt.length + 1);
      assert.equal(versions[versions.length - 1], last);
      assert.ok(codes(final).includes('rewriting-type-change'));
    });

    it('re-parses only the statements a keystroke changed', async () => {
      const { generateMigration } = await import('../bench/bench');
      const uri = project.uri('supabase/migrations/20240207000000_big.sql');
      await c.open(uri, generateMigration(200, 'reparse'));
      await c.diagnostics(uri, 1);
      const before = (await c.connection.sendRequest('pgPreflight/internalStats')) as { parsed: number; parseCacheHits: number };
      const keys = '\nCREATE INDEX ON public.orders (st';
      for (const ch of keys) {
        const v = await c.append(uri, ch);
        await c.diagnostics(uri, v);
      }
      const after = (await c.connection.sendRequest('pgPreflight/internalStats')) as { parsed: number; parseCacheHits: number };
      assert.ok(
        after.parsed - before.parsed <= keys.length,
        `parsed ${after.parsed - before.parsed} statements for ${keys.length} keystrokes`,
      );
      assert.ok(
        after.parseCacheHits - before.parseCacheHits <= 2 * keys.length,
        `cache lookups ${after.parseCacheHits - before.parseCacheHits}: unchanged statements are reused, not looked up`,
      );
    });
  });

  describe('hover and code lenses', () => {
    let project: Project;
    let c: LspClient;
    const rel = 'supabase/migrations/20240301000000_change.sql';
    const text = [
      "SET lock_timeout = '5s';",
      'ALTER TABLE public.orders ALTER COLUMN status TYPE integer USING status::integer;',
      'CREATE TABLE public.fresh (id bigint PRIMARY KEY);',
      'CREATE INDEX fresh_idx ON public.fresh (id);',
      '',
      'SELECT 1;',
      'CREATE INDEX CONCURRENTLY users_email_idx ON public.users (email);',
      '',
    ].join('\n');
    before(async () => {
      project = new Project({
        '.pg-preflight.json': JSON.stringify({ statsFile: 'stats.json', pgVersion: 15 }),
        'stats.json': fs.readFileSync(STATS_FIXTURE, 'utf8'),
      });
      c = await start(project);
      await c.open(project.uri(rel), text);
      await c.diagnostics(project.uri(rel));
    });
    after(() => {
      c.dispose();
      project.remove();
    });

    it('hover on a locking statement: the lock table, sizes, write rate, duration, PG version and the safer alternative', async () => {
      const h = await c.hover(project.uri(rel), 1, 20);
      const md = (h!.contents as MarkupContent).value;
      assert.equal((h!.contents as MarkupContent).kind, 'markdown');
      assert.match(md, /\| Relation \| Lock \| Blocks \| Work \| Rows \| Size \| Writes \| Held \|/);
      assert.match(
        md,
        /\| public\.orders \| ACCESS EXCLUSIVE \| SELECT, INSERT, UPDATE, DELETE, DDL \| rewrite \| 40M \| 11\.2 GB \| \d+(\.\d)?k?\/s \| ~\d+ (s|min) \|/,
      );
      assert.match(md, /PostgreSQL 15 assumed \(settings\)/);
      assert.match(md, /\*\*Safer alternative\*\*/);
      assert.match(md, /\[rewriting-type-change\]\(file:\/\/.*rewriting-type-change\.md\)/);
      assert.deepEqual(h!.range, { start: { line: 1, character: 0 }, end: { line: 1, character: text.split('\n')[1].length } });
    });

    it('hover on any statement, also one that locks nothing; none between statements', async () => {
      const set = await c.hover(project.uri(rel), 0, 3);
      assert.match((set!.contents as MarkupContent).value, /\*\*SET lock_timeout\*\*/);
      const sel = await c.hover(project.uri(rel), 5, 2);
      assert.match((sel!.contents as MarkupContent).value, /public|Takes no table lock/);
      const fresh = await c.hover(project.uri(rel), 3, 5);
      assert.match((fresh!.contents as MarkupContent).value, /\| public\.fresh \| SHARE \|.*\| new \| empty \|.*\| new table \|/);
      assert.equal(await c.hover(project.uri(rel), 4, 0), null);
    });

    it('a lens above each statement locking an existing table in SHARE UPDATE EXCLUSIVE or stronger, and the file risk', async () => {
      const lenses = await c.codeLens(project.uri(rel));
      const titles = lenses.map((l) => `${l.range.start.line}: ${l.command?.title}`);
      const a = analyze({ text, path: rel, stats: ORDERS_STATS(), pgVersion: 15 });
      assert.equal(titles[0], `0: Risk ${a.riskScore}/10 · ${a.lockedTables.length} table${a.lockedTables.length === 1 ? '' : 's'} locked`);
      assert.match(titles[1], /^1: 🔒 ACCESS EXCLUSIVE public\.orders · rewrite · ~\d+ (s|min)$/);
      assert.match(titles[2], /^6: 🔒 SHARE UPDATE EXCLUSIVE public\.users · index build · ~\d+ (s|min)$/);
      assert.equal(titles.length, 3, `no lens for the new table's locks or for SET/SELECT: ${titles.join(' | ')}`);
      assert.ok(lenses.every((l) => l.command?.command === COMMANDS.showLockAnalysis));
    });

    it('a document no statement of which parses: the lens and the lock analysis say "not analysed", no score', async () => {
      const uri = project.uri('supabase/migrations/20240302000000_mysql.sql');
      await c.open(uri, 'ALTER TABLE `orders` ADD COLUMN `x` INT;\n');
      await c.diagnostics(uri);
      const lenses = await c.codeLens(uri);
      assert.equal(lenses[0].command?.title, 'Risk not analysed · no tables locked');
      const la = (await c.executeCommand(COMMANDS.showLockAnalysis, [uri])) as LockAnalysis;
      assert.equal(la.riskScore, null);
    });

    it('pgPreflight.showLockAnalysis returns the lock analysis table as data', async () => {
      const la = (await c.executeCommand(COMMANDS.showLockAnalysis, [project.uri(rel)])) as LockAnalysis;
      const a = analyze({ text, path: rel, stats: ORDERS_STATS(), pgVersion: 15 });
      assert.equal(la.riskScore, a.riskScore);
      assert.equal(la.pgVersion, 15);
      assert.equal(la.statsSource, 'file');
      const orders = la.rows.find((r) => r.relation === 'public.orders' && r.mode === 'AccessExclusiveLock')!;
      assert.deepEqual(
        {
          line: orders.line,
          statement: orders.statement,
          modeTitle: orders.modeTitle,
          rewrite: orders.rewrite,
          rows: orders.rows,
          blocks: orders.blocks,
        },
        {
          line: 1,
          statement: 'ALTER TABLE ALTER COLUMN TYPE',
          modeTitle: 'ACCESS EXCLUSIVE',
          rewrite: true,
          rows: 40_000_000,
          blocks: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'DDL'],
        },
      );
      assert.ok(orders.estimatedSeconds! > 10 && orders.writesPerSecond! > 10);
      assert.ok(la.rows.some((r) => r.relation === 'public.fresh' && r.newTable));
      assert.deepEqual(la.lockedTables.map((t) => t.relation).sort(), a.lockedTables.map((t) => t.relation).sort());
    });
  });

  describe('code actions on every rule fixture', function () {
    this.timeout(120_000);
    const ruleIds = fs
      .readdirSync(RULE_FIXTURES)
      .filter((d) => fs.existsSync(path.join(RULE_FIXTURES, d, 'bad.sql')))
      .sort();
    for (const id of ruleIds) {
      it(`${id}: the server publishes what analyze() finds; each fix and each suppression, applied, stops the finding`, async () => {
        const { project, rel } = fixtureProject(id, 'bad.sql');
        const c = await start(project);
        try {
          const uri = project.uri(rel);
          const original = fs.readFileSync(project.file(rel), 'utf8');
          await c.open(uri, original);
          const expected = expectedFindings(id, 'bad.sql');
          // The application files are read after the first lint: wait for the publish that has everything.
          const first = await c.waitFor(uri, (p) => JSON.stringify(published(p.diagnostics)) === JSON.stringify(expected));
          const ds = first.diagnostics;
          assert.ok(
            ds.some((d) => d.code === id),
            `${id} fires on bad.sql`,
          );
          // The fixes analyze() attaches, by finding: the server must offer exactly these at code-action time.
          const input = fixtureInput(id, 'bad.sql');
          const lines = new LineIndex(input.text);
          const fixes = new Map(
            analyze(input)
              .violations.filter((v) => v.rule !== RULE_CRASH)
              .map((v) => [`${v.rule}@${JSON.stringify(lines.rangeOf(v.span))}`, v.fix]),
          );
          for (const firstSeen of ds) {
            // The same finding as the current version publishes it (earlier iterations edited and restored
            // the text): code actions answer for the current version's diagnostics.
            const d = (await c.diagnostics(uri)).find(
              (x) =>
                x.code === firstSeen.code && JSON.stringify(x.range) === JSON.stringify(firstSeen.range) && x.message === firstSeen.message,
            )!;
            assert.ok(d, `${firstSeen.code} at line ${firstSeen.range.start.line} is published again after the restore`);
            const expectedFix = fixes.get(`${d.code}@${JSON.stringify(d.range)}`);
            const actions = await c.codeActions(uri, [d]);
            const count = (xs: Diagnostic[]) => xs.filter((x) => x.code === d.code).length;
            const action = actions.find((a) => !a.title.startsWith('Suppress '));
            assert.equal(action?.title, expectedFix?.title, `${d.code} at line ${d.range.start.line}: the fix analyze() attaches`);
            if (expectedFix && action) {
              assert.equal(action.kind, 'quickfix');
              assert.equal(action.isPreferred, expectedFix.preferred ? true : undefined);
              const created = createdBy(action);
              for (const cf of created) assert.deepEqual(cf.options, { overwrite: false, ignoreIfExists: false });
              assert.equal(created.length, expectedFix.newFiles?.length ?? 0);
              const v = apply(c, uri, action.edit);
              const after = await c.diagnostics(uri, v);
              assert.ok(
                count(after) < count(ds),
                `${d.code} fix "${action.title}" (line ${d.range.start.line}): ${count(ds)} -> ${count(after)} findings`,
              );
              await c.removeCreatedFiles();
              const rv = await c.replaceAll(uri, original);
              await c.waitFor(uri, (p) => p.version === rv && JSON.stringify(published(p.diagnostics)) === JSON.stringify(expected));
            }
            const suppress = actions.find((a) => a.title.startsWith(`Suppress ${d.code} `));
            if (['syntax-error', 'ignore-missing-reason', 'unused-ignore'].includes(String(d.code))) {
              assert.equal(suppress, undefined);
              continue;
            }
            assert.ok(suppress, `a suppress action for ${d.code}`);
            const edits = (suppress.edit!.documentChanges![0] as { edits: { newText: string }[] }).edits;
            assert.match(edits[0].newText, new RegExp(`-- pg-preflight-ignore(-file)? ${d.code}: (\\r?\\n)`));
            // The user types the reason after the colon.
            const withReason: WorkspaceEdit = JSON.parse(
              JSON.stringify(suppress.edit).replace(`${d.code}: `, `${d.code}: reviewed in the test`),
            );
            const v = apply(c, uri, withReason);
            const after = await c.diagnostics(uri, v);
            assert.ok(count(after) < count(ds), `suppressing ${d.code} at line ${d.range.start.line}: ${count(ds)} -> ${count(after)}`);
            assert.ok(
              !after.some(
                (x) => x.code === 'ignore-missing-reason' || (x.code === 'unused-ignore' && /suppresses nothing/.test(x.message)),
              ),
              `the directive is used: ${published(after).join('\n')}`,
            );
            const rv = await c.replaceAll(uri, original);
            await c.waitFor(uri, (p) => p.version === rv && JSON.stringify(published(p.diagnostics)) === JSON.stringify(expected));
          }
          c.assertNoErrors();
        } finally {
          c.dispose();
          project.remove();
        }
      });

      if (fs.existsSync(path.join(RULE_FIXTURES, id, 'fixed.sql'))) {
        it(`${id}: clicking its quick fixes turns bad.sql into fixed.sql and creates the files of fixed/`, async () => {
          const { project, rel } = fixtureProject(id, 'bad.sql');
          const c = await start(project);
          try {
            const uri = project.uri(rel);
            await c.open(uri, fs.readFileSync(project.file(rel), 'utf8'));
            const firstFix = async (): Promise<CodeAction | undefined> => {
              for (const d of (await c.diagnostics(uri)).filter((x) => x.code === id)) {
                const a = await fixAction(c, uri, d);
                if (a) return a;
              }
              return undefined;
            };
            for (let guard = 0; guard < 20; guard++) {
              const a = await firstFix();
              if (!a) break;
              apply(c, uri, a.edit);
            }
            assert.equal(c.text(uri), fs.readFileSync(path.join(RULE_FIXTURES, id, 'fixed.sql'), 'utf8'));
            // Findings without a fix may remain; every fixable one is gone.
            assert.equal(await firstFix(), undefined);
            const goldenDir = path.join(RULE_FIXTURES, id, 'fixed');
            const goldens = fs.existsSync(goldenDir)
              ? fs
                  .readdirSync(goldenDir, { recursive: true })
                  .map(String)
                  .filter((f) => fs.statSync(path.join(goldenDir, f)).isFile())
                  .sort()
              : [];
            const dir = path.dirname(project.file(rel));
            const created = [...c.createdFiles.keys()].map((u) => path.relative(dir, fileURLToPath(u)).split(path.sep).join('/')).sort();
            assert.deepEqual(
              created,
              goldens.map((g) => path.posix.normalize(g)),
            );
            for (const [u, body] of c.createdFiles)
              assert.equal(body, fs.readFileSync(path.join(goldenDir, path.relative(dir, fileURLToPath(u))), 'utf8'));
          } finally {
            c.dispose();
            project.remove();
          }
        });
      }
    }
  });

  describe('fix all, multi-file fixes and commands', () => {
    let project: Project;
    let c: LspClient;
    before(async () => {
      project = new Project({
        '.pg-preflight.json': JSON.stringify({ statsFile: 'stats.json' }),
        'stats.json': fs.readFileSync(STATS_FIXTURE, 'utf8'),
      });
      c = await start(project);
    });
    after(() => {
      c.dispose();
      project.remove();
    });

    it('source.fixAll.pgPreflight applies every non-conflicting preferred fix at once', async () => {
      const rel = 'supabase/migrations/20240401000000_all.sql';
      const uri = project.uri(rel);
      const text =
        'CREATE TABLE public.notes (id bigint PRIMARY KEY, body text);\nCREATE TABLE public.tags (id bigint PRIMARY KEY);\nALTER TABLE public.orders ALTER COLUMN status TYPE integer USING status::integer;\n';
      await c.open(uri, text);
      const ds = await c.diagnostics(uri);
      const preferred: Diagnostic[] = [];
      for (const d of ds) if ((await fixAction(c, uri, d))?.isPreferred) preferred.push(d);
      assert.ok(preferred.length >= 3, `preferred fixes: ${codes(preferred)}`);
      const [all, ...rest] = await c.codeActions(uri, [], [FIX_ALL_KIND]);
      assert.equal(rest.length, 0);
      assert.equal(all.kind, FIX_ALL_KIND);
      const v = apply(c, uri, all.edit);
      const after = await c.diagnostics(uri, v);
      for (const rule of new Set(preferred.map((d) => String(d.code)))) {
        assert.ok(after.filter((d) => d.code === rule).length < ds.filter((d) => d.code === rule).length, `${rule} fixed by fix-all`);
      }
      assert.equal((c.text(uri).match(/SET lock_timeout/g) ?? []).length, 1, 'the header offered by two findings is inserted once');
      assert.deepEqual(await c.codeActions(uri, [], ['source.organizeImports']), [], 'no actions of kinds not asked for');
    });

    it('a fix creating a file never overwrites: an existing name is replaced by a free one', async () => {
      const rel = 'supabase/migrations/20240402000000_fk.sql';
      const uri = project.uri(rel);
      await c.open(uri, 'ALTER TABLE public.orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);\n');
      const ds = await c.diagnostics(uri);
      let multi: Diagnostic | undefined;
      let proposed: string | undefined;
      for (const d of ds) {
        const a = await fixAction(c, uri, d);
        const cf = a && createdBy(a)[0];
        if (cf) {
          multi = d;
          proposed = fileURLToPath(cf.uri);
          break;
        }
      }
      assert.ok(multi && proposed, `a fix that creates a file among ${codes(ds)}`);
      const taken = proposed;
      fs.mkdirSync(path.dirname(taken), { recursive: true });
      fs.writeFileSync(taken, '-- already here\n');
      const action = (await fixAction(c, uri, multi))!;
      const create = action.edit!.documentChanges!.find((x) => 'kind' in x) as { uri: string; options: unknown };
      assert.notEqual(fileURLToPath(create.uri), taken);
      assert.deepEqual(create.options, { overwrite: false, ignoreIfExists: false });
      assert.equal(path.dirname(fileURLToPath(create.uri)), path.dirname(taken));
    });

    it('pgPreflight.insertSafetyHeader edits the file through workspace/applyEdit; a second call has nothing to add', async () => {
      const uri = project.uri('supabase/migrations/20240403000000_header.sql');
      await c.open(uri, '-- add an index\n\nCREATE INDEX ON public.orders (status);\n');
      await c.diagnostics(uri);
      const edits = c.appliedEdits.length;
      const r = (await c.executeCommand(COMMANDS.insertSafetyHeader, [uri])) as { applied: boolean };
      assert.equal(r.applied, true);
      assert.equal(c.appliedEdits.length, edits + 1);
      assert.equal(
        c.text(uri),
        "-- add an index\n\nSET lock_timeout = '5s';\nSET statement_timeout = '30s';\nCREATE INDEX ON public.orders (status);\n",
      );
      const after = await c.diagnostics(uri);
      assert.ok(!after.some((d) => d.code === 'missing-lock-timeout' || d.code === 'missing-statement-timeout'));
      const again = (await c.executeCommand(COMMANDS.insertSafetyHeader, [uri])) as { applied: boolean; reason?: string };
      assert.equal(again.applied, false);
      assert.match(again.reason!, /already sets/);
    });

    it('pgPreflight.splitIntoSteps creates the step files beside the migration (CreateFile + TextEdit) and reports progress', async () => {
      const rel = 'supabase/migrations/20240404000000_split.sql';
      const uri = project.uri(rel);
      await c.open(uri, 'ALTER TABLE public.orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES public.users (id);\n');
      await c.diagnostics(uri);
      const progressBefore = c.progress.length;
      const r = (await c.executeCommand(COMMANDS.splitIntoSteps, [uri])) as {
        applied: boolean;
        steps: { uri: string; phase: string }[];
        reason?: string;
        warnings: string[];
      };
      assert.equal(r.applied, true, r.reason);
      assert.ok(r.steps.length >= 2, `steps: ${JSON.stringify(r.steps)}`);
      assert.equal(r.steps[0].uri, uri);
      const edit = c.appliedEdits[c.appliedEdits.length - 1];
      const creates = edit.documentChanges!.filter((x) => 'kind' in x) as { kind: string; uri: string; options: unknown }[];
      assert.equal(creates.length, r.steps.length - 1);
      for (const cf of creates) {
        assert.deepEqual(cf.options, { overwrite: false, ignoreIfExists: false });
        assert.equal(path.dirname(fileURLToPath(cf.uri)), path.dirname(project.file(rel)));
        assert.ok(c.createdFiles.get(cf.uri)!.length > 0, 'the step file has its SQL');
      }
      assert.match(c.text(uri), /NOT VALID/);
      assert.ok(c.createdFiles.size > 0 && [...c.createdFiles.values()].some((t) => /VALIDATE CONSTRAINT/.test(t)));
      const kinds = c.progress.slice(progressBefore).map((p) => (p as { value: { kind: string } }).value.kind);
      assert.deepEqual([kinds[0], kinds[kinds.length - 1]], ['begin', 'end']);
    });

    it('unknown commands and closed documents are request errors, not crashes', async () => {
      await assert.rejects(c.executeCommand('pgPreflight.nope', []), /unknown command/);
      await assert.rejects(c.executeCommand(COMMANDS.showLockAnalysis, [project.uri('nowhere.sql')]), /not open/);
    });
  });

  describe('stats, settings and schema context', () => {
    it('a pgPreflight/stats notification re-lints every open document with the new sizes; null drops them', async () => {
      const project = new Project();
      const c = await start(project);
      try {
        const a = project.uri('supabase/migrations/20240501000000_a.sql');
        const b = project.uri('supabase/migrations/20240502000000_b.sql');
        await c.open(a, 'CREATE INDEX ON public.orders (status);\n');
        await c.open(b, "ALTER TABLE public.users ADD CONSTRAINT users_email_check CHECK (email <> '');\n");
        const before = await c.diagnostics(a);
        assert.equal(before.find((d) => d.code === 'require-concurrent-index-creation')!.severity, 2, 'size unknown: a warning');
        await c.notify(STATS_NOTIFICATION, { snapshot: ORDERS_STATS() });
        const afterA = await c.waitFor(a, (p) =>
          p.diagnostics.some((d) => d.code === 'require-concurrent-index-creation' && d.severity === 1),
        );
        assert.match(afterA.diagnostics.find((d) => d.code === 'require-concurrent-index-creation')!.message, /40M rows/);
        await c.waitFor(b, (p) => p.diagnostics.some((d) => /5M rows/.test(d.message)));
        // A bare snapshot is accepted too; an invalid one is logged and ignored.
        await c.notify(STATS_NOTIFICATION, { formatVersion: 2 });
        await c.notify(STATS_NOTIFICATION, { snapshot: null });
        await c.waitFor(a, (p) => p.diagnostics.some((d) => d.code === 'require-concurrent-index-creation' && d.severity === 2));
        assert.ok(c.serverLog.some((l) => /not a valid statistics snapshot/.test(l)));
      } finally {
        c.dispose();
        project.remove();
      }
    });

    it("settings: .pg-preflight.json, with the client's pgPreflight settings merged over it (defaults the client sends do not count)", async () => {
      const project = new Project({
        '.pg-preflight.json': JSON.stringify({ rules: { 'require-concurrent-index-creation': 'off' }, lockTimeout: '3s' }),
      });
      let clientSettings: Record<string, unknown> = {
        rules: {},
        lockTimeout: '5s',
        statementTimeout: '10s',
        migrationGlobs: [
          'supabase/migrations/*.sql',
          'prisma/migrations/*/migration.sql',
          'db/migrations/*.sql',
          'migrations/**/*.sql',
          'src/main/resources/db/migration/*.sql',
          'drizzle/*.sql',
        ],
      };
      const c = await start(project, { configuration: () => clientSettings });
      try {
        const uri = project.uri('supabase/migrations/20240601000000_x.sql');
        await c.open(uri, 'CREATE INDEX ON public.orders (status);\n');
        const ds = await c.diagnostics(uri);
        assert.ok(!ds.some((d) => d.code === 'require-concurrent-index-creation'), 'off in the config file');
        const headerAction = (await fixAction(c, uri, ds.find((d) => d.code === 'missing-lock-timeout')!))!;
        const header = (headerAction.edit!.documentChanges![0] as { edits: { newText: string }[] }).edits[0].newText;
        assert.equal(
          header,
          "SET lock_timeout = '3s';\nSET statement_timeout = '10s';\n",
          'file lockTimeout kept (client sent the default), client statementTimeout applied',
        );
        clientSettings = { rules: { 'require-concurrent-index-creation': 'warning' } };
        await c.notify('workspace/didChangeConfiguration', { settings: null });
        await c.waitFor(uri, (p) => p.diagnostics.some((d) => d.code === 'require-concurrent-index-creation' && d.severity === 2));
      } finally {
        c.dispose();
        project.remove();
      }
    });

    it('the statsFile setting, re-read when the file changes (workspace/didChangeWatchedFiles)', async () => {
      const small = ORDERS_STATS();
      for (const t of small.tables) t.rows = 10;
      const project = new Project({
        '.pg-preflight.json': JSON.stringify({ statsFile: 'snap/stats.json' }),
        'snap/stats.json': JSON.stringify(small),
      });
      const c = await start(project);
      try {
        const uri = project.uri('supabase/migrations/20240701000000_x.sql');
        await c.open(uri, 'CREATE INDEX ON public.orders (status);\n');
        assert.match((await c.diagnostics(uri)).find((d) => d.code === 'require-concurrent-index-creation')!.message, /\(10 rows/);
        assert.ok(JSON.stringify(c.registrations).includes('workspace/didChangeWatchedFiles'), 'file watchers registered');
        project.write('snap/stats.json', JSON.stringify(ORDERS_STATS()));
        await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: project.uri('snap/stats.json'), type: 2 }] });
        await c.waitFor(uri, (p) => p.diagnostics.some((d) => /40M rows/.test(d.message)));
      } finally {
        c.dispose();
        project.remove();
      }
    });

    it('earlier migrations give the schema, from the editor when open; a change re-lints the files after it', async () => {
      const project = new Project({
        'db/migrations/001_init.sql': 'CREATE TABLE public.items (id bigint PRIMARY KEY, code varchar(10));\n',
        'db/migrations/002_widen.sql': 'ALTER TABLE public.items ALTER COLUMN code TYPE varchar(20);\n',
        'db/migrations/000_before.sql': 'SELECT 1;\n',
      });
      const c = await start(project);
      try {
        const first = project.uri('db/migrations/001_init.sql');
        const second = project.uri('db/migrations/002_widen.sql');
        const before = project.uri('db/migrations/000_before.sql');
        await c.open(second, fs.readFileSync(project.file('db/migrations/002_widen.sql'), 'utf8'));
        assert.ok(
          !(await c.diagnostics(second)).some((d) => d.code === 'rewriting-type-change'),
          'varchar(10) -> varchar(20) does not rewrite',
        );
        await c.open(before, 'SELECT 1;\n');
        await c.diagnostics(before);
        // The user edits the earlier migration (unsaved): 002 is re-linted against the editor's text.
        await c.open(first, fs.readFileSync(project.file('db/migrations/001_init.sql'), 'utf8'));
        await c.replaceAll(first, 'CREATE TABLE public.items (id bigint PRIMARY KEY, code integer);\n');
        const relinted = await c.waitFor(second, (p) => p.diagnostics.some((d) => d.code === 'rewriting-type-change'));
        assert.equal(relinted.version, 1);
        assert.ok(
          !c.log.some((p) => p.uri === before && p.version === 1 && c.log.filter((q) => q.uri === before).length > 1),
          'an earlier file is not re-linted',
        );
        // Closed without saving: the disk text counts again.
        await c.close(first);
        await c.waitFor(second, (p) => !p.diagnostics.some((d) => d.code === 'rewriting-type-change'), { includePast: false });
        // Changed on disk (another tool, git): didChangeWatchedFiles re-lints the files after it.
        project.write('db/migrations/001_init.sql', 'CREATE TABLE public.items (id bigint PRIMARY KEY, code bigint);\n');
        await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: first, type: 2 }] });
        await c.waitFor(second, (p) => p.diagnostics.some((d) => d.code === 'rewriting-type-change'), { includePast: false });
      } finally {
        c.dispose();
        project.remove();
      }
    });

    it('a rule that throws is logged once and never shown as a diagnostic', async () => {
      const project = new Project();
      const broken: Rule = {
        id: 'broken-test-rule',
        title: 'throws',
        defaultSeverity: 'error',
        check() {
          throw new Error('boom');
        },
      };
      RULES.push(broken);
      const c = await start(project);
      try {
        const uri = project.uri('supabase/migrations/20240801000000_x.sql');
        await c.open(uri, 'CREATE INDEX ON public.orders (status);\n');
        let ds = await c.diagnostics(uri);
        for (const s of [' ', 'x', ';']) ds = await c.diagnostics(uri, await c.append(uri, s));
        assert.ok(!ds.some((d) => d.code === RULE_CRASH));
        assert.ok(
          ds.some((d) => d.code === 'require-concurrent-index-creation'),
          'the other rules still ran',
        );
        // Logged once (window/logMessage arrives before the diagnostics of the same lint).
        assert.equal(c.serverLog.filter((l) => /broken-test-rule failed/.test(l)).length, 1);
      } finally {
        RULES.splice(RULES.indexOf(broken), 1);
        c.dispose();
        project.remove();
      }
    });
  });

  describe('pull diagnostics', () => {
    it('answers textDocument/diagnostic instead of pushing when the client can pull, and asks for a refresh when stats change', async () => {
      const project = new Project();
      const caps = JSON.parse(JSON.stringify(FULL_CAPABILITIES));
      caps.textDocument.diagnostic = { dynamicRegistration: false, relatedDocumentSupport: false };
      caps.workspace.diagnostics = { refreshSupport: true };
      const c = await start(project, { capabilities: caps });
      let refreshed!: () => void;
      const refresh = new Promise<void>((r) => (refreshed = r));
      c.connection.onRequest('workspace/diagnostic/refresh', () => {
        refreshed();
        return null;
      });
      try {
        assert.deepEqual(c.initializeResult!.capabilities.diagnosticProvider, {
          identifier: 'pg-preflight',
          interFileDependencies: true,
          workspaceDiagnostics: false,
        });
        const uri = project.uri('supabase/migrations/20240901000000_x.sql');
        await c.open(uri, 'CREATE INDEX ON public.orders (status);\n');
        const r1 = await c.pull(uri);
        assert.equal(r1.kind, 'full');
        assert.ok(r1.items!.some((d) => d.code === 'require-concurrent-index-creation' && d.severity === 2));
        const r2 = await c.pull(uri, r1.resultId);
        assert.deepEqual(r2, { kind: 'unchanged', resultId: r1.resultId });
        await c.notify(STATS_NOTIFICATION, { snapshot: ORDERS_STATS() });
        await refresh;
        const r3 = await c.pull(uri, r1.resultId);
        assert.equal(r3.kind, 'full');
        assert.ok(r3.items!.some((d) => d.code === 'require-concurrent-index-creation' && d.severity === 1));
        const v = await c.append(uri, '\nSELECT 1;');
        const r4 = await c.pull(uri);
        assert.equal(r4.resultId!.split(':')[0], String(v));
        assert.equal(c.log.length, 0, 'nothing pushed');
      } finally {
        c.dispose();
        project.remove();
      }
    });
  });

  describe('over stdio', () => {
    it('`node server/bin/pg-preflight.js lsp --stdio` lints, hovers, shuts down and exits 0', async () => {
      const project = new Project({
        '.pg-preflight.json': JSON.stringify({ statsFile: 'stats.json' }),
        'stats.json': fs.readFileSync(STATS_FIXTURE, 'utf8'),
      });
      const c = LspClient.spawnStdio(BIN, {}, project.root);
      try {
        await c.initialize(project.uri(''));
        const uri = project.uri('supabase/migrations/20241001000000_x.sql');
        await c.open(uri, 'CREATE INDEX ON public.orders (status);\n');
        const ds = await c.diagnostics(uri);
        assert.ok(ds.some((d) => d.code === 'require-concurrent-index-creation' && /40M rows/.test(d.message)));
        const h = await c.hover(uri, 0, 3);
        assert.match((h!.contents as MarkupContent).value, /public\.orders \| SHARE/);
        const exited = new Promise<number | null>((resolve) => c.child!.on('exit', (code) => resolve(code)));
        await c.shutdown();
        await c.notify('exit', undefined);
        assert.equal(await exited, 0);
      } finally {
        c.dispose();
        project.remove();
      }
    });

    it('`pg-preflight lsp` without a transport is a usage error', async () => {
      const { main } = await import('../src/cli/main');
      let err = '';
      const code = await main(['lsp'], { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) } });
      assert.equal(code, 2);
      assert.match(err, /choose a transport/);
    });
  });
});

export type { PublishDiagnosticsParams };
