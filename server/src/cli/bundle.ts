// How bin/pg-preflight.js loads the one-shot commands fast. Loading the CLI from ~160 module files costs
// about 40 ms of a 200-statement check (resolving, reading and compiling each file). `npm run build`
// therefore also writes one esbuild bundle of the CLI (scripts/bundle-cli.ts) and V8's code cache for it,
// made by a warm-up run of `check`: this process then reads two files and compiles nothing it has cached.
//
// The bundle sits at dist/src/bundle/, as deep as dist/src/<layer>/, so the paths the code finds from
// its own folder (the package's package.json, docs/rules) are the same bundled or not. The language
// server is not bundled here (its worker is a file beside it): `lsp` is started from dist/src as before.
//
// V8 checks a code cache only against its own version, flags and the length of the source; the cache
// file therefore records the size and modification time of the bundle it was made from, and is not used
// for any other. Without the bundle (only `tsc` ran) or with a rejected cache, the CLI still runs: from
// the module files, or from the bundle compiled as usual.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

type CliMain = typeof import('./main');

export const BUNDLE_FILE = path.join(__dirname, '..', 'bundle', 'cli.js');
export const CODE_CACHE_FILE = `${BUNDLE_FILE}.code-cache`;

/** What the code cache was made from; a cache for another bundle or node is not offered to V8. */
interface CacheStamp {
  bundleBytes: number;
  bundleMtimeMs: number;
  node: string;
}

export interface LoadedCli {
  main: CliMain['main'];
  /** modules: dist/src files (no bundle); bundle: compiled now; cached: compiled code from the cache. */
  from: 'modules' | 'bundle' | 'cached';
  /** The compiled bundle, for writing its code cache after a warm-up run. */
  script?: vm.Script;
}

function stampOf(bundle: fs.Stats): CacheStamp {
  return { bundleBytes: bundle.size, bundleMtimeMs: bundle.mtimeMs, node: process.version };
}

/** The cached data when the cache file was made from this very bundle by this node, else undefined. */
function readCache(bundle: fs.Stats): Buffer | undefined {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(CODE_CACHE_FILE);
  } catch {
    return undefined;
  }
  const eol = raw.indexOf(10);
  if (eol < 0) return undefined;
  try {
    const stamp = JSON.parse(raw.subarray(0, eol).toString('utf8')) as CacheStamp;
    const want = stampOf(bundle);
    if (stamp.bundleBytes !== want.bundleBytes || stamp.bundleMtimeMs !== want.bundleMtimeMs || stamp.node !== want.node) return undefined;
  } catch {
    return undefined;
  }
  return raw.subarray(eol + 1);
}

/** The CLI's main(): from the bundle (with its code cache when it fits), else from the module files. */
export function loadCli(): LoadedCli {
  let bundle: fs.Stats;
  let source: string;
  try {
    bundle = fs.statSync(BUNDLE_FILE);
    source = fs.readFileSync(BUNDLE_FILE, 'utf8');
  } catch {
    return { main: (require('./main') as CliMain).main, from: 'modules' };
  }
  const cachedData = readCache(bundle);
  // The bundle is CommonJS: run it in the wrapper node gives every module file.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: BUNDLE_FILE,
    cachedData,
  });
  const mod = { exports: {} as CliMain };
  script.runInThisContext()(mod.exports, createRequire(BUNDLE_FILE), mod, BUNDLE_FILE, path.dirname(BUNDLE_FILE));
  return { main: mod.exports.main, from: cachedData && !script.cachedDataRejected ? 'cached' : 'bundle', script };
}

/** Writes the code cache of a bundle that has just run (so the functions it compiled are in the cache). */
export function writeCodeCache(script: vm.Script): number {
  const stamp = JSON.stringify(stampOf(fs.statSync(BUNDLE_FILE)));
  const data = script.createCachedData();
  const tmp = `${CODE_CACHE_FILE}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([Buffer.from(`${stamp}\n`, 'utf8'), data]));
  fs.renameSync(tmp, CODE_CACHE_FILE);
  return data.length;
}
