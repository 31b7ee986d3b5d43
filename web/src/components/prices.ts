// Costs are only as good as the prices behind them: a model without a known price costs "$0.00"
// in every total. These say "price unknown" instead.
import { api, usd } from '../api.ts';
import { useLoad } from '../ui.tsx';

/** The models in use that have no known price (empty while loading). */
export function useUnpricedModels(): string[] {
  const prices = useLoad(() => api('GET', '/api/v1/llm/prices'), []);
  return (prices.data?.items ?? []).filter((p) => p.inputPerMillionUsd === null).map((p) => p.model);
}

/**
 * A cost for display: "price unknown" when tokens were spent, nothing was priced and an unpriced
 * model is in use; the amount otherwise.
 */
export function costText(costUsd: number, tokens: number, unpriced: readonly string[]): string {
  if (costUsd === 0 && tokens > 0 && unpriced.length > 0) return 'price unknown';
  return usd(costUsd);
}
