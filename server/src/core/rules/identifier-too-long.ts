// A name over 63 bytes in DDL: PostgreSQL cuts it to 63 bytes with only a NOTICE, so the object gets
// another name than the one written: SQL finds it (it is cut the same way), but code, ORMs and schema
// diffs that compare the full name miss it, and two long names sharing 63 bytes collide. The
// parser has already cut the names in the tree it returns, so this rule reads the statement's tokens.
import { tokenStream } from '../fixes/sqltext';
import { clipBytes, MAX_IDENTIFIER_BYTES, utf8Length } from '../schema/names';
import type { Rule, StatementView } from './rule';

/** Queries and data changes name existing objects, cut the same way each time: harmless. */
const NOT_DDL = new Set([
  'SelectStmt',
  'InsertStmt',
  'UpdateStmt',
  'DeleteStmt',
  'MergeStmt',
  'CopyStmt',
  'VariableSetStmt',
  'TransactionStmt',
]);

// A quick test before tokenizing: some run of characters that could be one name and is over 63 bytes
// (a 64-byte name has at least 22 UTF-16 code units: a code unit is at most 3 bytes of UTF-8, so
// shorter runs are not measured). A quoted run counts without its quotes; a doubled quote inside one
// counts twice, which only ever sends a statement to the tokenizer that did not need it.
const LONG_RUNS = /[^\s,;()'"=<>+*/|.:[\]-]{22,}|"(?:[^"]|""){22,}"/g;

function mayHoldLongName(text: string): boolean {
  LONG_RUNS.lastIndex = 0;
  for (let m = LONG_RUNS.exec(text); m; m = LONG_RUNS.exec(text)) {
    const run = m[0].startsWith('"') ? m[0].slice(1, -1) : m[0];
    if (utf8Length(run) > MAX_IDENTIFIER_BYTES) return true;
  }
  return false;
}

/**
 * The distinct names over 63 bytes in a DDL statement, with their offsets in it. Kept per parse tree (the
 * parse cache hands back the same tree for the same statement text, before and after an edit), with
 * the text it was read from: a keystroke reads only the statements it changed.
 */
const namesOfTree = new WeakMap<object, { text: string; names: { word: string; start: number; end: number }[] }>();

function longNames(st: StatementView): { word: string; start: number; end: number }[] {
  if (!st.ast) return [];
  const known = namesOfTree.get(st.ast);
  if (known && known.text === st.text) return known.names;
  const out: { word: string; start: number; end: number }[] = [];
  const { kind } = st;
  if (kind && !NOT_DDL.has(kind) && mayHoldLongName(st.text)) {
    const seen = new Set<string>();
    for (const t of tokenStream(st.text)) {
      // Literals, comments and dollar-quoted bodies have no word; keywords are short.
      if (!t.word || seen.has(t.word) || utf8Length(t.word) <= MAX_IDENTIFIER_BYTES) continue;
      seen.add(t.word);
      out.push({ word: t.word, start: t.start, end: t.end });
    }
  }
  namesOfTree.set(st.ast, { text: st.text, names: out });
  return out;
}

export const identifierTooLong: Rule = {
  id: 'identifier-too-long',
  title: 'A name longer than 63 bytes, which PostgreSQL truncates',
  defaultSeverity: 'warning',
  scope: 'statement',
  checkStatement(st, ctx) {
    for (const t of longNames(st)) {
      ctx.report({
        span: { start: st.span.start + t.start, end: st.span.start + t.end },
        message: `The name "${t.word}" is ${utf8Length(t.word)} bytes; PostgreSQL cuts names to ${MAX_IDENTIFIER_BYTES} bytes without an error, so the object is called "${clipBytes(t.word, MAX_IDENTIFIER_BYTES)}". Application code, ORMs and schema-diff tools that look up or compare the full name miss it, and two long names that share their first ${MAX_IDENTIFIER_BYTES} bytes collide. Choose a name of at most ${MAX_IDENTIFIER_BYTES} bytes`,
      });
    }
  },
};
