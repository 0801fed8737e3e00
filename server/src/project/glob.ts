// Globbing for quoted patterns (`'supabase/migrations/*.sql'`, `migrations/**/*.sql`) and for the
// migrationGlobs setting: *, ?, **, [abc], [a-z], [!abc] and {a,b}. Paths use forward slashes.
// A repository's config chooses the patterns, so matching must stay cheap whatever they are: no regular
// expressions (V8 backtracks; picomatch 4 takes minutes on `*a*a*a*a*a*a*a*a*a*a*b` against a 60-character
// name), but a segment-wise matcher with one backtracking point per level (`*` within a name, `**` across
// folders), which is O(pattern × path) per brace alternative. Repeated `**` collapse to one.
import * as path from 'node:path';
import { ALWAYS_SKIPPED_DIRS, walk } from './fsutil';

const MAGIC = /[*?[\]{}]/;
/** Bounds on what a pattern may expand to: a config file has no business with more. */
export const MAX_GLOB_LENGTH = 1000;
export const MAX_BRACE_ALTERNATIVES = 256;

export function hasGlobMagic(s: string): boolean {
  return MAGIC.test(s);
}

/** A malformed pattern; `why` is one line without the pattern's surroundings. */
export class GlobError extends Error {
  override readonly name = 'GlobError';
  constructor(readonly why: string) {
    super(why);
  }
}

type Token = { k: 'lit'; c: string } | { k: 'one' } | { k: 'star' } | { k: 'class'; neg: boolean; ranges: [string, string][] };
type Segment = Token[] | 'globstar';

/** A compiled pattern: `test` matches a whole forward-slash path. */
export interface Glob {
  readonly pattern: string;
  /** The pattern starts with '/' (matches absolute paths). */
  readonly absolute: boolean;
  /** Some alternative holds '**' (matches at any depth). */
  readonly deep: boolean;
  /** The most path segments any alternative without '**' matches. */
  readonly maxSegments: number;
  test(p: string): boolean;
}

/** Compiles a pattern; throws GlobError when it is malformed (unclosed [ or {, a range such as z-a, too long). */
export function compileGlob(pattern: string): Glob {
  if (pattern.length > MAX_GLOB_LENGTH) throw new GlobError(`pattern is too long (${pattern.length} characters, limit ${MAX_GLOB_LENGTH})`);
  if (pattern === '') throw new GlobError('empty pattern');
  const alternatives = expandBraces(pattern).map(parseSegments);
  return {
    pattern,
    absolute: pattern.startsWith('/'),
    deep: alternatives.some((segs) => segs.includes('globstar')),
    maxSegments: Math.max(...alternatives.map((s) => s.length)),
    test: (p: string) => {
      const parts = p.split('/').filter((s, i) => s !== '' || i === 0);
      if (parts[0] === '') parts.shift();
      return alternatives.some((segs) => matchPath(segs, parts));
    },
  };
}

/** Why a pattern is malformed, or undefined when it compiles. */
export function globProblem(pattern: string): string | undefined {
  try {
    compileGlob(pattern);
    return undefined;
  } catch (err) {
    if (err instanceof GlobError) return err.why;
    throw err;
  }
}

/**
 * Why a pattern from a repository's config may not be used there: malformed, or reaching outside the
 * folder it is relative to (absolute, a drive letter, or a '..' segment).
 */
export function confinedGlobProblem(pattern: string): string | undefined {
  const p = toSlashes(pattern);
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.startsWith('\\'))
    return 'must be relative to the project root (no leading / or drive letter)';
  if (p.split('/').some((s) => s === '..')) return "must stay inside the project root (no '..')";
  return globProblem(pattern);
}

/** {a,b} alternatives, nested braces included; backslash escapes are kept for the segment parser. */
function expandBraces(pattern: string): string[] {
  // Find the first top-level {...} that holds a comma; expand it and recurse on each result.
  let depth = 0;
  let open = -1;
  const commas: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      // braces inside a class are literal
      const close = classEnd(pattern, i);
      if (close > i) i = close;
      continue;
    }
    if (c === '{') {
      if (depth === 0) {
        open = i;
        commas.length = 0;
      }
      depth++;
    } else if (c === '}') {
      if (depth === 0) throw new GlobError("unmatched '}' (write \\} for a literal brace)");
      depth--;
      if (depth === 0) {
        if (commas.length === 0) {
          // {a}: no alternatives, the braces just group
          return expandBraces(pattern.slice(0, open) + pattern.slice(open + 1, i) + pattern.slice(i + 1));
        }
        const head = pattern.slice(0, open);
        const tail = pattern.slice(i + 1);
        const bounds = [open, ...commas, i];
        const out: string[] = [];
        for (let k = 0; k + 1 < bounds.length; k++) {
          for (const x of expandBraces(head + pattern.slice(bounds[k] + 1, bounds[k + 1]) + tail)) {
            out.push(x);
            if (out.length > MAX_BRACE_ALTERNATIVES) throw new GlobError(`expands to more than ${MAX_BRACE_ALTERNATIVES} alternatives`);
          }
        }
        return out;
      }
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  if (depth > 0) throw new GlobError("unclosed '{' (write \\{ for a literal brace)");
  return [pattern];
}

/** Index of the ']' closing the class opened at `i`, or -1. A ']' right after '[' or '[!' is literal. */
function classEnd(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === '!' || p[j] === '^') j++;
  if (p[j] === ']') j++;
  for (; j < p.length; j++) {
    if (p[j] === '\\') j++;
    else if (p[j] === ']') return j;
  }
  return -1;
}

function parseSegments(alt: string): Segment[] {
  const raw: string[] = [];
  let cur = '';
  for (let i = 0; i < alt.length; i++) {
    const c = alt[i];
    if (c === '\\' && i + 1 < alt.length) {
      cur += c + alt[++i];
    } else if (c === '[') {
      const close = classEnd(alt, i);
      if (close < 0) throw new GlobError("unclosed '[' (write \\[ for a literal bracket)");
      cur += alt.slice(i, close + 1);
      i = close;
    } else if (c === '/') {
      raw.push(cur);
      cur = '';
    } else cur += c;
  }
  raw.push(cur);
  const segs: Segment[] = [];
  for (const r of raw) {
    if (r === '') continue; // leading '/', 'a//b', trailing '/'
    if (r === '**') {
      if (segs[segs.length - 1] !== 'globstar') segs.push('globstar');
      continue;
    }
    segs.push(parseTokens(r));
  }
  return segs;
}

function parseTokens(seg: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') {
      // '**' inside a name ('a**b') is a plain '*'; consecutive stars are one.
      if (out[out.length - 1]?.k !== 'star') out.push({ k: 'star' });
    } else if (c === '?') out.push({ k: 'one' });
    else if (c === '\\' && i + 1 < seg.length) out.push({ k: 'lit', c: seg[++i] });
    else if (c === '[') {
      const close = classEnd(seg, i);
      let j = i + 1;
      const neg = seg[j] === '!' || seg[j] === '^';
      if (neg) j++;
      const ranges: [string, string][] = [];
      let first = true;
      while (j < close || (first && seg[j] === ']')) {
        first = false;
        let lo = seg[j];
        if (lo === '\\') lo = seg[++j];
        j++;
        if (seg[j] === '-' && j + 1 < close) {
          let hi = seg[j + 1];
          j += 2;
          if (hi === '\\') hi = seg[j++];
          if (hi < lo) throw new GlobError(`character range ${lo}-${hi} is out of order`);
          ranges.push([lo, hi]);
        } else ranges.push([lo, lo]);
      }
      out.push({ k: 'class', neg, ranges });
      i = close;
    } else out.push({ k: 'lit', c });
  }
  return out;
}

function tokenMatches(t: Token, c: string): boolean {
  switch (t.k) {
    case 'lit':
      return t.c === c;
    case 'one':
      return true;
    case 'class': {
      const hit = t.ranges.some(([lo, hi]) => c >= lo && c <= hi);
      return hit !== t.neg;
    }
    default:
      return false;
  }
}

/** Wildcard match of one name, with a single backtracking point: O(tokens × characters). */
function matchName(tokens: Token[], name: string): boolean {
  let t = 0;
  let n = 0;
  let starT = -1;
  let starN = 0;
  while (n < name.length) {
    if (t < tokens.length && tokens[t].k === 'star') {
      starT = t++;
      starN = n;
    } else if (t < tokens.length && tokenMatches(tokens[t], name[n])) {
      t++;
      n++;
    } else if (starT >= 0) {
      t = starT + 1;
      n = ++starN;
    } else return false;
  }
  while (t < tokens.length && tokens[t].k === 'star') t++;
  return t === tokens.length;
}

/** The same algorithm one level up: '**' is the star, a name pattern the single item. */
function matchPath(segs: Segment[], parts: string[]): boolean {
  let s = 0;
  let p = 0;
  let starS = -1;
  let starP = 0;
  while (p < parts.length) {
    const seg = segs[s];
    if (seg === 'globstar') {
      starS = s++;
      starP = p;
    } else if (seg !== undefined && matchName(seg, parts[p])) {
      s++;
      p++;
    } else if (starS >= 0) {
      s = starS + 1;
      p = ++starP;
    } else return false;
  }
  while (s < segs.length && segs[s] === 'globstar') s++;
  return s === segs.length;
}

/**
 * Files under `base` matching `pattern` (relative to `base`, or absolute), sorted, as absolute
 * paths. node_modules and .git are never entered unless the pattern names them. Throws GlobError for a
 * malformed pattern.
 */
export function expandGlob(pattern: string, base: string): string[] {
  const p = toSlashes(pattern);
  compileGlob(p); // malformed: say so before walking anything
  const parts = p.split('/');
  // The static prefix: the folders before the first part with glob magic.
  let k = 0;
  while (k < parts.length - 1 && !hasGlobMagic(parts[k])) k++;
  const prefix = parts.slice(0, k).join('/');
  const root = path.resolve(base, prefix === '' && p.startsWith('/') ? '/' : prefix);
  const rest = parts.slice(k);
  const matcher = compileGlob(rest.join('/'));
  const maxDepth = matcher.maxSegments - 1;
  const named = new Set(rest.filter((r) => ALWAYS_SKIPPED_DIRS.has(r)));
  const out: string[] = [];
  walk(
    root,
    (dir, name) => {
      if (ALWAYS_SKIPPED_DIRS.has(name) && !named.has(name)) return false;
      return matcher.deep || depthBelow(root, dir) <= maxDepth;
    },
    (file) => {
      if (matcher.test(toSlashes(path.relative(root, file)))) out.push(file);
    },
  );
  return out.sort();
}

/** Whether `rel` (a forward-slash path relative to the globs' base) matches any pattern. */
export function matchesAny(patterns: Glob[], rel: string): boolean {
  return patterns.some((g) => g.test(rel));
}

function depthBelow(root: string, dir: string): number {
  return path.relative(root, dir).split(path.sep).length;
}

export function toSlashes(p: string): string {
  return path.sep === '\\' ? p.replace(/\\/g, '/') : p;
}
