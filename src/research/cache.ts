// The cache research results live in: the shared store (Redis, or the database) in the application,
// an in-memory LRU where nothing is shared (tests, one-off use).
import type { KeyValueStore } from '../cache/key-value-store.ts';

export interface ResearchCache {
  get(key: string): Promise<unknown | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
}

export function memoryCache(maxEntries = 500, now: () => number = Date.now): ResearchCache {
  const entries = new Map<string, { value: unknown; expires: number }>();
  return {
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expires <= now()) {
        entries.delete(key);
        return undefined;
      }
      // Re-insert so Map order tracks recency.
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    async set(key, value, ttlSeconds) {
      if (ttlSeconds <= 0) return;
      entries.delete(key);
      entries.set(key, { value, expires: now() + ttlSeconds * 1000 });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
  };
}

/**
 * Search results and fetched pages shared by every process for RESEARCH_CACHE_TTL. Failures are
 * logged here and passed on: the research treats them as a miss or a write not made.
 */
export function sharedCache(
  store: KeyValueStore,
  logger?: { warn(details: object, message: string): void },
): ResearchCache {
  return {
    async get(key) {
      try {
        const [value] = await store.getMany([key]);
        return value ?? undefined;
      } catch (err) {
        logger?.warn({ err }, 'research cache read failed');
        throw err;
      }
    },
    async set(key, value, ttlSeconds) {
      if (ttlSeconds <= 0) return;
      try {
        await store.setMany([[key, value]], ttlSeconds);
      } catch (err) {
        logger?.warn({ err }, 'research cache write failed');
        throw err;
      }
    },
  };
}
