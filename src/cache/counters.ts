// Expiring counters and markers for throttling (login attempts, edited bytes): in Redis when
// configured, so every process shares them, otherwise in this process's memory. A Redis failure
// falls back to memory for that call rather than letting the caller through unthrottled.
import type { Logger } from 'pino';
import type { Redis } from './redis.ts';

export interface CounterStore {
  /** Adds `by` (one unless given) to `key` and (re)starts its lifetime; returns the new count. */
  increment(key: string, ttlMs: number, by?: number): Promise<number>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(...keys: string[]): Promise<void>;
}

const memoryMax = 100_000;

export function memoryCounters(): CounterStore {
  const entries = new Map<string, { value: string; until: number }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.until <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const put = (key: string, value: string, ttlMs: number) => {
    // Bounded: under a flood of distinct keys the oldest entries go first.
    if (entries.size >= memoryMax && !entries.has(key)) entries.delete(entries.keys().next().value!);
    entries.delete(key);
    entries.set(key, { value, until: Date.now() + ttlMs });
  };
  return {
    async increment(key, ttlMs, by = 1) {
      const next = Number(live(key)?.value ?? 0) + by;
      put(key, String(next), ttlMs);
      return next;
    },
    async get(key) {
      return live(key)?.value ?? null;
    },
    async set(key, value, ttlMs) {
      put(key, value, ttlMs);
    },
    async delete(...keys) {
      for (const key of keys) entries.delete(key);
    },
  };
}

export function redisCounters(redis: Redis, logger: Logger, prefix: string): CounterStore {
  const fallback = memoryCounters();
  let warned = false;
  const attempt = async <T>(viaRedis: () => Promise<T>, viaMemory: () => Promise<T>): Promise<T> => {
    try {
      const result = await viaRedis();
      warned = false;
      return result;
    } catch (err) {
      if (!warned) logger.warn({ err: String(err) }, 'throttle counters fall back to memory: Redis failed');
      warned = true;
      return viaMemory();
    }
  };
  const k = (key: string) => `${prefix}${key}`;
  return {
    increment: (key, ttlMs, by = 1) =>
      attempt(
        async () => {
          const results = await redis.multi().incrby(k(key), by).pexpire(k(key), ttlMs).exec();
          const [err, count] = results?.[0] ?? [new Error('transaction aborted'), 0];
          if (err) throw err;
          return Number(count);
        },
        () => fallback.increment(key, ttlMs, by),
      ),
    get: (key) =>
      attempt(
        () => redis.get(k(key)),
        () => fallback.get(key),
      ),
    set: (key, value, ttlMs) =>
      attempt(
        async () => void (await redis.set(k(key), value, 'PX', ttlMs)),
        () => fallback.set(key, value, ttlMs),
      ),
    delete: (...keys) =>
      attempt(
        async () => void (await redis.del(...keys.map(k))),
        () => fallback.delete(...keys),
      ),
  };
}
