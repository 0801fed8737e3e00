// A statement that copies an existing table (INSERT ... SELECT, CREATE TABLE AS, SELECT INTO, CREATE
// MATERIALIZED VIEW with data) runs as long as the copy inside the migration: its transaction holds every
// lock it took before for that long, its snapshot keeps VACUUM from removing dead rows anywhere in the
// database, and the whole copy goes through WAL at once (replicas lag). Its own ACCESS SHARE blocks no
// traffic, so it is a warning at most; severity scales with the size of the tables it reads.
import { walk, type Node } from '../syntax/ast';
import type { LockEstimate } from '../types';
import { describeLock, sizeScaledSeverity } from './helpers';
import type { Rule } from './rule';

export const bulkCopyInMigration: Rule = {
  id: 'bulk-copy-in-migration',
  title: 'A statement copies a large existing table inside the migration',
  defaultSeverity: 'warning',
  migrationOnly: true,
  scope: 'statement',
  checkStatement(st, ctx) {
    const { kind, node } = st;
    const copy = copyOf(kind, node);
    if (!copy) return;
    const sources = st.locks.filter((l) => l.mode === 'AccessShareLock' && !l.newTable);
    if (sources.length === 0) return;
    const scaled = sizeScaledSeverity(sources, ctx.settings);
    // Unknown size: say so, without claiming a large copy.
    const known = sources.every((l) => l.rows !== undefined);
    const severity = !known ? 'info' : scaled === 'error' ? 'warning' : scaled;
    // Under 1000 rows the copy is quick: nothing to report.
    if (!severity || severity === 'hint') return;
    const what = sources.map((l) => (l.rows === undefined ? `${describeLock(l)} (size unknown)` : describeLock(l))).join(' and ');
    const scope = copy.filtered ? 'the rows its WHERE clause selects' : 'every row';
    ctx.report({
      severity,
      message: `${st.label} takes ${what} and copies ${scope} in one statement inside the migration: it runs as long as the copy, its transaction holds every lock it took before for that long, its snapshot keeps VACUUM from removing dead rows in every table meanwhile, and the copy is written to WAL at once (replicas lag). ${copy.instead}`,
      locks: sources satisfies LockEstimate[],
    });
  },
};

/** The statement copies the rows its query reads; undefined when it copies nothing (WITH NO DATA, a LIMITed batch). */
function copyOf(kind: string, node: Node): { filtered: boolean; instead: string } | undefined {
  const batched =
    'Copy in keyset batches outside the schema migration (INSERT ... SELECT ... WHERE id > <last id> ORDER BY id LIMIT n, each batch committed on its own)';
  if (kind === 'InsertStmt') {
    const select = node.selectStmt?.SelectStmt;
    if (!select || select.valuesLists || isLimited(node.selectStmt)) return undefined;
    return { filtered: hasWhere(select), instead: batched };
  }
  if (kind === 'CreateTableAsStmt') {
    if (node.into?.skipData || isLimited(node.query)) return undefined;
    const filtered = hasWhere(node.query?.SelectStmt);
    if (node.objtype === 'OBJECT_MATVIEW')
      return {
        filtered,
        instead:
          'Create it WITH NO DATA in the migration and fill it with REFRESH MATERIALIZED VIEW outside it (a unique index then allows REFRESH ... CONCURRENTLY)',
      };
    return { filtered, instead: `Create the table empty in the migration and ${batched.charAt(0).toLowerCase()}${batched.slice(1)}` };
  }
  if (kind === 'SelectStmt' && node.intoClause) {
    if (isLimited({ SelectStmt: node })) return undefined;
    return {
      filtered: hasWhere(node),
      instead: `Create the table empty in the migration and ${batched.charAt(0).toLowerCase()}${batched.slice(1)}`,
    };
  }
  return undefined;
}

/** A LIMIT anywhere in the query: one bounded batch. */
function isLimited(query: Node): boolean {
  let limited = false;
  walk(query, (type, value) => {
    if (type === 'SelectStmt' && value.limitCount) limited = true;
  });
  return limited;
}

function hasWhere(select: Node | undefined): boolean {
  return !!select?.whereClause;
}
