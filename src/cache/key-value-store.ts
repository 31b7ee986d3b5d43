// A small expiring key/value store for caches: Redis when configured (shared by every process),
// the database's cache table otherwise. Values are JSON.
import { and, gt, inArray, lt } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { reclaimDeletedSpace } from '../db/embedded-autovacuum.ts';
import { llmCache } from '../db/schema/index.ts';
import type { Redis } from './redis.ts';

export interface KeyValueStore {
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
        await reclaimDeletedSpace(database, 'cache');
      }
    },
  };
}

export function keyValueStore(deps: { database: Database; redis?: Redis }): KeyValueStore {
  return deps.redis ? redisStore(deps.redis) : databaseStore(deps.database);
}
