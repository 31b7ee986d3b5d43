// A small expiring key/value store for caches: Redis when configured (shared by every process; its
// own `maxmemory` bounds it), the database's cache table otherwise, bounded by CACHE_MAX_MB. Values
// are JSON.
import { and, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { reclaimDeletedSpace } from '../db/embedded-autovacuum.ts';
import { llmCache, llmCacheSize } from '../db/schema/index.ts';
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

// Entries looked at per statement when the cache is over its bound, the soonest to expire first.
const evictionBatch = 1000;

// Of the `evictionBatch` entries that expire soonest, those whose bytes, summed in that order, reach
// $1 (the one that passes it included): the least that brings the cache back under.
const evictSoonestExpiring = `
  DELETE FROM llm_cache WHERE key IN (
    SELECT key FROM (
      SELECT key, bytes, sum(bytes) OVER (ORDER BY expires_at, key) AS running
      FROM (SELECT key, bytes, expires_at FROM llm_cache ORDER BY expires_at, key LIMIT ${evictionBatch}) soonest
    ) r WHERE running - bytes < $1
  ) RETURNING 1`;

/**
 * Once the cache holds more than `maxBytes` (the triggers of migration 0018 keep the count), the
 * entries that expire soonest are deleted until it holds 90 % of it: what members make the server
 * fetch, embed and answer is theirs to choose — a page up to FETCH_MAX_BYTES for each of 20 URLs a
 * brief, an embedding for each passage of every document uploaded, even if deleted since — and
 * without a bound the cache kept all of it for its time to live (30 days for embeddings).
 */
async function evictOverBound(database: Database, maxBytes: number) {
  const size = async () =>
    (await database.db.select({ bytes: llmCacheSize.bytes }).from(llmCacheSize))[0]?.bytes ?? 0;
  let held = await size();
  if (held <= maxBytes) return;
  let evicted = false;
  while (held > maxBytes * 0.9) {
    const gone = await database.query(evictSoonestExpiring, [held - Math.floor(maxBytes * 0.9)]);
    if (gone.rows.length === 0) break;
    evicted = true;
    held = await size();
  }
  if (evicted) await reclaimDeletedSpace(database, 'cache');
}

// The table's upkeep, shared by every store of this process on one database (model answers, model
// capabilities and research each have one): the bound is checked once they have written a 64th of it
// since the last check, or a second after, not with a statement more on every write — the table may
// pass its bound by that much per process until the check; expired entries are deleted at most once
// a minute.
interface Upkeep {
  writtenSinceCheck: number;
  checkedAt: number;
  prunedAt: number;
}
const upkeeps = new WeakMap<Database, Upkeep>();

function upkeepOf(database: Database): Upkeep {
  let upkeep = upkeeps.get(database);
  if (!upkeep) {
    upkeep = { writtenSinceCheck: 0, checkedAt: 0, prunedAt: 0 };
    upkeeps.set(database, upkeep);
  }
  return upkeep;
}

function databaseStore(database: Database, maxBytes: number): KeyValueStore {
  const upkeep = upkeepOf(database);
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
      // One statement for all entries, each key once (the last value wins: a statement cannot
      // update a row twice), in key order, so that two writes of the same keys lock them in the
      // same order instead of deadlocking.
      const rows = [...new Map(entries)]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, value]) => {
          // Serialized once, here, so its size is what is stored.
          const json = JSON.stringify(value);
          const bytes = Buffer.byteLength(json) + Buffer.byteLength(key);
          upkeep.writtenSinceCheck += bytes;
          return { key, value: sql`${json}::jsonb`, expiresAt, bytes };
        });
      await database.db
        .insert(llmCache)
        .values(rows)
        .onConflictDoUpdate({
          target: llmCache.key,
          set: {
            value: sql`excluded.value`,
            expiresAt: sql`excluded.expires_at`,
            bytes: sql`excluded.bytes`,
          },
        });
      if (upkeep.writtenSinceCheck >= maxBytes / 64 || Date.now() - upkeep.checkedAt >= 1000) {
        upkeep.writtenSinceCheck = 0;
        upkeep.checkedAt = Date.now();
        await evictOverBound(database, maxBytes);
      }
      // Expired rows are skipped on read.
      if (Date.now() - upkeep.prunedAt > 60_000) {
        upkeep.prunedAt = Date.now();
        await database.db.delete(llmCache).where(lt(llmCache.expiresAt, new Date()));
        await reclaimDeletedSpace(database, 'cache');
      }
    },
  };
}

export function keyValueStore(deps: {
  database: Database;
  redis?: Redis;
  config: Pick<Config, 'CACHE_MAX_MB'>;
}): KeyValueStore {
  return deps.redis
    ? redisStore(deps.redis)
    : databaseStore(deps.database, deps.config.CACHE_MAX_MB * 1024 * 1024);
}
