// A dropped or renamed table or column whose old name still appears in the application sources the
// front end handed in (ctx.appFiles). This file also holds the removal model (removedNames) that the
// rename-*/drop-* rules share, so all five agree on what "removed" and "new in this file" mean.
import { listName, qualify, rangeVarName, strings, unwrap, type Node } from '../syntax/ast';
import { parseFile } from '../syntax/parse';
import { isRevertMigration, migrationVersion } from '../migrations/naming';
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
  /**
   * The removal is part of a rollback: the file is a down migration (diesel's down.sql, pop's .down.sql,
   * Flyway's U file). `of`: the earlier migration that created the name, when the file reverts it (its
   * own up). The rules report rollbacks as info.
   */
  rollback?: { of?: string };
}

/**
 * Tables and columns that existed before this file and that a statement of this file drops or renames.
 * Objects created earlier in the same file are left out: no deployed code can use them yet.
 */
export function removedNames(ctx: RuleContext): readonly RemovedName[] {
  // Five rules ask during one analysis: computed once per analysis.
  return removedOnce(ctx);
}

const removedOnce = perAnalysis((ctx) => {
  const found = computeRemovedNames(ctx);
  const reverted = ctx.revertedFile;
  const down = reverted !== undefined || (ctx.isMigration && isDownMigration(ctx.path));
  if (!down) return found;
  const made = reverted ? namesMadeBy(reverted.text) : undefined;
  for (const r of found) {
    // DROP TABLE / DROP COLUMN of what the up created; RENAME of a table or column back from the name it gave.
    const key = r.kind === 'rename-column' || (r.kind === 'drop-column' && !made?.has(r.table)) ? `${r.table}.${r.column}` : r.table;
    r.rollback = reverted && made?.has(key) ? { of: reverted.path } : {};
  }
  return found;
});

/** A down (revert) migration by its name: the folder-per-migration form needs its folder, Flyway's its file name. */
function isDownMigration(filePath: string | undefined): boolean {
  if (!filePath) return false;
  const parts = filePath.split(/[\\/]/);
  return isRevertMigration(parts.slice(-2).join('/')) || isRevertMigration(parts[parts.length - 1]);
}

/**
 * The tables ("schema.table") and columns ("schema.table.column") a migration creates or renames into
 * being: CREATE TABLE (AS), ADD COLUMN, the new name of RENAME and SET SCHEMA.
 */
function namesMadeBy(text: string): Set<string> {
  const out = new Set<string>();
  for (const p of parseFile(text).statements) {
    const [kind, node] = unwrap(p.ast);
    if (kind === 'CreateStmt' && node.relation) out.add(qualify(rangeVarName(node.relation)));
    else if (kind === 'CreateTableAsStmt' && node.into?.rel) out.add(qualify(rangeVarName(node.into.rel)));
    else if (kind === 'RenameStmt' && node.relation && node.newname) {
      const table = qualify(rangeVarName(node.relation));
      if (node.renameType === 'OBJECT_TABLE') out.add(`${table.split('.')[0]}.${node.newname}`);
      else if (node.renameType === 'OBJECT_COLUMN') out.add(`${table}.${node.newname}`);
    } else if (kind === 'AlterObjectSchemaStmt' && node.objectType === 'OBJECT_TABLE' && node.relation && node.newschema) {
      out.add(`${node.newschema}.${rangeVarName(node.relation).name}`);
    } else if (kind === 'AlterTableStmt' && node.relation) {
      const table = qualify(rangeVarName(node.relation));
      for (const c of node.cmds ?? []) {
        const column = c?.AlterTableCmd?.subtype === 'AT_AddColumn' ? c.AlterTableCmd.def?.ColumnDef?.colname : undefined;
        if (typeof column === 'string') out.add(`${table}.${column}`);
      }
    }
  }
  return out;
}

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

/**
 * A removal in a down migration (r.rollback): reported as info, because removing what the up made is
 * what a rollback is for; `loses` says what the rollback costs.
 */
export function reportRollback(ctx: RuleContext, r: RemovedName, what: string, loses: string): void {
  const rollback = r.rollback?.of ? `undoes ${r.rollback.of}, which created it: a rollback` : 'is in a down migration: a rollback';
  ctx.report({
    statementIndex: r.statementIndex,
    span: r.span,
    severity: 'info',
    message: `${what} ${rollback}. ${loses}`,
    locks: r.lock ? [r.lock] : undefined,
  });
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
  // Character codes, not one-character strings: this loop runs over every character of every app file.
  const commentStart = lineComment.charCodeAt(0);
  const blockComments = lineComment !== '#';
  const isQuote = (c: number) => (c === 39 ? quotes.includes("'") : c === 34 ? quotes.includes('"') : c === 96 && quotes.includes('`'));
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === commentStart && text.startsWith(lineComment, i)) {
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? n : nl;
      push(i, end, 'comment');
      i = end;
    } else if (blockComments && c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      push(i, end, 'comment');
      i = end;
    } else if (isQuote(c)) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === c) break;
        if (d === 92) j++;
        else if (d === 10 && c !== 96) break;
        j++;
      }
      const end = Math.min(n, j + 1);
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

/**
 * A string of code that is SQL: a statement's shape, not one keyword ("Update Document" is a label,
 * "downloads from crates owned by ..." a sentence).
 */
const SQL_SHAPE =
  /(?<![\w$])(?:select(?![\w$])[\s\S]*(?<![\w$])from|insert\s+into|update\s+\S+\s+set|delete\s+from|(?:alter|create|drop)\s+(?:table|view|index)|truncate\s+(?:table\s+)?\S|merge\s+into|copy\s+\S+\s+(?:from|to))(?![\w$])/i;

/** Calls whose string argument is a table name: supabase-js .from(), knex, Kysely, Drizzle's pgTable. */
const TABLE_CALL = /(?:(?<![\w$])|\.)(?:from|table|into|selectFrom|insertInto|updateTable|deleteFrom|pgTable|knex|withSchema)\s*\(\s*$/;

interface Hit {
  offset: number;
  /**
   * The use is certain: SQL text naming it, `table.column`, a table name passed to a query builder, or a
   * column named in a query string of a file that certainly uses the table. Otherwise (a member access,
   * an object key, a label that equals the name) it may be another object of the same name.
   */
  sure: boolean;
  /** A table name handed to a query builder (`.from('orders')`): the file's name strings are its columns. */
  call?: boolean;
}

/** The literal's text without its quotes. */
function literalBody(text: string, r: Region): string {
  return text
    .slice(r.start, r.end)
    .replace(/^['"`]|['"`]$/g, '')
    .trim();
}

/**
 * Where the app uses a table: the name right after an SQL keyword that takes a table (FROM, JOIN, INTO,
 * UPDATE, ...) in an SQL file or an SQL string, or a string that is exactly the name (`.from('orders')`,
 * `'public.orders'`; certain only as a query builder's argument). A variable or route that happens to
 * share the name does not count.
 */
function tableHits(file: AppFile, table: string): Hit[] {
  const { text, regions } = file;
  const [schema, name] = table.split('.');
  const hits: Hit[] = [];
  for (const at of occurrences(file, name)) {
    const r = regionAt(regions, at);
    if (r?.kind !== 'string') continue;
    const body = literalBody(text, r);
    if (body === name || body === `${schema}.${name}`) {
      const call = TABLE_CALL.test(text.slice(Math.max(0, r.start - 40), r.start));
      hits.push({ offset: at, sure: call, call });
      continue;
    }
    // Only the text just before the name matters for the keyword test; SQL files are one long region.
    const lead = text.slice(Math.max(r.start, at - 200), at);
    // `other_schema.orders` is another schema's table (a ClickHouse schema file beside the app, say).
    const qualifier = SQL_QUALIFIER.exec(lead)?.[1];
    if (qualifier && qualifier.toLowerCase() !== schema.toLowerCase()) continue;
    if (SQL_TABLE_KEYWORD.test(lead) && (file.sql || SQL_SHAPE.test(body))) hits.push({ offset: at, sure: true });
  }
  return hits;
}

/**
 * Where the app uses a column. The name alone is too common (status, name, note), so a hit needs
 * context: `table.column` anywhere counts; otherwise the file must use the table (see tableHits) and
 * the name must appear in SQL text, in a string that is the name or a list of names (a select list, a
 * filter), as a member access (`row.note`) or as an object key (`{ note: ... }`, a type's field). It is
 * certain in SQL text, or in a name string of a file that certainly uses the table.
 */
function columnHits(file: AppFile, table: string, column: string, tableUse: Hit[]): Hit[] {
  const { text, regions } = file;
  const name = table.split('.')[1];
  const hits: Hit[] = [];
  if (tableUse.length === 0 && !file.words.has(name)) return hits;
  // A name string ('status', 'id, status') is certainly this table's column only in a file that hands
  // the table to a query builder; a file that uses it in SQL text may list other tables' fields.
  const listsAreColumns = tableUse.some((h) => h.call);
  const qualifiedBy = new RegExp(`(?<![\\w$])"?${escapeRegExp(name)}"?\\.$`);
  for (const at of occurrences(file, column)) {
    const r = regionAt(regions, at);
    if (!r || r.kind === 'comment') continue;
    const before = text.slice(Math.max(0, at - name.length - 3), at);
    if (qualifiedBy.test(before)) {
      // In SQL (or any string) `orders.note` names the column; in code it may be a variable called like the table.
      hits.push({ offset: at, sure: file.sql || r.kind === 'string' });
      continue;
    }
    if (tableUse.length === 0) continue;
    const inString = r.kind === 'string' && (file.sql || !inInterpolation(text, r, at));
    if (inString) {
      // In SQL text, `other.column` is another table's column unless `other` is an alias of this table.
      const qualifier = SQL_QUALIFIER.exec(text.slice(Math.max(r.start, at - 66), at))?.[1];
      if (qualifier && !aliasesOf(file, name).has(qualifier.toLowerCase())) continue;
      const body = literalBody(text, r);
      if (file.sql || SQL_SHAPE.test(body)) {
        // SQL text: the statement around the name must name the table (an INSERT INTO another table
        // listing a column of the same name is not a use).
        // `JOIN tag ON ...` and `tag.id` name a table called like the column, not the column.
        const tableRef =
          SQL_TABLE_KEYWORD.test(text.slice(Math.max(r.start, at - 60), at)) ||
          /^"?\s*\./.test(text.slice(at + column.length, at + column.length + 3));
        if (!tableRef && namesTableInStatement(text, r, at, tableUse)) hits.push({ offset: at, sure: true });
        continue;
      } else if (isNameList(body)) hits.push({ offset: at, sure: listsAreColumns });
      continue;
    }
    const after = text.slice(at + column.length, at + column.length + 4);
    const member = /\??\.$/.test(text.slice(Math.max(0, at - 2), at));
    const key = /^\s*\??:/.test(after);
    if (member || key) hits.push({ offset: at, sure: false });
  }
  return hits;
}

/**
 * A table hit inside the SQL statement (between semicolons, within the string) that holds `at`, and
 * `at` not inside one of its string literals.
 */
function namesTableInStatement(text: string, r: Region, at: number, tableUse: Hit[]): boolean {
  const start = Math.max(r.start, text.lastIndexOf(';', at) + 1);
  const semicolon = text.indexOf(';', at);
  const end = semicolon < 0 || semicolon > r.end ? r.end : semicolon;
  if (inSqlLiteral(text, start, at)) return false;
  return tableUse.some((h) => h.offset >= start && h.offset < end);
}

/** Inside a '...' literal of the SQL statement that starts at `start`: a value, not a name. */
function inSqlLiteral(text: string, start: number, at: number): boolean {
  let open = false;
  for (let i = text.indexOf("'", start); i >= 0 && i < at; i = text.indexOf("'", i + 1)) open = !open;
  return open;
}

/** Inside `${...}` of a template literal: code, not string. */
function inInterpolation(text: string, r: Region, at: number): boolean {
  if (text[r.start] !== '`') return false;
  const open = text.lastIndexOf('${', at);
  return open > r.start && text.lastIndexOf('}', at) < open;
}

/**
 * A name or a list of names, as query builders take them: `'downloads'`, `'id, name, downloads'`,
 * `'author:users(name, email)'`, `'downloads.gt.5'`; not a sentence, a label with spaces or a URL path
 * (`'/api/v1/keywords'`, an HTTP route).
 */
function isNameList(body: string): boolean {
  // JSON arrows (`data->>key`) are part of a select list; other hyphens make a word ("new-code").
  return body.split(',').every((item) => /^[\w$.*:()!"]*$/.test(item.trim().replace(/->>?/g, '.')));
}

/** The identifier right before a `.` that precedes a name: `versions.` in `versions.id`. */
const SQL_QUALIFIER = /(?<![\w$])"?([A-Za-z_][\w$]*)"?\s*\.\s*"?$/;
/** Words that follow a table name in SQL without being its alias. */
const NOT_AN_ALIAS = new Set(
  'where on set join inner left right full cross natural using group order limit offset fetch as values select from returning union intersect except and or for with window having lateral default do'.split(
    ' ',
  ),
);

/** Lower-cased aliases the file gives the table in SQL (`FROM crates c`, `JOIN crates AS c`), the name itself included. */
function aliasesOf(file: AppFile, table: string): ReadonlySet<string> {
  let out = file.aliases.get(table);
  if (out) return out;
  file.aliases.set(table, (out = new Set([table.toLowerCase()])));
  const re = new RegExp(`(?<![\\w$.])"?${escapeRegExp(table)}"?\\s+(?:as\\s+)?"?([A-Za-z_][\\w$]*)`, 'gi');
  for (let m = re.exec(file.text); m; m = re.exec(file.text)) {
    const alias = m[1].toLowerCase();
    if (!NOT_AN_ALIAS.has(alias)) out.add(alias);
  }
  return out;
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
  /** An .sql file: all of it is SQL text. */
  sql: boolean;
  /** aliasesOf per table name. */
  aliases: Map<string, Set<string>>;
  regions: Region[];
  /** Offset of the first character of each line. */
  lineStarts: number[];
  /** Offsets of the searched identifier names (see occurrences). */
  words: Map<string, number[]>;
  /** tableHits per table, for the several columns of one table. */
  tableHits: Map<string, Hit[]>;
}

/**
 * The distinct identifiers of each application file, and its regions and line starts, kept per file
 * object: a run hands every migration the same files, so each file is read once per run, not once per
 * migration that drops or renames something (which made a long history's check slow). Never changes a
 * result.
 */
const fileWords = new WeakMap<object, Set<string>>();
const fileLayout = new WeakMap<object, { regions: Region[]; lineStarts: number[] }>();

function wordsOf(f: { text: string }): Set<string> {
  let words = fileWords.get(f);
  if (!words) {
    words = new Set<string>();
    const re = /[\w$]+/g;
    for (let m = re.exec(f.text); m; m = re.exec(f.text)) words.add(m[0]);
    fileWords.set(f, words);
  }
  return words;
}

/** [A-Za-z0-9_$] (what \\w and $ match); NaN (out of range) is not. */
function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

function layoutOf(f: { path: string; text: string }): { regions: Region[]; lineStarts: number[] } {
  let layout = fileLayout.get(f);
  if (!layout) {
    const lineStarts = [0];
    for (let i = f.text.indexOf('\n'); i >= 0; i = f.text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    layout = { regions: regionsOf(f.path, f.text), lineStarts };
    fileLayout.set(f, layout);
  }
  return layout;
}

/**
 * The files that hold one of `words` (the removed names), with their regions, line starts and the
 * offsets of those words. A file without any of them cannot hold a use.
 */
function prepare(files: RuleContext['appFiles'], words: ReadonlySet<string>): AppFile[] {
  const plain = [...words].filter((w) => w !== '');
  const odd = plain.some((w) => !IDENTIFIER.test(w));
  const out: AppFile[] = [];
  for (const f of files) {
    if (typeof f?.text !== 'string' || typeof f.path !== 'string') continue;
    const has = wordsOf(f);
    if (!odd && !plain.some((w) => has.has(w))) continue;
    // Offsets of the words the file holds: indexOf with a check of the characters around each hit,
    // cheaper than tokenizing the whole file again.
    const found = new Map<string, number[]>();
    for (const w of plain) {
      if (!has.has(w)) continue;
      const list: number[] = [];
      for (let at = f.text.indexOf(w); at >= 0; at = f.text.indexOf(w, at + w.length)) {
        if (!isWordChar(f.text.charCodeAt(at - 1)) && !isWordChar(f.text.charCodeAt(at + w.length))) list.push(at);
      }
      if (list.length) found.set(w, list);
    }
    const { regions, lineStarts } = layoutOf(f);
    out.push({
      path: f.path,
      text: f.text,
      sql: /\.sql$/i.test(f.path),
      aliases: new Map(),
      regions,
      lineStarts,
      words: found,
      tableHits: new Map(),
    });
  }
  return out;
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

/** The app's uses of the removed name, certain ones first, and whether any is certain. */
function findReferences(files: AppFile[], removed: RemovedName): { related: NonNullable<Violation['related']>; sure: boolean } {
  const sure: NonNullable<Violation['related']> = [];
  const possible: NonNullable<Violation['related']> = [];
  for (const file of files) {
    let tHits = file.tableHits.get(removed.table);
    if (!tHits) file.tableHits.set(removed.table, (tHits = tableHits(file, removed.table)));
    const hits = removed.column ? columnHits(file, removed.table, removed.column, tHits) : [...tHits];
    const seenLines = new Map<number, Hit>();
    for (const h of hits) {
      const line = lineOf(file, h.offset).line;
      const seen = seenLines.get(line);
      if (!seen || (h.sure && !seen.sure)) seenLines.set(line, h);
    }
    for (const h of [...seenLines.values()].sort((a, b) => a.offset - b.offset)) {
      const l = lineOf(file, h.offset);
      (h.sure ? sure : possible).push({ path: file.path, line: l.line, text: l.text });
    }
  }
  return { related: [...sure, ...possible], sure: sure.length > 0 };
}

const SHOWN_IN_MESSAGE = 3;

/** The version an application file's name starts with (8+ digits), by path: read once. */
const fileVersions = new Map<string, string | null>();

/** The file's name starts with a timestamp-like version (8+ digits) that sorts before `version`. */
function olderSnapshot(filePath: string, version: string | undefined): boolean {
  if (!version || !/^\d{8}/.test(version)) return false;
  let own = fileVersions.get(filePath);
  if (own === undefined) {
    if (fileVersions.size > 100_000) fileVersions.clear();
    own = /^(\d{8,})[_.-]/.exec(filePath.replace(/\\/g, '/').split('/').pop() ?? '')?.[1] ?? null;
    fileVersions.set(filePath, own);
  }
  if (!own) return false;
  const n = Math.min(own.length, version.length);
  return own.slice(0, n) < version.slice(0, n);
}

/** The removed table or column exists after this file, or after the folder's last migration. */
function existsAgain(ctx: RuleContext, r: RemovedName): boolean {
  const key = r.column !== undefined ? `${r.table}.${r.column}` : r.table;
  if (ctx.namesAtHead?.has(key)) return true;
  const t = ctx.catalog.tables.get(r.table);
  return t !== undefined && (r.column === undefined || t.columns.has(r.column));
}

export const appReferencesRemovedName: Rule = {
  id: 'app-references-removed-name',
  title: 'A dropped or renamed table or column is still used by the application code',
  defaultSeverity: 'error',
  check(ctx) {
    if (ctx.appFiles.length === 0) return;
    const removals = removedNames(ctx);
    if (removals.length === 0) return;
    const names = new Set(removals.flatMap((r) => [r.table.split('.')[1], r.column ?? '']));
    // A file named by a version older than this migration (a migration test's data, a seed of that
    // time) was written against the schema of then, not today's.
    const version = ctx.path ? migrationVersion(ctx.path) : undefined;
    const files = prepare(
      ctx.appFiles.filter((f) => !olderSnapshot(f.path, version)),
      names,
    );
    for (const removed of removals) {
      // A rollback goes with the app's own rollback; a name that exists again (created anew later in
      // this file or the folder) is what the app's uses refer to.
      if (removed.rollback || existsAgain(ctx, removed)) continue;
      const { related, sure } = findReferences(files, removed);
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
      const uses = sure
        ? 'the application still uses the old name'
        : 'the application may still use the old name (it appears in the app, though not in a query the tool can read)';
      ctx.report({
        statementIndex: removed.statementIndex,
        span: removed.span,
        severity: sure ? undefined : 'warning',
        message: `${what} ${change}, but ${uses}: ${where}${more}. Ship the app change that stops using it first, then remove the name in a later migration`,
        help: 'Matches are whole identifiers in strings, SQL texts, member accesses and object keys of files that use the table; comments are skipped. See docs/rules/app-references-removed-name.md for the heuristic.',
        related,
      });
    }
  },
};
