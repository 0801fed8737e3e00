#!/usr/bin/env node
// npm run package: the .vsix.
//  1. esbuild: one client bundle (client/src/extension.ts), one server bundle (server/src/lsp/main.ts) and
//     the server's analysis worker (server/src/lsp/analysis-worker.ts, started from beside server.js), minified, into client/dist/vsix/out/; the libpg-query WASM is copied next to the server bundle
//     (emscripten loads it from the bundle's own directory). PGlite (the dry run's embedded engine) stays
//     a package: its CommonJS entry, WASM, data and extension files are copied to out/node_modules/,
//     where the server bundle's require() finds them (vsce skips only the top-level node_modules).
//  2. Stages the extension in client/dist/vsix: the manifest (client/package.json without the workspace
//     fields, named pg-preflight), syntaxes/, the icon, README (docs/vscode.md), CHANGELOG, LICENSE and the
//     root .vscodeignore.
//  3. @vscode/vsce package -> pg-preflight-<version>.vsix at the repository root, then checks that the
//     archive holds exactly the expected files and prints its size.
// Flags: --no-vsix (bundle and stage only: the extension tests run the staged folder), --dev (no minify).
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const CLIENT = path.join(ROOT, 'client');
const STAGE = path.join(CLIENT, 'dist', 'vsix');
const OUT = path.join(STAGE, 'out');
const args = new Set(process.argv.slice(2));
const dev = args.has('--dev');

const REPOSITORY = 'https://github.com/pg-preflight/pg-preflight';
/** What the .vsix must hold, besides vsce's own [Content_Types].xml and extension.vsixmanifest. */
const EXPECTED = [
  'extension/package.json',
  'extension/out/extension.js',
  'extension/out/server.js',
  'extension/out/analysis-worker.js',
  'extension/out/libpg-query.wasm',
  'extension/syntaxes/pg-preflight.injection.json',
  'extension/syntaxes/pgsql.tmLanguage.json',
  'extension/syntaxes/postgres.language-configuration.json',
  'extension/images/icon.png',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
];

// The package's exports hide package.json: its root is two levels above the CommonJS entry (dist/index.cjs).
const PGLITE_SRC = path.resolve(path.dirname(require.resolve('@electric-sql/pglite', { paths: [path.join(ROOT, 'server')] })), '..');
const PGLITE_OUT = path.join(OUT, 'node_modules', '@electric-sql', 'pglite');

/** PGlite's files that run in Node: the CommonJS entry points, the WASM, the data file and the extensions. */
function pgliteFiles() {
  const out = ['package.json', 'LICENSE'];
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(PGLITE_SRC, rel), { withFileTypes: true })) {
      const r = path.posix.join(rel, e.name);
      if (e.isDirectory()) {
        if (r === 'dist/contrib') walk(r);
      } else if (/\.(cjs|wasm|data|tar\.gz)$/.test(e.name) && !/\.d\.cts$/.test(e.name)) out.push(r);
    }
  };
  walk('dist');
  return out;
}

function stagePglite() {
  const files = pgliteFiles();
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(PGLITE_OUT, f)), { recursive: true });
    fs.copyFileSync(path.join(PGLITE_SRC, f), path.join(PGLITE_OUT, f));
  }
  return files.map((f) => `extension/out/node_modules/@electric-sql/pglite/${f}`);
}

async function bundle() {
  const esbuild = require('esbuild');
  fs.rmSync(STAGE, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    minify: !dev,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    // pg's optional native binding and its Cloudflare socket shim are never used here. PGlite ships as a
    // package beside the bundle (stagePglite): it loads its WASM and data files from its own directory.
    external: ['vscode', 'pg-native', 'cloudflare:sockets', '@electric-sql/pglite'],
  };
  const client = await esbuild.build({
    ...common,
    entryPoints: [path.join(CLIENT, 'src', 'extension.ts')],
    outfile: path.join(OUT, 'extension.js'),
  });
  const server = await esbuild.build({
    ...common,
    entryPoints: [path.join(ROOT, 'server', 'src', 'lsp', 'main.ts')],
    outfile: path.join(OUT, 'server.js'),
  });
  // The worker thread that analyses large documents: remote.ts starts <bundle dir>/analysis-worker.js.
  const worker = await esbuild.build({
    ...common,
    entryPoints: [path.join(ROOT, 'server', 'src', 'lsp', 'analysis-worker.ts')],
    outfile: path.join(OUT, 'analysis-worker.js'),
  });
  const wasm = path.join(path.dirname(require.resolve('libpg-query', { paths: [path.join(ROOT, 'server')] })), 'libpg-query.wasm');
  fs.copyFileSync(wasm, path.join(OUT, 'libpg-query.wasm'));
  if ([server, worker].some((b) => Object.keys(b.metafile.inputs).some((i) => i.includes('@electric-sql/pglite'))))
    throw new Error('PGlite got bundled into out/server.js; it must stay an external package');
  // The client may use the core's runner conventions (plain functions) but nothing else of the server.
  if (
    Object.keys(client.metafile.inputs).some(
      (i) =>
        /node_modules\/vscode-languageserver\/|(^|\/)server\/(dist\/)?src\//.test(i) &&
        !/server\/(dist\/)?src\/core\/migrations\/naming\.[jt]s$/.test(i),
    )
  ) {
    throw new Error('the client bundle pulls in server code beyond the runner conventions');
  }
  for (const f of ['extension.js', 'server.js', 'analysis-worker.js', 'libpg-query.wasm'])
    console.log(`  out/${f}  ${(fs.statSync(path.join(OUT, f)).size / 1024).toFixed(0)} KiB`);
  const pglite = stagePglite();
  const bytes = pglite.reduce((n, f) => n + fs.statSync(path.join(STAGE, f.replace(/^extension\//, ''))).size, 0);
  console.log(`  out/node_modules/@electric-sql/pglite  ${pglite.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB`);
  return pglite;
}

function stage() {
  const pkg = JSON.parse(fs.readFileSync(path.join(CLIENT, 'package.json'), 'utf8'));
  const manifest = { ...pkg, name: 'pg-preflight' };
  for (const k of ['private', 'scripts', 'dependencies', 'devDependencies']) delete manifest[k];
  fs.writeFileSync(path.join(STAGE, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  fs.mkdirSync(path.join(STAGE, 'syntaxes'), { recursive: true });
  for (const f of fs.readdirSync(path.join(ROOT, 'syntaxes')))
    if (f.endsWith('.json')) fs.copyFileSync(path.join(ROOT, 'syntaxes', f), path.join(STAGE, 'syntaxes', f));
  fs.mkdirSync(path.join(STAGE, 'images'), { recursive: true });
  fs.copyFileSync(path.join(CLIENT, 'images', 'icon.png'), path.join(STAGE, 'images', 'icon.png'));
  // The Marketplace page: docs/vscode.md, its relative links made absolute (the .vsix has no docs/).
  const readme = fs
    .readFileSync(path.join(ROOT, 'docs', 'vscode.md'), 'utf8')
    .replace(/\]\((?!https?:|#|mailto:)([^)]+)\)/g, (_m, link) => {
      const abs = path.posix.normalize(path.posix.join('docs', link));
      return `](${REPOSITORY}/${/\.(png|gif|jpe?g)$/i.test(abs) ? 'raw' : 'blob'}/HEAD/${abs})`;
    });
  fs.writeFileSync(path.join(STAGE, 'README.md'), readme);
  fs.copyFileSync(path.join(CLIENT, 'CHANGELOG.md'), path.join(STAGE, 'CHANGELOG.md'));
  fs.copyFileSync(path.join(CLIENT, 'LICENSE'), path.join(STAGE, 'LICENSE'));
  fs.copyFileSync(path.join(ROOT, '.vscodeignore'), path.join(STAGE, '.vscodeignore'));
  return manifest;
}

function zipEntries(file) {
  // The central directory of a zip: enough to list names without an unzip dependency.
  const buf = fs.readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${file} is not a zip archive`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    const nameLen = buf.readUInt16LE(p + 28);
    const extra = buf.readUInt16LE(p + 30);
    const comment = buf.readUInt16LE(p + 32);
    names.push(buf.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extra + comment;
  }
  return names;
}

async function main() {
  console.log('pg-preflight: bundling');
  const pgliteShipped = await bundle();
  const manifest = stage();
  if (args.has('--no-vsix')) {
    console.log(`staged ${STAGE}`);
    return;
  }
  const vsix = path.join(ROOT, `pg-preflight-${manifest.version}.vsix`);
  fs.rmSync(vsix, { force: true });
  const vsce = require.resolve('@vscode/vsce/vsce', { paths: [ROOT] });
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', vsix], {
    cwd: STAGE,
    stdio: 'inherit',
    env: { ...process.env, VSCE_TELEMETRY: 'off' },
  });
  const names = zipEntries(vsix)
    .filter((n) => !/^\[Content_Types\]\.xml$|^extension\.vsixmanifest$/.test(n))
    .sort();
  const expected = [...EXPECTED, ...pgliteShipped].sort();
  const extra = names.filter((n) => !expected.includes(n));
  const missing = expected.filter((n) => !names.includes(n));
  if (extra.length || missing.length) {
    throw new Error(
      `the .vsix does not hold exactly the expected files:${extra.length ? ` unexpected ${extra.join(', ')};` : ''}${missing.length ? ` missing ${missing.join(', ')}` : ''}`,
    );
  }
  const size = fs.statSync(vsix).size;
  console.log(`pg-preflight: ${path.relative(ROOT, vsix)}  ${(size / 1024 / 1024).toFixed(2)} MiB (${size} bytes), ${names.length} files`);
}

main().catch((err) => {
  console.error(`pg-preflight package: ${err.message ?? err}`);
  process.exit(1);
});
