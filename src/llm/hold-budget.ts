// A call's hold on its workspace's budget: what it may cost — its prompt and output limit at its
// first model's price — counted as if spent while it runs (budget.ts), given back when it ends.
// A model of the call's chain without a price would spend what no budget counts: with a budget,
// the call is refused before anything is sent (budget.ts says why).
import type { PriceTable } from './prices.ts';
import type { LlmRecorder } from './recorder.ts';
import type { LlmUsage, ModelRef } from './types.ts';

export interface BudgetHold {
  release(): void;
}

const none: BudgetHold = { release: () => {} };

/**
 * Checks the budget (throws `budget_exceeded`: spent, or a model of `chain` has no price — unless
 * `refuseUnpriced` is false) and holds the call's likely cost at its first model's price until
 * `release`.
 */
export async function holdBudget(
  recorder: LlmRecorder,
  workspaceId: string | undefined,
  chain: readonly ModelRef[],
  prices: PriceTable | undefined,
  usage: LlmUsage,
  opts: { refuseUnpriced?: boolean } = {},
): Promise<BudgetHold> {
  if (!workspaceId) return none;
  let likely = 0;
  let unpriced: string[] | undefined;
  for (let i = 0; i < chain.length; i++) {
    const ref = chain[i]!;
    const cost = recorder.cost(ref.provider, ref.model, usage, prices);
    if (cost !== null) {
      if (i === 0) likely = cost;
    } else if (!unpriced) unpriced = [ref.id];
    else unpriced.push(ref.id);
  }
  const held = await recorder.checkBudget(
    workspaceId,
    likely,
    opts.refuseUnpriced === false ? undefined : unpriced,
  );
  if (held === 0) return none;
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      recorder.releaseBudget(workspaceId, held);
    },
  };
}
