// Where the benches find the tools they measure pg-preflight against: the peers' native binaries, from
// the root package.json's optional dependencies (installed on linux-x64 only), and the parse-only floor.
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

export const SQUAWK_PACKAGE = '@squawk-cli/linux-x64';
export const SQUAWK = path.join(ROOT, 'node_modules', SQUAWK_PACKAGE, 'bin/squawk');
export const PGLS = path.join(ROOT, 'node_modules/@postgres-language-server/cli-x86_64-linux-gnu/postgres-language-server');
/** node + libpg-query's WASM + one parse per file, no analysis (parse-floor.ts). */
export const PARSE_FLOOR_SCRIPT = path.join(__dirname, 'parse-floor.js');
