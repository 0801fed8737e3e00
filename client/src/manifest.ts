// The parts of client/package.json that are generated from shared/: contributes.configuration (from the
// Settings type through shared/schemas/config.schema.json, which schemas.test.ts keeps in step with
// DEFAULT_SETTINGS and normalizeSettings, plus the editor-only EditorSettings) and the
// workspaceContains activation events (from DEFAULT_SETTINGS.migrationGlobs).
// `npm run -w client gen:manifest` writes them; client/test/unit/manifest.test.ts fails on drift.
// Pure data in, data out: no vscode import, so plain Node tests can load it.
import { DEFAULT_EDITOR_SETTINGS, DEFAULT_SETTINGS, type EditorSettings } from '@pg-preflight/shared';

export const SETTINGS_PREFIX = 'pgPreflight';

type Json = Record<string, any>;

/** The JSON schema of each editor-only setting (keys exactly those of DEFAULT_EDITOR_SETTINGS). */
export const EDITOR_SETTINGS_SCHEMA: Record<keyof EditorSettings, Json> = {
  statsRefreshMinutes: {
    description:
      'Minutes between refreshes of the table statistics while connected to a database (read-only, a few catalog queries). 0 refreshes only on the Refresh Statistics command.',
    type: 'number',
    minimum: 0,
    default: DEFAULT_EDITOR_SETTINGS.statsRefreshMinutes,
    scope: 'window',
  },
  allowEnvDatabaseUrl: {
    description:
      "When no connection was saved with 'Connect to Database…', read it from DATABASE_URL or the PG* variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE) of VS Code's environment. Never in an untrusted workspace.",
    type: 'boolean',
    default: DEFAULT_EDITOR_SETTINGS.allowEnvDatabaseUrl,
    scope: 'window',
  },
  'trace.server': {
    description: 'Traces the messages between VS Code and the pg-preflight language server in the Output panel (pg-preflight).',
    type: 'string',
    enum: ['off', 'messages', 'verbose'],
    default: DEFAULT_EDITOR_SETTINGS['trace.server'],
    scope: 'window',
  },
};

/** Extra words for the VS Code settings of shared Settings (the config schema says "this file" etc.). */
const VSCODE_NOTES: Record<string, string> = {
  statsFile:
    ' In VS Code this is also where Export Statistics Snapshot… writes, and a live connection (Connect to Database…) takes precedence over the file.',
  pgVersion: ' In VS Code, "auto" follows the connected database.',
};

/** Settings that VS Code edits per workspace folder (resource) versus per window. */
function scopeOf(key: string): string {
  return key === 'scratchDatabaseUrls' ? 'machine-overridable' : 'resource';
}

/** A config.schema.json property as a VS Code configuration property. */
function toVscodeProperty(key: string, schema: Json): Json {
  const out: Json = {};
  const description = String(schema.description ?? '').replace(/\bthis file\b/g, '.pg-preflight.json') + (VSCODE_NOTES[key] ?? '');
  out.description = description;
  if (Array.isArray(schema.oneOf)) {
    // pgVersion: an integer range or a constant -> one enum VS Code can show as a drop-down.
    const values: unknown[] = [];
    const types = new Set<string>();
    for (const alt of schema.oneOf as Json[]) {
      if ('const' in alt) {
        values.push(alt.const);
        types.add(typeof alt.const === 'number' ? 'number' : 'string');
      } else if (alt.type === 'integer' && Number.isInteger(alt.minimum) && Number.isInteger(alt.maximum)) {
        for (let v = alt.minimum; v <= alt.maximum; v++) values.push(v);
        types.add('integer');
      } else throw new Error(`cannot express ${key}.oneOf in VS Code settings`);
    }
    out.type = [...types].sort();
    out.enum = values.sort((a, b) => (typeof a === typeof b ? (a as number) - (b as number) : typeof a === 'string' ? -1 : 1));
  } else {
    for (const k of ['type', 'enum', 'minimum', 'maximum', 'exclusiveMinimum', 'pattern', 'items', 'properties', 'additionalProperties']) {
      if (k in schema) out[k] = schema[k];
    }
  }
  out.default = schema.default;
  out.scope = scopeOf(key);
  return out;
}

/** contributes.configuration generated from the config schema and the editor-only settings. */
export function generateConfiguration(configSchema: Json): Json {
  const properties: Json = {};
  for (const [key, schema] of Object.entries<Json>(configSchema.properties ?? {})) {
    if (key === '$schema') continue;
    properties[`${SETTINGS_PREFIX}.${key}`] = toVscodeProperty(key, schema);
  }
  for (const [key, schema] of Object.entries(EDITOR_SETTINGS_SCHEMA)) properties[`${SETTINGS_PREFIX}.${key}`] = { ...schema };
  return { title: 'pg-preflight', properties };
}

/** Activation: SQL documents, and any workspace holding a migration folder of the default globs or a config file. */
export function generateActivationEvents(): string[] {
  return [
    'onLanguage:sql',
    'onLanguage:postgres',
    ...DEFAULT_SETTINGS.migrationGlobs.map((g) => `workspaceContains:${g}`),
    'workspaceContains:.pg-preflight.json',
  ];
}

/** The settings keys (without prefix) the manifest must contribute: shared Settings plus EditorSettings. */
export function expectedSettingKeys(): string[] {
  return [...Object.keys(DEFAULT_SETTINGS), ...Object.keys(DEFAULT_EDITOR_SETTINGS)];
}
