#!/usr/bin/env node
'use strict';
// One-shot commands: compile libpg-query's WASM with V8's baseline compiler only. Otherwise V8 also
// recompiles it with TurboFan in the background and node waits for that at exit (a third of a short
// run, twice the memory; findings are the same). The language server and the MCP server live long
// enough to profit from the optimised code, so `pg-preflight lsp` and `mcp` keep the default.
const command = process.argv[2];
const oneShot = command !== 'lsp' && command !== 'mcp';
if (oneShot) require('v8').setFlagsFromString('--liftoff-only');
// `lsp` and `mcp` start without loading the other commands and their reporters (cold start); the
// others run from the CLI's bundle and its code cache when the build made them (dist/src/cli/bundle.js).
const run =
  command === 'lsp'
    ? require('../dist/src/cli/lsp.js').lspCommand(process.argv.slice(3))
    : command === 'mcp'
      ? require('../dist/src/cli/mcp.js').mcpCommand(process.argv.slice(3))
      : require('../dist/src/cli/bundle.js').loadCli().main(process.argv.slice(2));
run.then(
  (code) => {
    process.exitCode = code;
    // A one-shot command has finished its work (every write and connection is awaited in main()): once
    // the output has left the process, exit now instead of waiting for node's teardown (a few ms).
    if (oneShot && process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
  },
  (err) => {
    process.stderr.write(`pg-preflight: internal error: ${err?.stack || err}\n`);
    process.exitCode = 2;
  },
);
