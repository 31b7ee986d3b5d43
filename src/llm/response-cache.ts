// Exact-match response cache and embedding cache: Redis when configured (shared by every
// process), the database otherwise. Keys are sha256 of a canonical JSON of everything that
// shapes the answer (model, messages, parameters, output schema) — see cacheKey in the gateway.
import { createHash } from 'node:crypto';
import { keyValueStore } from '../cache/key-value-store.ts';
import type { Redis } from '../cache/redis.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { CachedLlmResponse, EmbeddingCache, ResponseCache } from './ports.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function createLlmCaches(deps: {
  database: Database;
  redis?: Redis;
  config: Pick<Config, 'CACHE_MAX_MB'>;
  embeddingTtlSeconds: number;
}) {
  const store = keyValueStore(deps);
  const responseKey = (key: string) => `llm:response:${key}`;
  const embeddingKey = (model: string, text: string) => `llm:embedding:${sha256(`${model}\n${text}`)}`;

  const responses: ResponseCache = {
    async get(key) {
      const [value] = await store.getMany([responseKey(key)]);
      return (value as CachedLlmResponse | null) ?? null;
    },
    async set(key, value, ttlSeconds) {
      await store.setMany([[responseKey(key), value]], ttlSeconds);
    },
  };
  const embeddings: EmbeddingCache = {
    async getMany(model, texts) {
      return (await store.getMany(texts.map((t) => embeddingKey(model, t)))) as (number[] | null)[];
    },
    async setMany(model, texts, vectors) {
      await store.setMany(
        texts.map((t, i) => [embeddingKey(model, t), vectors[i]]),
        deps.embeddingTtlSeconds,
      );
    },
  };
  return { responses, embeddings };
}
