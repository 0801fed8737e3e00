// A dropped or renamed table or column whose old name still appears in the application sources the
// front end handed in (ctx.appFiles). This file also holds the removal model (removedNames) that the
// rename-*/drop-* rules share, so all five agree on what "removed" and "new in this file" mean.
import { listName, qualify, rangeVarName, strings, type Node } from '../syntax/ast';
import type { LockEstimate, Span, Violation } from '../types';
import { perAnalysis, unwrapped } from './facts';
import type { Rule, RuleContext, StatementView } from './rule';

export type RemovalKind = 'drop-table' | 'drop-column' | 'rename-table' | 'rename-column';

export interface RemovedName {
  kind: RemovalKind;
  statementIndex: number;
  /** Schema-qualified table name as it was before the statement. */
  table: string;
  column?: string;
  /** rename-table: the new qualified name; rename-column: the new column name. */
  newName?: string;
  /** ALTER TABLE ... SET SCHEMA (a rename of the qualified name). */
  setSchema?: boolean;
  cascade: boolean;
  /** The part of the statement that names the removed object. */
  span: Span;
  /** The statement's lock on the table, from the lock model. */
  lock?: LockEstimate;
}

/**
 * Tables and columns that existed before this file and that a statement of this file drops or renames.
 * Objects created earlier in the same file are left out: no deployed code can use them yet.
 */
export function removedNames(ctx: RuleContext): readonly RemovedName[] {
  // Five rules ask during one analysis: computed once per analysis.
  return removedOnce(ctx);
}

const removedOnce = perAnalysis(computeRemovedNames);

function computeRemovedNames(ctx: RuleContext): RemovedName[] {
  const out: RemovedName[] = [];
  const nodes = unwrapped(ctx);
  const addedAt = columnsAdded(ctx);
  /** A column added to the table by an earlier statement of this file is new: nothing uses it yet. */
  const columnAddedEarlier = (beforeIndex: number, table: string, column: string) =>
    (addedAt.get(`${table}\u0000${column}`) ?? Infinity) < beforeIndex;
  for (const st of ctx.statements) {
    const [kind, node] = nodes[st.index];
    const lockOn = (table: string) => st.locks.find((l) => l.relation === table);
    const existed = (table: string) => !lockOn(table)?.newTable;
    if (kind === 'RenameStmt' && node.renameType === 'OBJECT_TABLE' && node.relation) {
      const name = rangeVarName(node.relation);
      const table = qualify(name);
      if (!existed(table)) continue;
      out.push({
        kind: 'rename-table',
        statementIndex: st.index,
        table,
        newName: `${table.split('.')[0]}.${node.newname}`,
        cascade: false,
        span: ctx.spanAt(st.index, node.relation.location, nameLength(name)),
        lock: lockOn(table),
      });
    } else if (kind === 'AlterObjectSchemaStmt' && node.objectType === 'OBJECT_TABLE' && node.relation) {
      const name = rangeVarName(node.relation);
      const table = qualify(name);
      if (!existed(table)) continue;
      out.push({
        kind: 'rename-table',
        statementIndex: st.index,
        table,
        newName: `${node.newschema}.${name.name}`,
        setSchema: true,
        cascade: false,
        span: ctx.spanAt(st.index, node.relation.location, nameLength(name)),
        lock: lockOn(table),
      });
    } else if (kind === 'RenameStmt' && node.renameType === 'OBJECT_COLUMN' && node.relation) {
      const table = qualify(rangeVarName(node.relation));
      const column = String(node.subname ?? '');
      if (!existed(table) || columnAddedEarlier(st.index, table, column)) continue;
      out.push({
        kind: 'rename-column',
        statementIndex: st.index,
        table,
        column,
        newName: node.newname,
        cascade: false,
        span: findInStatement(st, new RegExp(`\\bRENAME\\s+(?:COLUMN\\s+)?${identifierPattern(column)}`, 'i')),
        lock: lockOn(table),
      });
    } else if (kind === 'AlterTableStmt' && node.objtype === 'OBJECT_TABLE') {
      const table = qualify(rangeVarName(node.relation));
      if (!existed(table)) continue;
      for (const c of node.cmds ?? []) {
        const cmd: Node = c?.AlterTableCmd ?? {};
        if (cmd.subtype !== 'AT_DropColumn' || !cmd.name) continue;
        if (columnAddedEarlier(st.index, table, cmd.name)) continue;
        out.push({
          kind: 'drop-column',
          statementIndex: st.index,
          table,
          column: cmd.name,
          cascade: cmd.behavior === 'DROP_CASCADE',
          span: findInStatement(st, new RegExp(`\\bDROP\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?${identifierPattern(cmd.name)}`, 'i')),
          lock: lockOn(table),
        });
      }
    } else if (kind === 'DropStmt' && node.removeType === 'OBJECT_TABLE') {
      for (const obj of node.objects ?? []) {
        const name = listName(strings(obj?.List?.items));
        const table = qualify(name);
        if (!existed(table)) continue;
        out.push({
          kind: 'drop-table',
          statementIndex: st.index,
          table,
          cascade: node.behavior === 'DROP_CASCADE',
          span: findInStatement(
            st,
            new RegExp(`${name.schema ? `${identifierPattern(name.schema)}\\s*\\.\\s*` : ''}${identifierPattern(name.name)}`, 'i'),
            /^DROP\s+TABLE\s+(IF\s+EXISTS\s+)?/i,
          ),
          lock: lockOn(table),
        });
      }
    }
  }
  return out;
}

/** Index of the first ALTER TABLE ... ADD COLUMN of each column, by "<table>\u0000<column>": one pass per analysis. */
const columnsAdded = perAnalysis((ctx): ReadonlyMap<string, number> => {
  const out = new Map<string, number>();
  unwrapped(ctx).forEach(([kind, node], index) => {
    if (kind !== 'AlterTableStmt') return;
    const table = qualify(rangeVarName(node.relation));
    for (const c of node.cmds ?? []) {
      const cmd: Node = c?.AlterTableCmd ?? {};
      const column = cmd.subtype === 'AT_AddColumn' ? cmd.def?.ColumnDef?.colname : undefined;
      if (typeof column === 'string' && !out.has(`${table}\u0000${column}`)) out.set(`${table}\u0000${column}`, index);
    }
  });
  return out;
});

function nameLength(n: { schema?: string; name: string }): number {
  return (n.schema ? n.schema.length + 1 : 0) + n.name.length;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The identifier as SQL may write it: bare (any case) or double-quoted. */
function identifierPattern(name: string): string {
  return `(?:"${escapeRegExp(name.replace(/"/g, '""'))}"|(?<![\\w$])${escapeRegExp(name)}(?![\\w$]))`;
}

/** The span of the first match in the statement (after `skip`, when given); the whole statement when none. */
function findInStatement(st: StatementView, re: RegExp, skip?: RegExp): Span {
  const offset = skip ? (skip.exec(st.text)?.[0].length ?? 0) : 0;
  const m = re.exec(st.text.slice(offset));
  if (!m) return st.span;
  const start = st.span.start + offset + m.index;
  return { start, end: start + m[0].length };
}

// ---------------------------------------------------------------------------------------------
// Searching the application sources.

type Region = { start: number; end: number; kind: 'code' | 'string' | 'comment' };

/**
 * Splits a source file into code, string literals and comments, so that a name in a comment is not a
 * use and a name in a string (a PostgREST call, an SQL text) is. SQL files are one big "string".
 */
function regionsOf(path: string, text: string): Region[] {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  const lineComment = ext === 'sql' ? '--' : ['py', 'rb', 'sh', 'yaml', 'yml', 'toml'].includes(ext) ? '#' : '//';
  const quotes = ext === 'sql' ? '' : ext === 'py' || ext === 'rb' ? '\'"' : '\'"`';
  const plain: Region['kind'] = ext === 'sql' ? 'string' : 'code';
  const out: Region[] = [];
  let i = 0;
  let codeStart = 0;
  const push = (start: number, end: number, kind: Region['kind']) => {
    if (codeStart < start) out.push({ start: codeStart, end: start, kind: plain });
    out.push({ start, end, kind });
    codeStart = end;
  };
  while (i < text.length) {
    const ch = text[i];
    if (text.startsWith(lineComment, i)) {
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? text.length : nl;
      push(i, end, 'comment');
      i = end;
    } else if (lineComment !== '#' && text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? text.length : close + 2;
      push(i, end, 'comment');
      i = end;
    } else if (quotes.includes(ch)) {
      let j = i + 1;
      while (j < text.length && text[j] !== ch) {
        if (text[j] === '\\') j++;
        else if (text[j] === '\n' && ch !== '`') break;
        j++;
      }
      const end = Math.min(text.length, j + 1);
      push(i, end, 'string');
      i = end;
    } else {
      i++;
    }
  }
  if (codeStart < text.length) out.push({ start: codeStart, end: text.length, kind: plain });
  return out;
}

function regionAt(regions: Region[], offset: number): Region | undefined {
  let lo = 0;
  let hi = regions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = regions[mid];
    if (offset < r.start) hi = mid - 1;
    else if (offset >= r.end) lo = mid + 1;
    else return r;
  }
  return undefined;
}

const SQL_TABLE_KEYWORD = /\b(?:from|join|into|update|table|truncate|references)\s+(?:only\s+)?(?:"?[\w$]+"?\s*\.\s*)?"?$/i;

interface Hit {
  offset: number;
}

/**
 * Where the app uses a table: a string that is exactly the name (`.from('orders')`, `'public.orders'`),
 * or the name right after an SQL keyword that takes a table (FROM, JOIN, INTO, UPDATE, ...) inside a
 * string or an SQL file. A variable or route that happens to share the name does not count.
 */
function tableHits(file: AppFile, table: string): Hit[] {
  const { text, regions } = file;
  const [schema, name] = table.split('.');
  const hits: Hit[] = [];
  for (const at of occurrences(file, name)) {
    const r = regionAt(regions, at);
    if (r?.kind !== 'string') continue;
    const literal = text
      .slice(r.start, r.end)
      .replace(/^['"`]|['"`]$/g, '')
      .trim();
    const exact = literal === name || literal === `${schema}.${name}`;
    // Only the text just before the name matters for the keyword test; SQL files are one long region.
    if (exact || SQL_TABLE_KEYWORD.test(text.slice(Math.max(r.start, at - 200), at))) hits.push({ offset: at });
  }
  return hits;
}

/**
 * Where the app uses a column. The name alone is too common (status, name, note), so a hit needs
 * context: `table.column` anywhere counts; otherwise the file must use the table (see tableHits) and
 * the name must appear inside a string (a select list, a filter, an SQL text), as a member access
 * (`row.note`) or as an object key (`{ note: ... }`, a type's field).
 */
function columnHits(file: AppFile, table: string, column: string, fileUsesTable: boolean): Hit[] {
  const { text, regions } = file;
  const name = table.split('.')[1];
  const hits: Hit[] = [];
  const qualifiedBy = new RegExp(`(?<![\\w$])"?${escapeRegExp(name)}"?\\.$`);
  for (const at of occurrences(file, column)) {
    const r = regionAt(regions, at);
    if (!r || r.kind === 'comment') continue;
    const before = text.slice(Math.max(0, at - name.length - 3), at);
    if (qualifiedBy.test(before)) {
      hits.push({ offset: at });
      continue;
    }
    if (!fileUsesTable) continue;
    const after = text.slice(at + column.length, at + column.length + 4);
    const member = /\??\.$/.test(text.slice(Math.max(0, at - 2), at));
    const key = /^\s*\??:/.test(after);
    if (r.kind === 'string' || member || key) hits.push({ offset: at });
  }
  return hits;
}

const IDENTIFIER = /^[\w$]+$/;

/**
 * Offsets (ascending) where `word` stands as a whole identifier, i.e. where
 * /(?<![\w$])word(?![\w$])/g matches. For identifier words that is a lookup in the file's word
 * index, built in one scan for all the names being searched, instead of one scan of the file per name.
 */
function occurrences(file: AppFile, word: string): number[] {
  if (IDENTIFIER.test(word)) return file.words.get(word) ?? [];
  const out: number[] = [];
  const re = new RegExp(`(?<![\\w$])${escapeRegExp(word)}(?![\\w$])`, 'g');
  for (let m = re.exec(file.text); m; m = re.exec(file.text)) out.push(m.index);
  return out;
}

interface AppFile {
  path: string;
  text: string;
  regions: Region[];
  /** Offset of the first character of each line. */
  lineStarts: number[];
  /** Offsets of the searched identifier names (see occurrences). */
  words: Map<string, number[]>;
  /** tableHits per table, for the several columns of one table. */
  tableHits: Map<string, Hit[]>;
}

/** Regions, line starts and the offsets of `words` (the removed names) of each file: one scan per file. */
function prepare(files: RuleContext['appFiles'], words: ReadonlySet<string>): AppFile[] {
  return files
    .filter((f) => typeof f?.text === 'string' && typeof f.path === 'string')
    .map((f) => {
      const lineStarts = [0];
      for (let i = f.text.indexOf('\n'); i >= 0; i = f.text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
      const found = new Map<string, number[]>();
      const re = /[\w$]+/g;
      for (let m = re.exec(f.text); m; m = re.exec(f.text)) {
        if (!words.has(m[0])) continue;
        const list = found.get(m[0]);
        if (list) list.push(m.index);
        else found.set(m[0], [m.index]);
      }
      return { path: f.path, text: f.text, regions: regionsOf(f.path, f.text), lineStarts, words: found, tableHits: new Map() };
    });
}

function lineOf(file: AppFile, offset: number): { line: number; text: string } {
  let lo = 0;
  let hi = file.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (file.lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  const end = lo + 1 < file.lineStarts.length ? file.lineStarts[lo + 1] - 1 : file.text.length;
  const lineText = file.text.slice(file.lineStarts[lo], end).trim();
  return { line: lo + 1, text: lineText.length > 200 ? `${lineText.slice(0, 197)}...` : lineText };
}

function findReferences(files: AppFile[], removed: RemovedName): NonNullable<Violation['related']> {
  const related: NonNullable<Violation['related']> = [];
  for (const file of files) {
    let tHits = file.tableHits.get(removed.table);
    if (!tHits) file.tableHits.set(removed.table, (tHits = tableHits(file, removed.table)));
    const hits = removed.column ? columnHits(file, removed.table, removed.column, tHits.length > 0) : [...tHits];
    const seenLines = new Set<number>();
    for (const h of hits.sort((a, b) => a.offset - b.offset)) {
      const l = lineOf(file, h.offset);
      if (seenLines.has(l.line)) continue;
      seenLines.add(l.line);
      related.push({ path: file.path, line: l.line, text: l.text });
    }
  }
  return related;
}

const SHOWN_IN_MESSAGE = 3;

export const appReferencesRemovedName: Rule = {
  id: 'app-references-removed-name',
  title: 'A dropped or renamed table or column is still used by the application code',
  defaultSeverity: 'error',
  check(ctx) {
    if (ctx.appFiles.length === 0) return;
    const removals = removedNames(ctx);
    if (removals.length === 0) return;
    const names = new Set(removals.flatMap((r) => [r.table.split('.')[1], r.column ?? '']));
    const files = prepare(ctx.appFiles, names);
    for (const removed of removals) {
      const related = findReferences(files, removed);
      if (related.length === 0) continue;
      const what = removed.column ? `column ${removed.table}.${removed.column}` : `table ${removed.table}`;
      const change =
        removed.kind === 'drop-table' || removed.kind === 'drop-column'
          ? 'is dropped'
          : removed.setSchema
            ? `moves to ${removed.newName}`
            : `is renamed to ${removed.newName}`;
      const where = related
        .slice(0, SHOWN_IN_MESSAGE)
        .map((r) => `${r.path}:${r.line}`)
        .join(', ');
      const more = related.length > SHOWN_IN_MESSAGE ? ` and ${related.length - SHOWN_IN_MESSAGE} more` : '';
      ctx.report({
        statementIndex: removed.statementIndex,
        span: removed.span,
        message: `${what} ${change}, but the application still uses the old name: ${where}${more}. Ship the app change that stops using it first, then remove the name in a later migration`,
        help: 'Matches are whole identifiers in strings, SQL texts, member accesses and object keys of files that use the table; comments are skipped. See docs/rules/app-references-removed-name.md for the heuristic.',
        related,
      });
    }
  },
};
