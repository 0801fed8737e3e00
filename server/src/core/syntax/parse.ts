// Statement-by-statement parsing with libpg-query (PostgreSQL's own parser, compiled to WASM).
// Split first, parse each statement alone: a syntax error is reported on that statement only and
// every other statement is still analysed. Never throws.
import * as pg from 'libpg-query';
import type { Node } from './ast';
import { splitSql, type RawStatement, type SplitResult, type SqlComment } from './split';
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

/** How many statement texts were parsed and how many came from the cache (tests and benchmarks read it). */
export const parseCounters = { parsed: 0, cacheHits: 0 };

function parseOne(text: string): ParseOutcome {
  const hit = cache.get(text);
  if (hit) {
    parseCounters.cacheHits++;
    return hit;
  }
  parseCounters.parsed++;
  let outcome: ParseOutcome;
  try {
    const result = pg.parseSync(text) as unknown as { stmts?: { stmt: Node }[] };
    const stmts = (result.stmts ?? []).map((s) => s.stmt);
    outcome = { ast: stmts[0], extra: stmts.length > 1 ? stmts.slice(1) : undefined };
  } catch (err) {
    const details = (err as { sqlDetails?: { message: string; cursorPosition: number } }).sqlDetails;
    const message = details?.message ?? (err as Error)?.message ?? String(err);
    outcome = { error: { message, offset: details ? parseErrorOffset(text, details.cursorPosition) : 0 } };
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
  for (const raw of statements) {
    if (raw.kind === 'meta') {
      parsed.push({ raw });
      continue;
    }
    if (!loaded) {
      parsed.push({ raw, error: { message: 'the SQL parser is not loaded', span: raw.span } });
      continue;
    }
    const outcome = parseOne(raw.text);
    if (outcome.error) {
      const at = raw.span.start + outcome.error.offset;
      parsed.push({ raw, error: { message: outcome.error.message, span: { start: Math.min(at, raw.span.end), end: Math.min(raw.span.end, Math.max(at + 1, raw.span.end)) } } });
    } else if (outcome.ast) {
      parsed.push({ raw, ast: outcome.ast });
    }
    // A statement the splitter kept whole but the parser saw as several (rare): analyse them all on the same span.
    for (const extra of outcome.extra ?? []) parsed.push({ raw, ast: extra });
  }
  return { statements: parsed, comments };
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
      else if (k === 'PLpgSQL_stmt_perform') queries.push(`SELECT ${String(v?.expr?.PLpgSQL_expr?.query ?? '').replace(/^\s*SELECT\s+/i, '')}`);
      else if (k === 'PLpgSQL_stmt_dynexecute') dynamic.push(String(v?.query?.PLpgSQL_expr?.query ?? '').trim());
      visit(v);
    }
  };
  visit(tree);
  return { queries: queries.filter((q) => q.trim()), dynamic };
}
