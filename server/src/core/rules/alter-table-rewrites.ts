// SET LOGGED / SET UNLOGGED, SET TABLESPACE and SET ACCESS METHOD copy the whole table (and rebuild its
// indexes) while holding ACCESS EXCLUSIVE: every read and write waits for the copy. The lock model says
// which statements rewrite (moving to pg_default or heap is taken as a no-op).
import { qualify, rangeVarName, type Node } from '../syntax/ast';
import { lockOn } from './columns';
import { lockSentence, sizeScaledSeverity } from './helpers';
import type { Rule } from './rule';

const ADVICE: Record<string, { what: string; instead: string }> = {
  AT_SetLogged: {
    what: 'SET LOGGED',
    instead:
      'SET LOGGED also writes the whole table to the WAL (replicas receive all of it). Create the table LOGGED in the first place, or copy it into a new logged table in batches and swap names',
  },
  AT_SetUnLogged: {
    what: 'SET UNLOGGED',
    instead:
      'An unlogged table is also emptied after a crash and is not replicated. If that is intended, do it in a maintenance window, or copy the rows into a new unlogged table in batches and swap names',
  },
  AT_SetTableSpace: { what: 'SET TABLESPACE', instead: 'Move it online with pg_repack --tablespace, or in a maintenance window' },
  AT_SetAccessMethod: {
    what: 'SET ACCESS METHOD',
    instead: 'Copy the rows into a new table with the access method in batches and swap names, or do it in a maintenance window',
  },
};

export const alterTableRewrites: Rule = {
  id: 'alter-table-rewrites',
  title: 'SET LOGGED/UNLOGGED, SET TABLESPACE and SET ACCESS METHOD rewrite the table under ACCESS EXCLUSIVE',
  defaultSeverity: 'warning',
  scope: 'statement',
  checkStatement(st, ctx) {
    const { kind, node } = st;
    if (kind !== 'AlterTableStmt' || node.objtype !== 'OBJECT_TABLE') return;
    const lock = lockOn(st, qualify(rangeVarName(node.relation)));
    if (!lock?.rewrite || lock.newTable) return;
    const sub = (node.cmds ?? [])
      .map((c: Node) => c?.AlterTableCmd ?? {})
      .find(
        (cmd: Node) =>
          ADVICE[cmd.subtype] &&
          !(cmd.subtype === 'AT_SetTableSpace' || cmd.subtype === 'AT_SetAccessMethod'
            ? /^(pg_default|heap)$/i.test(String(cmd.name ?? ''))
            : false),
      );
    if (!sub) return;
    const severity = sizeScaledSeverity([lock], ctx.settings);
    if (!severity) return;
    const { what, instead } = ADVICE[sub.subtype];
    ctx.report({
      severity,
      message: `${lockSentence(what, lock)} while it copies the whole table and rebuilds its indexes. ${instead}`,
      locks: [lock],
    });
  },
};
