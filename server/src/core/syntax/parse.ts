// Statement-by-statement parsing with libpg-query (PostgreSQL's own parser, compiled to WASM).
// Split first, parse each statement alone: a syntax error is reported on that statement only and
// every other statement is still analysed. Never throws.
import * as pg from 'libpg-query';
import type { Node } from './ast';
import { OPERATOR_RUN_LIMIT, splitSql, type RawStatement, type SplitResult, type SqlComment } from './split';
import { parseErrorOffset } from './text';
import type { Span } from '../types';

let loaded = false;

/** Loads the WASM parser; front ends await this once before calling analyze(). */
export async function loadParser(): Promise<void> {
  if (loaded) return;
  await pg.loadModule();
  loaded = true;
}

export function parserLoaded(): boolean {
  return loaded;
}

export interface ParsedStatement {
  raw: RawStatement;
  /** The statement's AST ({"AlterTableStmt": {...}}), absent for meta lines and syntax errors. */
  ast?: Node;
  error?: { message: string; span: Span };
}

export interface ParsedFile {
  statements: ParsedStatement[];
  comments: SqlComment[];
}

type ParseOutcome = { ast?: Node; extra?: Node[]; error?: { message: string; offset: number } };

// Per-statement results keyed by text: re-linting after a keystroke re-parses only what changed.
const CACHE_LIMIT = 20_000;
const cache = new Map<string, ParseOutcome>();

/** How many statement texts (and characters) were parsed and how many came from the cache (tests and benchmarks read it). */
export const parseCounters = { parsed: 0, cacheHits: 0, parsedChars: 0 };

/**
 * Deepest AST nesting (objects and arrays) analysed. The rules, the lock model and JSON.stringify walk the
 * tree recursively and overflow the JS stack near 5,000 levels (`SELECT 1+1+...` with 2,500 terms nests
 * 5,000 deep); 2,000 levels is an expression chain of about 1,000 operators.
 */
export const MAX_AST_DEPTH = 2000;
const TOO_DEEP = `statement nests more than ${MAX_AST_DEPTH} levels deep; pg-preflight does not analyse it`;

/** Whether `root` nests deeper than `limit` (iterative: the point is not to overflow the stack). */
function deeperThan(root: unknown, limit: number): boolean {
  const stack: unknown[] = [root];
  const depths: number[] = [1];
  while (stack.length) {
    const x = stack.pop();
    const d = depths.pop() as number;
    if (d > limit) return true;
    if (Array.isArray(x)) {
      for (const v of x) if (v && typeof v === 'object') stack.push(v), depths.push(d + 1);
    } else if (x && typeof x === 'object') {
      for (const k in x) {
        const v = (x as Record<string, unknown>)[k];
        if (v && typeof v === 'object') stack.push(v), depths.push(d + 1);
      }
    }
  }
  return false;
}

/** PostgreSQL quotes the offending token ("at or near ..."): a huge one (a 200 KB comment) is shortened. */
function shortenMessage(message: string): string {
  return message.length > 300 ? message.replace(/(at or near ")([\s\S]{0,80})[\s\S]*"$/, '$1$2..."').slice(0, 300) : message;
}

function parseOne(text: string): ParseOutcome {
  const hit = cache.get(text);
  if (hit) {
    parseCounters.cacheHits++;
    return hit;
  }
  parseCounters.parsed++;
  parseCounters.parsedChars += text.length;
  let outcome: ParseOutcome;
  try {
    const result = pg.parseSync(text) as unknown as { stmts?: { stmt: Node }[] };
    if (deeperThan(result, MAX_AST_DEPTH)) throw new RangeError(TOO_DEEP);
    const stmts = (result.stmts ?? []).map((s) => s.stmt);
    outcome = { ast: stmts[0], extra: stmts.length > 1 ? stmts.slice(1) : undefined };
  } catch (err) {
    const details = (err as { sqlDetails?: { message: string; cursorPosition: number } }).sqlDetails;
    // libpg-query's own JSON.parse of a very deep tree overflows the stack: the same limit, said the same way.
    const message = details?.message ?? (err instanceof RangeError ? TOO_DEEP : ((err as Error)?.message ?? String(err)));
    outcome = { error: { message: shortenMessage(message), offset: details ? parseErrorOffset(text, details.cursorPosition) : 0 } };
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(text, outcome);
  return outcome;
}

export function parseFile(text: string): ParsedFile {
  return parseSplit(splitSql(text));
}

/** Parses statements the splitter found (appending to `into`, for AnalysisMemo's partial re-parse). */
export function parseSplit(split: SplitResult, into: ParsedStatement[] = []): ParsedFile {
  const { statements, comments } = split;
  const parsed = into;
  let ci = 0; // comments and statements are both in text order: one pass pairs them
  for (const raw of statements) {
    if (raw.kind === 'meta') {
      parsed.push({ raw });
      continue;
    }
    if (!loaded) {
      parsed.push({ raw, error: { message: 'the SQL parser is not loaded', span: raw.span } });
      continue;
    }
    if (raw.operatorRun !== undefined) {
      const message = `a run of ${raw.operatorRun} operator characters; pg-preflight does not parse runs over ${OPERATOR_RUN_LIMIT}`;
      parsed.push({ raw, error: { message, span: raw.span } });
      continue;
    }
    while (ci < comments.length && comments[ci].span.start < raw.span.start) ci++;
    const outcome = parseOne(parserText(raw, comments, ci));
    if (outcome.error) {
      const at = raw.span.start + outcome.error.offset;
      parsed.push({
        raw,
        error: {
          message: outcome.error.message,
          span: { start: Math.min(at, raw.span.end), end: Math.min(raw.span.end, Math.max(at + 1, raw.span.end)) },
        },
      });
    } else if (outcome.ast) {
      parsed.push({ raw, ast: outcome.ast });
    }
    // A statement the splitter kept whole but the parser saw as several (rare): analyse them all on the same span.
    for (const extra of outcome.extra ?? []) parsed.push({ raw, ast: extra });
  }
  return { statements: parsed, comments };
}

/**
 * The statement as the parser gets it. PostgreSQL's lexer is quadratic in nested comment openers (each
 * `/*` inside a comment rescans the operator characters after it: 200 KB of `/*` take over a minute), and
 * the splitter already knows where every comment ends. So a block comment inside the statement reaches the
 * parser with its inside blanked (ASCII characters other than line breaks become spaces, which keeps UTF-8
 * byte offsets), and an unterminated one is cut right after its `/*`: the parser reports the same
 * "unterminated /* comment" error at the same place, after any error before it.
 */
function parserText(raw: RawStatement, comments: readonly SqlComment[], from: number): string {
  const base = raw.span.start;
  const text = raw.text;
  const parts: string[] = [];
  let at = 0; // text[0, at) is in parts
  for (let k = from; k < comments.length && comments[k].span.start < raw.span.end; k++) {
    const c = comments[k];
    if (!c.block) continue;
    const s = c.span.start - base + 2; // just after the /*
    if (c.unterminated) {
      parts.push(text.slice(at, s));
      return parts.join('');
    }
    const e = c.span.end - base - 2; // the closing */
    if (e <= s) continue;
    parts.push(text.slice(at, s), blank(text.slice(s, e)));
    at = e;
  }
  if (!parts.length) return text;
  parts.push(text.slice(at));
  return parts.join('');
}

function blank(inside: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: blanking control characters is the point
  return inside.replace(/[\x00-\x09\x0b\x0c\x0e-\x7f]/g, ' ');
}

/** Parses SQL found inside another statement (a DO body's queries); undefined when it does not parse. */
export function parseNested(sql: string): Node[] | undefined {
  if (!loaded) return undefined;
  const outcome = parseOne(sql);
  if (outcome.error || !outcome.ast) return undefined;
  return [outcome.ast, ...(outcome.extra ?? [])];
}

/** The SQL a PL/pgSQL body runs, and its dynamic EXECUTE strings, which cannot be analysed statically. */
export function readPlpgsql(source: string): { queries: string[]; dynamic: string[] } | undefined {
  if (!loaded) return undefined;
  // Cached by source like statements: a function body is re-read on every analysis of its file.
  if (plpgsqlCache.has(source)) return copyPlpgsql(plpgsqlCache.get(source));
  const result = readPlpgsqlUncached(source);
  if (plpgsqlCache.size >= PLPGSQL_CACHE_LIMIT) plpgsqlCache.delete(plpgsqlCache.keys().next().value as string);
  plpgsqlCache.set(source, result);
  return copyPlpgsql(result);
}

const PLPGSQL_CACHE_LIMIT = 2_000;
const plpgsqlCache = new Map<string, { queries: string[]; dynamic: string[] } | undefined>();

function copyPlpgsql(r: { queries: string[]; dynamic: string[] } | undefined): { queries: string[]; dynamic: string[] } | undefined {
  return r && { queries: [...r.queries], dynamic: [...r.dynamic] };
}

function readPlpgsqlUncached(source: string): { queries: string[]; dynamic: string[] } | undefined {
  let tree: unknown;
  try {
    tree = pg.parsePlPgSQLSync(source);
  } catch {
    return undefined;
  }
  const queries: string[] = [];
  const dynamic: string[] = [];
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (!n || typeof n !== 'object') return;
    for (const [k, v] of Object.entries(n as Node)) {
      if (k === 'PLpgSQL_stmt_execsql') queries.push(String(v?.sqlstmt?.PLpgSQL_expr?.query ?? ''));
      else if (k === 'PLpgSQL_stmt_perform')
        queries.push(`SELECT ${String(v?.expr?.PLpgSQL_expr?.query ?? '').replace(/^\s*SELECT\s+/i, '')}`);
      else if (k === 'PLpgSQL_stmt_dynexecute') dynamic.push(String(v?.query?.PLpgSQL_expr?.query ?? '').trim());
      visit(v);
    }
  };
  visit(tree);
  return { queries: queries.filter((q) => q.trim()), dynamic };
}
