// ALTER COLUMN ... TYPE without USING converts with PostgreSQL's assignment cast. Between types that have
// none (text -> integer, jsonb -> integer) the statement fails; where the cast narrows (numeric scale,
// varchar length, bigint -> integer, timestamptz -> date) it silently loses data or rejects rows.
import { typeFromAst, typeText, type ColumnType } from '../syntax/pgtypes';
import { columnTypeBefore, declaredColumns, lockOn, typeSource, typeSpan, spansIn } from './columns';
import type { Rule } from './rule';

export const typeChangeWithoutUsing: Rule = {
  id: 'type-change-without-using',
  title: 'Type change without a USING conversion: fails without an assignment cast, or loses or rejects data',
  defaultSeverity: 'warning',
  check(ctx) {
    for (const d of declaredColumns(ctx)) {
      if (d.via !== 'alter-type' || d.def.raw_default) continue;
      const from = columnTypeBefore(ctx, d.st.index, d.table, d.column);
      if (!from) continue;
      const to = typeFromAst(d.typeName);
      const conv = conversion(from, to);
      if (!conv) continue;
      const written = typeSource(spansIn(ctx, d.st), d.st, d.typeName) || shown(to);
      const span = typeSpan(spansIn(ctx, d.st), d.st, d.typeName);
      if (conv.kind === 'fails') {
        ctx.report({
          statementIndex: d.st.index,
          span,
          severity: 'error',
          message: `type change without a conversion: PostgreSQL has no automatic cast from ${shown(from)} to ${written}, so ALTER COLUMN ${d.column} TYPE ${written} on ${d.table} fails ("column "${d.column}" cannot be cast automatically to type ${written}"). Add USING ${d.column}::${written}, or an expression that handles values that do not convert`,
          help: `Before writing the USING cast, count the values of ${d.column} that would not convert: a plain cast stops the migration at the first one.`,
        });
        continue;
      }
      // An empty table created in this file has no data to lose.
      if (lockOn(d.st, d.table)?.newTable) continue;
      ctx.report({
        statementIndex: d.st.index,
        span,
        message: `type change without a conversion: ALTER COLUMN ${d.column} TYPE ${written} converts ${d.table}.${d.column} from ${shown(from)} with the automatic assignment cast, which ${conv.effect}. Check the data first, then write the conversion you mean with USING, or keep the old values with expand/contract (new column, backfill, switch)`,
        help: 'A USING clause states the conversion on purpose (USING round(score, 1), USING left(note, 20), USING created_at::date); the rule accepts it as reviewed.',
      });
    }
  },
};

type Conversion = { kind: 'fails' } | { kind: 'lossy'; effect: string };

const INT_DIGITS: Record<string, number> = { int2: 5, int4: 10, int8: 19 };
const NUMBERS = new Set(['int2', 'int4', 'int8', 'numeric', 'float4', 'float8']);
const STRINGS = new Set(['text', 'varchar', 'bpchar', 'citext', 'name']);
const DATETIMES = new Set(['date', 'timestamp', 'timestamptz', 'time', 'timetz', 'interval']);
const FRACTIONAL_SECONDS = new Set(['timestamp', 'timestamptz', 'time', 'timetz']);
const OTHERS = new Set(['bool', 'json', 'jsonb', 'uuid', 'bytea', 'inet', 'cidr', 'bit', 'varbit']);
const KNOWN = new Set([...NUMBERS, ...STRINGS, ...DATETIMES, ...OTHERS]);

/** Assignment casts between different families and inside the date/time family (pg_cast, castcontext a or i). */
const ASSIGNABLE = new Set([
  'date>timestamp',
  'date>timestamptz',
  'timestamp>date',
  'timestamptz>date',
  'timestamp>timestamptz',
  'timestamptz>timestamp',
  'timestamp>time',
  'timestamptz>time',
  'timestamptz>timetz',
  'time>timetz',
  'timetz>time',
  'time>interval',
  'interval>time',
  'json>jsonb',
  'jsonb>json',
  'cidr>inet',
  'inet>cidr',
  'bit>varbit',
  'varbit>bit',
]);

/** What the conversion without USING does, or undefined when it is harmless or the types are not known well enough. */
function conversion(from: ColumnType, to: ColumnType): Conversion | undefined {
  // Every type converts to a string type by its text form (an assignment cast); arrays element by element.
  if (STRINGS.has(to.name) && (!to.array || from.array)) return lengthLimit(from, to);
  if (!KNOWN.has(from.name) || !KNOWN.has(to.name)) return undefined;
  if (from.array !== to.array) return { kind: 'fails' };
  if (from.name === to.name) return sameTypeNarrowing(from, to);
  // From a string type, only other string types are assignable; the rest needs an explicit cast.
  if (STRINGS.has(from.name)) return { kind: 'fails' };
  if (NUMBERS.has(from.name) && NUMBERS.has(to.name)) return numberNarrowing(from, to);
  if (!ASSIGNABLE.has(`${from.name}>${to.name}`)) return { kind: 'fails' };
  return DROPS[`${from.name}>${to.name}`];
}

const DROPS: Record<string, Conversion> = {
  'timestamp>date': { kind: 'lossy', effect: 'drops the time of day' },
  'timestamptz>date': { kind: 'lossy', effect: 'drops the time of day (the date is taken in the session TimeZone)' },
  'timestamptz>timestamp': { kind: 'lossy', effect: 'drops the time zone, keeping local time in the session TimeZone' },
  'timestamp>time': { kind: 'lossy', effect: 'drops the date' },
  'timestamptz>time': { kind: 'lossy', effect: 'drops the date' },
  'timestamptz>timetz': { kind: 'lossy', effect: 'drops the date' },
  'timetz>time': { kind: 'lossy', effect: 'drops the time zone offset' },
  'interval>time': { kind: 'lossy', effect: 'drops whole days' },
  'inet>cidr': { kind: 'lossy', effect: 'zeroes the host bits of each address' },
};

function lengthLimit(from: ColumnType, to: ColumnType): Conversion | undefined {
  const limit = to.mods[0];
  if (limit === undefined) return undefined;
  const fromLimit = STRINGS.has(from.name) && from.array === to.array ? from.mods[0] : undefined;
  if (fromLimit !== undefined && fromLimit <= limit) return undefined;
  return { kind: 'lossy', effect: `rejects every value longer than ${limit} characters, failing the migration` };
}

function sameTypeNarrowing(from: ColumnType, to: ColumnType): Conversion | undefined {
  if (from.name === 'numeric') return numberNarrowing(from, to);
  // interval modifiers also encode fields (DAY TO SECOND), so only these carry a plain precision.
  if (FRACTIONAL_SECONDS.has(from.name) && to.mods.length && to.mods[0] < (from.mods[0] ?? 6)) {
    return { kind: 'lossy', effect: `rounds fractional seconds to ${to.mods[0]} digits` };
  }
  return undefined;
}

function numberNarrowing(from: ColumnType, to: ColumnType): Conversion | undefined {
  const fractional = from.name === 'numeric' || from.name.startsWith('float');
  if (to.name in INT_DIGITS) {
    if (fractional) return { kind: 'lossy', effect: `rounds away the fractional part (and rejects values outside the ${shown(to)} range)` };
    if (INT_DIGITS[from.name] > INT_DIGITS[to.name])
      return { kind: 'lossy', effect: `rejects values outside the ${shown(to)} range, failing the migration` };
    return undefined;
  }
  if (to.name === 'float4' && from.name !== 'int2') return { kind: 'lossy', effect: 'rounds to about 6 significant digits' };
  if (to.name === 'float8' && (from.name === 'numeric' || from.name === 'int8'))
    return { kind: 'lossy', effect: 'rounds to about 15 significant digits' };
  if (to.name !== 'numeric' || to.mods.length === 0) return undefined;
  const [p, s = 0] = to.mods;
  if (from.name !== 'numeric' || from.mods.length === 0) {
    if (fractional)
      return { kind: 'lossy', effect: `rounds to ${s} decimal places and rejects values with more than ${p - s} integer digits` };
    return INT_DIGITS[from.name] > p - s
      ? { kind: 'lossy', effect: `rejects values with more than ${p - s} digits, failing the migration` }
      : undefined;
  }
  const [fp, fs = 0] = from.mods;
  if (s < fs) return { kind: 'lossy', effect: `rounds every value from ${fs} to ${s} decimal places` };
  if (p - s < fp - fs) return { kind: 'lossy', effect: `rejects values with more than ${p - s} integer digits, failing the migration` };
  return undefined;
}

const NAMES: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  bpchar: 'char',
};

/** The SQL spelling users write (integer, not int4). */
function shown(t: ColumnType): string {
  return typeText({ ...t, name: NAMES[t.name] ?? t.name });
}
