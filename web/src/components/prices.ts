// Costs are only as good as the prices behind them: calls of a model without a known price are in no
// total. The API says when an article had such calls (`costKnown`); this says "price unknown" then,
// never "$0.00", as the CLI does.
import { usd } from '../api.ts';

/** A cost for display: the amount when every call had a price; otherwise the priced part and "price unknown". */
export function costText(costUsd: number, costKnown: boolean): string {
  if (costKnown) return usd(costUsd);
  return costUsd > 0 ? `${usd(costUsd)} + price unknown` : 'price unknown';
}
