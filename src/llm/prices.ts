// Versioned price table: USD per 1M tokens, list prices as published on each provider's pricing
// page (OpenAI, Anthropic, Google AI, Groq) in 2025. LLM_PRICES_JSON overrides or adds entries,
// e.g. `{"compatible:llama3":{"input":0,"output":0}}` to price a local model at zero. A workspace's
// own prices (entered by an admin, src/llm/model-prices.ts) win over both. A model missing from all
// of them is priced as unknown (null), never guessed.
import { z } from 'zod';
import { pairKeys } from './scoped-key.ts';
import type { LlmUsage } from './usage.ts';

export const PRICE_TABLE_VERSION = '2025-06';

const priceSchema = z.object({
  input: z.number().min(0),
  output: z.number().min(0),
  /** Rate for input tokens served from the provider's prompt cache; defaults to `input`. */
  cachedInput: z.number().min(0).optional(),
});
export type Price = z.infer<typeof priceSchema>;
export const priceOverridesSchema = z.record(z.string().regex(/^[a-z]+:.+$/), priceSchema);

const table: Record<string, Price> = {
  'openai:gpt-4o-mini': { input: 0.15, output: 0.6, cachedInput: 0.075 },
  'openai:gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 },
  'openai:gpt-4.1-mini': { input: 0.4, output: 1.6, cachedInput: 0.1 },
  'openai:gpt-4.1': { input: 2, output: 8, cachedInput: 0.5 },
  'openai:text-embedding-3-small': { input: 0.02, output: 0 },
  'openai:text-embedding-3-large': { input: 0.13, output: 0 },
  'anthropic:claude-haiku-4-5': { input: 1, output: 5, cachedInput: 0.1 },
  'anthropic:claude-3-5-haiku-latest': { input: 0.8, output: 4, cachedInput: 0.08 },
  'anthropic:claude-sonnet-4-5': { input: 3, output: 15, cachedInput: 0.3 },
  'anthropic:claude-sonnet-4-0': { input: 3, output: 15, cachedInput: 0.3 },
  'google:gemini-2.5-flash': { input: 0.3, output: 2.5, cachedInput: 0.075 },
  'google:gemini-2.0-flash': { input: 0.1, output: 0.4, cachedInput: 0.025 },
  'google:gemini-embedding-001': { input: 0.15, output: 0 },
  'groq:llama-3.3-70b-versatile': { input: 0.59, output: 0.79 },
  'groq:llama-3.1-8b-instant': { input: 0.05, output: 0.08 },
};

/** Prices by `provider:model`: a workspace's own, layered over the book's. */
export type PriceTable = Readonly<Record<string, Price>>;

export interface PriceBook {
  /** The workspace's price (`own`) first, then LLM_PRICES_JSON, then the built-in table. */
  priceOf(provider: string, model: string, own?: PriceTable): Price | null;
  /** USD for this usage, or null when the price is unknown. */
  costOf(provider: string, model: string, usage: LlmUsage, own?: PriceTable): number | null;
}

export function createPriceBook(overrides: Record<string, Price> = {}): PriceBook {
  const prices = { ...table, ...overrides };
  // Looked up twice a call (the ledger row and the result): see scoped-key.ts.
  const idOf = pairKeys();
  const priceOf = (provider: string, model: string, own?: PriceTable) => {
    const id = idOf(provider, model);
    return (own && Object.hasOwn(own, id) ? own[id] : prices[id]) ?? null;
  };
  return {
    priceOf,
    costOf(provider, model, usage, own) {
      const p = priceOf(provider, model, own);
      if (!p) return null;
      const cached = Math.min(usage.cachedInputTokens, usage.inputTokens);
      const fresh = usage.inputTokens - cached;
      return (
        (fresh * p.input + cached * (p.cachedInput ?? p.input) + usage.outputTokens * p.output) / 1_000_000
      );
    },
  };
}
