// Statement splitter: cuts a migration file into statements before anything parses it, so one
// broken statement (the usual state of a file being typed) never hides the others.
//
// One pass over char codes, lexing just enough of PostgreSQL to know where statements end:
//   - '...' with '' escapes; standard_conforming_strings is assumed on, so a backslash in a plain
//     string is an ordinary character. E'...' (a lone E/e word right before the quote) also takes
//     backslash escapes (E'it\'s').
//   - "quoted ""identifiers""".
//   - dollar quotes $$...$$ / $tag$...$tag$; the tag follows PostgreSQL's lexer
//     ([A-Za-z_\x80-] then [A-Za-z0-9_\x80-]*), so $1 is a parameter, and only the exact opening
//     tag closes (a $q$ inside $body$ is body text). A $ inside an identifier (a$b) is part of it.
//   - -- line comments and nested /* /* */ */ block comments. All comments are reported.
//   - psql meta-commands: a backslash where no statement is in progress starts a meta-command
//     that runs to the end of its line (\i file.sql, \set x 1, \connect db). This covers the
//     usual "line whose first non-blank char is a backslash"; a backslash inside a statement is
//     left to the parser.
//   - drizzle-kit's `--> statement-breakpoint` comment ends the current statement even without ';'.
//   - SQL-standard function bodies (CREATE [OR REPLACE] FUNCTION|PROCEDURE ... BEGIN ATOMIC ...
//     END) are one statement: psql's own heuristic (psqlscan.l), tightened so that BEGIN only
//     opens a body when ATOMIC follows it (a function named "begin" does not swallow the file).
//     Inside the body CASE ... END pairs are counted so the right END closes it.
//   - Parentheses do NOT hold back a ';' (psql's do): a '(' left open while typing must not glue
//     the rest of the file onto one statement.
//   - Anything unterminated at end of file (quote, dollar quote, block comment) becomes an
//     unterminated statement running to the end of the text, so the parser reports it. This is
//     the one case where a statement can start with a comment: an unterminated /* before any
//     token. Such a comment is also reported in `comments`.
//
// Pure: no Node APIs, no I/O, never throws.

import type { Span } from '../types';

export interface RawStatement {
  /**
   * From the first token of the statement to just after its terminating ';' (or to the end of its
   * last token when unterminated). Leading whitespace and comments are outside the span.
   */
  span: Span;
  /** text.slice(span.start, span.end) */
  text: string;
  /** 'meta' = a psql meta-command line such as \i file.sql, \set x 1, \connect db. */
  kind: 'sql' | 'meta';
  /** Ended with ';' (meta-commands: always true). */
  terminated: boolean;
  /**
   * Length of the longest run of operator characters (PostgreSQL's op_chars) outside quotes and comments, when
   * over OPERATOR_RUN_LIMIT. PostgreSQL's lexer rescans such a run once per operator it cuts from it
   * (quadratic time), so the parser is not given the statement.
   */
  operatorRun?: number;
}

/** Longest operator-character run handed to the parser (PostgreSQL's own operator names stop at 63 bytes). */
export const OPERATOR_RUN_LIMIT = 256;

export interface SqlComment {
  /** `--` up to (not including) the line break, or `/*` through the matching `*\/`. */
  span: Span;
  text: string;
  block: boolean;
  /** A block comment still open at the end of the text. */
  unterminated?: boolean;
}

export interface SplitResult {
  statements: RawStatement[];
  comments: SqlComment[];
}

const TAB = 9;
const LF = 10;
const VT = 11;
const FF = 12;
const CR = 13;
const SPACE = 32;
const DQUOTE = 34;
const DOLLAR = 36;
const SQUOTE = 39;
const LPAREN = 40;
const RPAREN = 41;
const STAR = 42;
const DASH = 45;
const SLASH = 47;
const SEMI = 59;
const GT = 62;
const BACKSLASH = 92;

/** PostgreSQL's op_chars: ~ ! @ # ^ & | ` ? + - * / % < > = */
function isOpChar(c: number): boolean {
  return (
    c === 126 ||
    c === 33 ||
    c === 64 ||
    c === 35 ||
    c === 94 ||
    c === 38 ||
    c === 124 ||
    c === 96 ||
    c === 63 ||
    c === 43 ||
    c === DASH ||
    c === STAR ||
    c === SLASH ||
    c === 37 ||
    c === 60 ||
    c === GT ||
    c === 61
  );
}

function isSpace(c: number): boolean {
  return c === SPACE || (c >= TAB && c <= CR); // \t \n \v \f \r
}

/** PostgreSQL ident_start / dolq_start: letters, '_', any non-ASCII. */
function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}

/** dolq_cont: ident_start plus digits (no '$'). */
function isTagCont(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/** ident_cont: dolq_cont plus '$'. */
function isIdentCont(c: number): boolean {
  return isTagCont(c) || c === DOLLAR;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Case-insensitive test that text[start, end) is the lower-case ASCII word `w`. */
function wordIs(text: string, start: number, end: number, w: string): boolean {
  if (end - start !== w.length) return false;
  for (let k = 0; k < w.length; k++) {
    if ((text.charCodeAt(start + k) | 0x20) !== w.charCodeAt(k)) return false;
  }
  return true;
}

const BREAKPOINT = 'statement-breakpoint';

/** Is the line comment text[start, end) drizzle-kit's `--> statement-breakpoint`? */
function isBreakpoint(text: string, start: number, end: number): boolean {
  if (end - start < 3 + BREAKPOINT.length || text.charCodeAt(start + 2) !== GT) return false;
  let k = start + 3;
  while (k < end && (text.charCodeAt(k) === SPACE || text.charCodeAt(k) === TAB)) k++;
  return wordIs(text, k, Math.min(end, k + BREAKPOINT.length), BREAKPOINT);
}

/** End (exclusive) of a '...' or "..." body starting at `from` (just after the opening quote). */
function scanQuoted(text: string, from: number, quote: string, q: number): number {
  let j = from;
  for (;;) {
    const k = text.indexOf(quote, j);
    if (k < 0) return text.length;
    if (text.charCodeAt(k + 1) === q) {
      j = k + 2; // doubled quote
      continue;
    }
    return k + 1;
  }
}

/** End (exclusive) of an E'...' body starting at `from` (just after the opening quote). */
function scanEscapeString(text: string, from: number): number {
  const n = text.length;
  let j = from;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) {
      j += 2;
    } else if (c === SQUOTE) {
      if (text.charCodeAt(j + 1) === SQUOTE) j += 2;
      else return j + 1;
    } else {
      j++;
    }
  }
  return n;
}

/**
 * Splits `text` into statements and comments. `from` (default 0) starts the scan at an offset where no
 * statement is in progress (the start of a statement of an earlier split of a text with the same
 * prefix): the result holds what lies after it, with offsets into the whole text. AnalysisMemo uses it
 * to re-split only the part of a file after an edit.
 */
export function splitSql(text: string, from = 0): SplitResult {
  const src = typeof text === 'string' ? text : '';
  const n = src.length;
  const statements: RawStatement[] = [];
  const comments: SqlComment[] = [];

  // The statement in progress: start of its first token (-1: none) and end of its last token.
  let start = -1;
  let lastEnd = -1;

  // psql's BEGIN ATOMIC heuristic. The first-letter codes of the first four identifiers when they
  // are one of create/or/replace/function/procedure (0 otherwise) tell whether the statement is
  // CREATE [OR REPLACE] FUNCTION|PROCEDURE.
  let idCount = 0;
  let id0 = 0;
  let id1 = 0;
  let id2 = 0;
  let id3 = 0;
  let parenDepth = 0;
  let beginDepth = 0;
  let pendingBegin = false;
  // The operator-character run in progress (ended by anything else: a space, a token, a comment) and the longest.
  let opRun = 0;
  let maxOpRun = 0;

  const finish = (end: number, terminated: boolean): void => {
    if (start >= 0) {
      const e = end < start ? start : Math.min(end, n);
      const st: RawStatement = { span: { start, end: e }, text: src.slice(start, e), kind: 'sql', terminated };
      if (maxOpRun > OPERATOR_RUN_LIMIT) st.operatorRun = maxOpRun;
      statements.push(st);
    }
    opRun = maxOpRun = 0;
    start = -1;
    lastEnd = -1;
    idCount = id0 = id1 = id2 = id3 = 0;
    parenDepth = beginDepth = 0;
    pendingBegin = false;
  };

  const word = (ws: number, we: number): void => {
    if (idCount < 4) {
      let code = 0;
      if (
        wordIs(src, ws, we, 'create') ||
        wordIs(src, ws, we, 'or') ||
        wordIs(src, ws, we, 'replace') ||
        wordIs(src, ws, we, 'function') ||
        wordIs(src, ws, we, 'procedure')
      ) {
        code = src.charCodeAt(ws) | 0x20;
      }
      if (idCount === 0) id0 = code;
      else if (idCount === 1) id1 = code;
      else if (idCount === 2) id2 = code;
      else id3 = code;
    }
    idCount++;
    const routine =
      id0 === 99 /* c */ &&
      (id1 === 102 /* f */ || id1 === 112 /* p */ || (id1 === 111 /* o */ && id2 === 114 /* r */ && (id3 === 102 || id3 === 112)));
    if (!routine || parenDepth !== 0) {
      pendingBegin = false;
      return;
    }
    if (pendingBegin) {
      pendingBegin = false;
      if (wordIs(src, ws, we, 'atomic')) {
        beginDepth = 1;
        return;
      }
    }
    if (beginDepth === 0) {
      if (wordIs(src, ws, we, 'begin')) pendingBegin = true;
    } else if (wordIs(src, ws, we, 'case')) {
      beginDepth++;
    } else if (wordIs(src, ws, we, 'end')) {
      beginDepth--;
    }
  };

  let i = from > 0 && from <= n ? Math.floor(from) : 0;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (opRun > 0 && !isOpChar(c)) {
      if (opRun > maxOpRun) maxOpRun = opRun;
      opRun = 0;
    }

    if (c === SPACE || c === LF || c === CR || c === TAB || c === FF || c === VT) {
      i++;
      continue;
    }

    if (c === DASH && src.charCodeAt(i + 1) === DASH) {
      let j = i + 2;
      while (j < n) {
        const d = src.charCodeAt(j);
        if (d === LF || d === CR) break;
        j++;
      }
      if (opRun > maxOpRun) maxOpRun = opRun;
      opRun = 0;
      comments.push({ span: { start: i, end: j }, text: src.slice(i, j), block: false });
      if (isBreakpoint(src, i, j)) finish(lastEnd, false);
      i = j;
      continue;
    }

    if (c === SLASH && src.charCodeAt(i + 1) === STAR) {
      let depth = 1;
      let j = i + 2;
      while (j < n) {
        const d = src.charCodeAt(j);
        if (d === STAR && src.charCodeAt(j + 1) === SLASH) {
          j += 2;
          if (--depth === 0) break;
        } else if (d === SLASH && src.charCodeAt(j + 1) === STAR) {
          j += 2;
          depth++;
        } else {
          j++;
        }
      }
      if (j > n) j = n;
      if (opRun > maxOpRun) maxOpRun = opRun;
      opRun = 0;
      const comment: SqlComment = { span: { start: i, end: j }, text: src.slice(i, j), block: true };
      if (depth > 0) comment.unterminated = true;
      comments.push(comment);
      if (depth > 0) {
        // Unterminated: let the parser see it and say so.
        if (start < 0) start = i;
        lastEnd = n;
      }
      i = j;
      continue;
    }

    if (c === BACKSLASH && start < 0) {
      let j = i + 1;
      while (j < n) {
        const d = src.charCodeAt(j);
        if (d === LF || d === CR) break;
        j++;
      }
      let e = j;
      while (e > i + 1 && isSpace(src.charCodeAt(e - 1))) e--;
      statements.push({ span: { start: i, end: e }, text: src.slice(i, e), kind: 'meta', terminated: true });
      i = j;
      continue;
    }

    if (c === SEMI) {
      if (start < 0) {
        i++; // empty statement
      } else if (beginDepth > 0) {
        lastEnd = i + 1;
        pendingBegin = false;
        i++;
      } else {
        finish(i + 1, true);
        i++;
      }
      continue;
    }

    if (start < 0) start = i;

    if (c === SQUOTE || c === DQUOTE) {
      const end = c === SQUOTE ? scanQuoted(src, i + 1, "'", SQUOTE) : scanQuoted(src, i + 1, '"', DQUOTE);
      lastEnd = end;
      pendingBegin = false;
      i = end;
      continue;
    }

    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentCont(src.charCodeAt(j))) j++;
      if (j === i + 1 && (c | 0x20) === 101 /* e */ && src.charCodeAt(j) === SQUOTE) {
        const end = scanEscapeString(src, j + 1);
        lastEnd = Math.min(end, n);
        pendingBegin = false;
        i = lastEnd;
        continue;
      }
      lastEnd = j;
      // A one-letter prefix of a string constant (B'', X'', N'') is not an identifier.
      if (!(j === i + 1 && src.charCodeAt(j) === SQUOTE)) word(i, j);
      i = j;
      continue;
    }

    if (c === DOLLAR) {
      let j = i + 1;
      let tagEnd = -1;
      const d = src.charCodeAt(j);
      if (d === DOLLAR) {
        tagEnd = j + 1;
      } else if (isIdentStart(d)) {
        j++;
        while (j < n && isTagCont(src.charCodeAt(j))) j++;
        if (src.charCodeAt(j) === DOLLAR) tagEnd = j + 1;
      }
      pendingBegin = false;
      if (tagEnd > 0) {
        const tag = src.slice(i, tagEnd);
        const k = src.indexOf(tag, tagEnd);
        const end = k < 0 ? n : k + tag.length;
        lastEnd = end;
        i = end;
      } else {
        // $1 parameter, or a stray '$'.
        j = i + 1;
        while (j < n && isDigit(src.charCodeAt(j))) j++;
        lastEnd = j;
        i = j;
      }
      continue;
    }

    if (isDigit(c)) {
      let j = i + 1;
      while (j < n && isTagCont(src.charCodeAt(j))) j++;
      lastEnd = j;
      pendingBegin = false;
      i = j;
      continue;
    }

    if (c === LPAREN) parenDepth++;
    else if (c === RPAREN && parenDepth > 0) parenDepth--;
    else if (isOpChar(c)) opRun++;
    pendingBegin = false;
    lastEnd = i + 1;
    i++;
  }

  if (opRun > maxOpRun) maxOpRun = opRun;
  finish(lastEnd, false);
  return { statements, comments };
}
