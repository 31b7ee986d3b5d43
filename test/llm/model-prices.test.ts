// Which price a call is charged at: the workspace's own (an admin entered it), else the server's
// LLM_PRICES_JSON, else the built-in list price — a dated snapshot at its family's when it has none
// of its own; unknown stays unknown (null), never $0.
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

describe('dated snapshots and aliases', () => {
  const book = createPriceBook();
  const price = (id: string, own?: Record<string, { input: number; output: number }>) => {
    const colon = id.indexOf(':');
    return book.lookup(id.slice(0, colon), id.slice(colon + 1), own);
  };

  it.each([
    ['openai:gpt-4o-mini-2024-07-18', 'openai:gpt-4o-mini', 0.15],
    ['openai:gpt-4o-2024-08-06', 'openai:gpt-4o', 2.5],
    ['openai:gpt-4.1-2025-04-14', 'openai:gpt-4.1', 2],
    ['openai:gpt-4.1-mini-2025-04-14', 'openai:gpt-4.1-mini', 0.4],
    ['openai:gpt-4o-latest', 'openai:gpt-4o', 2.5],
    ['anthropic:claude-3-5-haiku-20241022', 'anthropic:claude-3-5-haiku-latest', 0.8],
    ['anthropic:claude-sonnet-4-5-20250929', 'anthropic:claude-sonnet-4-5', 3],
    ['anthropic:claude-haiku-4-5-20251001', 'anthropic:claude-haiku-4-5', 1],
    ['anthropic:claude-sonnet-4-20250514', 'anthropic:claude-sonnet-4-0', 3],
    ['google:gemini-2.0-flash-001', 'google:gemini-2.0-flash', 0.1],
  ])('prices %s as its family %s', (id, family, input) => {
    expect(price(id)).toMatchObject({ price: { input }, source: 'default', pricedAs: family });
  });

  it.each([
    // Another model whose name starts with a priced one: a word follows, not a version.
    'openai:gpt-4.1-nano-2025-04-14',
    'openai:gpt-4o-mini-search-preview-2025-03-11',
    'openai:gpt-4o-audio-preview-2024-12-17',
    'openai:gpt-4o-mini-tts',
    'openai:gpt-4o-realtime',
    'anthropic:claude-sonnet-4-1',
    'google:gemini-2.0-flash-lite-001',
    'groq:llama-3.3-70b-versatile-32k',
    // Not a date: no family.
    'openai:gpt-4o-2024-13-01',
    'openai:gpt-4o-99999999',
  ])('leaves %s unpriced', (id) => {
    expect(price(id)).toBeNull();
  });

  it('never prices a gpt-4o-mini snapshot as gpt-4o', () => {
    // gpt-4o and gpt-4o-mini both priced: the snapshot is the mini's, not the longer match's prefix.
    const own = { 'openai:gpt-4o': { input: 100, output: 100 } };
    expect(book.priceOf('openai', 'gpt-4o-mini-2024-07-18', own)).toMatchObject({ input: 0.15 });
    // Only gpt-4o priced (a server hosting both under these names): the mini stays unknown.
    const gpt4oOnly = { 'compatible:gpt-4o': { input: 2.5, output: 10 } };
    expect(book.priceOf('compatible', 'gpt-4o-mini-2024-07-18', gpt4oOnly)).toBeNull();
    expect(book.priceOf('compatible', 'gpt-4o-mini', gpt4oOnly)).toBeNull();
    expect(book.priceOf('compatible', 'gpt-4o-2024-08-06', gpt4oOnly)).toMatchObject({ input: 2.5 });
  });

  it("keeps a snapshot's own price over its family's", () => {
    // The first gpt-4o snapshot was dearer than gpt-4o later became.
    expect(price('openai:gpt-4o-2024-05-13')).toMatchObject({ price: { input: 5, output: 15 } });
    const own = { 'openai:gpt-4o-mini-2024-07-18': { input: 9, output: 9 } };
    expect(price('openai:gpt-4o-mini-2024-07-18', own)).toMatchObject({
      price: { input: 9 },
      source: 'workspace',
    });
  });

  it("prices a family by the workspace's own price first, then the book's", () => {
    const own = {
      'openai:gpt-4o-mini': { input: 10, output: 20 },
      'compatible:house-model': { input: 1, output: 2 },
      'ollama:llama3.2': { input: 0, output: 0 },
    };
    expect(price('openai:gpt-4o-mini-2024-07-18', own)).toMatchObject({
      price: { input: 10 },
      source: 'workspace',
      pricedAs: 'openai:gpt-4o-mini',
    });
    expect(price('compatible:house-model-20250301', own)).toMatchObject({ price: { input: 1 } });
    expect(price('compatible:house-model-large', own)).toBeNull();
    // An Ollama tag of `latest` is the model itself; another tag is another size.
    expect(price('ollama:llama3.2:latest', own)).toMatchObject({ price: { input: 0, output: 0 } });
    expect(price('ollama:llama3.2:1b', own)).toBeNull();
    // A zero price is a price for the family too.
    expect(book.costOf('ollama', 'llama3.2:latest', usage, own)).toBe(0);
    // And the other way round: priced as `ollama list` names it, the bare name is the same model.
    const listed = { 'ollama:qwen3:latest': { input: 0, output: 0 } };
    expect(price('ollama:qwen3', listed)).toMatchObject({
      price: { input: 0 },
      pricedAs: 'ollama:qwen3:latest',
    });
    expect(book.costOf('ollama', 'qwen3', usage, listed)).toBe(0);
    expect(price('ollama:qwen3:8b', listed)).toBeNull();
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
