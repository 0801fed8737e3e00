// DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the partitioned table: every query on
// any partition waits. PostgreSQL 14 added DETACH PARTITION ... CONCURRENTLY, which does not.
import { rangeVarName, qualify, type Node } from '../syntax/ast';
import { lockSentence, sizeScaledSeverity } from './helpers';
import type { Rule } from './rule';

export const detachPartitionConcurrently: Rule = {
  id: 'detach-partition-concurrently',
  title: 'DETACH PARTITION without CONCURRENTLY blocks reads and writes of the whole partitioned table',
  defaultSeverity: 'warning',
  scope: 'statement',
  checkStatement(st, ctx) {
    if (ctx.pgVersion < 14) return;
    const { kind, node } = st;
    if (kind !== 'AlterTableStmt') return;
    const detaches = (node.cmds ?? [])
      .map((c: Node) => c?.AlterTableCmd)
      .filter((cmd: Node) => cmd?.subtype === 'AT_DetachPartition' && !cmd.def?.PartitionCmd?.concurrent);
    if (detaches.length === 0) return;
    const parent = qualify(rangeVarName(node.relation));
    const lock = st.locks.find((l) => l.relation === parent && l.mode === 'AccessExclusiveLock');
    if (!lock) return;
    const severity = sizeScaledSeverity([lock], ctx.settings);
    if (!severity) return;
    const partitionName = rangeVarName(detaches[0].def?.PartitionCmd?.name);
    const partition = qualify(partitionName);
    const writtenLength = (partitionName.schema ? partitionName.schema.length + 1 : 0) + partitionName.name.length;
    ctx.report({
      span: ctx.spanAt(detaches[0].def?.PartitionCmd?.name?.location, writtenLength),
      severity,
      message: `${lockSentence(`DETACH PARTITION ${partition}`, lock)} on all its partitions. Use DETACH PARTITION ${partition} CONCURRENTLY (PG 14+), which takes SHARE UPDATE EXCLUSIVE on the parent and lets queries continue`,
      help: 'DETACH ... CONCURRENTLY cannot run inside a transaction block and is not allowed when the table has a default partition; if it is interrupted, finish it with ALTER TABLE ... DETACH PARTITION ... FINALIZE.',
      locks: [lock],
    });
  },
};
