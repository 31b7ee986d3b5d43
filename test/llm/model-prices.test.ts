// Which price a call is charged at: the workspace's own (an admin entered it), else the server's
// LLM_PRICES_JSON, else the built-in list price; unknown stays unknown (null), never $0.
import { describe, expect, it } from 'vitest';
import { storedModelPrices } from '../../src/llm/model-prices.ts';
import { createPriceBook } from '../../src/llm/prices.ts';

const usage = { inputTokens: 1_000_000, outputTokens: 500_000, cachedInputTokens: 0 };

describe('price resolution', () => {
  const book = createPriceBook({ 'compatible:server-priced': { input: 1, output: 2 } });

  it("charges the workspace's price first, over the server's and the built-in one", () => {
    const own = {
      'openai:gpt-4o-mini': { input: 10, output: 20 },
      'compatible:server-priced': { input: 3, output: 4 },
    };
    expect(book.priceOf('openai', 'gpt-4o-mini', own)).toEqual({ input: 10, output: 20 });
    expect(book.costOf('openai', 'gpt-4o-mini', usage, own)).toBeCloseTo(10 + 10);
    expect(book.costOf('compatible', 'server-priced', usage, own)).toBeCloseTo(3 + 2);
  });

  it('falls back to the server price, then the built-in table, then unknown', () => {
    const own = { 'compatible:other': { input: 5, output: 5 } };
    expect(book.costOf('compatible', 'server-priced', usage, own)).toBeCloseTo(1 + 1);
    expect(book.costOf('openai', 'gpt-4o-mini', usage, own)).toBeCloseTo(0.15 + 0.3);
    expect(book.costOf('compatible', 'local', usage, own)).toBeNull();
    expect(book.costOf('compatible', 'local', usage)).toBeNull();
  });

  it('prices cached input at the input rate for a workspace price (it has no cached rate)', () => {
    const own = { 'compatible:local': { input: 2, output: 0 } };
    const cached = { inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 400_000 };
    expect(book.costOf('compatible', 'local', cached, own)).toBeCloseTo(2);
  });

  it('a zero price is a price: the calls count as $0, not as unknown', () => {
    const own = { 'ollama:llama3.2': { input: 0, output: 0 } };
    expect(book.costOf('ollama', 'llama3.2', usage, own)).toBe(0);
  });

  it('does not take an inherited property for a price', () => {
    expect(book.priceOf('compatible', 'x', Object.create({ 'compatible:x': { input: 1, output: 1 } }))).toBe(
      null,
    );
  });
});

describe('stored prices', () => {
  it('keeps valid entries and drops malformed ones instead of pricing a call at NaN', () => {
    expect(
      storedModelPrices({
        'compatible:ok': { input: 1, output: 2 },
        'compatible:negative': { input: -1, output: 2 },
        'compatible:text': { input: '1', output: 2 },
        'nonsense-id': { input: 1, output: 1 },
      }),
    ).toEqual({ 'compatible:ok': { input: 1, output: 2 } });
    expect(storedModelPrices(null)).toEqual({});
  });
});
