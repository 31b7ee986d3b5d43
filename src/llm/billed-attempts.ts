// What a whole call was billed: every upstream attempt's usage — failed ones that got an answer
// (invalid JSON repaired, an empty answer retried, a stream cut before a fallback) are billed too —
// priced at each attempt's own model. A step meters this, not the answer's attempt alone, so an
// article's cost is what its calls cost (an invalid answer then a valid one showed 40 % of it).
import type { AttemptReport } from './chain-types.ts';
import type { LlmTextResult, LlmUsage, ModelRef } from './types.ts';

export type Billed = NonNullable<LlmTextResult['billed']>;

export class BilledAttempts {
  private readonly reports: Array<Pick<AttemptReport, 'model' | 'usage'>> = [];

  add(report: AttemptReport): void {
    this.reports.push({ model: report.model, usage: report.usage });
  }

  /**
   * The call's billed tokens and cost, when attempts other than the answer's used any; undefined
   * when the answer's own usage is all of it. `cost` prices one attempt (null: price unknown).
   */
  beyond(answer: LlmUsage, cost: (model: ModelRef, usage: LlmUsage) => number | null): Billed | undefined {
    let inputTokens = 0;
    let outputTokens = 0;
    for (const { usage } of this.reports) {
      inputTokens += usage.inputTokens;
      outputTokens += usage.outputTokens;
    }
    if (inputTokens <= answer.inputTokens && outputTokens <= answer.outputTokens) return undefined;
    let costUsd: number | null = 0;
    for (const { model, usage } of this.reports) {
      if (usage.inputTokens === 0 && usage.outputTokens === 0) continue;
      const one = cost(model, usage);
      costUsd = one === null || costUsd === null ? null : costUsd + one;
    }
    return { inputTokens, outputTokens, costUsd };
  }
}
