// The layers of the server, as docs/architecture.md states them, checked on the import graph:
//   shared <- core <- project <- (cli | lsp | trace | mcp), with cli -> lsp only for the `lsp` command and
//   cli -> mcp only for the `mcp` command.
// The core imports no Node module and no I/O part of shared; only lsp/ sees LSP types, only mcp/ the MCP
// SDK. A new edge that breaks a rule fails here with the file and the import.
import { strict as assert } from 'node:assert';
import { builtinModules } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const SRC = path.resolve(__dirname, '..', '..', 'src');
type Layer = 'core' | 'project' | 'cli' | 'lsp' | 'trace' | 'mcp' | 'entry';

/** Which layers each layer may import (its own included). */
const ALLOWED: Record<Layer, Layer[]> = {
  core: ['core'],
  project: ['core', 'project'],
  trace: ['core', 'project', 'trace'],
  lsp: ['core', 'project', 'trace', 'lsp'],
  mcp: ['core', 'project', 'trace', 'mcp'],
  cli: ['core', 'project', 'trace', 'cli'],
  entry: ['core'],
};
/** The one file of the CLI that may start each server: the command's entry file. */
const CLI_ENTRY: Partial<Record<Layer, string>> = { lsp: 'cli/lsp.ts', mcp: 'cli/mcp.ts' };
/** Packages the pure core may use: the parser, its AST types and shared's pure entry. */
const CORE_PACKAGES = new Set(['libpg-query', '@pgsql/types', '@pg-preflight/shared']);
const LSP_PACKAGES = /^vscode-languageserver/;
const MCP_PACKAGES = /^@modelcontextprotocol\//;

function layerOf(rel: string): Layer {
  const top = rel.split('/')[0];
  if (top === 'index.ts') return 'entry';
  if (['core', 'project', 'cli', 'lsp', 'trace', 'mcp'].includes(top)) return top as Layer;
  throw new Error(`${rel}: a file outside the known layers; add its folder to the layer table`);
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every module specifier a file imports, statically or lazily (import(), require()): TypeScript's own scanner. */
export function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

describe('layers: the import graph', () => {
  const files = sourceFiles(SRC).map((abs) => ({ abs, rel: path.relative(SRC, abs).split(path.sep).join('/') }));

  it('finds the source tree', () => {
    assert.ok(files.length > 100, `only ${files.length} files under ${SRC}`);
    assert.deepEqual(
      importsOf(`import { a } from './x';\nconst y = await import('../y');\n// import z from 'node:fs'\nexport * from "./w";`),
      ['./x', '../y', './w'],
    );
  });

  it('every import follows the layer rules', () => {
    const broken: string[] = [];
    for (const f of files) {
      const from = layerOf(f.rel);
      for (const spec of importsOf(fs.readFileSync(f.abs, 'utf8'))) {
        if (spec.startsWith('.')) {
          const target = path
            .relative(SRC, path.resolve(path.dirname(f.abs), spec))
            .split(path.sep)
            .join('/');
          if (target.startsWith('..')) {
            broken.push(`${f.rel} imports ${spec}, outside server/src`);
            continue;
          }
          const to = layerOf(target === '' ? 'index.ts' : target);
          const allowed = ALLOWED[from].includes(to) || (from === 'cli' && CLI_ENTRY[to] === f.rel);
          if (!allowed) broken.push(`${f.rel} (${from}) imports ${spec} (${to})`);
          continue;
        }
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        const isNode = spec.startsWith('node:') || builtinModules.includes(pkg);
        if (from === 'core' || from === 'entry') {
          if (isNode) broken.push(`${f.rel} (core) imports the Node module ${spec}`);
          else if (!CORE_PACKAGES.has(pkg))
            broken.push(`${f.rel} (core) imports ${spec}: the core uses only ${[...CORE_PACKAGES].join(', ')}`);
          else if (pkg === '@pg-preflight/shared' && spec !== pkg) broken.push(`${f.rel} (core) imports ${spec}: only shared's pure entry`);
        }
        if (LSP_PACKAGES.test(spec) && from !== 'lsp') broken.push(`${f.rel} (${from}) imports ${spec}: only lsp/ sees LSP types`);
        if (MCP_PACKAGES.test(spec) && from !== 'mcp') broken.push(`${f.rel} (${from}) imports ${spec}: only mcp/ uses the MCP SDK`);
      }
    }
    assert.deepEqual(broken, []);
  });
});
