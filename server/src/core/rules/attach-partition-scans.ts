// ATTACH PARTITION without a valid CHECK constraint that implies the partition bound: PostgreSQL scans
// the whole new partition to prove every row belongs, holding ACCESS EXCLUSIVE on it (and SHARE UPDATE
// EXCLUSIVE on the parent) meanwhile. The lock model decides whether the scan happens.
import { qualify, rangeVarName, type Node } from '../syntax/ast';
import { lockOn } from './columns';
import { lockSentence, sizeScaledSeverity } from './helpers';
import type { Rule } from './rule';

export const attachPartitionScans: Rule = {
  id: 'attach-partition-scans',
  title: 'ATTACH PARTITION without a CHECK matching the bound scans the partition under ACCESS EXCLUSIVE',
  defaultSeverity: 'warning',
  scope: 'statement',
  checkStatement(st, ctx) {
    const { kind, node } = st;
    if (kind !== 'AlterTableStmt' || node.objtype === 'OBJECT_INDEX') return;
    for (const c of node.cmds ?? []) {
      const cmd: Node = c?.AlterTableCmd ?? {};
      if (cmd.subtype !== 'AT_AttachPartition') continue;
      const part = qualify(rangeVarName(cmd.def?.PartitionCmd?.name));
      const lock = lockOn(st, part);
      if (!lock?.scan || lock.newTable || lock.indexBuild) continue;
      const severity = sizeScaledSeverity([lock], ctx.settings);
      if (!severity) continue;
      ctx.report({
        severity,
        message: `${lockSentence(`ATTACH PARTITION ${part}`, lock)}, while it scans every row to prove it fits the partition bound. First add a CHECK constraint on ${part} that matches the bound, NOT VALID, and VALIDATE it (SHARE UPDATE EXCLUSIVE, writes continue): ATTACH then skips the scan; drop the CHECK afterwards`,
        locks: [lock],
      });
    }
  },
};
