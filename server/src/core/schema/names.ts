// Identifier names the way PostgreSQL makes them: truncation to NAMEDATALEN-1 bytes on a UTF-8
// character boundary (truncate_identifier), and the names it gives unnamed indexes, constraints and
// sequences (makeObjectName, ChooseRelationName, ChooseConstraintName, ChooseIndexColumnNames in
// PostgreSQL's source). The one home for generated names: the catalog records them, the rewrites reuse
// them, so a later DROP CONSTRAINT <PostgreSQL's name> finds what the rewrite created. Pure.

/** NAMEDATALEN - 1: the longest identifier PostgreSQL keeps, in bytes. */
export const MAX_IDENTIFIER_BYTES = 63;

/** UTF-8 length in bytes (the core has no TextEncoder: it runs without Node or DOM types). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4; // a surrogate pair: one code point of four bytes
      i++;
    } else n += 3;
  }
  return n;
}

/** The longest prefix of `s` of at most `maxBytes` UTF-8 bytes that ends on a character boundary (pg_mbcliplen). */
export function clipBytes(s: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  if (s.length <= maxBytes && utf8Length(s) <= maxBytes) return s;
  let bytes = 0;
  let end = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + n > maxBytes) break;
    bytes += n;
    end += ch.length;
  }
  return s.slice(0, end);
}

/** An identifier as PostgreSQL records it: at most 63 bytes. */
export function truncateIdentifier(name: string): string {
  return clipBytes(name, MAX_IDENTIFIER_BYTES);
}

/**
 * makeObjectName: name1[_name2][_label] within 63 bytes. The label is never cut; of the two names the
 * longer loses bytes first, then each is clipped back to a character boundary.
 */
export function makeObjectName(name1: string, name2: string | undefined, label: string | undefined): string {
  let n1 = utf8Length(name1);
  let n2 = name2 !== undefined ? utf8Length(name2) : 0;
  let overhead = name2 !== undefined ? 1 : 0;
  if (label) overhead += utf8Length(label) + 1;
  const avail = MAX_IDENTIFIER_BYTES - overhead;
  while (n1 + n2 > avail) {
    if (n1 > n2) n1--;
    else n2--;
  }
  let out = clipBytes(name1, n1);
  if (name2 !== undefined) out += `_${clipBytes(name2, n2)}`;
  if (label) out += `_${label}`;
  return out;
}

/**
 * The first of name1_name2_label, ..._label1, ..._label2, ... that `taken` does not claim (the number
 * goes on the label, so it is never cut off).
 */
export function chooseName(
  name1: string,
  name2: string | undefined,
  label: string,
  taken: (name: string) => boolean,
  resume?: ResumePoints,
): string {
  const key = `${name1}\u0000${name2 ?? ''}\u0000${label}`;
  let pass = resume?.get(key) ?? 0;
  let name = makeObjectName(name1, name2, pass ? `${label}${pass}` : label);
  nameCounters.tries++;
  while (taken(name) && pass < 100_000) {
    name = makeObjectName(name1, name2, `${label}${++pass}`);
    nameCounters.tries++;
  }
  resume?.set(key, pass);
  return name;
}

/** Candidate names tried so far in this process (tests check the search stays linear). */
export const nameCounters = { tries: 0 };

/**
 * Where the search for a free name of each base stopped. Valid only while names are added and none is
 * freed (one CREATE TABLE): then every earlier candidate is still taken, and 3,000 unnamed UNIQUE
 * columns of one name cost 3,000 tries rather than 4.5 million.
 */
export type ResumePoints = Map<string, number>;

/**
 * ChooseIndexNameAddition / ChooseForeignKeyConstraintNameAddition: the column names joined by "_",
 * stopping once the text reaches NAMEDATALEN bytes (makeObjectName cuts the rest).
 */
export function columnsAddition(columns: readonly string[]): string {
  let out = '';
  for (const c of columns) {
    if (out) out += '_';
    out += truncateIdentifier(c);
    if (utf8Length(out) >= MAX_IDENTIFIER_BYTES + 1) break;
  }
  return out;
}

/**
 * ChooseIndexColumnNames: the names an index gives its columns: the column, "expr" for an expression,
 * and a number appended (within 63 bytes) when an earlier column already has that name.
 */
export function indexColumnNames(columns: readonly (string | undefined)[]): string[] {
  const out: string[] = [];
  for (const c of columns) {
    const orig = c ?? 'expr';
    let name = orig;
    for (let i = 1; out.includes(name); i++) name = clipBytes(orig, MAX_IDENTIFIER_BYTES - String(i).length) + String(i);
    out.push(name);
  }
  return out;
}

/** The column names an unnamed CREATE INDEX is named after: its key columns, then its INCLUDE columns. */
export function indexStatementColumnNames(node: { indexParams?: unknown[]; indexIncludingParams?: unknown[] }): string[] {
  const elems = [...(node.indexParams ?? []), ...(node.indexIncludingParams ?? [])] as {
    IndexElem?: { indexcolname?: string; name?: string };
  }[];
  return indexColumnNames(elems.map((p) => p?.IndexElem?.indexcolname ?? p?.IndexElem?.name));
}

export type ConstraintLabel = 'pkey' | 'key' | 'excl' | 'idx' | 'fkey' | 'check' | 'not_null' | 'seq';

/**
 * The name PostgreSQL gives an unnamed object on `table`: <table>_pkey; <table>_<columns>_key / _excl /
 * _idx / _fkey / _not_null; <table>_<column>_check for a CHECK on one column, <table>_check otherwise;
 * <table>_<column>_seq for a serial's sequence. `taken` says whether a name is in use where PostgreSQL
 * looks (relations of the schema; constraints of the schema for constraint names).
 */
export function generatedName(
  table: string,
  columns: readonly string[],
  label: ConstraintLabel,
  taken: (name: string) => boolean,
  resume?: ResumePoints,
): string {
  if (label === 'pkey') return chooseName(table, undefined, label, taken, resume);
  if (label === 'check') return chooseName(table, columns.length === 1 ? columns[0] : undefined, label, taken, resume);
  return chooseName(table, columnsAddition(columns), label, taken, resume);
}

/**
 * A file-name part made from object names: lower-case ASCII letters, digits and "_" only (every file
 * system accepts them, no quoting in shells), at most `max` characters.
 */
export function fileNamePart(s: string, max = 48): string {
  const out = s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (out === s && out.length <= max) return out || 'step';
  // Cut or changed: a short hash of the original keeps two long names that share a prefix apart.
  return `${out.slice(0, max - 9).replace(/_+$/, '')}_${fnv1a(s)}`.replace(/^_/, '');
}

/** 8 hex digits of FNV-1a over the UTF-16 code units: stable, not cryptographic. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
