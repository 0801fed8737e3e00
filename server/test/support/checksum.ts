// Checksums of a database's schema (read from pg_catalog) and data (per table, the md5 of its rows in
// order), and of its sequences: the proof that a trace leaves a scratch database as it found it.
// Definitions are compared, not identities: oids and relfilenodes may change (an index dropped and
// re-created by the same definition is the same schema), anything a user could see may not.
import { createHash } from 'crypto';
import { Client } from 'pg';

const USER_NS = `n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'`;

/** Each part is the ordered text of one catalog query; `data` maps table -> md5 of its ordered rows. */
export interface DatabaseChecksum {
  schema: Record<string, string>;
  data: Record<string, string>;
  sequences: string;
  /** md5 over everything above. */
  total: string;
}

const SCHEMA_QUERIES: Record<string, string> = {
  namespaces: `SELECT n.nspname, pg_get_userbyid(n.nspowner), n.nspacl::text FROM pg_namespace n WHERE ${USER_NS} ORDER BY 1`,
  relations: `SELECT n.nspname, c.relname, c.relkind, c.relpersistence, c.relreplident, c.relrowsecurity, c.relforcerowsecurity,
                c.relispartition, pg_get_expr(c.relpartbound, c.oid), c.reloptions::text, c.relacl::text, pg_get_userbyid(c.relowner),
                obj_description(c.oid, 'pg_class')
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_NS} AND c.relkind <> 't' ORDER BY 1, 2`,
  columns: `SELECT n.nspname, c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attisdropped,
              a.attidentity, a.attgenerated, pg_get_expr(d.adbin, d.adrelid), a.attstattarget::text, a.attacl::text, col_description(c.oid, a.attnum)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE ${USER_NS} AND a.attnum > 0 AND c.relkind <> 't' ORDER BY 1, 2, 3`,
  constraints: `SELECT n.nspname, c.relname, k.conname, k.contype, k.convalidated, pg_get_constraintdef(k.oid), obj_description(k.oid, 'pg_constraint')
                FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE ${USER_NS} ORDER BY 1, 2, 3`,
  indexes: `SELECT n.nspname, ic.relname, pg_get_indexdef(i.indexrelid), i.indisvalid, i.indisready, i.indisclustered, i.indisreplident
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
            WHERE ${USER_NS} ORDER BY 1, 2`,
  triggers: `SELECT t.tgrelid::regclass::text, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled FROM pg_trigger t
             JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE ${USER_NS} AND NOT t.tgisinternal ORDER BY 1, 2`,
  views: `SELECT schemaname, viewname, definition FROM pg_views WHERE schemaname !~ '^pg_' AND schemaname <> 'information_schema'
          UNION ALL SELECT schemaname, matviewname, definition FROM pg_matviews ORDER BY 1, 2`,
  rules: `SELECT schemaname, tablename, rulename, definition FROM pg_rules WHERE schemaname !~ '^pg_' AND schemaname <> 'information_schema' ORDER BY 1, 2, 3`,
  functions: `SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), p.prokind, md5(p.prosrc), p.provolatile, p.proacl::text
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${USER_NS} ORDER BY 1, 2, 3`,
  types: `SELECT n.nspname, t.typname, t.typtype, format_type(t.typbasetype, t.typtypmod), t.typnotnull
          FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE ${USER_NS} AND t.typtype IN ('e', 'd', 'c', 'r', 'm') ORDER BY 1, 2`,
  enums: `SELECT t.typname, e.enumlabel, e.enumsortorder FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid ORDER BY 1, 3`,
  policies: `SELECT schemaname, tablename, policyname, permissive, roles::text, cmd, qual, with_check FROM pg_policies ORDER BY 1, 2, 3`,
  statistics: `SELECT n.nspname, s.stxname, s.stxkeys::text FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE ${USER_NS} ORDER BY 1, 2`,
  extensions: `SELECT extname, extversion FROM pg_extension ORDER BY 1`,
  publications: `SELECT p.pubname, pr.prrelid::regclass::text FROM pg_publication p LEFT JOIN pg_publication_rel pr ON pr.prpubid = p.oid ORDER BY 1, 2`,
  roles: `SELECT rolname, rolsuper, rolcanlogin FROM pg_roles ORDER BY 1`,
};

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export async function databaseChecksum(url: string): Promise<DatabaseChecksum> {
  const c = new Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  try {
    // One snapshot for everything.
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const schema: Record<string, string> = {};
    for (const [name, sql] of Object.entries(SCHEMA_QUERIES)) {
      const r = await c.query({ text: sql, rowMode: 'array' });
      schema[name] = r.rows.map((row: unknown[]) => JSON.stringify(row)).join('\n');
    }
    const tables = (
      await c.query(
        `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_NS} AND c.relkind IN ('r', 'm') ORDER BY 1`,
      )
    ).rows.map((r: { t: string }) => r.t);
    const data: Record<string, string> = {};
    for (const t of tables) {
      const r = await c.query(
        `SELECT count(*)::text AS n, md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) AS h FROM ${t} x`,
      );
      data[t] = `${r.rows[0].n}:${r.rows[0].h}`;
    }
    const seq = await c.query({
      text: `SELECT schemaname, sequencename, last_value::text, start_value::text, increment_by::text FROM pg_sequences ORDER BY 1, 2`,
      rowMode: 'array',
    });
    const sequences = seq.rows.map((row: unknown[]) => JSON.stringify(row)).join('\n');
    await c.query('ROLLBACK');
    const total = md5(JSON.stringify([schema, data, sequences]));
    return { schema, data, sequences, total };
  } finally {
    await c.end().catch(() => undefined);
  }
}
