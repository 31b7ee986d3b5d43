// Exact-match response cache and embedding cache: Redis when configured (shared by every
// process), the database otherwise. Keys are sha256 of a canonical JSON of everything that
// shapes the answer (model, messages, parameters, output schema) — see cacheKey in the gateway.
import { createHash } from 'node:crypto';
import { and, gt, inArray, lt } from 'drizzle-orm';
import type { Redis } from '../cache/redis.ts';
import type { Database } from '../db/client.ts';
import { llmCache } from '../db/schema/index.ts';
import type { CachedLlmResponse, EmbeddingCache, ResponseCache } from './ports.ts';

interface KeyValueStore {
  getMany(keys: string[]): Promise<(unknown | null)[]>;
  setMany(entries: Array<[string, unknown]>, ttlSeconds: number): Promise<void>;
}

function redisStore(redis: Redis): KeyValueStore {
  return {
    async getMany(keys) {
      if (keys.length === 0) return [];
      const values = await redis.mget(...keys);
      return values.map((v) => (v === null ? null : JSON.parse(v)));
    },
    async setMany(entries, ttlSeconds) {
      const multi = redis.multi();
      for (const [k, v] of entries) multi.set(k, JSON.stringify(v), 'EX', ttlSeconds);
      await multi.exec();
    },
  };
}

function databaseStore(database: Database): KeyValueStore {
  let lastPrune = 0;
  return {
    async getMany(keys) {
      if (keys.length === 0) return [];
      const rows = await database.db
        .select()
        .from(llmCache)
        .where(and(inArray(llmCache.key, keys), gt(llmCache.expiresAt, new Date())));
      const byKey = new Map(rows.map((r) => [r.key, r.value]));
      return keys.map((k) => byKey.get(k) ?? null);
    },
    async setMany(entries, ttlSeconds) {
      if (entries.length === 0) return;
      const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
      for (const [key, value] of entries) {
        await database.db
          .insert(llmCache)
          .values({ key, value, expiresAt })
          .onConflictDoUpdate({ target: llmCache.key, set: { value, expiresAt } });
      }
      // Expired rows are skipped on read; they are deleted at most once a minute.
      if (Date.now() - lastPrune > 60_000) {
        lastPrune = Date.now();
        await database.db.delete(llmCache).where(lt(llmCache.expiresAt, new Date()));
      }
    },
  };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function createLlmCaches(deps: { database: Database; redis?: Redis; embeddingTtlSeconds: number }) {
  const store = deps.redis ? redisStore(deps.redis) : databaseStore(deps.database);
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
