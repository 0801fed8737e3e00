// ADD CONSTRAINT UNIQUE / PRIMARY KEY / EXCLUDE without USING INDEX builds the index while holding
// ACCESS EXCLUSIVE: no reads, no writes for the whole build. UNIQUE and PRIMARY KEY can instead adopt
// an index built beforehand with CREATE UNIQUE INDEX CONCURRENTLY.
import { type Node } from '../syntax/ast';
import { splitFix } from '../fixes/quick';
import { lockSentence, sizeScaledSeverity } from './helpers';
import type { Rule } from './rule';

const KIND: Record<string, string> = { CONSTR_UNIQUE: 'UNIQUE', CONSTR_PRIMARY: 'PRIMARY KEY', CONSTR_EXCLUSION: 'EXCLUDE' };

export const uniqueWithoutConcurrentIndex: Rule = {
  id: 'unique-without-concurrent-index',
  title: 'ADD UNIQUE / PRIMARY KEY / EXCLUDE builds its index under ACCESS EXCLUSIVE',
  defaultSeverity: 'warning',
  scope: 'statement',
  checkStatement(st, ctx) {
    const { kind, node } = st;
    if (kind !== 'AlterTableStmt' || node.objtype === 'OBJECT_INDEX') return;
    const lock = st.locks.find((l) => l.indexBuild && l.mode === 'AccessExclusiveLock');
    if (!lock) return;
    const severity = sizeScaledSeverity([lock], ctx.settings);
    if (!severity) return;
    for (const con of indexBuildingConstraints(node)) {
      const what = KIND[con.contype];
      const columns =
        (con.keys ?? [])
          .map((k: Node) => k?.String?.sval)
          .filter(Boolean)
          .join(', ') || '...';
      const advice =
        con.contype === 'CONSTR_EXCLUSION'
          ? 'An EXCLUDE constraint cannot adopt an existing index, so there is no concurrent route: run it in a quiet window with a short lock_timeout, or enforce the rule another way'
          : `${con.inlineColumn ? `Add the column ${con.inlineColumn} without ${what}, build the index` : 'Build the index first'} with CREATE UNIQUE INDEX CONCURRENTLY ... (${columns}) in its own migration file, then ADD CONSTRAINT ... ${what} USING INDEX <index>, which takes ACCESS EXCLUSIVE only briefly`;
      ctx.report({
        span: ctx.spanAt(con.location, con.conname ? 'CONSTRAINT'.length : what.length),
        severity,
        message: `${lockSentence(`ADD ${what}`, lock)} while it builds the index. ${advice}`,
        help:
          con.contype === 'CONSTR_PRIMARY'
            ? 'PRIMARY KEY USING INDEX also sets the key columns NOT NULL, which scans the table under ACCESS EXCLUSIVE unless they already are NOT NULL (or have a validated CHECK (col IS NOT NULL) on PG 12+).'
            : undefined,
        locks: [lock],
        fix:
          con.contype === 'CONSTR_EXCLUSION'
            ? undefined
            : (file) =>
                splitFix(
                  file,
                  st,
                  'unique-index',
                  `Build the unique index CONCURRENTLY in a new migration, then ADD CONSTRAINT ... ${what} USING INDEX`,
                ),
      });
    }
  },
};

/** UNIQUE / PRIMARY KEY / EXCLUDE constraints of an ALTER TABLE that build a new index (no USING INDEX), including inline ones on ADD COLUMN. */
function indexBuildingConstraints(node: Node): Node[] {
  const out: Node[] = [];
  for (const c of node.cmds ?? []) {
    const cmd: Node = c?.AlterTableCmd ?? {};
    const cons: Node[] =
      cmd.subtype === 'AT_AddConstraint'
        ? [cmd.def?.Constraint]
        : cmd.subtype === 'AT_AddColumn'
          ? (cmd.def?.ColumnDef?.constraints ?? []).map((x: Node) => x?.Constraint)
          : [];
    for (const con of cons) {
      if (!con || !KIND[con.contype] || con.indexname) continue;
      // Inline column constraints carry no key list; the column is the key.
      const column = cmd.def?.ColumnDef?.colname;
      out.push(cmd.subtype === 'AT_AddColumn' ? { ...con, keys: [{ String: { sval: column } }], inlineColumn: column } : con);
    }
  }
  return out;
}
