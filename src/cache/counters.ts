// Expiring counters and markers for throttling (login attempts, edited bytes): in Redis when
// configured, so every process shares them, otherwise in this process's memory. A Redis failure
// falls back to memory for that call rather than letting the caller through unthrottled.
// Time is the store's: in Redis its TTLs on Redis's clock, never a timestamp from one process's
// clock that another reads against its own (replicas' clocks differ: a lock written by a replica
// 2 minutes behind read as expired on the others, and minute windows named by each process's clock
// were different windows on each).
import type { Logger } from 'pino';
import type { Redis } from './redis.ts';

export interface CounterStore {
  /** Adds `by` (one unless given) to `key` and (re)starts its lifetime; returns the new count. */
  increment(key: string, ttlMs: number, by?: number): Promise<number>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(...keys: string[]): Promise<void>;
  /** How long `key` lives yet (ms); 0 when it does not exist. */
  remainingMs(key: string): Promise<number>;
  /**
   * Adds `by` to the count of the window `key` names and returns that count and the time until the
   * window ends. A window (`windowMs` long) starts with the first addition after the last window
   * ended; later additions do not lengthen it. A negative `by` (giving back) counts only inside a
   * running window: it never starts one.
   */
  addToWindow(key: string, by: number, windowMs: number): Promise<{ count: number; endsInMs: number }>;
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
    async remainingMs(key) {
      const entry = live(key);
      return entry ? entry.until - Date.now() : 0;
    },
    async addToWindow(key, by, windowMs) {
      const entry = live(key);
      if (!entry) {
        if (by < 0) return { count: 0, endsInMs: 0 };
        put(key, String(by), windowMs);
        return { count: by, endsInMs: windowMs };
      }
      entry.value = String(Number(entry.value) + by);
      return { count: Number(entry.value), endsInMs: entry.until - Date.now() };
    },
  };
}

// KEYS[1] the window's count; ARGV: by, windowMs. Returns {count, ms until the window ends}.
const addToWindowScript = `
local by = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local left = redis.call('PTTL', KEYS[1])
if left == -2 then
  if by < 0 then return {0, 0} end
  redis.call('SET', KEYS[1], by, 'PX', window)
  return {by, window}
end
if left == -1 then
  redis.call('PEXPIRE', KEYS[1], window)
  left = window
end
return {redis.call('INCRBY', KEYS[1], by), left}
`;

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
    remainingMs: (key) =>
      attempt(
        async () => Math.max(0, await redis.pttl(k(key))),
        () => fallback.remainingMs(key),
      ),
    addToWindow: (key, by, windowMs) =>
      attempt(
        async () => {
          const [count, endsInMs] = (await redis.eval(
            addToWindowScript,
            1,
            k(key),
            by,
            windowMs,
          )) as number[];
          return { count: Number(count), endsInMs: Number(endsInMs) };
        },
        () => fallback.addToWindow(key, by, windowMs),
      ),
  };
}
