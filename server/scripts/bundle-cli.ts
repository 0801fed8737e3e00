// The last step of `npm run build`: one esbuild bundle of the CLI and V8's code cache for it (see
// src/cli/bundle.ts for why and how bin/pg-preflight.js uses them).
//
// Bundled: every module of dist/src the one-shot commands reach, so each exists once in the process.
// Left outside: npm packages with files of their own (libpg-query's and PGlite's WASM, pg) or only the
// servers need (the MCP SDK, zod, vscode-languageserver), and the language server itself (dist/src/lsp,
// whose worker is a file beside it; `lsp` never runs from the bundle).
//
// The code cache is made the way it is used: V8's flags as the bin sets them for a one-shot command, then
// one `check` of the demo project (test-fixtures/demo) in this process, so the functions a check runs are
// compiled into the cache.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { BUNDLE_FILE, CODE_CACHE_FILE, loadCli, writeCodeCache } from '../src/cli/bundle';

// As bin/pg-preflight.js does for every command but lsp and mcp; a cache made under other flags is rejected.
v8.setFlagsFromString('--liftoff-only');

const SRC = path.resolve(__dirname, '..', 'src');
const ROOT = path.resolve(__dirname, '..', '..', '..');
const DEMO = path.join(ROOT, 'test-fixtures', 'demo');
const EXTERNAL_PACKAGES = [
  'libpg-query',
  '@electric-sql/pglite',
  'pg',
  'pg-native',
  'zod',
  '@modelcontextprotocol/*',
  'vscode-languageserver',
  'vscode-languageserver/*',
  'vscode-languageserver-textdocument',
];
const LANGUAGE_SERVER = path.join(SRC, 'lsp') + path.sep;

async function bundle(): Promise<number> {
  const esbuild = require('esbuild') as typeof import('esbuild');
  const result = await esbuild.build({
    entryPoints: [path.join(SRC, 'cli', 'main.js')],
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    outfile: BUNDLE_FILE,
    external: EXTERNAL_PACKAGES,
    logLevel: 'warning',
    metafile: true,
    plugins: [
      {
        name: 'language-server-outside',
        setup(build) {
          build.onResolve({ filter: /^\.\.?\// }, (args) => {
            const abs = path.resolve(args.resolveDir, args.path);
            if (!abs.startsWith(LANGUAGE_SERVER)) return undefined;
            // Required relative to the bundle's own folder at run time.
            const rel = path.relative(path.dirname(BUNDLE_FILE), abs).split(path.sep).join('/');
            return { path: rel.endsWith('.js') ? rel : `${rel}.js`, external: true };
          });
        },
      },
    ],
  });
  return Object.values(result.metafile?.outputs ?? {})[0]?.bytes ?? 0;
}

async function warmUpAndCache(): Promise<number> {
  const cli = loadCli();
  if (!cli.script) throw new Error(`the bundle ${BUNDLE_FILE} did not load`);
  const sink = { write: () => true };
  const code = await cli.main(['check', 'supabase/migrations', '--stats', 'stats.json', '--format', 'json', '--fail-on', 'never'], {
    stdout: sink,
    stderr: sink,
    cwd: DEMO,
    env: {},
  });
  if (code !== 0) throw new Error(`the warm-up check of ${DEMO} exited with ${code}`);
  return writeCodeCache(cli.script);
}

async function run(): Promise<void> {
  fs.rmSync(CODE_CACHE_FILE, { force: true });
  const bytes = await bundle();
  const cacheBytes = await warmUpAndCache();
  if (process.env.PG_PREFLIGHT_BUILD_VERBOSE)
    process.stdout.write(`bundle ${path.relative(ROOT, BUNDLE_FILE)}: ${bytes} bytes, code cache ${cacheBytes} bytes\n`);
}

run().catch((err) => {
  process.stderr.write(`bundle-cli: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
