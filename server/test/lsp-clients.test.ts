// Clients other than VS Code, over the real LSP connection: one that cannot create files (Neovim 0.7
// advertises resourceOperations but not documentChanges, so it can apply no CreateFile) gets the new-file
// fixes as the pgPreflight.applyFix command, which the server carries out (it writes the files, exclusive
// create, inside the workspace, then sends a plain TextEdit); a client with full capabilities gets the
// CreateFile edit as before. Neither sees the same action twice.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { COMMANDS, type ApplyFixResult } from '@pg-preflight/shared';
import type { ClientCapabilities, CodeAction, CreateFile, Diagnostic, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { loadParser } from '../src/core/syntax/parse';
import { writeNewFile } from '../src/project/fsutil';
import { REPO } from './support/fixtures';
import { FULL_CAPABILITIES, LspClient, type ClientOptions } from './support/lsp-client';
import { Project } from './support/lsp-project';

const DEMO_STATS = path.join(REPO, 'test-fixtures/demo/stats.json');
const REL = 'supabase/migrations/20240401000000_orders_status.sql';
// Not alone in the file: Supabase runs the file in a transaction, so CONCURRENTLY needs a file of its own.
const TEXT = 'ALTER TABLE public.orders ADD COLUMN channel text;\nCREATE INDEX orders_channel_idx ON public.orders (channel);\n';

/** What Neovim 0.7.2 sends (runtime/lua/vim/lsp/protocol.lua make_client_capabilities), as far as edits go. */
const NVIM_07: ClientCapabilities = {
  ...FULL_CAPABILITIES,
  workspace: { ...FULL_CAPABILITIES.workspace, applyEdit: true, workspaceEdit: { resourceOperations: ['rename', 'create', 'delete'] } },
};
/** documentChanges, but no 'create'. */
const NO_CREATE: ClientCapabilities = {
  ...FULL_CAPABILITIES,
  workspace: { ...FULL_CAPABILITIES.workspace, applyEdit: true, workspaceEdit: { documentChanges: true, resourceOperations: ['rename'] } },
};

function project(): Project {
  return new Project({
    '.pg-preflight.json': JSON.stringify({ statsFile: 'stats.json' }),
    'stats.json': fs.readFileSync(DEMO_STATS, 'utf8'),
    [REL]: TEXT,
  });
}

async function start(p: Project, options: ClientOptions): Promise<LspClient> {
  const c = await LspClient.inProcess(options);
  await c.initialize(p.uri(''));
  return c;
}

const isConcurrently = (a: CodeAction) => /^Use CONCURRENTLY in a new migration file/.test(a.title);

/** The actions and what makes two of them the same (the edit, or the command with its fix). */
function assertNoDuplicates(actions: CodeAction[]): void {
  const titles = actions.map((a) => a.title);
  assert.equal(new Set(titles).size, titles.length, `duplicate titles: ${titles.join(' | ')}`);
  const edits = actions.filter((a) => a.edit).map((a) => JSON.stringify(a.edit));
  assert.equal(new Set(edits).size, edits.length, 'two actions make the same edit');
}

/** Files under dir, relative, sorted. */
function filesIn(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

describe('lsp: clients that cannot create files, and one action per edit', function () {
  this.timeout(60_000);
  before(loadParser);

  /** A full-capabilities client's run of the fix (as VS Code does it): what it offers, and what applying it makes. */
  interface Reference {
    codes: string[];
    actions: CodeAction[];
    /** The document's text after the fix. */
    text: string;
    /** The files it created: name relative to the migration's folder -> text. */
    files: Map<string, string>;
  }
  let reference: Reference;
  before(async () => {
    const p = project();
    const c = await start(p, {});
    try {
      const uri = p.uri(REL);
      await c.open(uri, TEXT);
      const ds = await c.diagnostics(uri);
      // Neovim and VS Code ask with every diagnostic of the line or range.
      const actions = await c.codeActions(uri, ds);
      const conc = actions.find(isConcurrently);
      if (conc?.edit) c.applyWorkspaceEdit(conc.edit);
      const dir = path.dirname(p.file(REL));
      reference = {
        codes: ds.map((d) => String(d.code)),
        actions,
        text: c.text(uri),
        files: new Map([...c.createdFiles].map(([u, t]) => [path.relative(dir, fileURLToPath(u)), t])),
      };
      c.assertNoErrors();
    } finally {
      c.dispose();
      p.remove();
    }
  });

  it('full capabilities: "Use CONCURRENTLY" is a CreateFile edit, the header one action for both timeout findings', () => {
    const { codes, actions } = reference;
    for (const rule of ['require-concurrent-index-creation', 'missing-lock-timeout', 'missing-statement-timeout'])
      assert.ok(codes.includes(rule), `${rule} in ${codes}`);
    assertNoDuplicates(actions);
    const header = actions.filter((a) => /SET lock_timeout/.test(a.title));
    assert.equal(header.length, 1, `one header action: ${actions.map((a) => a.title).join(' | ')}`);
    assert.deepEqual(header[0].diagnostics!.map((d) => d.code).sort(), ['missing-lock-timeout', 'missing-statement-timeout']);
    const conc = actions.filter(isConcurrently);
    assert.equal(conc.length, 1, `actions: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(conc[0].command, undefined);
    const creates = conc[0].edit!.documentChanges!.filter((x) => 'kind' in x) as CreateFile[];
    assert.equal(creates.length, 1);
    assert.deepEqual(creates[0].options, { overwrite: false, ignoreIfExists: false });
    assert.equal(reference.files.size, 1);
    const [[name, body]] = [...reference.files];
    assert.match(name, /^\d{14}_.*\.sql$/);
    assert.match(body, /CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_channel_idx/);
    assert.equal(reference.text, 'ALTER TABLE public.orders ADD COLUMN channel text;\n');
  });

  for (const [label, capabilities] of [
    ['Neovim 0.7 (no documentChanges)', NVIM_07],
    ["documentChanges without 'create'", NO_CREATE],
  ] as const) {
    it(`${label}: "Use CONCURRENTLY" is offered as pgPreflight.applyFix; the server writes the file and edits the document`, async () => {
      const p = project();
      const c = await start(p, { capabilities });
      try {
        assert.ok(c.initializeResult!.capabilities.executeCommandProvider!.commands.includes(COMMANDS.applyFix));
        const uri = p.uri(REL);
        await c.open(uri, TEXT);
        const ds = await c.diagnostics(uri);
        const actions = await c.codeActions(uri, ds);
        assertNoDuplicates(actions);
        assert.equal(actions.filter((a) => /SET lock_timeout/.test(a.title)).length, 1);
        const conc = actions.filter(isConcurrently);
        assert.equal(conc.length, 1, `actions: ${actions.map((a) => a.title).join(' | ')}`);
        const a = conc[0];
        assert.equal(a.edit, undefined, 'no edit the client cannot apply');
        assert.equal(a.kind, 'quickfix');
        assert.equal(a.isPreferred, true);
        assert.equal(a.command!.command, COMMANDS.applyFix);
        assert.deepEqual(
          a.diagnostics!.map((d) => d.code),
          ['require-concurrent-index-creation'],
        );
        const dir = path.dirname(p.file(REL));
        const before = filesIn(dir);
        const r = (await c.executeCommand(a.command!.command, a.command!.arguments!)) as ApplyFixResult;
        assert.equal(r.applied, true, r.reason);
        // The file on disk, written by the server: the same name and text the CreateFile edit makes.
        const created = filesIn(dir).filter((f) => !before.includes(f));
        assert.deepEqual(created, [...reference.files.keys()]);
        assert.deepEqual(
          r.created,
          created.map((f) => pathToFileURL(path.join(dir, f)).href),
        );
        assert.equal(fs.readFileSync(path.join(dir, created[0]), 'utf8'), reference.files.get(created[0]));
        // The document, edited through workspace/applyEdit with a plain TextEdit.
        const edit = c.appliedEdits[c.appliedEdits.length - 1];
        if (capabilities === NVIM_07) {
          assert.equal(edit.documentChanges, undefined);
          assert.deepEqual(Object.keys(edit.changes!), [uri]);
        } else {
          assert.ok(
            (edit.documentChanges as (TextDocumentEdit | CreateFile)[]).every((x) => !('kind' in x)),
            'no CreateFile',
          );
        }
        assert.equal(c.text(uri), reference.text);
        assert.ok(
          c.serverLog.some((m) => m.startsWith('show: pg-preflight: created ')),
          `the user is told where the statement went: ${JSON.stringify(c.notifications)} ${c.serverLog.join(' | ')}`,
        );
        const after = await c.diagnostics(uri);
        assert.ok(!after.some((d) => d.code === 'require-concurrent-index-creation'), 'the finding is gone');
        c.assertNoErrors();
      } finally {
        c.dispose();
        p.remove();
      }
    });
  }

  describe('pgPreflight.applyFix refuses rather than overwrite or guess', () => {
    let p: Project;
    let c: LspClient;
    let uri: string;
    let dir: string;
    beforeEach(async () => {
      p = project();
      c = await start(p, { capabilities: NVIM_07 });
      uri = p.uri(REL);
      dir = path.dirname(p.file(REL));
    });
    afterEach(() => {
      c.dispose();
      p.remove();
    });

    async function concurrentlyAction(): Promise<{ action: CodeAction; diagnostics: Diagnostic[] }> {
      const ds = await c.diagnostics(uri);
      const action = (await c.codeActions(uri, ds)).find(isConcurrently);
      assert.ok(action?.command, 'the command action is offered');
      return { action, diagnostics: ds };
    }

    it('an existing file with the proposed name is never overwritten: the next free name is used', async () => {
      await c.open(uri, TEXT);
      const [proposed] = [...reference.files.keys()];
      fs.writeFileSync(path.join(dir, proposed), '-- already here\n');
      const { action } = await concurrentlyAction();
      const r = (await c.executeCommand(action.command!.command, action.command!.arguments!)) as ApplyFixResult;
      assert.equal(r.applied, true, r.reason);
      assert.equal(fs.readFileSync(path.join(dir, proposed), 'utf8'), '-- already here\n');
      assert.equal(r.created.length, 1);
      const made = fileURLToPath(r.created[0]);
      assert.notEqual(path.basename(made), proposed);
      assert.equal(path.dirname(made), dir);
      assert.match(fs.readFileSync(made, 'utf8'), /CREATE INDEX CONCURRENTLY/);
    });

    it('a document edited since the action was offered: nothing is written or edited', async () => {
      await c.open(uri, TEXT);
      const { action } = await concurrentlyAction();
      await c.append(uri, '-- typing\n');
      const edits = c.appliedEdits.length;
      const before = filesIn(dir);
      const r = (await c.executeCommand(action.command!.command, action.command!.arguments!)) as ApplyFixResult;
      assert.equal(r.applied, false);
      assert.match(r.reason!, /changed since the fix was offered/);
      assert.deepEqual(filesIn(dir), before);
      assert.equal(c.appliedEdits.length, edits);
      assert.equal(c.text(uri), `${TEXT}-- typing\n`);
    });

    it('the client refuses the edit: the file the server wrote is removed again', async () => {
      c.dispose();
      c = await start(p, { capabilities: NVIM_07, acceptEdits: false });
      await c.open(uri, TEXT);
      const before = filesIn(dir);
      const { action } = await concurrentlyAction();
      const r = (await c.executeCommand(action.command!.command, action.command!.arguments!)) as ApplyFixResult;
      assert.equal(r.applied, false);
      assert.match(r.reason!, /did not apply/);
      assert.deepEqual(filesIn(dir), before);
    });

    it('a document outside the workspace folders gets no file', async () => {
      const outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pgpf-outside-')));
      try {
        const file = path.join(outside, 'supabase/migrations/20240401000000_x.sql');
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, TEXT);
        fs.writeFileSync(path.join(outside, '.pg-preflight.json'), JSON.stringify({ statsFile: 'stats.json' }));
        fs.copyFileSync(DEMO_STATS, path.join(outside, 'stats.json'));
        uri = pathToFileURL(file).href;
        await c.open(uri, TEXT);
        const { action } = await concurrentlyAction();
        const r = (await c.executeCommand(action.command!.command, action.command!.arguments!)) as ApplyFixResult;
        assert.equal(r.applied, false);
        assert.match(r.reason!, /outside the workspace/);
        assert.deepEqual(filesIn(path.dirname(file)), ['20240401000000_x.sql']);
        assert.equal(c.text(uri), TEXT);
      } finally {
        fs.rmSync(outside, { recursive: true, force: true });
      }
    });

    it('no workspace folder open: no file is written anywhere', async () => {
      c.dispose();
      c = await LspClient.inProcess({ capabilities: NVIM_07 });
      await c.initialize();
      await c.open(uri, TEXT);
      const before = filesIn(dir);
      const ds = await c.diagnostics(uri);
      const action = (await c.codeActions(uri, ds)).find(isConcurrently);
      assert.ok(action?.command, 'offered: the folder is known only when it runs');
      const r = (await c.executeCommand(action.command.command, action.command.arguments!)) as ApplyFixResult;
      assert.equal(r.applied, false);
      assert.match(r.reason!, /no workspace folder is open/);
      assert.deepEqual(filesIn(dir), before);
      assert.equal(c.text(uri), TEXT);
    });

    it('the write itself is an exclusive create: a file that appears after the name was chosen is kept', () => {
      // freeFileName chose the name; the file appears before the write (another editor, a git checkout).
      const target = path.join(p.root, 'raced.sql');
      fs.writeFileSync(target, '-- theirs\n');
      assert.throws(() => writeNewFile(target, '-- ours\n', 'raced.sql'), /raced\.sql: already exists/);
      assert.equal(fs.readFileSync(target, 'utf8'), '-- theirs\n');
      assert.deepEqual(
        fs.readdirSync(p.root).filter((f) => f.endsWith('.tmp')),
        [],
        'no temp file left',
      );
      writeNewFile(path.join(p.root, 'new/dir/fresh.sql'), '-- ours\n', 'fresh.sql');
      assert.equal(fs.readFileSync(path.join(p.root, 'new/dir/fresh.sql'), 'utf8'), '-- ours\n');
    });

    it('malformed arguments are a request error', async () => {
      await c.open(uri, TEXT);
      await c.diagnostics(uri);
      await assert.rejects(c.executeCommand(COMMANDS.applyFix, [uri, { version: 'x' }]), /expected \[uri/);
    });
  });
});
