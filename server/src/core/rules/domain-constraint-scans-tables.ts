// ALTER DOMAIN ... ADD CONSTRAINT (without NOT VALID), VALIDATE CONSTRAINT and SET NOT NULL check every
// column of that domain in every table, holding SHARE on each table (writes wait) for the whole check.
// Unlike a table's VALIDATE CONSTRAINT, a domain's takes the same SHARE lock, so NOT VALID only moves the
// wait. The lock model names the tables (observed on PG 11 to 18).
import { strings } from '../syntax/ast';
import { lockSentence, sizeScaledSeverity, worstExistingLock } from './helpers';
import type { Rule } from './rule';

const WHAT: Record<string, string> = { C: 'ADD CONSTRAINT', V: 'VALIDATE CONSTRAINT', O: 'SET NOT NULL' };

export const domainConstraintScansTables: Rule = {
  id: 'domain-constraint-scans-tables',
  title: 'ALTER DOMAIN ADD CONSTRAINT, VALIDATE CONSTRAINT or SET NOT NULL checks every column of the domain under a SHARE lock',
  defaultSeverity: 'warning',
  scope: 'statement',
  checkStatement(st, ctx) {
    const { kind, node } = st;
    if (kind !== 'AlterDomainStmt' || !WHAT[node.subtype]) return;
    const scanned = st.locks.filter((l) => l.scan && !l.newTable);
    const lock = worstExistingLock(scanned);
    if (!lock) return;
    const severity = sizeScaledSeverity(scanned, ctx.settings);
    if (!severity) return;
    const domain = strings(node.typeName).pop() ?? '';
    const others = scanned.filter((l) => l !== lock).map((l) => l.relation);
    const also = others.length ? ` (and the same on ${others.join(', ')})` : '';
    const instead =
      node.subtype === 'O'
        ? `On a busy table, enforce it with a table CHECK (col IS NOT NULL) added NOT VALID and then VALIDATEd (SHARE UPDATE EXCLUSIVE, writes continue) instead of a NOT NULL domain`
        : node.subtype === 'V'
          ? `Validating a domain constraint blocks writes like adding it (a table's VALIDATE CONSTRAINT would not). On a busy table, enforce the rule with a table CHECK constraint added NOT VALID and then VALIDATEd (SHARE UPDATE EXCLUSIVE, writes continue), or validate in a quiet window`
          : `Add it NOT VALID (new values only, no scan); its VALIDATE takes the same SHARE lock, so on a busy table enforce the rule for existing rows with a table CHECK constraint added NOT VALID and then VALIDATEd (SHARE UPDATE EXCLUSIVE, writes continue)`;
    ctx.report({
      severity,
      message: `${lockSentence(`ALTER DOMAIN ${domain} ${WHAT[node.subtype]}`, lock)}${also}, while it checks every row's ${domain} columns. ${instead}`,
      locks: scanned,
    });
  },
};
