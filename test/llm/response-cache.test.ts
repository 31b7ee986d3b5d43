import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { createPriceBook } from '../../src/llm/prices.ts';
import { createLlmCaches } from '../../src/llm/response-cache.ts';
import { redisUrl } from '../support/database.ts';

const answer = {
  text: 'cached',
  usage: { inputTokens: 1, outputTokens: 2, cachedInputTokens: 0 },
  provider: 'openai',
  model: 'gpt-4o-mini',
};

describe('LLM caches', () => {
  let database: Database;
  let redis: Redis;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
    redis = new Redis(redisUrl, { keyPrefix: `test:${randomBytes(4).toString('hex')}:` });
  });
  afterAll(async () => {
    await database.close();
    redis.disconnect();
  });

  for (const store of ['database', 'redis'] as const) {
    it(`stores, returns and expires responses and embeddings (${store})`, async () => {
      const caches = createLlmCaches({
        database,
        ...(store === 'redis' ? { redis } : {}),
        config: { CACHE_MAX_MB: 1024 },
        embeddingTtlSeconds: 60,
      });
      expect(await caches.responses.get('k1')).toBeNull();
      await caches.responses.set('k1', answer, 1);
      expect(await caches.responses.get('k1')).toEqual(answer);
      await new Promise((r) => setTimeout(r, 1200));
      expect(await caches.responses.get('k1')).toBeNull();

      await caches.embeddings.setMany(
        'm',
        ['a', 'b'],
        [
          [1, 2],
          [3, 4],
        ],
      );
      expect(await caches.embeddings.getMany('m', ['b', 'c', 'a'])).toEqual([[3, 4], null, [1, 2]]);
      expect(await caches.embeddings.getMany('other-model', ['a'])).toEqual([null]);
    });
  }

  it('takes an entry of another shape (another version wrote it) for a miss', async () => {
    const caches = createLlmCaches({ database, config: { CACHE_MAX_MB: 1024 }, embeddingTtlSeconds: 60 });
    // Shapes an older or newer process could have left under the same keys.
    await caches.responses.set('k2', { answer: 'cached', usage: { input: 1 } } as never, 60);
    await caches.responses.set('k3', { ...answer, usage: { inputTokens: 1 } } as never, 60);
    expect(await caches.responses.get('k2')).toBeNull();
    expect(await caches.responses.get('k3')).toBeNull();
    await caches.responses.set('k4', answer, 60);
    expect(await caches.responses.get('k4')).toEqual(answer);

    await caches.embeddings.setMany('m2', ['a', 'b', 'c', 'd'], [[1, 2], { v: [1] }, [], ['x']] as never);
    expect(await caches.embeddings.getMany('m2', ['a', 'b', 'c', 'd'])).toEqual([[1, 2], null, null, null]);
  });
});

describe('price book', () => {
  const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000, cachedInputTokens: 500_000 };
  it('prices known models from the table, cached input at its own rate', () => {
    expect(createPriceBook().costOf('openai', 'gpt-4o-mini', usage)).toBeCloseTo(
      0.5 * 0.15 + 0.5 * 0.075 + 0.6,
      10,
    );
  });
  it('never guesses an unknown price, and takes overrides', () => {
    expect(createPriceBook().costOf('compatible', 'llama3', usage)).toBeNull();
    expect(
      createPriceBook({ 'compatible:llama3': { input: 0, output: 0 } }).costOf('compatible', 'llama3', usage),
    ).toBe(0);
  });
});
