// The floor under any node tool that parses with libpg-query, pg-preflight's parser: node's own start,
// loading the WASM (with V8's flags as bin/pg-preflight.js sets them for one-shot commands) and one
// parseSync of the whole file, no analysis. `npm run bench` runs it beside the CLI, so the share of a run
// the parser alone takes is measured in the same run, not assumed.
// Usage: node server/dist/bench/parse-floor.js FILE...  (prints the number of statements parsed)
import * as fs from 'node:fs';
import * as v8 from 'node:v8';

v8.setFlagsFromString('--liftoff-only');

async function run(): Promise<void> {
  const pg = require('libpg-query') as typeof import('libpg-query');
  await pg.loadModule();
  let statements = 0;
  for (const file of process.argv.slice(2)) {
    const text = fs.readFileSync(file, 'utf8');
    if (text.trim() === '') continue;
    try {
      statements += pg.parseSync(text).stmts?.length ?? 0;
    } catch {
      // A file with a syntax error still costs its parse; the floor does not need its statements.
    }
  }
  process.stdout.write(`${statements}\n`);
}

run().catch((err) => {
  process.stderr.write(`parse-floor: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
