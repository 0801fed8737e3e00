// Small readers over libpg-query's JSON AST. The AST is wide and loosely typed; these helpers keep
// the lock model and the rules from repeating the same unwrapping.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Node = Record<string, any>;

/**
 * How often the AST readers ran: unwrap() calls and walk() steps. Tests read it to check that the work
 * of an analysis grows linearly with the number of statements (counts, not timings).
 */
export const astCounters = { unwrap: 0, walk: 0 };

/** {"AlterTableStmt": {...}} -> ["AlterTableStmt", {...}] */
export function unwrap(node: Node | undefined): [string, Node] {
  astCounters.unwrap++;
  if (!node || typeof node !== 'object') return ['', {}];
  // for-in instead of Object.keys(node)[0]: no key array per call (every rule unwraps every statement).
  for (const key in node) return [key, (node[key] ?? {}) as Node];
  return ['', {}];
}

export function strings(list: Node[] | undefined): string[] {
  return (list ?? []).map((n) => (n?.String?.sval ?? n?.sval ?? '') as string);
}

export interface QualifiedName {
  schema?: string;
  name: string;
}

export function rangeVarName(rv: Node | undefined): QualifiedName {
  const r = rv?.RangeVar ?? rv ?? {};
  return { schema: r.schemaname, name: r.relname ?? '' };
}

/** Name from a List of Strings, as DropStmt objects write it: [schema, name] or [name]. */
export function listName(items: string[]): QualifiedName {
  return items.length >= 2 ? { schema: items[items.length - 2], name: items[items.length - 1] } : { name: items[0] ?? '' };
}

export function qualify(n: QualifiedName, defaultSchema = 'public'): string {
  return `${n.schema ?? defaultSchema}.${n.name}`;
}

/** Walks every object in the tree, depth first, calling visit(key, value) for each wrapped node. */
export function walk(node: unknown, visit: (type: string, value: Node) => void): void {
  astCounters.walk++;
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  // for-in and a character test: no entry arrays per object (the walker runs over every statement of
  // every rule on each keystroke). Parse trees are plain JSON objects: no inherited enumerable keys.
  for (const k in node as Node) {
    const v = (node as Node)[k];
    if (v && typeof v === 'object') {
      const c = k.charCodeAt(0);
      if (c >= 65 && c <= 90 && !Array.isArray(v)) visit(k, v as Node);
      walk(v, visit);
    }
  }
}

/** Function names called anywhere in an expression, lower-cased, without schema. */
export function calledFunctions(expr: unknown): string[] {
  const names: string[] = [];
  walk(expr, (type, value) => {
    if (type === 'FuncCall') {
      const parts = strings(value.funcname);
      names.push((parts[parts.length - 1] ?? '').toLowerCase());
    } else if (type === 'SQLValueFunction') {
      names.push(String(value.op ?? '').toLowerCase());
    }
  });
  return names;
}

/** Column names referenced anywhere in an expression (last field of each ColumnRef). */
export function columnRefs(expr: unknown): string[] {
  const names: string[] = [];
  walk(expr, (type, value) => {
    if (type === 'ColumnRef') {
      const parts = strings(value.fields);
      const last = parts[parts.length - 1];
      if (last) names.push(last);
    }
  });
  return names;
}

/** Relations referenced anywhere in a query (RangeVars); `inh`: without ONLY, so partitions and inheritance children are read too. */
export function rangeVars(node: unknown): (QualifiedName & { inh: boolean })[] {
  const out: (QualifiedName & { inh: boolean })[] = [];
  walk(node, (type, value) => {
    if (type === 'RangeVar') out.push({ schema: value.schemaname, name: value.relname ?? '', inh: value.inh === true });
  });
  return out;
}

/** A DefElem list contains an option, e.g. VACUUM (FULL) or REINDEX (CONCURRENTLY). */
export function hasOption(params: Node[] | undefined, name: string): boolean {
  return (params ?? []).some((p) => {
    const d = p?.DefElem;
    if (!d || d.defname !== name) return false;
    // "(FULL false)" turns the option off.
    const arg = d.arg;
    if (arg?.Boolean && arg.Boolean.boolval !== true) return false;
    if (arg?.String && ['false', 'off', '0'].includes(String(arg.String.sval).toLowerCase())) return false;
    return true;
  });
}
