// Exact-match response cache and embedding cache: Redis when configured (shared by every
// process), the database otherwise. Keys are sha256 of a canonical JSON of everything that
// shapes the answer (model, messages, parameters, output schema) — see cacheKey in the gateway.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { keyValueStore } from '../cache/key-value-store.ts';
import type { Redis } from '../cache/redis.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { CachedLlmResponse, EmbeddingCache, ResponseCache } from './ports.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

// An entry is used only if it has the shape this version reads. The store is shared by every process
// — in a rolling upgrade, processes of another version — and outlives them: an entry of another
// shape is a miss, not an answer without text or a vector the database refuses.
const cachedResponse: z.ZodType<CachedLlmResponse> = z.looseObject({
  text: z.string(),
  object: z.unknown().optional(),
  rung: z.string().optional(),
  usage: z.looseObject({
    inputTokens: z.number(),
    outputTokens: z.number(),
    cachedInputTokens: z.number(),
    reasoningTokens: z.number().optional(),
    estimated: z.boolean().optional(),
  }),
  model: z.string(),
  provider: z.string(),
});
// Checked by hand: a document's passages are read back by the hundred, each of ~1,000 numbers.
const isVector = (v: unknown): v is number[] =>
  Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x));

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
      const entry = cachedResponse.safeParse(value);
      return entry.success ? entry.data : null;
    },
    async set(key, value, ttlSeconds) {
      await store.setMany([[responseKey(key), value]], ttlSeconds);
    },
  };
  const embeddings: EmbeddingCache = {
    async getMany(model, texts) {
      const values = await store.getMany(texts.map((t) => embeddingKey(model, t)));
      return values.map((v) => (isVector(v) ? v : null));
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
