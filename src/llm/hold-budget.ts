// A call's hold on its workspace's budget: what it may cost — its prompt and output limit at its
// first model's price — counted as if spent while it runs (budget.ts), given back when it ends.
import type { PriceTable } from './prices.ts';
import type { LlmRecorder } from './recorder.ts';
import type { LlmUsage, ModelRef } from './types.ts';

export interface BudgetHold {
  release(): void;
}

const none: BudgetHold = { release: () => {} };

/** Checks the budget (throws `budget_exceeded`) and holds the call's likely cost until `release`. */
export async function holdBudget(
  recorder: LlmRecorder,
  workspaceId: string | undefined,
  first: ModelRef | undefined,
  prices: PriceTable | undefined,
  usage: LlmUsage,
): Promise<BudgetHold> {
  if (!workspaceId) return none;
  const likely = first ? (recorder.cost(first.provider, first.model, usage, prices) ?? 0) : 0;
  const held = await recorder.checkBudget(workspaceId, likely);
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
