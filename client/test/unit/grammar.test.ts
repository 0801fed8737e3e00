// Grammar snapshot tests: the injection grammar (syntaxes/pg-preflight.injection.json) tokenized the way
// VS Code does it (vscode-textmate + vscode-oniguruma, VS Code's own SQL grammar as the host), compared
// with test-fixtures/grammar/<file>.snap. UPDATE_SNAPSHOTS=1 rewrites them.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const FIXTURES = path.join(ROOT, 'test-fixtures', 'grammar');
const SYNTAXES = path.join(ROOT, 'syntaxes');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'client', 'package.json'), 'utf8'));

const GRAMMAR_FILES: Record<string, string> = {
  'source.sql': path.join(FIXTURES, 'sql.tmLanguage.json'),
  'source.pgsql': path.join(SYNTAXES, 'pgsql.tmLanguage.json'),
  'pg-preflight.injection': path.join(SYNTAXES, 'pg-preflight.injection.json'),
};

let registry: vsctm.Registry;

before(async () => {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const injections = (manifest.contributes.grammars as { scopeName: string; injectTo?: string[] }[]).filter((g) => g.injectTo);
  registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      const file = GRAMMAR_FILES[scopeName];
      if (!file) return null;
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
    // As VS Code does for contributes.grammars[].injectTo.
    getInjections: (scopeName) => injections.filter((g) => g.injectTo!.includes(scopeName)).map((g) => g.scopeName),
  });
});

/** One line per token: `<line>:<start>-<end> "text" scopes` (the root scope left out). */
async function tokenize(file: string, scopeName: string): Promise<string> {
  const grammar = await registry.loadGrammar(scopeName);
  assert.ok(grammar, `grammar ${scopeName}`);
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  let ruleStack = vsctm.INITIAL;
  const out: string[] = [];
  lines.forEach((line, i) => {
    const r = grammar.tokenizeLine(line, ruleStack);
    out.push(`${i + 1}| ${line}`);
    for (const t of r.tokens) {
      const text = line.slice(t.startIndex, t.endIndex);
      if (!text.trim()) continue;
      out.push(`  ${t.startIndex}-${t.endIndex} ${JSON.stringify(text)} ${t.scopes.slice(1).join(' ')}`);
    }
    ruleStack = r.ruleStack;
  });
  return out.join('\n') + '\n';
}

const cases: [string, string][] = [
  ['directives.sql', 'source.sql'],
  ['keywords.sql', 'source.sql'],
  ['postgres-language.pgsql', 'source.pgsql'],
];

describe('TextMate injection grammar (snapshots)', () => {
  for (const [name, scope] of cases) {
    it(`${name} tokenizes as in ${name}.snap`, async () => {
      const actual = await tokenize(path.join(FIXTURES, name), scope);
      const snap = path.join(FIXTURES, `${name}.snap`);
      if (process.env.UPDATE_SNAPSHOTS || !fs.existsSync(snap)) fs.writeFileSync(snap, actual);
      assert.equal(actual, fs.readFileSync(snap, 'utf8'));
    });
  }

  // The snapshots hold the detail; these say what must be true of them, so a careless snapshot update fails.
  const scopesAt = async (text: string, needle: string, scope = 'source.sql'): Promise<string[]> => {
    const grammar = (await registry.loadGrammar(scope))!;
    const r = grammar.tokenizeLine(text, vsctm.INITIAL);
    const at = text.indexOf(needle);
    assert.ok(at >= 0, needle);
    const t = r.tokens.find((x) => x.startIndex <= at && at < x.endIndex)!;
    return t.scopes;
  };

  it('marks the directive keyword and rule ids, and keeps the line a comment', async () => {
    const line = '-- pg-preflight-ignore drop-column, rename-column: unused since v2';
    assert.ok((await scopesAt(line, 'pg-preflight-ignore')).includes('keyword.control.directive.pg-preflight'));
    const rule = await scopesAt(line, 'rename-column');
    assert.ok(rule.includes('entity.name.tag.rule-id.pg-preflight') && rule.includes('comment.line.double-dash.sql'));
    const reason = await scopesAt(line, 'unused');
    assert.ok(reason.includes('comment.line.double-dash.sql') && !reason.some((s) => s.startsWith('entity.')));
  });

  it('highlights CONCURRENTLY and NOT VALID in code, in either case, and nowhere else', async () => {
    assert.ok(
      (await scopesAt('create index concurrently i on t (c);', 'concurrently')).includes(
        'keyword.control.lock-safe.concurrently.pg-preflight',
      ),
    );
    assert.ok(
      (await scopesAt('ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0) NOT VALID;', 'NOT VALID')).includes(
        'keyword.control.lock-safe.not-valid.pg-preflight',
      ),
    );
    const lockSafe = (s: string[]) => s.some((x) => x.startsWith('keyword.control.lock-safe'));
    assert.ok(!lockSafe(await scopesAt("SELECT 'CONCURRENTLY';", 'CONCURRENTLY')));
    assert.ok(!lockSafe(await scopesAt('-- use CONCURRENTLY', 'CONCURRENTLY')));
    assert.ok(!lockSafe(await scopesAt('SELECT concurrently_log FROM t;', 'concurrently_log')));
    assert.ok(!lockSafe(await scopesAt('SELECT x.concurrently FROM t x;', 'concurrently')));
    assert.ok(lockSafe(await scopesAt('CREATE INDEX CONCURRENTLY i ON t (c);', 'CONCURRENTLY', 'source.pgsql')));
  });
});
