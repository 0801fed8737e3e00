// Minimal globbing for quoted patterns (`'supabase/migrations/*.sql'`, `migrations/**/*.sql`) and for
// the migrationGlobs setting: *, ?, **, [abc], [!abc] and {a,b}. Paths use forward slashes.
import * as path from 'node:path';
import { ALWAYS_SKIPPED_DIRS, walk } from './fsutil';

const MAGIC = /[*?[\]{}]/;

export function hasGlobMagic(s: string): boolean {
  return MAGIC.test(s);
}

/** The regular expression a glob pattern (forward slashes) matches whole paths with. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        const atStart = i === 0 || pattern[i - 1] === '/';
        const atEnd = i + 2 === pattern.length || pattern[i + 2] === '/';
        if (atStart && atEnd) {
          // "**/" : any number of folders (also none); a trailing "**": anything below.
          if (pattern[i + 2] === '/') {
            re += '(?:[^/]*/)*';
            i += 2;
          } else {
            re += '.*';
            i += 1;
          }
          continue;
        }
        i += 1;
      }
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, close);
      if (body.startsWith('!')) body = '^' + body.slice(1);
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]);
    else re += escapeRe(c);
  }
  while (braces-- > 0) re += ')';
  return new RegExp(`^${re}$`);
}

function escapeRe(c: string): string {
  return /[.+^$()|\\/{}[\]*?]/.test(c) ? `\\${c}` : c;
}

/**
 * Files under `base` matching `pattern` (relative to `base`, or absolute), sorted, as absolute
 * paths. node_modules and .git are never entered unless the pattern names them.
 */
export function expandGlob(pattern: string, base: string): string[] {
  const p = toSlashes(pattern);
  const parts = p.split('/');
  // The static prefix: the folders before the first part with glob magic.
  let k = 0;
  while (k < parts.length - 1 && !hasGlobMagic(parts[k])) k++;
  const prefix = parts.slice(0, k).join('/');
  const root = path.resolve(base, prefix === '' && p.startsWith('/') ? '/' : prefix);
  const rest = parts.slice(k);
  const matcher = globToRegExp(rest.join('/'));
  const deep = rest.some((r) => r.includes('**'));
  const maxDepth = rest.length - 1;
  const named = new Set(rest.filter((r) => ALWAYS_SKIPPED_DIRS.has(r)));
  const out: string[] = [];
  walk(
    root,
    (dir, name) => {
      if (ALWAYS_SKIPPED_DIRS.has(name) && !named.has(name)) return false;
      return deep || depthBelow(root, dir) <= maxDepth;
    },
    (file) => {
      if (matcher.test(toSlashes(path.relative(root, file)))) out.push(file);
    },
  );
  return out.sort();
}

/** Whether `rel` (a forward-slash path relative to the globs' base) matches any pattern. */
export function matchesAny(patterns: RegExp[], rel: string): boolean {
  return patterns.some((re) => re.test(rel));
}

function depthBelow(root: string, dir: string): number {
  return path.relative(root, dir).split(path.sep).length;
}

export function toSlashes(p: string): string {
  return path.sep === '\\' ? p.replace(/\\/g, '/') : p;
}
