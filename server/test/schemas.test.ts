// The shipped JSON schemas against their TypeScript sources of truth:
// - shared/schemas/config.schema.json  <->  DEFAULT_SETTINGS / RUNNER_IDS / RULE_LEVELS / normalizeSettings
// - shared/schemas/stats-snapshot.schema.json  <->  validateStatsSnapshot and the kind/type enums
// No JSON-schema validator dependency: the structure is compared directly, and the small checker in
// support/json-schema.ts checks that the schema and the TypeScript validators agree on a table of inputs.

import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  CONSTRAINT_TYPES,
  DEFAULT_SETTINGS,
  normalizeSettings,
  RELATION_KINDS,
  RULE_LEVELS,
  RUNNER_IDS,
  SNAPSHOT_REQUIRED_FIELDS,
  TABLE_REQUIRED_FIELDS,
  COLUMN_REQUIRED_FIELDS,
  INDEX_REQUIRED_FIELDS,
  CONSTRAINT_REQUIRED_FIELDS,
  StatsSnapshot,
  validateStatsSnapshot,
} from '@pg-preflight/shared';
import { check as schemaErrors, type Schema } from './support/json-schema';

const schemasDir = path.join(path.dirname(require.resolve('@pg-preflight/shared/package.json')), 'schemas');
const loadSchema = (name: string): Schema => JSON.parse(fs.readFileSync(path.join(schemasDir, name), 'utf8'));

/** The first error as "path: reason", or undefined when `v` matches (support/json-schema.ts). */
const check = (schema: Schema, v: unknown, root: Schema): string | undefined => schemaErrors(schema, v, root)[0];

/** Every schema that names a property (including additionalProperties and items schemas) must carry a description. */
function undescribed(schema: Schema, at: string, out: string[] = []): string[] {
  if (typeof schema !== 'object' || schema === null) return out;
  if (!schema.$ref && typeof schema.description !== 'string') out.push(at);
  else if (typeof schema.description === 'string' && schema.description.trim().length < 10) out.push(`${at} (description too short)`);
  for (const [k, sub] of Object.entries<Schema>(schema.properties ?? {})) undescribed(sub, `${at}.${k}`, out);
  for (const [k, sub] of Object.entries<Schema>(schema.$defs ?? {})) undescribed(sub, `${at}.$defs.${k}`, out);
  if (typeof schema.additionalProperties === 'object') undescribed(schema.additionalProperties, `${at}.*`, out);
  if (typeof schema.items === 'object') undescribed(schema.items, `${at}[]`, out);
  for (const [i, sub] of (schema.oneOf ?? []).entries()) undescribed(sub, `${at}.oneOf[${i}]`, out);
  return out;
}

const sorted = (xs: readonly string[]) => [...xs].sort();

// ---------------------------------------------------------------------------------------------------

describe('config.schema.json', () => {
  const schema = loadSchema('config.schema.json');

  it('declares a JSON Schema dialect and closes the top-level object', () => {
    assert.match(schema.$schema, /json-schema\.org\/(draft\/2020-12|draft-07)\/schema/);
    assert.equal(schema.type, 'object');
    assert.equal(schema.additionalProperties, false);
  });

  it('has exactly the keys of DEFAULT_SETTINGS, plus $schema', () => {
    assert.deepEqual(sorted(Object.keys(schema.properties)), sorted([...Object.keys(DEFAULT_SETTINGS), '$schema']));
    assert.equal(schema.required, undefined, 'every key is optional');
  });

  it('has the defaults of DEFAULT_SETTINGS', () => {
    for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) {
      assert.deepEqual(schema.properties[key].default, value, `default of ${key}`);
    }
    const tp = schema.properties.throughput;
    assert.deepEqual(sorted(Object.keys(tp.properties)), sorted(Object.keys(DEFAULT_SETTINGS.throughput)));
    for (const [k, v] of Object.entries(DEFAULT_SETTINGS.throughput))
      assert.equal(tp.properties[k].default, v, `default of throughput.${k}`);
  });

  it('offers auto plus exactly RUNNER_IDS as runners, and RULE_LEVELS as rule levels', () => {
    assert.deepEqual(schema.properties.runner.enum, ['auto', ...RUNNER_IDS]);
    assert.deepEqual(schema.properties.rules.additionalProperties.enum, [...RULE_LEVELS]);
  });

  it('limits pgVersion to integers 11..18 or "auto"', () => {
    const [num, auto] = schema.properties.pgVersion.oneOf;
    assert.deepEqual({ type: num.type, minimum: num.minimum, maximum: num.maximum }, { type: 'integer', minimum: 11, maximum: 18 });
    assert.equal(auto.const, 'auto');
  });

  it('describes every property', () => {
    assert.deepEqual(undescribed(schema, '$'), []);
  });

  it('accepts DEFAULT_SETTINGS, which normalizeSettings takes without problems', () => {
    assert.equal(check(schema, DEFAULT_SETTINGS, schema), undefined);
    assert.deepEqual(normalizeSettings(DEFAULT_SETTINGS).problems, []);
  });

  // Each row: a .pg-preflight.json, the problems normalizeSettings reports, and (implicitly) the schema's
  // verdict, which must agree: valid under the schema <=> no problems.
  const cases: Array<{ input: Record<string, unknown>; problems: string[] }> = [
    { input: {}, problems: [] },
    { input: { $schema: './node_modules/pg-preflight/schemas/config.schema.json' }, problems: [] },
    { input: { pgVersion: 15 }, problems: [] },
    { input: { pgVersion: 11 }, problems: [] },
    { input: { pgVersion: 18 }, problems: [] },
    { input: { pgVersion: 'auto' }, problems: [] },
    { input: { pgVersion: 10 }, problems: ['pgVersion must be an integer from 11 to 18'] },
    { input: { pgVersion: 19 }, problems: ['pgVersion must be an integer from 11 to 18'] },
    { input: { pgVersion: 15.5 }, problems: ['pgVersion must be an integer from 11 to 18'] },
    { input: { pgVersion: '15' }, problems: ['pgVersion must be an integer from 11 to 18'] },
    { input: { runner: 'supabase' }, problems: [] },
    { input: { runner: 'auto' }, problems: [] },
    { input: { runner: 'rails' }, problems: [`runner must be one of auto, ${RUNNER_IDS.join(', ')}`] },
    { input: { migrationGlobs: ['db/*.sql'] }, problems: [] },
    { input: { migrationGlobs: 'db/*.sql' }, problems: ['migrationGlobs must be an array of strings'] },
    { input: { exposedSchemas: ['public', 1] }, problems: ['exposedSchemas must be an array of strings'] },
    { input: { lockTimeout: '2s', statementTimeout: '500ms' }, problems: [] },
    { input: { lockTimeout: '1min' }, problems: [] },
    { input: { lockTimeout: '3000' }, problems: [] },
    { input: { lockTimeout: 'five seconds' }, problems: ["lockTimeout must be a duration such as '5s' or '500ms'"] },
    { input: { statementTimeout: 30 }, problems: ["statementTimeout must be a duration such as '5s' or '500ms'"] },
    { input: { largeTableRows: 0, maxLockSeconds: 0.5 }, problems: [] },
    { input: { largeTableRows: -1 }, problems: ['largeTableRows must be a non-negative number'] },
    { input: { maxLockSeconds: '5' }, problems: ['maxLockSeconds must be a non-negative number'] },
    { input: { rules: { 'require-concurrent-index': 'off', 'ban-drop-table': 'default' } }, problems: [] },
    {
      input: { rules: { 'require-concurrent-index': 'fatal' } },
      problems: ['rules.require-concurrent-index must be off, error, warning, info, hint or default'],
    },
    { input: { rules: ['require-concurrent-index'] }, problems: ['rules must be an object of rule id to level'] },
    { input: { throughput: { scanMBps: 200 } }, problems: [] },
    { input: { throughput: { scanMBps: 0 } }, problems: ['throughput.scanMBps is not a known positive number'] },
    { input: { throughput: { diskMBps: 100 } }, problems: ['throughput.diskMBps is not a known positive number'] },
    { input: { throughput: 100 }, problems: ['throughput must be an object'] },
    { input: { scratchDatabaseUrls: ['postgresql://postgres@127.0.0.1:54322/postgres', 'postgres://ci@db/scratch'] }, problems: [] },
    { input: { scratchDatabaseUrls: [] }, problems: [] },
    {
      input: { scratchDatabaseUrls: 'postgresql://postgres@127.0.0.1/postgres' },
      problems: ['scratchDatabaseUrls must be an array of postgresql:// URLs'],
    },
    { input: { scratchDatabaseUrls: ['mysql://root@db/x'] }, problems: ['scratchDatabaseUrls must be an array of postgresql:// URLs'] },
    { input: { statsFile: 'supabase/stats.json' }, problems: [] },
    { input: { statsFile: 5 }, problems: ['statsFile must be a file path (a string)'] },
    { input: { docsBaseUrl: 'https://example.com/pg-preflight/rules/' }, problems: [] },
    { input: { docsBaseUrl: '' }, problems: [] },
    { input: { docsBaseUrl: 'rules/' }, problems: ["docsBaseUrl must be a URL such as 'https://example.com/rules/' or ''"] },
    { input: { severityScaling: false }, problems: [] },
    { input: { severityScaling: 'no' }, problems: ['severityScaling must be true or false'] },
    { input: { lockTimout: '5s' }, problems: ["unknown setting 'lockTimout'"] },
    { input: { pgVersion: 9, colour: 'red' }, problems: ['pgVersion must be an integer from 11 to 18', "unknown setting 'colour'"] },
  ];
  for (const { input, problems } of cases) {
    it(`normalizeSettings(${JSON.stringify(input)}) -> ${problems.length} problem(s), and the schema agrees`, () => {
      assert.deepEqual(normalizeSettings(input).problems, problems);
      const verdict = check(schema, input, schema);
      if (problems.length === 0) assert.equal(verdict, undefined, `schema rejects a valid config: ${verdict}`);
      else assert.notEqual(verdict, undefined, 'schema accepts a config normalizeSettings rejects');
    });
  }

  it('applies accepted values and keeps defaults for rejected ones', () => {
    const { settings } = normalizeSettings({
      pgVersion: 15,
      runner: 'nope',
      throughput: { scanMBps: 100, rewriteMBps: -1 },
      rules: { a: 'off', b: 'loud' },
    });
    assert.equal(settings.pgVersion, 15);
    assert.equal(settings.runner, DEFAULT_SETTINGS.runner);
    assert.deepEqual(settings.throughput, { ...DEFAULT_SETTINGS.throughput, scanMBps: 100 });
    assert.deepEqual(settings.rules, { a: 'off' });
    assert.deepEqual(normalizeSettings('15').problems, ['settings must be an object']);
    assert.deepEqual(normalizeSettings(undefined).problems, []);
  });
});

// ---------------------------------------------------------------------------------------------------

function sampleSnapshot(): StatsSnapshot {
  return {
    formatVersion: 1,
    capturedAt: '2025-03-01T12:00:00.000Z',
    serverVersionNum: 150008,
    source: 'app@db.example.com:5432/app',
    tables: [
      {
        schema: 'public',
        name: 'orders',
        kind: 'table',
        rows: 1_200_000,
        totalBytes: 300_000_000,
        tableBytes: 200_000_000,
        indexBytes: 100_000_000,
        inserts: 5_000_000,
        updates: 800_000,
        deletes: 1000,
        seqScans: 12,
        idxScans: 90_000_000,
        statsSince: '2025-02-01T00:00:00.000Z',
        incomplete: false,
        columns: [
          { name: 'id', type: 'bigint', notNull: true, default: null, avgWidth: 8, identity: 'always' },
          { name: 'status', type: 'character varying(20)', notNull: true, default: "'new'::character varying", avgWidth: 4 },
          { name: 'total', type: 'numeric(10,2)', notNull: false, generated: 'stored', generationExpression: 'price * qty' },
        ],
        indexes: [
          {
            name: 'orders_pkey',
            definition: 'CREATE UNIQUE INDEX orders_pkey ON public.orders USING btree (id)',
            unique: true,
            primary: true,
            valid: true,
            columns: ['id'],
          },
        ],
        constraints: [
          { name: 'orders_pkey', type: 'p', definition: 'PRIMARY KEY (id)', validated: true, columns: ['id'], references: null },
          {
            name: 'orders_customer_fk',
            type: 'f',
            definition: 'FOREIGN KEY (customer_id) REFERENCES public.customers(id) NOT VALID',
            validated: false,
            columns: ['customer_id'],
            references: 'public.customers',
          },
        ],
      },
    ],
  };
}

describe('stats-snapshot.schema.json', () => {
  const schema = loadSchema('stats-snapshot.schema.json');
  const defs = schema.$defs;

  it('declares a JSON Schema dialect', () => {
    assert.match(schema.$schema, /json-schema\.org\/(draft\/2020-12|draft-07)\/schema/);
  });

  it('requires exactly the fields the TypeScript validator requires (constants)', () => {
    assert.deepEqual(sorted(schema.required), sorted(SNAPSHOT_REQUIRED_FIELDS));
    assert.deepEqual(sorted(defs.table.required), sorted(TABLE_REQUIRED_FIELDS));
    assert.deepEqual(sorted(defs.column.required), sorted(COLUMN_REQUIRED_FIELDS));
    assert.deepEqual(sorted(defs.index.required), sorted(INDEX_REQUIRED_FIELDS));
    assert.deepEqual(sorted(defs.constraint.required), sorted(CONSTRAINT_REQUIRED_FIELDS));
  });

  // Behavioural version of the same: drop each documented field from a valid snapshot; validateStatsSnapshot
  // must reject it exactly when the schema lists the field as required.
  const levels: Array<{ def: string; schemaNode: (s: Schema) => Schema; target: (s: any) => Record<string, unknown> }> = [
    { def: 'snapshot', schemaNode: (s) => s, target: (s) => s },
    { def: 'table', schemaNode: (s) => s.$defs.table, target: (s) => s.tables[0] },
    { def: 'column', schemaNode: (s) => s.$defs.column, target: (s) => s.tables[0].columns[0] },
    { def: 'index', schemaNode: (s) => s.$defs.index, target: (s) => s.tables[0].indexes[0] },
    { def: 'constraint', schemaNode: (s) => s.$defs.constraint, target: (s) => s.tables[0].constraints[1] },
  ];
  for (const level of levels) {
    it(`${level.def}: validateStatsSnapshot rejects a missing field exactly when the schema requires it`, () => {
      const node = level.schemaNode(schema);
      const required = new Set<string>(node.required);
      for (const field of Object.keys(node.properties)) {
        if (field === '$schema') continue;
        const snap = sampleSnapshot() as any;
        const target = level.target(snap);
        const present = field in target;
        if (!present && !required.has(field)) continue; // optional and absent from the sample
        assert.ok(present, `sample lacks required ${level.def}.${field}`);
        delete target[field];
        const result = validateStatsSnapshot(snap);
        assert.equal(result.ok, !required.has(field), `${level.def}.${field}: validator ${result.ok ? 'accepts' : 'rejects'} its absence`);
        assert.equal(check(schema, snap, schema) === undefined, !required.has(field), `${level.def}.${field}: schema disagrees`);
      }
    });
  }

  it('lists every field of the sample (and so of the TypeScript type) as a property', () => {
    const snap = sampleSnapshot() as any;
    const pairs: Array<[Schema, Record<string, unknown>, string]> = [
      [schema, snap, 'snapshot'],
      [defs.table, snap.tables[0], 'table'],
      ...snap.tables[0].columns.map((c: any) => [defs.column, c, 'column'] as [Schema, Record<string, unknown>, string]),
      ...snap.tables[0].indexes.map((c: any) => [defs.index, c, 'index'] as [Schema, Record<string, unknown>, string]),
      ...snap.tables[0].constraints.map((c: any) => [defs.constraint, c, 'constraint'] as [Schema, Record<string, unknown>, string]),
    ];
    for (const [node, obj, name] of pairs) {
      for (const k of Object.keys(obj)) assert.ok(k in node.properties, `${name}.${k} is not in the schema`);
    }
  });

  it('uses the TypeScript enums for kind and constraint type', () => {
    assert.deepEqual(defs.table.properties.kind.enum, [...RELATION_KINDS]);
    assert.deepEqual(defs.constraint.properties.type.enum, [...CONSTRAINT_TYPES]);
    assert.equal(schema.properties.formatVersion.const, 1);
  });

  it('describes every property', () => {
    assert.deepEqual(undescribed(schema, '$'), []);
  });

  // Bad values: the schema and validateStatsSnapshot must both reject them.
  const bad: Array<[string, (s: any) => void]> = [
    ['formatVersion 2', (s) => (s.formatVersion = 2)],
    ['capturedAt not a time', (s) => (s.capturedAt = 'yesterday')],
    ['serverVersionNum as text', (s) => (s.serverVersionNum = '150008')],
    ['serverVersionNum fractional', (s) => (s.serverVersionNum = 150008.5)],
    ['serverVersionNum too small', (s) => (s.serverVersionNum = 15)],
    ['tables not an array', (s) => (s.tables = {})],
    ['source not a string', (s) => (s.source = 5)],
    ['inRecovery not a boolean', (s) => (s.inRecovery = 'yes')],
    ['negative rows', (s) => (s.tables[0].rows = -1)],
    ['bytes as text', (s) => (s.tables[0].totalBytes = '300MB')],
    ['unknown kind', (s) => (s.tables[0].kind = 'index')],
    ['statsSince not a time', (s) => (s.tables[0].statsSince = 'last week')],
    ['incomplete not a boolean', (s) => (s.tables[0].incomplete = 'yes')],
    ['column without type', (s) => delete s.tables[0].columns[0].type],
    ['column notNull as text', (s) => (s.tables[0].columns[0].notNull = 'yes')],
    ['index columns not strings', (s) => (s.tables[0].indexes[0].columns = [1])],
    ['index valid missing', (s) => delete s.tables[0].indexes[0].valid],
    ['constraint type unknown', (s) => (s.tables[0].constraints[0].type = 'k')],
    ['constraint validated as text', (s) => (s.tables[0].constraints[0].validated = 'true')],
  ];
  for (const [name, mutate] of bad) {
    it(`rejects: ${name} (schema and validator agree)`, () => {
      const snap = sampleSnapshot() as any;
      mutate(snap);
      assert.equal(validateStatsSnapshot(snap).ok, false, 'validator accepts');
      assert.notEqual(check(schema, snap, schema), undefined, 'schema accepts');
    });
  }

  it('accepts the example in docs/stats-snapshot.md', () => {
    const doc = fs.readFileSync(path.join(schemasDir, '..', '..', 'docs', 'stats-snapshot.md'), 'utf8');
    const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]);
    assert.equal(blocks.length, 1, 'one JSON example');
    const example = JSON.parse(blocks[0]);
    assert.equal(check(schema, example, schema), undefined);
    const result = validateStatsSnapshot(example);
    assert.ok(result.ok, result.ok ? '' : result.error);
  });

  it('accepts the sample, an empty snapshot and null statsSince', () => {
    assert.equal(check(schema, sampleSnapshot(), schema), undefined);
    assert.equal(validateStatsSnapshot(sampleSnapshot()).ok, true);
    const empty = { formatVersion: 1, capturedAt: '2025-03-01T12:00:00Z', serverVersionNum: 110022, tables: [] };
    assert.equal(check(schema, empty, schema), undefined);
    assert.equal(validateStatsSnapshot(empty).ok, true);
    const s = sampleSnapshot();
    s.tables[0].statsSince = null;
    assert.equal(check(schema, s, schema), undefined);
    assert.equal(validateStatsSnapshot(s).ok, true);
  });
});
