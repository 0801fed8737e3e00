// The words for a risk score, for every report, hover and plan document. docs/risk.md has the formula.

export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';

/** 1-3 low, 4-6 medium, 7-8 high, 9-10 critical. */
export function riskLevel(score: number): RiskLevel {
  if (score <= 3) return 'low';
  if (score <= 6) return 'medium';
  if (score <= 8) return 'high';
  return 'critical';
}

/** Said instead of a score when no statement of the file parsed: the risk is unknown, not low. */
export const NOT_ANALYSED = 'not analysed';

/** "7/10 (high)", or "not analysed" for a file with no score. */
export function riskWords(score: number | null): string {
  return score === null ? NOT_ANALYSED : `${score}/10 (${riskLevel(score)})`;
}

/** The highest score among files that have one; null when none has. */
export function worstRisk(scores: readonly (number | null)[]): number | null {
  let worst: number | null = null;
  for (const s of scores) if (s !== null && (worst === null || s > worst)) worst = s;
  return worst;
}
