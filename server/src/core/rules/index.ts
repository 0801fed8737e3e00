// The only registry of rules. Add a rule: create rules/<id>.ts, import it here, and add
// docs/rules/<id>.md and test-fixtures/rules/<id>/{bad,ok}.sql (a test fails without them).
import { constraintMissingNotValid } from './constraint-missing-not-valid';
import { requireConcurrentIndexCreation } from './require-concurrent-index-creation';
import { CORE_FINDINGS } from './core-findings';
import type { Rule } from './rule';
// --- group A imports ---
import { requireConcurrentIndexDeletion } from './require-concurrent-index-deletion';
import { requireConcurrentReindex } from './require-concurrent-reindex';
import { concurrentlyInTransaction } from './concurrently-in-transaction';
import { validateInSameTransaction } from './validate-in-same-transaction';
import { uniqueWithoutConcurrentIndex } from './unique-without-concurrent-index';
import { detachPartitionConcurrently } from './detach-partition-concurrently';
import { statementsAfterAccessExclusive } from './statements-after-access-exclusive';
import { fkWithoutIndex } from './fk-without-index';
import { unsupportedOnVersion } from './unsupported-on-version';
import { dynamicSqlNotAnalysed } from './dynamic-sql-not-analysed';
// --- group B imports ---
import { rewritingTypeChange } from './rewriting-type-change';
import { typeChangeWithoutUsing } from './type-change-without-using';
import { volatileDefault } from './volatile-default';
import { setNotNullWithoutCheck } from './set-not-null-without-check';
import { addColumnNotNullWithoutDefault } from './add-column-not-null-without-default';
import { addColumnRewritesTable } from './add-column-rewrites-table';
import { typeChangeBreaksView } from './type-change-breaks-view';
import { preferJsonb } from './prefer-jsonb';
import { enumValueUsedInTransaction } from './enum-value-used-in-transaction';
import { preferBigint } from './prefer-bigint';
import { preferIdentity } from './prefer-identity';
import { preferTimestamptz } from './prefer-timestamptz';
import { banCharField } from './ban-char-field';
// --- group C imports ---
import { renameColumn } from './rename-column';
import { renameTable } from './rename-table';
import { dropColumn } from './drop-column';
import { dropTable } from './drop-table';
import { truncate } from './truncate';
import { missingLockTimeout } from './missing-lock-timeout';
import { missingStatementTimeout } from './missing-statement-timeout';
import { tableWithoutRls } from './table-without-rls';
import { unbatchedDml } from './unbatched-dml';
import { migrationOutOfOrder } from './migration-out-of-order';
import { duplicateMigrationVersion } from './duplicate-migration-version';
import { migrationHistoryMismatch } from './migration-history-mismatch';
import { appReferencesRemovedName } from './app-references-removed-name';
import { banDropDatabase } from './ban-drop-database';
import { transactionNesting } from './transaction-nesting';
import { blockingMaintenance } from './blocking-maintenance';
import { breakingRename } from './breaking-rename';
import { dropSchema } from './drop-schema';
import { alterSequenceBlocksNextval } from './alter-sequence-blocks-nextval';
import { domainConstraintScansTables } from './domain-constraint-scans-tables';
import { alterTableRewrites } from './alter-table-rewrites';
import { attachPartitionScans } from './attach-partition-scans';
import { bulkCopyInMigration } from './bulk-copy-in-migration';
import { statementFails } from './statement-fails';
import { identifierTooLong } from './identifier-too-long';

export const RULES: Rule[] = [
  requireConcurrentIndexCreation,
  constraintMissingNotValid,
  // --- group A rules ---
  requireConcurrentIndexDeletion,
  requireConcurrentReindex,
  concurrentlyInTransaction,
  validateInSameTransaction,
  uniqueWithoutConcurrentIndex,
  detachPartitionConcurrently,
  statementsAfterAccessExclusive,
  fkWithoutIndex,
  unsupportedOnVersion,
  dynamicSqlNotAnalysed,
  // --- group B rules ---
  rewritingTypeChange,
  typeChangeWithoutUsing,
  volatileDefault,
  setNotNullWithoutCheck,
  addColumnNotNullWithoutDefault,
  addColumnRewritesTable,
  typeChangeBreaksView,
  preferJsonb,
  enumValueUsedInTransaction,
  preferBigint,
  preferIdentity,
  preferTimestamptz,
  banCharField,
  // --- group C rules ---
  renameColumn,
  renameTable,
  dropColumn,
  dropTable,
  truncate,
  missingLockTimeout,
  missingStatementTimeout,
  tableWithoutRls,
  unbatchedDml,
  migrationOutOfOrder,
  duplicateMigrationVersion,
  migrationHistoryMismatch,
  appReferencesRemovedName,
  banDropDatabase,
  transactionNesting,
  blockingMaintenance,
  breakingRename,
  dropSchema,
  alterSequenceBlocksNextval,
  domainConstraintScansTables,
  alterTableRewrites,
  attachPartitionScans,
  bulkCopyInMigration,
  statementFails,
  identifierTooLong,
];

/** Rule ids a suppression comment may name: the registered rules plus the core's own findings. */
export const RULE_IDS: string[] = [...RULES.map((r) => r.id), ...CORE_FINDINGS.filter((f) => f.suppressible).map((f) => f.id)];

export { CORE_FINDINGS, DOCS_BASE_URI, ruleDocsUrl } from './core-findings';

/** Problems with a `rules` setting: every key that names no rule, with the nearest real id. */
export function ruleIdProblems(rules: Record<string, unknown>): string[] {
  const known = new Set(RULE_IDS);
  return Object.keys(rules)
    .filter((id) => !known.has(id))
    .map((id) => {
      const near = nearestId(id, RULE_IDS);
      return `rules.${id} names no rule${near ? `; did you mean '${near}'?` : ''} (the rule ids are listed in docs/rules/README.md)`;
    });
}

/** The id closest to `id`: one that `id` is a prefix of, else the smallest edit distance within reason. */
function nearestId(id: string, ids: string[]): string | undefined {
  const lower = id.toLowerCase();
  const prefixed = ids.filter((k) => k.startsWith(lower));
  if (prefixed.length) return prefixed.sort((a, b) => a.length - b.length)[0];
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(lower.length / 3)) + 1;
  for (const k of ids) {
    const d = editDistance(lower, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
