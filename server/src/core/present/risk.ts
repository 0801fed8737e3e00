// The words for a risk score, for every report, hover and plan document. docs/risk.md has the formula.

export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';

/** 1-3 low, 4-6 medium, 7-8 high, 9-10 critical. */
export function riskLevel(score: number): RiskLevel {
  if (score <= 3) return 'low';
  if (score <= 6) return 'medium';
  if (score <= 8) return 'high';
  return 'critical';
}
