// Column types as the lock model needs them: a canonical name plus modifiers, read either from the AST
// (TypeName) or from format_type() text in a stats snapshot, and whether a change between two of them
// rewrites the table.
import { strings, type Node } from './ast';

export interface ColumnType {
  /** Canonical internal name: int4, int8, varchar, text, numeric, timestamptz, ... */
  name: string;
  /** Type modifiers: varchar(20) -> [20]; numeric(10,2) -> [10, 2]. */
  mods: number[];
  array: boolean;
}

const ALIASES: Record<string, string> = {
  integer: 'int4',
  int: 'int4',
  int4: 'int4',
  serial: 'int4',
  serial4: 'int4',
  bigint: 'int8',
  int8: 'int8',
  bigserial: 'int8',
  serial8: 'int8',
  smallint: 'int2',
  int2: 'int2',
  smallserial: 'int2',
  serial2: 'int2',
  'character varying': 'varchar',
  varchar: 'varchar',
  character: 'bpchar',
  char: 'bpchar',
  bpchar: 'bpchar',
  text: 'text',
  citext: 'citext',
  numeric: 'numeric',
  decimal: 'numeric',
  'timestamp without time zone': 'timestamp',
  timestamp: 'timestamp',
  'timestamp with time zone': 'timestamptz',
  timestamptz: 'timestamptz',
  'time without time zone': 'time',
  time: 'time',
  'time with time zone': 'timetz',
  timetz: 'timetz',
  boolean: 'bool',
  bool: 'bool',
  'double precision': 'float8',
  float8: 'float8',
  real: 'float4',
  float4: 'float4',
  'bit varying': 'varbit',
  varbit: 'varbit',
  bit: 'bit',
};

export function canonicalTypeName(name: string): string {
  const n = name.toLowerCase().trim();
  return ALIASES[n] ?? n;
}

/** The type named by an AST TypeName node. */
export function typeFromAst(typeName: Node | undefined): ColumnType {
  const parts = strings(typeName?.names);
  const raw = parts[parts.length - 1] ?? 'unknown';
  const mods = (typeName?.typmods ?? []).map((m: Node) => Number(m?.A_Const?.ival?.ival ?? 0));
  const name = canonicalTypeName(raw);
  // The parser writes interval(p) as [full range, p]; a bare full range is no modifier at all.
  if (name === 'interval' && mods.length === 1 && mods[0] === INTERVAL_FULL_RANGE) mods.length = 0;
  return { name, mods, array: Array.isArray(typeName?.arrayBounds) && typeName!.arrayBounds.length > 0 };
}

/** The range mask the parser gives interval(p) without fields (INTERVAL_FULL_RANGE in PostgreSQL). */
const INTERVAL_FULL_RANGE = 0x7fff;

/** The type named by format_type() text such as "character varying(20)" or "numeric(10,2)[]". */
export function typeFromText(text: string): ColumnType {
  let t = text.trim().toLowerCase();
  const array = t.endsWith('[]');
  if (array) t = t.replace(/(\[\])+$/, '');
  const m = /^(.*?)\s*\(([\d,\s]+)\)\s*(.*)$/.exec(t);
  let name = t;
  let mods: number[] = [];
  if (m) {
    // "timestamp(3) with time zone" keeps its suffix after the modifier.
    name = `${m[1]}${m[3] ? ' ' + m[3] : ''}`;
    mods = m[2].split(',').map((x) => Number(x.trim()));
    // format_type writes interval(3); the AST gives [full range, 3]: read both alike.
    if (name === 'interval' && mods.length === 1) mods = [INTERVAL_FULL_RANGE, mods[0]];
  }
  return { name: canonicalTypeName(name.replace(/^pg_catalog\./, '').replace(/^"|"$/g, '')), mods, array };
}

export function typeText(t: ColumnType): string {
  return `${t.name}${t.mods.length ? `(${t.mods.join(',')})` : ''}${t.array ? '[]' : ''}`;
}

export function isSerialTypeName(typeName: Node | undefined): boolean {
  const parts = strings(typeName?.names);
  return /^(small|big)?serial[248]?$/.test((parts[parts.length - 1] ?? '').toLowerCase());
}

/**
 * Whether a USING expression is just the column, bare or cast to the new type itself (Django writes
 * `USING "col"::type`): PostgreSQL then builds the same conversion as without USING, so whether the
 * table is rewritten is decided by the types alone (ATColumnChangeRequiresRewrite sees the same tree).
 */
export function usingIsColumnItself(expr: Node | undefined, column: string | undefined, to: ColumnType): boolean {
  if (!expr || !column) return false;
  let e = expr;
  if (e.TypeCast) {
    const cast = typeFromAst(e.TypeCast.typeName);
    if (cast.name !== to.name || cast.mods.join() !== to.mods.join() || cast.array !== to.array) return false;
    e = e.TypeCast.arg;
  }
  const fields = strings(e?.ColumnRef?.fields);
  return fields.length > 0 && fields[fields.length - 1] === column;
}

/** Maximum fractional-second precision (MAX_TIMESTAMP_PRECISION, MAX_TIME_PRECISION). */
const PRECISION_MAX: Record<string, number> = { timestamp: 6, timestamptz: 6, time: 6, timetz: 6 };

export interface TypeChange {
  rewrite: boolean;
  /** No rewrite, but indexes on the column are rebuilt (their order may depend on the session). */
  rebuildsIndexes?: boolean;
  /** Scans to check values without rewriting. */
  scan: boolean;
  why: string;
}

/**
 * Whether ALTER COLUMN TYPE from -> to rewrites the table, following PostgreSQL's
 * ATColumnChangeRequiresRewrite: binary-coercible casts with no length check keep the relfilenode.
 * `to` without a USING clause is assumed; a USING expression always rewrites.
 */
export function typeChangeEffect(
  from: ColumnType | undefined,
  to: ColumnType,
  pgVersion: number,
  hasUsing: boolean,
  timeZoneUtc = true,
): TypeChange {
  if (hasUsing) return { rewrite: true, scan: false, why: 'a USING expression recomputes every row, rewriting the table' };
  if (!from) return { rewrite: true, scan: false, why: `the column's current type is unknown, so a rewrite to ${typeText(to)} is assumed` };
  if (from.array !== to.array) return { rewrite: true, scan: false, why: 'changing to or from an array type rewrites the table' };
  const same = from.name === to.name;
  const unlimited = (t: ColumnType) => t.mods.length === 0;
  if (same && from.mods.join() === to.mods.join()) return { rewrite: false, scan: false, why: 'the type does not change' };
  if (same && (from.name === 'varchar' || from.name === 'varbit')) {
    if (unlimited(to) || (!unlimited(from) && to.mods[0] >= from.mods[0]))
      return { rewrite: false, scan: false, why: `widening ${typeText(from)} to ${typeText(to)} is binary coercible: no rewrite` };
    return { rewrite: true, scan: false, why: `shrinking ${typeText(from)} to ${typeText(to)} checks and rewrites every row` };
  }
  if (from.name === 'varchar' && (to.name === 'text' || to.name === 'citext'))
    return { rewrite: false, scan: false, why: `${typeText(from)} to ${to.name} is binary coercible: no rewrite` };
  if (from.name === 'text' && to.name === 'varchar' && unlimited(to))
    return { rewrite: false, scan: false, why: 'text to varchar without a limit is binary coercible: no rewrite' };
  if (same && from.name === 'numeric') {
    if (unlimited(to)) return { rewrite: false, scan: false, why: 'dropping the numeric precision limit is binary coercible: no rewrite' };
    if (!unlimited(from) && (from.mods[1] ?? 0) === (to.mods[1] ?? 0) && to.mods[0] >= from.mods[0])
      return { rewrite: false, scan: false, why: `widening ${typeText(from)} to ${typeText(to)} at the same scale: no rewrite` };
    return {
      rewrite: true,
      scan: false,
      why: `${typeText(from)} to ${typeText(to)} changes scale or narrows precision: rewrites the table`,
    };
  }
  if (from.name === 'timestamp' && to.name === 'timestamptz' && from.mods.join() === to.mods.join()) {
    if (pgVersion < 12) return { rewrite: true, scan: false, why: 'timestamp to timestamptz rewrites the table before PG 12' };
    if (timeZoneUtc)
      return {
        rewrite: false,
        scan: false,
        rebuildsIndexes: true,
        why: 'timestamp to timestamptz skips the table rewrite on PG 12+ when the session TimeZone is UTC',
      };
    return { rewrite: true, scan: false, why: 'timestamp to timestamptz rewrites the table when the session TimeZone is not UTC' };
  }
  if (from.name === 'timestamptz' && to.name === 'timestamp' && from.mods.join() === to.mods.join() && pgVersion >= 12 && timeZoneUtc) {
    return {
      rewrite: false,
      scan: false,
      rebuildsIndexes: true,
      why: 'timestamptz to timestamp skips the table rewrite on PG 12+ when the session TimeZone is UTC',
    };
  }
  if (same && PRECISION_MAX[from.name] !== undefined) {
    // timestamp_support / time_support: no rewrite when the precision rises, reaches the maximum or goes.
    const p = to.mods[0];
    if (unlimited(to) || p >= PRECISION_MAX[from.name] || (!unlimited(from) && p >= from.mods[0]))
      return {
        rewrite: false,
        scan: false,
        why: `raising or removing the precision of ${typeText(from)} (to ${typeText(to)}) is catalog-only: no rewrite`,
      };
    return {
      rewrite: true,
      scan: false,
      why: `lowering the precision of ${typeText(from)} to ${typeText(to)} rounds and rewrites every row`,
    };
  }
  if (same && from.name === 'interval') {
    // interval_support: with the full field range, the same rule as timestamp; fields (DAY TO SECOND, ...) are
    // left to the conservative answer unless the limit goes entirely.
    const full = (t: ColumnType) => unlimited(t) || t.mods[0] === INTERVAL_FULL_RANGE;
    const precision = (t: ColumnType) => (unlimited(t) || t.mods.length < 2 ? 6 : t.mods[1]);
    if (unlimited(to) || (full(from) && full(to) && precision(to) >= precision(from)))
      return {
        rewrite: false,
        scan: false,
        why: `raising or removing the precision of ${typeText(from)} (to ${typeText(to)}) is catalog-only: no rewrite`,
      };
  }
  if ((from.name === 'text' && to.name === 'citext') || (from.name === 'citext' && to.name === 'text')) {
    // citext's casts to and from text are WITHOUT FUNCTION; an index on the column changes operator class.
    return {
      rewrite: false,
      scan: false,
      rebuildsIndexes: true,
      why: `${from.name} to ${to.name} is binary coercible: no rewrite (an index on the column is rebuilt)`,
    };
  }
  if (from.name === 'cidr' && to.name === 'inet')
    return { rewrite: false, scan: false, why: 'cidr to inet is binary coercible: no rewrite' };
  return {
    rewrite: true,
    scan: false,
    why: `${typeText(from)} to ${typeText(to)} is not binary coercible: rewrites the table and its indexes`,
  };
}
