// SET search_path in a migration changes which relation an unqualified name means: after
// `SET search_path = app, public`, `ALTER TABLE users` alters app.users when app has one. The rest of the
// analysis (lock model, catalog, rules) reads schema-qualified names with `public` as the default, so
// each statement that runs under another path is handed on with its unqualified relation names filled
// in, resolved as PostgreSQL resolves them: the first schema of the path that holds the relation, and
// for a new relation (or one no schema holds) the first schema of the path. Pure.
import { walk, type Node } from '../syntax/ast';

/** The schemas an unqualified name is looked up in, in order. */
export type SearchPath = readonly string[];

export const DEFAULT_SEARCH_PATH: SearchPath = ['public'];

/** Kinds of DROP whose objects are relation names ("schema.name" lists). */
const RELATION_DROPS = new Set([
  'OBJECT_TABLE',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_INDEX',
  'OBJECT_SEQUENCE',
  'OBJECT_FOREIGN_TABLE',
]);

/**
 * The path a SET search_path statement sets: the schemas it names ("$user" and the system schemas left
 * out: the tool does not know the role, and system names are never migrations' tables), the default
 * for SET ... TO DEFAULT and RESET; undefined when the statement sets something else.
 */
export function searchPathSetBy(kind: string, node: Node): { path: SearchPath; local: boolean } | undefined {
  if (kind === 'SelectStmt') return setConfigSearchPath(node);
  if (kind !== 'VariableSetStmt' || String(node.name ?? '').toLowerCase() !== 'search_path') return undefined;
  const local = node.is_local === true;
  if (node.kind === 'VAR_RESET' || node.kind === 'VAR_SET_DEFAULT') return { path: DEFAULT_SEARCH_PATH, local };
  if (node.kind !== 'VAR_SET_VALUE') return undefined;
  // Each argument is one schema, as the parser gives it: an identifier already folded to lower case, a
  // string literal verbatim ('app, public' names one schema called "app, public", as PostgreSQL reads it).
  const names: string[] = [];
  for (const a of node.args ?? []) {
    const name = a?.A_Const?.sval?.sval;
    if (typeof name === 'string' && name !== '$user' && name !== 'pg_catalog' && !name.startsWith('pg_temp')) names.push(name);
  }
  return { path: names.length > 0 ? names : DEFAULT_SEARCH_PATH, local };
}

/**
 * `SELECT set_config('search_path', '<list>', <is_local>)` at the top of a query: the value is the
 * setting's own text, a comma-separated list in which a double-quoted name keeps its case. The last call
 * wins; an empty list (pg_dump's) leaves the default, as every name of such a file is qualified.
 */
function setConfigSearchPath(node: Node): { path: SearchPath; local: boolean } | undefined {
  let found: { path: SearchPath; local: boolean } | undefined;
  for (const t of node.targetList ?? []) {
    const call = t?.ResTarget?.val?.FuncCall;
    const name = (call?.funcname ?? []).map((n: Node) => n?.String?.sval).pop();
    const [setting, value, local] = call?.args ?? [];
    if (name !== 'set_config' || setting?.A_Const?.sval?.sval !== 'search_path') continue;
    const text = value?.A_Const?.sval?.sval;
    if (typeof text !== 'string') continue;
    const names = (text.match(/"(?:[^"]|"")*"|[^,]+/g) ?? [])
      .map((part) => part.trim())
      .map((part) => (/^".*"$/.test(part) ? part.slice(1, -1).replace(/""/g, '"') : part.toLowerCase()))
      .filter((n) => n && n !== '$user' && n !== 'pg_catalog' && !n.startsWith('pg_temp'));
    found = { path: names.length > 0 ? names : DEFAULT_SEARCH_PATH, local: local?.A_Const?.boolval?.boolval === true };
  }
  return found;
}

/** The search_path in force: the session's, and a SET LOCAL's until its transaction ends. */
export interface PathState {
  session: SearchPath;
  local?: SearchPath;
}

export const DEFAULT_PATH_STATE: PathState = { session: DEFAULT_SEARCH_PATH };

export function pathInForce(state: PathState): SearchPath {
  return state.local ?? state.session;
}

/**
 * The state after a statement: SET search_path (SET LOCAL only inside a transaction: outside one it has
 * no effect), COMMIT / ROLLBACK ending a SET LOCAL.
 */
export function pathAfter(state: PathState, kind: string, node: Node, inTransaction: boolean): PathState {
  const set = searchPathSetBy(kind, node);
  if (set?.local) return inTransaction ? { ...state, local: set.path } : state;
  if (set) return { session: set.path };
  if (kind === 'TransactionStmt' && state.local && /^TRANS_STMT_(COMMIT|ROLLBACK|PREPARE)$/.test(String(node.kind)))
    return { session: state.session };
  return state;
}

export function isDefaultPath(path: SearchPath): boolean {
  return path.length === 1 && path[0] === 'public';
}

/**
 * The statement with its unqualified relation names qualified through `path` (a copy; the parse tree is
 * shared with caches and left alone). `exists` says whether the catalog holds "schema.name". Names of
 * the statement's own CTEs and temporary tables stay as written.
 */
export function qualifyThroughPath(ast: Node, path: SearchPath, exists: (qualified: string) => boolean): Node {
  const copy = JSON.parse(JSON.stringify(ast)) as Node;
  const ctes = new Set<string>();
  walk(copy, (type, value) => {
    if (type === 'CommonTableExpr' && typeof value.ctename === 'string') ctes.add(value.ctename);
  });
  const resolve = (name: string): string => path.find((s) => exists(`${s}.${name}`)) ?? path[0];
  // RangeVars sit both wrapped ({ RangeVar: {...} }) and bare (IndexStmt.relation, ViewStmt.view, ...):
  // found by their shape, a relname beside a relpersistence.
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const n = node as Node;
    // A new relation goes into the path's first schema, whether or not a later one has the name.
    const created = n.CreateStmt?.relation ?? n.ViewStmt?.view ?? n.CreateSeqStmt?.sequence ?? n.CreateTableAsStmt?.into?.rel;
    if (created && !created.schemaname && created.relpersistence !== 't') created.schemaname = path[0];
    if (typeof n.relname === 'string' && 'relpersistence' in n) {
      if (!n.schemaname && n.relpersistence !== 't' && !ctes.has(n.relname)) n.schemaname = resolve(n.relname);
      return;
    }
    const drop = n.DropStmt;
    if (drop && RELATION_DROPS.has(String(drop.removeType))) {
      for (const o of drop.objects ?? []) {
        const items = o?.List?.items;
        const name = items?.length === 1 ? items[0]?.String?.sval : undefined;
        if (typeof name === 'string') items.unshift({ String: { sval: resolve(name) } });
      }
    }
    for (const v of Object.values(n)) if (v && typeof v === 'object') visit(v);
  };
  visit(copy);
  return copy;
}
