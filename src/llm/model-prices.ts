// The prices a workspace admin enters for models (USD per 1M tokens), so that a model without a
// list price — a local or OpenAI-compatible one — counts in cost totals and budgets. Stored as
// jsonb on the workspace's LLM settings; this schema is what both the API and a stored row are read
// through, so a malformed stored entry is dropped instead of pricing a call at NaN.
import { z } from 'zod';
import { modelIdProblem } from './model-id.ts';

/** Above any published price (the dearest list prices are in the hundreds): a typo, not a price. */
export const maxPricePerMillionUsd = 10_000;
/** Enough for every model a workspace can reasonably use; bounds the row and the audit entry. */
export const maxModelPrices = 200;

const perMillion = z
  .number()
  .min(0, 'must be 0 or more')
  .max(maxPricePerMillionUsd, `must be at most ${maxPricePerMillionUsd} USD per 1M tokens`);

export const modelPriceSchema = z.object({ input: perMillion, output: perMillion });
/** Cached input tokens are charged at the input rate (the price book's default). */
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/** A stored row's prices: entries that no longer parse are left out. */
export function storedModelPrices(stored: unknown): Record<string, ModelPrice> {
  if (!stored || typeof stored !== 'object') return {};
  const prices: Record<string, ModelPrice> = {};
  for (const [id, value] of Object.entries(stored)) {
    const parsed = modelPriceSchema.safeParse(value);
    if (parsed.success && modelIdProblem(id) === null) prices[id] = parsed.data;
  }
  return prices;
}
