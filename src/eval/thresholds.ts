// The bars a CI job sets for `blogsmith eval` (`--min-citation-recall 0.8` …): which model missed
// which, so the command can exit 1 with the reasons. A share that could not be measured (no
// statements, no claims) misses a bar set on it: nothing was shown to clear it.
import type { EvalReport, ModelSummary } from './report-schema.ts';

export interface EvalThresholds {
  minCitationRecall?: number;
  minCitationPrecision?: number;
  minClaimSupport?: number;
  /** Articles a model may fail (not written) or leave unjudged. */
  maxFailed?: number;
}

const shares = [
  ['minCitationRecall', 'citationRecall', 'citation recall'],
  ['minCitationPrecision', 'citationPrecision', 'citation precision'],
  ['minClaimSupport', 'claimSupport', 'claim support'],
] as const satisfies ReadonlyArray<readonly [keyof EvalThresholds, keyof ModelSummary, string]>;

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

/** One line per bar a model missed ("compatible:x: citation recall 61.0 % < 80.0 %"). */
export function missedThresholds(report: EvalReport, bars: EvalThresholds): string[] {
  const missed: string[] = [];
  for (const { model, summary } of report.models) {
    for (const [bar, field, name] of shares) {
      const min = bars[bar];
      if (min === undefined) continue;
      const value = summary[field] as number | null;
      if (value === null) missed.push(`${model}: ${name} not measured (nothing to count) < ${percent(min)}`);
      else if (value < min) missed.push(`${model}: ${name} ${percent(value)} < ${percent(min)}`);
    }
    if (bars.maxFailed !== undefined) {
      const failed = summary.failed + (summary.unjudged ?? 0);
      if (failed > bars.maxFailed)
        missed.push(`${model}: ${failed} articles failed or unjudged > ${bars.maxFailed}`);
    }
  }
  return missed;
}
