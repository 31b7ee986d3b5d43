// What a whole call was billed: every upstream attempt's usage — failed ones that got an answer
// (invalid JSON repaired, an empty answer retried, a stream cut before a fallback) are billed too —
// priced at each attempt's own model. A step meters this, not the answer's attempt alone, so an
// article's cost is what its calls cost (an invalid answer then a valid one showed 40 % of it).
import type { AttemptReport } from './chain-types.ts';
import type { BilledSpend, FailedSpend, LlmTextCall, LlmUsage, ModelRef } from './types.ts';

const noUsage: LlmUsage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };

export class BilledAttempts {
  private readonly reports: Array<Pick<AttemptReport, 'model' | 'usage'>> = [];

  add(report: AttemptReport): void {
    this.reports.push({ model: report.model, usage: report.usage });
  }

  /**
   * Tells a call that failed what its attempts were billed (its `onFailedSpend`), if anything was.
   * Never throws: the call's own failure is what its caller must see.
   */
  reportFailure(call: LlmTextCall, cost: (model: ModelRef, usage: LlmUsage) => number | null): void {
    if (!call.onFailedSpend) return;
    const spend = this.beyond(noUsage, cost);
    if (!spend) return;
    const estimated = this.reports.some(({ usage }) => usage.estimated === true);
    try {
      call.onFailedSpend({ ...spend, estimated } satisfies FailedSpend);
    } catch {}
  }

  /**
   * The call's billed tokens and cost, when attempts other than the answer's used any; undefined
   * when the answer's own usage is all of it. `cost` prices one attempt (null: price unknown, the
   * model then named in `unpricedModels`).
   */
  beyond(
    answer: LlmUsage,
    cost: (model: ModelRef, usage: LlmUsage) => number | null,
  ): BilledSpend | undefined {
    let inputTokens = 0;
    let outputTokens = 0;
    for (const { usage } of this.reports) {
      inputTokens += usage.inputTokens;
      outputTokens += usage.outputTokens;
    }
    if (inputTokens <= answer.inputTokens && outputTokens <= answer.outputTokens) return undefined;
    let costUsd = 0;
    let priced = false;
    let unpricedModels: string[] | undefined;
    for (const { model, usage } of this.reports) {
      if (usage.inputTokens === 0 && usage.outputTokens === 0) continue;
      const one = cost(model, usage);
      if (one !== null) {
        costUsd += one;
        priced = true;
      } else if (!unpricedModels) unpricedModels = [model.id];
      else if (!unpricedModels.includes(model.id)) unpricedModels.push(model.id);
    }
    // An unpriced attempt leaves the priced ones counted, and says what is missing.
    if (!unpricedModels) return { inputTokens, outputTokens, costUsd };
    return { inputTokens, outputTokens, costUsd: priced ? costUsd : null, unpricedModels };
  }
}
