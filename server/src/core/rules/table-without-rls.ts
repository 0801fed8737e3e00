// CREATE TABLE in a schema exposed to clients (Supabase's Data API, PostgREST) without ENABLE ROW LEVEL
// SECURITY later in the file: anyone with the public (anon) key can read and write every row. A warning
// when the runner is Supabase, where `public` is exposed by default; info elsewhere, where exposure
// depends on the setup.
import { qualify, rangeVarName, strings, listName, unwrap, type Node } from '../syntax/ast';
import { lowerBound, perAnalysis, statementsByTable, unwrapped } from './facts';
import type { Rule, RuleContext } from './rule';

export const tableWithoutRls: Rule = {
  id: 'table-without-rls',
  title: 'A new table in an exposed schema has no row-level security',
  defaultSeverity: 'info',
  check(ctx) {
    const exposed = new Set(ctx.settings.exposedSchemas);
    const severity = ctx.runner.id === 'supabase' ? 'warning' : 'info';
    for (const st of ctx.statements) {
      const created = createdTable(st.ast);
      if (!created) continue;
      const { table, location, length, ifNotExists } = created;
      // IF NOT EXISTS on a table that already existed creates nothing. The lock model and catalog count
      // such a table as new, so ask the stats snapshot and this file's earlier CREATEs instead.
      if (ifNotExists && existedBefore(ctx, st.index, table)) continue;
      const fate = laterFate(ctx, st.index, table);
      if (fate.dropped || fate.rlsEnabled || !exposed.has(fate.name.split('.')[0])) continue;
      ctx.report({
        statementIndex: st.index,
        span: ctx.spanAt(st.index, location, length),
        severity,
        message: `${table}${fate.name !== table ? ` (later ${fate.name})` : ''} is created in exposed schema ${fate.name.split('.')[0]} without ALTER TABLE ... ENABLE ROW LEVEL SECURITY: ${ctx.runner.id === 'supabase' ? 'anyone with the anon key can read and write every row through the Data API' : 'if the schema is served to clients (PostgREST, Supabase), they can read and write every row'}. Enable RLS and add policies for the access you intend`,
        help: 'With RLS on and no policy, clients see no rows (default deny); the table owner and service role still have full access.',
        fix: () => enableRlsFix(ctx, st.index, fate.name),
      });
    }
  },
};

function existedBefore(ctx: RuleContext, index: number, table: string): boolean {
  if (snapshotTables(ctx).has(table)) return true;
  return (firstCreate(ctx).get(table) ?? Infinity) < index;
}

/** The tables of the stats snapshot, "schema.name". */
const snapshotTables = perAnalysis((ctx): ReadonlySet<string> => new Set((ctx.stats?.tables ?? []).map((t) => `${t.schema}.${t.name}`)));

/** The index of the first statement that creates each table (as createdTable reads it). */
const firstCreate = perAnalysis((ctx): ReadonlyMap<string, number> => {
  const out = new Map<string, number>();
  for (const st of ctx.statements) {
    const created = createdTable(st.ast);
    if (created && !out.has(created.table)) out.set(created.table, st.index);
  }
  return out;
});

function createdTable(ast: Node | undefined): { table: string; location?: number; length: number; ifNotExists: boolean } | undefined {
  const [kind, node] = unwrap(ast);
  let rv: Node | undefined;
  if (kind === 'CreateStmt') rv = node.relation;
  else if (kind === 'CreateTableAsStmt' && node.objtype === 'OBJECT_TABLE') rv = node.into?.rel;
  if (!rv) return undefined;
  const r = rv.RangeVar ?? rv;
  // Temporary tables live in a session-private schema that no API serves.
  if (r.relpersistence === 't') return undefined;
  const name = rangeVarName(rv);
  return {
    table: qualify(name),
    location: r.location,
    length: (name.schema ? name.schema.length + 1 : 0) + name.name.length,
    ifNotExists: !!(node.if_not_exists ?? node.into?.if_not_exists),
  };
}

/** Follows the table through later renames and schema moves: its final name, and whether RLS gets enabled or the table dropped. */
function laterFate(ctx: RuleContext, createdAt: number, table: string): { name: string; rlsEnabled: boolean; dropped: boolean } {
  let name = table;
  let rlsEnabled = false;
  // Only statements that name the table can change its fate: walk those, in file order, switching to
  // the new name's statements after a rename (linear in the file even when it creates thousands of tables).
  const byTable = statementsByTable(ctx);
  const nodes = unwrapped(ctx);
  let from = createdAt + 1;
  for (;;) {
    const followed = name;
    const later = byTable.get(name) ?? [];
    for (let k = lowerBound(later, from); k < later.length && name === followed; k++) {
      const i = later[k];
      const [kind, node] = nodes[i];
      if (kind === 'AlterTableStmt' && qualify(rangeVarName(node.relation)) === name) {
        for (const c of node.cmds ?? []) {
          const sub = c?.AlterTableCmd?.subtype;
          if (sub === 'AT_EnableRowSecurity') rlsEnabled = true;
          else if (sub === 'AT_DisableRowSecurity') rlsEnabled = false;
        }
      } else if (kind === 'RenameStmt' && node.renameType === 'OBJECT_TABLE' && qualify(rangeVarName(node.relation)) === name) {
        name = `${name.split('.')[0]}.${node.newname}`;
      } else if (kind === 'AlterObjectSchemaStmt' && node.objectType === 'OBJECT_TABLE' && qualify(rangeVarName(node.relation)) === name) {
        name = `${node.newschema}.${name.split('.')[1]}`;
      } else if (kind === 'DropStmt' && node.removeType === 'OBJECT_TABLE') {
        if ((node.objects ?? []).some((o: Node) => qualify(listName(strings(o?.List?.items))) === name))
          return { name, rlsEnabled, dropped: true };
      } else if (kind === 'CreateStmt' || kind === 'CreateTableAsStmt') {
        // A later CREATE of the same name (after a drop) is checked on its own.
        const again = createdTable(ctx.statements[i].ast);
        if (again?.table === name && !again.ifNotExists) return { name, rlsEnabled, dropped: false };
      }
      from = i + 1;
    }
    if (name === followed) return { name, rlsEnabled, dropped: false };
  }
}

/** Adds ENABLE ROW LEVEL SECURITY right after the CREATE statement. */
function enableRlsFix(ctx: RuleContext, index: number, finalName: string) {
  const st = ctx.statements[index];
  const eol = lineBreak(ctx);
  // When the table is renamed or moved later in the file, the ALTER right after CREATE uses the name it has at that point.
  const name = createdTable(st.ast)?.table ?? finalName;
  const sql = name.split('.').map(quoteIdentifier).join('.');
  const terminator = st.text.trimEnd().endsWith(';') ? '' : ';';
  return {
    title: `Enable row level security on ${name}`,
    edits: [
      { span: { start: st.span.end, end: st.span.end }, newText: `${terminator}${eol}ALTER TABLE ${sql} ENABLE ROW LEVEL SECURITY;` },
    ],
    preferred: true,
  };
}

/** The file's line break, for inserted lines: \r\n when the file uses it anywhere. */
const lineBreak = perAnalysis((ctx) => (ctx.text.includes('\r\n') ? '\r\n' : '\n'));

function quoteIdentifier(part: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(part) ? part : `"${part.replace(/"/g, '""')}"`;
}
