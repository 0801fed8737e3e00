// The only registry of rules. Add a rule: create rules/<id>.ts, import it here, and add
// docs/rules/<id>.md and test-fixtures/rules/<id>/{bad,ok}.sql (a test fails without them).
import { constraintMissingNotValid } from './constraint-missing-not-valid';
import { requireConcurrentIndexCreation } from './require-concurrent-index-creation';
import type { Rule } from './rule';
// --- group A imports ---
// --- group B imports ---
// --- group C imports ---

export const RULES: Rule[] = [
  requireConcurrentIndexCreation,
  constraintMissingNotValid,
  // --- group A rules ---
  // --- group B rules ---
  // --- group C rules ---
];

/** Rule ids a suppression comment may name: the registered rules plus the core's own findings. */
export const RULE_IDS: string[] = [...RULES.map((r) => r.id), 'syntax-error', 'ignore-missing-reason', 'unused-ignore'];
