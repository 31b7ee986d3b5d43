// Versioned price table: USD per 1M tokens, list prices as published on each provider's pricing
// page (OpenAI, Anthropic, Google AI, Groq) in 2025. LLM_PRICES_JSON overrides or adds entries,
// e.g. `{"compatible:llama3":{"input":0,"output":0}}` to price a local model at zero. A workspace's
// own prices (entered by an admin, src/llm/model-prices.ts) win over both. A dated snapshot or alias
// with no price of its own is priced as its family (price-family.ts). A model missing from all of
// them is priced as unknown (null), never guessed.
import { z } from 'zod';
import { familyAliasOf, familyOf } from './price-family.ts';
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
  // The first gpt-4o snapshot kept its launch price: not its family's.
  'openai:gpt-4o-2024-05-13': { input: 5, output: 15 },
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

/** A price found, where (`workspace`: the workspace's own), and under which id (`pricedAs`). */
export interface PriceLookup {
  price: Price;
  source: 'workspace' | 'default';
  /** The id the price is listed under: the model's own, or its family's. */
  pricedAs: string;
}

export interface PriceBook {
  /**
   * The model's own price — the workspace's (`own`), then LLM_PRICES_JSON's, then the built-in
   * table's — else its family's, in the same order.
   */
  priceOf(provider: string, model: string, own?: PriceTable): Price | null;
  /** As priceOf, with where the price came from. */
  lookup(provider: string, model: string, own?: PriceTable): PriceLookup | null;
  /** USD for this usage, or null when the price is unknown. */
  costOf(provider: string, model: string, usage: LlmUsage, own?: PriceTable): number | null;
}

type Listed = { price: Price; id: string };

/** A table's prices by family: its ids, and the families its aliases stand for (with the id listed). */
function byFamily(prices: PriceTable): ReadonlyMap<string, Listed> {
  const families = new Map<string, Listed>();
  for (const [id, price] of Object.entries(prices)) {
    const alias = familyAliasOf(id);
    if (alias !== null && !Object.hasOwn(prices, alias)) families.set(alias, { price, id });
  }
  for (const [id, price] of Object.entries(prices)) families.set(id, { price, id });
  return families;
}

/** The table's own entry for `id` (never an inherited property). */
const entry = (table: PriceTable | undefined, id: string): Price | undefined =>
  table !== undefined && Object.hasOwn(table, id) ? table[id] : undefined;

export function createPriceBook(overrides: Record<string, Price> = {}): PriceBook {
  const prices: PriceTable = { ...table, ...overrides };
  const families = byFamily(prices);
  // A workspace's prices by family, built once per table (a setup keeps its table).
  const ownFamilies = new WeakMap<PriceTable, ReadonlyMap<string, Listed>>();
  const familiesOf = (own: PriceTable) => {
    let found = ownFamilies.get(own);
    if (!found) {
      found = byFamily(own);
      ownFamilies.set(own, found);
    }
    return found;
  };
  // Looked up twice a call (the ledger row and the result): see scoped-key.ts.
  const idOf = pairKeys();
  const lookup = (provider: string, model: string, own?: PriceTable): PriceLookup | null => {
    const id = idOf(provider, model);
    // The model's own price wins over its family's, wherever each is set.
    const mineExactly = entry(own, id);
    if (mineExactly) return { price: mineExactly, source: 'workspace', pricedAs: id };
    const listedExactly = entry(prices, id);
    if (listedExactly) return { price: listedExactly, source: 'default', pricedAs: id };
    // An id with no version suffix may still be an alias's family (`ollama:x` of `ollama:x:latest`).
    const family = familyOf(id) ?? id;
    const mine = own && familiesOf(own).get(family);
    if (mine) return { price: mine.price, source: 'workspace', pricedAs: mine.id };
    const listed = families.get(family);
    return listed ? { price: listed.price, source: 'default', pricedAs: listed.id } : null;
  };
  // lookup's answer without its object: this one runs on every call.
  const priceOf = (provider: string, model: string, own?: PriceTable): Price | null => {
    const id = idOf(provider, model);
    const exact = entry(own, id) ?? entry(prices, id);
    if (exact) return exact;
    const family = familyOf(id) ?? id;
    return (own && familiesOf(own).get(family)?.price) ?? families.get(family)?.price ?? null;
  };
  return {
    priceOf,
    lookup,
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
