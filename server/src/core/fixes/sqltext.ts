// Reading and writing SQL text for rewrites: identifier quoting, the text of an AST node found from its
// byte location, top-level clause boundaries. libpg-query gives start locations only, so ends are found
// by scanning tokens (quotes, dollar quotes, comments and parentheses respected). Pure.
import { Utf8Mapper } from '../syntax/text';

const SAFE_IDENT = /^[a-z_][a-z0-9_$]*$/;
// Reserved words that must be quoted as identifiers (a practical subset of PostgreSQL's reserved list).
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date ' +
    'current_role current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign from ' +
    'grant group having in initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order placing ' +
    'primary references returning select session_user some symmetric system_user table then to trailing true union unique user using variadic when where window with ' +
    'authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull join left like natural notnull outer overlaps right similar tablesample verbose'
  ).split(/\s+/),
);

/** An identifier as SQL: bare when it is a plain lower-case name, else double-quoted. */
export function quoteIdent(name: string): string {
  if (SAFE_IDENT.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

/** "public.users" -> "public.users" (each part quoted as needed). */
export function quoteQualified(qualified: string): string {
  const dot = qualified.indexOf('.');
  if (dot < 0) return quoteIdent(qualified);
  return `${quoteIdent(qualified.slice(0, dot))}.${quoteIdent(qualified.slice(dot + 1))}`;
}

/** A SQL string literal. */
export function quoteLiteral(value: string): string {
  return `'${String(value).replace(/'/g, "''")}'`;
}

/** A short lower-case slug for file names: "public.Orders" -> "orders". */
export function slug(s: string, max = 48): string {
  const out = s
    .replace(/^public\./, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return out.slice(0, max).replace(/_+$/, '') || 'step';
}

/** Text of a statement from a byte location to a UTF-16 offset, for AST locations inside `text`. */
export class StatementText {
  private readonly mapper: Utf8Mapper;
  constructor(readonly text: string) {
    this.mapper = new Utf8Mapper(text);
  }
  /** UTF-16 offset of a libpg-query byte location. */
  at(byteLocation: number): number {
    return this.mapper.toUtf16(byteLocation);
  }
}

export interface Token {
  start: number;
  end: number;
  /** Lower-cased word, or the punctuation character, or '' for literals/comments. */
  word: string;
  depth: number;
}

/** Tokens of SQL text at their paren depth; comments are skipped; literals have word ''. */
export function tokens(text: string, from = 0): Token[] {
  return [...tokenStream(text, from)];
}

/** Tokens produced so far, by every scan: lets a test count the work of a fix instead of timing it. */
export const scanned = { tokens: 0 };

const DOLLAR_TAG = /\$([A-Za-z_][A-Za-z0-9_]*)?\$/y;

/**
 * The tokens one at a time: a caller that needs one clause stops there instead of scanning the rest
 * (a statement of 100,000 clauses would otherwise be scanned once per clause).
 */
export function* tokenStream(text: string, from = 0): Generator<Token> {
  for (const t of scan(text, from)) {
    scanned.tokens++;
    yield t;
  }
}

function* scan(text: string, from: number): Generator<Token> {
  let i = from;
  let depth = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      let d = 1;
      i += 2;
      while (i < n && d > 0) {
        if (text[i] === '/' && text[i + 1] === '*') d++, (i += 2);
        else if (text[i] === '*' && text[i + 1] === '/') d--, (i += 2);
        else i++;
      }
      continue;
    }
    if (c === "'" || ((c === 'E' || c === 'e') && text[i + 1] === "'")) {
      const start = i;
      i += c === "'" ? 1 : 2;
      const escapes = c !== "'";
      while (i < n) {
        if (escapes && text[i] === '\\') i += 2;
        else if (text[i] === "'" && text[i + 1] === "'") i += 2;
        else if (text[i] === "'") {
          i++;
          break;
        } else i++;
      }
      yield { start, end: i, word: '', depth };
      continue;
    }
    if (c === '"') {
      const start = i;
      i++;
      while (i < n) {
        if (text[i] === '"' && text[i + 1] === '"') i += 2;
        else if (text[i] === '"') {
          i++;
          break;
        } else i++;
      }
      yield { start, end: i, word: text.slice(start + 1, i - 1).replace(/""/g, '"'), depth };
      continue;
    }
    if (c === '$') {
      DOLLAR_TAG.lastIndex = i;
      const m = DOLLAR_TAG.exec(text);
      if (m) {
        const close = text.indexOf(m[0], i + m[0].length);
        const end = close < 0 ? n : close + m[0].length;
        yield { start: i, end, word: '', depth };
        i = end;
        continue;
      }
    }
    if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      const start = i;
      while (i < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(text[i])) i++;
      yield { start, end: i, word: text.slice(start, i).toLowerCase(), depth };
      continue;
    }
    if (/[0-9]/.test(c)) {
      const start = i;
      while (i < n && /[0-9.eE]/.test(text[i])) i++;
      yield { start, end: i, word: '', depth };
      continue;
    }
    if (c === '(') {
      yield { start: i, end: i + 1, word: '(', depth };
      depth++;
      i++;
      continue;
    }
    if (c === ')') {
      depth--;
      yield { start: i, end: i + 1, word: ')', depth };
      i++;
      continue;
    }
    if (c === ':' && text[i + 1] === ':') {
      yield { start: i, end: i + 2, word: '::', depth };
      i += 2;
      continue;
    }
    yield { start: i, end: i + 1, word: c, depth };
    i++;
  }
}

/**
 * End (UTF-16 offset, exclusive, trailing space trimmed) of the clause starting at `from`: the next
 * top-level comma or semicolon, an unmatched ')', or a top-level word in `stopWords`.
 */
export function clauseEnd(text: string, from: number, stopWords: readonly string[] = []): number {
  const base = 0;
  let lastEnd = from;
  let k = -1;
  for (const t of tokenStream(text, from)) {
    k++;
    if (t.depth < base) break;
    if (t.depth === base && (t.word === ',' || t.word === ';')) break;
    if (t.depth === base && k > 0 && stopWords.includes(t.word)) break;
    lastEnd = t.end;
  }
  return lastEnd;
}

/** The top-level comma-separated parts of text[from, to), as [start, end) pairs with spaces trimmed. */
export function topLevelParts(text: string, from: number, to: number): [number, number][] {
  const toks = tokens(text.slice(0, to), from);
  const parts: [number, number][] = [];
  let start = -1;
  let end = -1;
  for (const t of toks) {
    if (t.depth === 0 && (t.word === ',' || t.word === ';')) {
      if (start >= 0) parts.push([start, end]);
      start = -1;
      if (t.word === ';') break;
      continue;
    }
    if (start < 0) start = t.start;
    end = t.end;
  }
  if (start >= 0) parts.push([start, end]);
  return parts;
}

/** The statement text without its trailing semicolon and trailing whitespace/comments. */
export function withoutSemicolon(text: string): string {
  const toks = tokens(text);
  const last = toks[toks.length - 1];
  if (!last) return text.trim();
  if (last.word === ';') {
    const prev = toks[toks.length - 2];
    return text.slice(0, prev ? prev.end : last.start).trim();
  }
  return text.slice(0, last.end).trim();
}

/** Replaces [start, end) of text. */
export function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

/** Comment lines: every line prefixed with "-- ". */
export function commentLines(lines: string[]): string {
  return lines.map((l) => (l ? `-- ${l}` : '--')).join('\n');
}
