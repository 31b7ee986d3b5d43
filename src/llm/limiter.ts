// Requests-per-minute and tokens-per-minute limits per provider:model, in front of every call.
//
// Algorithm: a sliding-window log. Each admitted call is an entry (time, tokens); a new call is
// admitted when fewer than `requestsPerMinute` entries and at most `tokensPerMinute - estimate`
// tokens fall in the last window (a single call bigger than the whole tpm budget is admitted into an
// empty window, otherwise it could never run). `release(actualTokens)` replaces the estimate with
// the tokens the provider reported. When a call does not fit, the time until enough entries age out
// is computed exactly and the call waits in a bounded FIFO queue per provider:model: a full queue
// rejects at once, and a call still queued at `maxWaitMs` is rejected then; both with
// AppError('rate_limited', ..., { retryAfterMs }). With `redis`, the window lives in a sorted set and
// the check-and-admit is one Lua script using Redis's clock, so every process shares one budget.
// The wait is observed as llm_rate_limit_wait_seconds by the ledger recorder (lease.waitedMs).
import { randomUUID } from 'node:crypto';
import type { Redis } from '../cache/redis.ts';
import { AppError } from '../errors.ts';
import type { LlmLimiter } from './ports.ts';

export type { LlmLimiter };

export interface LlmLimiterOptions {
  requestsPerMinute: number;
  tokensPerMinute: number;
  maxQueue: number;
  maxWaitMs: number;
  redis?: Redis;
  keyPrefix?: string;
  /** Window length; one minute unless a test needs a shorter one. */
  windowMs?: number;
}

interface WindowStore {
  /** Admits the call (returns 0) or returns how many ms until it could fit. */
  tryAdmit(key: string, id: string, tokens: number): Promise<number>;
  settle(key: string, id: string, tokens: number): Promise<void>;
}

interface Limits {
  rpm: number;
  tpm: number;
  windowMs: number;
}

function memoryStore(limits: Limits): WindowStore {
  const windows = new Map<string, Array<{ id: string; at: number; tokens: number }>>();
  return {
    async tryAdmit(key, id, tokens) {
      const now = Date.now();
      const entries = (windows.get(key) ?? []).filter((e) => e.at > now - limits.windowMs);
      windows.set(key, entries);
      let used = entries.reduce((sum, e) => sum + e.tokens, 0);
      const fitsTokens = () => entries.length === 0 || used + tokens <= limits.tpm;
      if (entries.length < limits.rpm && fitsTokens()) {
        entries.push({ id, at: now, tokens });
        return 0;
      }
      // Age entries out oldest first until both limits would hold.
      let count = entries.length;
      for (const e of entries) {
        count--;
        used -= e.tokens;
        if (count < limits.rpm && (count === 0 || used + tokens <= limits.tpm)) {
          return Math.max(1, e.at + limits.windowMs - now);
        }
      }
      return limits.windowMs;
    },
    async settle(key, id, tokens) {
      const entry = windows.get(key)?.find((e) => e.id === id);
      if (entry) entry.tokens = tokens;
    },
  };
}

// KEYS[1] sorted set: member "id|tokens", score = admission time (ms, Redis clock).
// ARGV: id, tokens, rpm, tpm, windowMs. Returns 0 when admitted, else ms to wait.
const admitScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local tokens = tonumber(ARGV[2])
local rpm = tonumber(ARGV[3])
local tpm = tonumber(ARGV[4])
local count = #entries / 2
local used = 0
for i = 1, #entries, 2 do
  used = used + tonumber(string.match(entries[i], '|(%d+)$'))
end
if count < rpm and (count == 0 or used + tokens <= tpm) then
  redis.call('ZADD', KEYS[1], now, ARGV[1] .. '|' .. ARGV[2])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
for i = 1, #entries, 2 do
  count = count - 1
  used = used - tonumber(string.match(entries[i], '|(%d+)$'))
  if count < rpm and (count == 0 or used + tokens <= tpm) then
    return math.max(1, tonumber(entries[i + 1]) + window - now)
  end
end
return window
`;

// Replaces the estimate of entry ARGV[1] (estimate ARGV[2]) with the actual tokens ARGV[3].
const settleScript = `
local old = ARGV[1] .. '|' .. ARGV[2]
local score = redis.call('ZSCORE', KEYS[1], old)
if score then
  redis.call('ZREM', KEYS[1], old)
  redis.call('ZADD', KEYS[1], score, ARGV[1] .. '|' .. ARGV[3])
end
return 0
`;

function redisStore(redis: Redis, limits: Limits, prefix: string): WindowStore {
  const estimates = new Map<string, number>();
  return {
    async tryAdmit(key, id, tokens) {
      const wait = Number(
        await redis.eval(admitScript, 1, prefix + key, id, tokens, limits.rpm, limits.tpm, limits.windowMs),
      );
      if (wait === 0) estimates.set(id, tokens);
      return wait;
    },
    async settle(key, id, tokens) {
      const estimate = estimates.get(id);
      estimates.delete(id);
      if (estimate === undefined) return;
      await redis.eval(settleScript, 1, prefix + key, id, estimate, tokens);
    },
  };
}

// Redis being down must not stop LLM calls: this process then enforces the limits on its own.
function withLocalFallback(shared: WindowStore, local: WindowStore): WindowStore {
  const admittedLocally = new Set<string>();
  return {
    async tryAdmit(key, id, tokens) {
      try {
        return await shared.tryAdmit(key, id, tokens);
      } catch {
        const wait = await local.tryAdmit(key, id, tokens);
        if (wait === 0) admittedLocally.add(id);
        return wait;
      }
    },
    async settle(key, id, tokens) {
      if (admittedLocally.delete(id)) return local.settle(key, id, tokens);
      return shared.settle(key, id, tokens);
    },
  };
}

interface Waiter {
  id: string;
  tokens: number;
  enqueuedAt: number;
  done: boolean;
  resolve(lease: { waitedMs: number; release(actualTokens: number): void }): void;
  reject(err: unknown): void;
}

interface Lane {
  queue: Waiter[];
  pumping: boolean;
  lastWaitMs: number;
  wake?: () => void;
}

const tokenCount = (n: number) => Math.max(0, Math.ceil(Number.isFinite(n) ? n : 0));

export function createLlmLimiter(opts: LlmLimiterOptions): LlmLimiter {
  const limits: Limits = {
    rpm: opts.requestsPerMinute,
    tpm: opts.tokensPerMinute,
    windowMs: opts.windowMs ?? 60_000,
  };
  const store = opts.redis
    ? withLocalFallback(redisStore(opts.redis, limits, opts.keyPrefix ?? 'llm:limit:'), memoryStore(limits))
    : memoryStore(limits);
  const lanes = new Map<string, Lane>();

  const limited = (message: string, retryAfterMs: number) =>
    new AppError('rate_limited', message, { retryAfterMs: Math.max(1, Math.ceil(retryAfterMs)) });

  async function pump(key: string, lane: Lane) {
    if (lane.pumping) return;
    lane.pumping = true;
    try {
      while (lane.queue.length > 0) {
        const head = lane.queue[0] as Waiter;
        if (head.done) {
          lane.queue.shift();
          continue;
        }
        let wait: number;
        try {
          wait = await store.tryAdmit(key, head.id, head.tokens);
        } catch (err) {
          // Cannot happen with the stores above; kept so a bug fails one call instead of the lane.
          lane.queue.shift();
          if (!head.done) {
            head.done = true;
            head.reject(err);
          }
          continue;
        }
        if (wait === 0) {
          lane.queue.shift();
          if (head.done) {
            // Timed out or aborted while the admission was in flight: the request slot stays taken
            // until it ages out, but it holds no tokens.
            await store.settle(key, head.id, 0).catch(() => {});
            continue;
          }
          head.done = true;
          const id = head.id;
          let released = false;
          head.resolve({
            waitedMs: Date.now() - head.enqueuedAt,
            release(actualTokens) {
              if (released) return;
              released = true;
              void store.settle(key, id, tokenCount(actualTokens)).catch(() => {});
            },
          });
          continue;
        }
        lane.lastWaitMs = wait;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          lane.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        lane.wake = undefined;
      }
    } finally {
      lane.pumping = false;
    }
  }

  return {
    acquire(key, estimatedTokens, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const laneKey = `${key.provider}:${key.model}`;
      let lane = lanes.get(laneKey);
      if (!lane) {
        lane = { queue: [], pumping: false, lastWaitMs: 0 };
        lanes.set(laneKey, lane);
      }
      const current = lane;
      const waiting = current.queue.filter((w) => !w.done).length;
      // The head is being admitted, not queued; everyone behind it occupies the queue.
      if (waiting > opts.maxQueue) {
        return Promise.reject(
          limited(`rate limit queue for ${laneKey} is full`, current.lastWaitMs || limits.windowMs),
        );
      }
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          id: randomUUID(),
          tokens: tokenCount(estimatedTokens),
          enqueuedAt: Date.now(),
          done: false,
          resolve: (lease) => {
            cleanup();
            resolve(lease);
          },
          reject: (err) => {
            cleanup();
            reject(err);
          },
        };
        const giveUp = (err: unknown) => {
          if (waiter.done) return;
          waiter.done = true;
          cleanup();
          reject(err);
          current.wake?.();
        };
        const timer = setTimeout(
          () =>
            giveUp(limited(`waited ${opts.maxWaitMs} ms for the ${laneKey} rate limit`, current.lastWaitMs)),
          opts.maxWaitMs,
        );
        const onAbort = () => giveUp(signal?.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        function cleanup() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        }
        current.queue.push(waiter);
        void pump(laneKey, current);
      });
    },
  };
}
