// A name over 63 bytes in DDL: PostgreSQL cuts it to 63 bytes with only a NOTICE, so the object gets
// another name than the one written: SQL finds it (it is cut the same way), but code, ORMs and schema
// diffs that compare the full name miss it, and two long names sharing 63 bytes collide. The
// parser has already cut the names in the tree it returns, so this rule reads the statement's tokens.
import { tokenStream } from '../fixes/sqltext';
import { clipBytes, MAX_IDENTIFIER_BYTES, utf8Length } from '../schema/names';
import { unwrap } from '../syntax/ast';
import type { Rule } from './rule';

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

// A quick test before tokenizing: some run of 22+ characters that could be one name (a 64-byte name
// has at least 22 UTF-16 code units: a code unit is at most 3 bytes of UTF-8).
const LONG_RUN = /[^\s,;()'"=<>+*/|.:[\]-]{22,}|"[^"]{22,}"/;

export const identifierTooLong: Rule = {
  id: 'identifier-too-long',
  title: 'A name longer than 63 bytes, which PostgreSQL truncates',
  defaultSeverity: 'warning',
  check(ctx) {
    for (const st of ctx.statements) {
      const [kind] = unwrap(st.ast);
      if (!kind || NOT_DDL.has(kind) || !LONG_RUN.test(st.text)) continue;
      const seen = new Set<string>();
      for (const t of tokenStream(st.text)) {
        // Literals, comments and dollar-quoted bodies have no word; keywords are short.
        if (!t.word || seen.has(t.word) || utf8Length(t.word) <= MAX_IDENTIFIER_BYTES) continue;
        seen.add(t.word);
        ctx.report({
          statementIndex: st.index,
          span: { start: st.span.start + t.start, end: st.span.start + t.end },
          message: `The name "${t.word}" is ${utf8Length(t.word)} bytes; PostgreSQL cuts names to ${MAX_IDENTIFIER_BYTES} bytes without an error, so the object is called "${clipBytes(t.word, MAX_IDENTIFIER_BYTES)}". Application code, ORMs and schema-diff tools that look up or compare the full name miss it, and two long names that share their first ${MAX_IDENTIFIER_BYTES} bytes collide. Choose a name of at most ${MAX_IDENTIFIER_BYTES} bytes`,
        });
      }
    }
  },
};
