// client/package.json against shared/: the settings (contributes.configuration) must be exactly what
// client/src/manifest.ts generates from shared/src/settings.ts (via config.schema.json) and EditorSettings,
// every contributed command must have a handler, and .vscodeignore must keep only what ships.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { COMMANDS, DEFAULT_EDITOR_SETTINGS, DEFAULT_SETTINGS, normalizeSettings } from '@pg-preflight/shared';
import { CLIENT_COMMANDS, SERVER_COMMANDS } from '../../src/commandIds';
import { EDITOR_SETTINGS_SCHEMA, expectedSettingKeys, generateActivationEvents, generateConfiguration } from '../../src/manifest';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'client', 'package.json'), 'utf8'));
const configSchema = JSON.parse(fs.readFileSync(path.join(ROOT, 'shared', 'schemas', 'config.schema.json'), 'utf8'));
const props: Record<string, any> = pkg.contributes.configuration.properties;

describe('client/package.json settings and shared/src/settings.ts', () => {
  it('contributes.configuration is what the generator makes from shared/ (else: npm run -w client gen:manifest)', () => {
    assert.deepEqual(pkg.contributes.configuration, generateConfiguration(configSchema));
  });

  it('has exactly one pgPreflight.<key> per key of Settings and EditorSettings', () => {
    assert.deepEqual(
      Object.keys(props).sort(),
      expectedSettingKeys()
        .map((k) => `pgPreflight.${k}`)
        .sort(),
    );
    assert.deepEqual(Object.keys(EDITOR_SETTINGS_SCHEMA).sort(), Object.keys(DEFAULT_EDITOR_SETTINGS).sort());
  });

  it('has the defaults of DEFAULT_SETTINGS and DEFAULT_EDITOR_SETTINGS', () => {
    for (const [k, v] of Object.entries({ ...DEFAULT_SETTINGS, ...DEFAULT_EDITOR_SETTINGS }))
      assert.deepEqual(props[`pgPreflight.${k}`].default, v, k);
  });

  it('describes every setting and gives it a scope', () => {
    for (const [k, p] of Object.entries(props)) {
      assert.ok(typeof p.description === 'string' && p.description.length > 20, `${k} description`);
      assert.ok(
        ['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable'].includes(p.scope),
        `${k} scope`,
      );
    }
  });

  it('offers for pgVersion, runner and rule levels exactly the values normalizeSettings accepts', () => {
    for (const v of props['pgPreflight.pgVersion'].enum) assert.deepEqual(normalizeSettings({ pgVersion: v }).problems, [], String(v));
    assert.deepEqual(normalizeSettings({ pgVersion: 10 }).problems.length, 1);
    assert.equal(props['pgPreflight.pgVersion'].enum.length, 9);
    for (const v of props['pgPreflight.runner'].enum) assert.deepEqual(normalizeSettings({ runner: v }).problems, [], v);
    for (const v of props['pgPreflight.rules'].additionalProperties.enum)
      assert.deepEqual(normalizeSettings({ rules: { x: v } }).problems, [], v);
  });

  it('lists the editor-only settings the issue asks for, and the statsFile the export writes', () => {
    for (const k of [
      'statsRefreshMinutes',
      'allowEnvDatabaseUrl',
      'trace.server',
      'statsFile',
      'severityScaling',
      'pgVersion',
      'runner',
      'migrationGlobs',
      'lockTimeout',
      'statementTimeout',
      'rules',
    ]) {
      assert.ok(props[`pgPreflight.${k}`], k);
    }
    assert.equal(props['pgPreflight.statsRefreshMinutes'].default, 10);
    assert.deepEqual(
      Object.keys(props).filter((k) => /password|secret|connection|databaseUrl$/i.test(k) && k !== 'pgPreflight.allowEnvDatabaseUrl'),
      [],
      'no setting holds a connection URL',
    );
  });

  it('restricts the settings an untrusted workspace could abuse', () => {
    const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
    assert.ok(restricted.includes('pgPreflight.allowEnvDatabaseUrl'));
    assert.ok(restricted.includes('pgPreflight.scratchDatabaseUrls'));
    assert.ok(restricted.includes('pgPreflight.statsFile'));
    // a URL the hovers link to: a repository's .vscode/settings.json must not choose it either
    assert.ok(restricted.includes('pgPreflight.docsBaseUrl'));
    for (const r of restricted) assert.ok(props[r], r);
  });

  it('activates on sql, postgres and each default migration folder', () => {
    assert.deepEqual(pkg.activationEvents, generateActivationEvents());
    for (const g of DEFAULT_SETTINGS.migrationGlobs) assert.ok(pkg.activationEvents.includes(`workspaceContains:${g}`), g);
  });
});

describe('client/package.json commands', () => {
  const contributed: string[] = pkg.contributes.commands.map((c: { command: string }) => c.command);

  it("every contributed command is the client's or the server's, and every one of those is contributed", () => {
    const handled = new Set<string>([...CLIENT_COMMANDS, ...SERVER_COMMANDS]);
    for (const c of contributed) assert.ok(handled.has(c), `${c} has no handler`);
    for (const c of handled) assert.ok(contributed.includes(c), `${c} is not contributed`);
    for (const c of Object.values(COMMANDS)) assert.ok(contributed.includes(c), c);
  });

  it('has the titles of the issue under the pg-preflight category', () => {
    const titles = pkg.contributes.commands.map((c: { title: string; category: string }) => `${c.category}: ${c.title}`);
    for (const t of [
      'Connect to Database…',
      'Disconnect',
      'Refresh Statistics',
      'Export Statistics Snapshot…',
      'Split into Zero-Downtime Steps',
      'Insert Safety Header',
      'Verify Locks (Dry Run)',
      'Show Lock Analysis',
      'New Migration…',
      'Show Server Logs',
    ]) {
      assert.ok(titles.includes(`pg-preflight: ${t}`), t);
    }
  });

  it('registers the postgres language and the injection grammar for sql and postgres', () => {
    const lang = pkg.contributes.languages.find((l: { id: string }) => l.id === 'postgres');
    assert.deepEqual(lang.extensions, ['.pgsql', '.psql']);
    const inj = pkg.contributes.grammars.find((g: { injectTo?: string[] }) => g.injectTo);
    assert.deepEqual(inj.injectTo, ['source.sql', 'source.pgsql']);
    for (const g of pkg.contributes.grammars) assert.ok(fs.existsSync(path.join(ROOT, g.path)), g.path);
  });
});

describe('.vscodeignore', () => {
  it('keeps only the bundles, the WASM, PGlite (the dry run), syntaxes, the icon, README, CHANGELOG and LICENSE', () => {
    const lines = fs
      .readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    assert.equal(lines[0], '**', 'ignore everything first');
    assert.deepEqual(
      lines.slice(1).sort(),
      [
        '!CHANGELOG.md',
        '!LICENSE',
        '!README.md',
        '!images/icon.png',
        '!out/extension.js',
        '!out/libpg-query.wasm',
        '!out/node_modules/@electric-sql/pglite/**',
        '!out/server.js',
        '!out/analysis-worker.js',
        '!package.json',
        '!syntaxes/*.json',
      ].sort(),
    );
  });
});
