// A deliberately small JSON Schema checker for exactly the keywords the repo's schemas use
// (server/schemas/*.schema.json, draft-07 with `definitions`; shared/schemas/*.schema.json, 2020-12 with
// `$defs`), so the tests need no validator dependency. It throws on any keyword it does not know: a schema
// edit that needs more cannot silently pass.

export type Schema = Record<string, any>;

export const KNOWN_KEYWORDS = new Set([
  '$schema',
  '$id',
  '$ref',
  'title',
  'description',
  'default',
  'format',
  'definitions',
  '$defs',
  'type',
  'enum',
  'const',
  'oneOf',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'pattern',
  'items',
  'properties',
  'additionalProperties',
  'required',
]);

function typeOk(t: string, v: unknown): boolean {
  switch (t) {
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    default:
      throw new Error(`schema type ${t} not supported by the test checker`);
  }
}

/** Every way `value` breaks `schema`, as "path: reason"; [] when it matches. */
export function check(schema: Schema, value: unknown, root: Schema = schema, at = '$'): string[] {
  for (const k of Object.keys(schema)) if (!KNOWN_KEYWORDS.has(k)) throw new Error(`checker does not know keyword ${k} (at ${at})`);
  if (schema.$ref) {
    const m = /^#\/(definitions|\$defs)\/(.+)$/.exec(schema.$ref);
    if (!m || !root[m[1]]?.[m[2]]) return [`${at}: unresolvable $ref ${schema.$ref}`];
    return check(root[m[1]][m[2]], value, root, at);
  }
  const errors: string[] = [];
  if (schema.type !== undefined) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeOk(t, value))) return [`${at}: expected ${types.join(' or ')}, got ${JSON.stringify(value)?.slice(0, 60)}`];
  }
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
  if ('const' in schema && schema.const !== value) errors.push(`${at}: must be ${JSON.stringify(schema.const)}`);
  if (schema.oneOf) {
    const matches = (schema.oneOf as Schema[]).filter((s) => check(s, value, root, at).length === 0).length;
    if (matches !== 1) errors.push(`${at}: matches ${matches} of oneOf`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${at}: ${value} < ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${at}: ${value} > ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      errors.push(`${at}: ${value} <= ${schema.exclusiveMinimum}`);
  }
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) errors.push(`${at}: does not match ${schema.pattern}`);
    if (
      schema.format === 'date-time' &&
      (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(value) || Number.isNaN(Date.parse(value)))
    ) {
      errors.push(`${at}: not an RFC 3339 date-time`);
    }
  }
  if (typeOk('object', value)) {
    const o = value as Record<string, unknown>;
    for (const k of schema.required ?? []) if (!(k in o)) errors.push(`${at}: missing required ${k}`);
    for (const [k, v] of Object.entries(o)) {
      const sub = schema.properties?.[k];
      if (sub) errors.push(...check(sub, v, root, `${at}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${at}: unexpected property ${k}`);
      else if (typeof schema.additionalProperties === 'object') errors.push(...check(schema.additionalProperties, v, root, `${at}.${k}`));
    }
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => errors.push(...check(schema.items, v, root, `${at}[${i}]`)));
  return errors;
}

/** Every keyword a schema uses anywhere, property and definition names left out. */
export function keywordsOf(schema: unknown, out = new Set<string>(), inProperties = false): Set<string> {
  if (Array.isArray(schema)) return out;
  if (typeof schema !== 'object' || schema === null) return out;
  for (const [k, v] of Object.entries(schema)) {
    if (!inProperties) out.add(k);
    if (k === 'enum' || k === 'required' || k === 'type') continue;
    keywordsOf(v, out, !inProperties && (k === 'properties' || k === 'definitions' || k === '$defs'));
  }
  return out;
}
