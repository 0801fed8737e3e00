// Migrations that a runner fills in before PostgreSQL sees them: Go text/template placeholders
// (`{{ index .Options "Namespace" }}.users` in supabase/auth and other pop/popx projects, Jinja's
// `{{ schema }}`). The parser cannot read them, so every statement that holds one would be a syntax
// error. Each placeholder is read as a quoted identifier of the same length instead (the name the
// runner puts there is unknown, and a name is where these placeholders stand), so the statements are
// analysed and every offset stays where it was; restore() turns the stand-in back into the
// placeholder in whatever the analysis says (messages, lock targets, fix SQL). Pure.

/**
 * `{{ ... }}` (with text/template's `{{-` / `-}}` trim markers) on one line, without nested braces,
 * with the double quotes around it when the migration quotes it as an identifier itself.
 */
const PLACEHOLDER = /"?\{\{-?[^{}\n]*?-?\}\}"?/g;
/** Longest stand-in name kept whole: PostgreSQL's limit is 63 bytes. */
const MAX_NAME = 60;

export interface FilledTemplates {
  /** The text with each placeholder replaced by its stand-in (same length). */
  text: string;
  /** Replaces stand-ins (quoted or as the bare name) in `s` with their placeholders. */
  restore(s: string): string;
  /** At least one placeholder was replaced. */
  filled: boolean;
}

const NONE: FilledTemplates = { text: '', restore: (s) => s, filled: false };

export function fillTemplates(text: string): FilledTemplates {
  if (!text.includes('{{')) return { ...NONE, text };
  /** Stand-in (quoted, and the bare name the parser gives back) -> placeholder. */
  const back = new Map<string, string>();
  const out = text.replace(PLACEHOLDER, (match) => {
    const open = match.startsWith('"');
    const close = match.endsWith('"') && match.length > 1 && !/\}\}$/.test(match);
    const placeholder = match.slice(open ? 1 : 0, close ? -1 : undefined);
    // A double quote inside becomes a backtick: fine in a quoted name and in a string literal alike.
    const inner = placeholder.slice(2, -2).replace(/"/g, '`');
    if (open !== close) {
      // Part of a quoted name ("{{ x }}_users"): only its double quotes and dots have to go.
      const name = `{{${inner.replace(/\./g, ':')}}}`;
      if (name !== placeholder) back.set(name, placeholder);
      return `${open ? '"' : ''}${name}${close ? '"' : ''}`;
    }
    // `{{ x }}` -> `"{x}"` padded (and `"{{ x }}"`, `{{x}}`, `{{- x -}}` alike): one name however a
    // file spells it, so a history that quotes or spaces it differently from file to file names one schema.
    // No dot in it either: the analysis splits "schema.table" at dots.
    const words = inner.replace(/^-|-$/g, '').trim().replace(/\s+/g, ' ').replace(/\./g, ':');
    const name = `{${words.length > MAX_NAME - 2 ? words.slice(0, MAX_NAME - 2) : words}}`;
    // The stand-in as written (padding included) goes back to exactly what stood there; the name alone
    // (in messages, in SQL the analysis writes) to the first spelling.
    const standIn = `"${name}"`.padEnd(match.length, ' ');
    if (!back.has(standIn)) back.set(standIn, match);
    if (!back.has(`"${name}"`)) back.set(`"${name}"`, placeholder);
    if (!back.has(name)) back.set(name, placeholder);
    return standIn;
  });
  if (back.size === 0) return { ...NONE, text: out };
  // One pass, longest first: a restored placeholder is never read again (`{{ x }}` holds `{ x }`).
  const keys = [...back.keys()].sort((a, b) => b.length - a.length);
  const standIns = new RegExp(keys.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const restore = (s: string): string => (typeof s === 'string' && s.includes('{') ? s.replace(standIns, (k) => back.get(k) ?? k) : s);
  return { text: out, restore, filled: out !== text };
}

/** `value` (plain data: strings, arrays, objects) with `restore` applied to every string in it. */
export function restoreIn<T>(value: T, restore: (s: string) => string): T {
  if (typeof value === 'string') return restore(value) as T;
  if (Array.isArray(value)) return value.map((v) => restoreIn(v, restore)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreIn(v, restore)])) as T;
  return value;
}
