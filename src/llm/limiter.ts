// Requests-per-minute and tokens-per-minute limits per provider:model (and credential scope: a
// workspace's own key has its own quota at the provider), in front of every call.
//
// Algorithm: two token buckets per lane, O(1) per call whatever the limits. The request
// bucket holds up to `requestsPerMinute` and refills at that many per window; the token bucket holds
// up to `tokensPerMinute` and refills likewise. A call is admitted when one request and its estimated
// tokens are in the buckets (a single call bigger than the whole tpm budget is admitted once the
// token bucket is full, leaving it in debt, otherwise it could never run). `release(actualTokens)`
// returns the estimate and takes the tokens the provider reported instead. When a call does not fit,
// the time until both buckets hold enough is computed exactly and the call waits in a bounded queue
// per lane, where the calls of different workspaces take turns (turns.ts): a full queue rejects at
// once — or, for a workspace with fewer calls waiting than the busiest one, refuses that one's
// newest instead — and a call still queued at `maxWaitMs` is rejected then; both with
// AppError('rate_limited', ..., { retryAfterMs }). With `redis`, the buckets
// are one hash per key and the check-and-take is one Lua script on Redis's clock, so every process
// shares one budget. (A sliding-window log was used before: exact, but it kept every call of the
// last minute and summed them on each admission, O(rpm) per call.)
// The wait is observed as llm_rate_limit_wait_seconds by the ledger recorder (lease.waitedMs).
// In-process buckets with nobody queued answer at once (a fast path: no queue entry, no timers),
// which is every call while a provider is far from its limits.
import type { Redis } from '../cache/redis.ts';
import { AppError } from '../errors.ts';
import { Turns } from '../turns.ts';
import type { LlmLimiter } from './ports.ts';
import { pairKeys } from './scoped-key.ts';

export type { LlmLimiter };

export interface LlmLimiterOptions {
  requestsPerMinute: number;
  tokensPerMinute: number;
  maxQueue: number;
  maxWaitMs: number;
  redis?: Redis;
  keyPrefix?: string;
  /** Refill period of a full bucket; one minute unless a test needs a shorter one. */
  windowMs?: number;
}

interface BucketStore {
  /** Takes one request and `tokens` (returns 0) or returns how many ms until they would fit. */
  tryAdmit(key: string, id: number, tokens: number): Promise<number>;
  /** The same, answered synchronously; only stores that can (this process's memory). */
  tryAdmitNow?(key: string, id: number, tokens: number): number;
  /** Replaces the admitted estimate of call `id` with the tokens it really used. */
  settle(key: string, id: number, tokens: number): Promise<void>;
  /** The same, done synchronously; only stores that can. */
  settleNow?(key: string, id: number, tokens: number): void;
}

interface Limits {
  rpm: number;
  tpm: number;
  windowMs: number;
}

interface Buckets {
  requests: number;
  tokens: number;
  at: number;
}

/** The buckets of `b` refilled up to `now`; pure, shared by the memory store and its tests. */
export function refill(b: Buckets, limits: Limits, now: number): Buckets {
  const elapsed = Math.max(0, now - b.at);
  return {
    requests: Math.min(limits.rpm, b.requests + (elapsed * limits.rpm) / limits.windowMs),
    tokens: Math.min(limits.tpm, b.tokens + (elapsed * limits.tpm) / limits.windowMs),
    at: now,
  };
}

/** 0 when one request and `tokens` fit in `b` (already refilled), else the ms until they would. */
export function waitFor(b: Buckets, limits: Limits, tokens: number): number {
  const need = Math.min(tokens, limits.tpm);
  let wait = 0;
  if (b.requests < 1) wait = ((1 - b.requests) * limits.windowMs) / limits.rpm;
  if (b.tokens < need) wait = Math.max(wait, ((need - b.tokens) * limits.windowMs) / limits.tpm);
  return wait > 0 ? Math.max(1, Math.ceil(wait)) : 0;
}

function memoryStore(limits: Limits): BucketStore & Required<Pick<BucketStore, 'tryAdmitNow' | 'settleNow'>> {
  const buckets = new Map<string, Buckets>();
  const estimates = new Map<number, number>();
  // A lane per workspace credential and model: buckets that have filled up again are the same as
  // none, and are dropped once there are many.
  let sweepPast = 1024;
  const sweep = (now: number) => {
    for (const [key, b] of buckets) {
      const refilled = refill(b, limits, now);
      if (refilled.requests >= limits.rpm && refilled.tokens >= limits.tpm) buckets.delete(key);
    }
    sweepPast = Math.max(1024, buckets.size * 2);
  };
  const tryAdmitNow = (key: string, id: number, tokens: number) => {
    const now = Date.now();
    const b = refill(buckets.get(key) ?? { requests: limits.rpm, tokens: limits.tpm, at: now }, limits, now);
    const wait = waitFor(b, limits, tokens);
    if (wait === 0) {
      b.requests -= 1;
      b.tokens -= tokens;
      estimates.set(id, tokens);
    }
    buckets.set(key, b);
    if (buckets.size > sweepPast) sweep(now);
    return wait;
  };
  const settleNow = (key: string, id: number, tokens: number) => {
    const estimate = estimates.get(id);
    estimates.delete(id);
    const b = buckets.get(key);
    if (estimate === undefined || !b) return;
    b.tokens = Math.min(limits.tpm, b.tokens + estimate - tokens);
  };
  return {
    tryAdmitNow,
    tryAdmit: async (key, id, tokens) => tryAdmitNow(key, id, tokens),
    settleNow,
    settle: async (key, id, tokens) => settleNow(key, id, tokens),
  };
}

// KEYS[1] hash {r = requests, t = tokens, ts = last refill (ms, Redis clock)}.
// ARGV: tokens, rpm, tpm, windowMs. Returns 0 when admitted, else ms to wait. Same math as above.
const admitScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tokens = tonumber(ARGV[1])
local rpm = tonumber(ARGV[2])
local tpm = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local s = redis.call('HMGET', KEYS[1], 'r', 't', 'ts')
local r = tonumber(s[1]) or rpm
local tk = tonumber(s[2]) or tpm
local elapsed = math.max(0, now - (tonumber(s[3]) or now))
r = math.min(rpm, r + elapsed * rpm / window)
tk = math.min(tpm, tk + elapsed * tpm / window)
local need = math.min(tokens, tpm)
local wait = 0
if r < 1 then wait = (1 - r) * window / rpm end
if tk < need then wait = math.max(wait, (need - tk) * window / tpm) end
if wait > 0 then return math.max(1, math.ceil(wait)) end
redis.call('HSET', KEYS[1], 'r', tostring(r - 1), 't', tostring(tk - tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], window * 2)
return 0
`;

// Gives back ARGV[1] tokens (estimate − actual, may be negative) unless the hash has expired
// (then the buckets are full again anyway). ARGV[2] = tpm caps the refund.
const settleScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  local tk = tonumber(redis.call('HGET', KEYS[1], 't')) or 0
  redis.call('HSET', KEYS[1], 't', tostring(math.min(tonumber(ARGV[2]), tk + tonumber(ARGV[1]))))
end
return 0
`;

function redisStore(redis: Redis, limits: Limits, prefix: string): BucketStore {
  const estimates = new Map<number, number>();
  return {
    async tryAdmit(key, id, tokens) {
      const wait = Number(
        await redis.eval(admitScript, 1, prefix + key, tokens, limits.rpm, limits.tpm, limits.windowMs),
      );
      if (wait === 0) estimates.set(id, tokens);
      return wait;
    },
    async settle(key, id, tokens) {
      const estimate = estimates.get(id);
      estimates.delete(id);
      if (estimate === undefined || estimate === tokens) return;
      await redis.eval(settleScript, 1, prefix + key, estimate - tokens, limits.tpm);
    },
  };
}

// Redis being down must not stop LLM calls: this process then enforces the limits on its own.
function withLocalFallback(shared: BucketStore, local: BucketStore): BucketStore {
  const admittedLocally = new Set<number>();
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
  id: number;
  tokens: number;
  /** Whose call (its workspace): waiting calls take turns across them. */
  turn: string;
  enqueuedAt: number;
  done: boolean;
  resolve(lease: { waitedMs: number; release(actualTokens: number): void }): void;
  reject(err: unknown): void;
}

interface Lane {
  waiting: Turns<Waiter>;
  pumping: boolean;
  lastWaitMs: number;
  wake?: () => void;
}

const tokenCount = (n: number) => Math.max(0, Math.ceil(Number.isFinite(n) ? n : 0));

/**
 * Admits a lane's waiters in turn, sleeping while the head must wait for the window; drops the lane
 * from `lanes` once nobody waits in it (lanes are per credential scope and model, so many).
 */
async function pump(store: BucketStore, key: string, lane: Lane, lanes: Map<string, Lane>) {
  if (lane.pumping) return;
  lane.pumping = true;
  try {
    while (lane.waiting.size > 0) {
      // A waiter that gives up leaves `waiting` at once; only this loop takes turns.
      const head = lane.waiting.peek() as Waiter;
      let wait: number;
      try {
        wait = await store.tryAdmit(key, head.id, head.tokens);
      } catch (err) {
        // Cannot happen with the stores above; kept so a bug fails one call instead of the lane.
        if (lane.waiting.remove(head.turn, head)) {
          head.done = true;
          head.reject(err);
        }
        continue;
      }
      if (wait === 0) {
        // Still the head unless it gave up while being admitted (then its slot is given back).
        if (!head.done) lane.waiting.shift();
        await admit(store, key, head);
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
    if (lane.waiting.size === 0 && lanes.get(key) === lane) lanes.delete(key);
  }
}

/** A lease whose release settles the tokens call `id` really used. */
function leaseOf(store: BucketStore, key: string, id: number, waitedMs: number) {
  let released = false;
  return {
    waitedMs,
    release(actualTokens: number) {
      if (released) return;
      released = true;
      // In this process's memory the settle is done at once (as its promise's body was), without
      // the two promises per call.
      if (store.settleNow) store.settleNow(key, id, tokenCount(actualTokens));
      else void store.settle(key, id, tokenCount(actualTokens)).catch(() => {});
    },
  };
}

/** The head got its slot: it receives its lease. */
async function admit(store: BucketStore, key: string, head: Waiter) {
  if (head.done) {
    // Timed out or aborted while the admission was in flight: the request slot stays taken
    // until it ages out, but it holds no tokens.
    await store.settle(key, head.id, 0).catch(() => {});
    return;
  }
  head.done = true;
  head.resolve(leaseOf(store, key, head.id, Date.now() - head.enqueuedAt));
}

export function createLlmLimiter(opts: LlmLimiterOptions): LlmLimiter {
  const limits: Limits = {
    rpm: opts.requestsPerMinute,
    tpm: opts.tokensPerMinute,
    windowMs: opts.windowMs ?? 60_000,
  };
  const store = opts.redis
    ? withLocalFallback(redisStore(opts.redis, limits, opts.keyPrefix ?? 'llm:limit:'), memoryStore(limits))
    : memoryStore(limits);
  // Lanes with calls waiting; an idle lane is dropped (pump).
  const lanes = new Map<string, Lane>();
  // `provider:model`, and `scope:provider:model` for a workspace's own credentials, built once per
  // lane (see scoped-key.ts).
  const laneKeyOf = pairKeys();
  const scopedLaneKeyOf = pairKeys();
  // Ids only key this process's map of admitted estimates, so a counter is enough.
  let lastId = 0;

  const limited = (message: string, retryAfterMs: number) =>
    new AppError('rate_limited', message, { retryAfterMs: Math.max(1, Math.ceil(retryAfterMs)) });

  return {
    acquire(key, estimatedTokens, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const pair = laneKeyOf(key.provider, key.model);
      // A workspace's own key has its own quota at the provider: its own lane and buckets.
      const laneKey = key.scope && key.scope !== 'env' ? scopedLaneKeyOf(key.scope, pair) : pair;
      const id = ++lastId;
      const tokens = tokenCount(estimatedTokens);
      const known = lanes.get(laneKey);
      // Nobody ahead (queued or being admitted): an in-process store answers at once.
      if (store.tryAdmitNow && (!known || (known.waiting.size === 0 && !known.pumping))) {
        if (store.tryAdmitNow(laneKey, id, tokens) === 0)
          return Promise.resolve(leaseOf(store, laneKey, id, 0));
      }
      let current = known;
      if (!current) {
        current = { waiting: new Turns(), pumping: false, lastWaitMs: 0 };
        lanes.set(laneKey, current);
      }
      const lane = current;
      const turn = key.turn ?? '';
      const full = () =>
        limited(`rate limit queue for ${laneKey} is full`, lane.lastWaitMs || limits.windowMs);
      // The head is being admitted, not queued; everyone behind it occupies the queue.
      if (lane.waiting.size > opts.maxQueue) {
        // A full queue makes room for a workspace with fewer calls waiting than the busiest one,
        // whose newest call is refused instead: one workspace's calls cannot fill it for everyone.
        const busiest = lane.waiting.busiest();
        if (!busiest || busiest.waiting <= lane.waiting.sizeOf(turn) + 1) return Promise.reject(full());
        const evicted = lane.waiting.pop(busiest.key) as Waiter;
        evicted.done = true;
        evicted.reject(full());
      }
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          id,
          tokens,
          turn,
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
          lane.waiting.remove(turn, waiter);
          cleanup();
          reject(err);
          lane.wake?.();
        };
        const timer = setTimeout(
          () => giveUp(limited(`waited ${opts.maxWaitMs} ms for the ${laneKey} rate limit`, lane.lastWaitMs)),
          opts.maxWaitMs,
        );
        const onAbort = () => giveUp(signal?.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        function cleanup() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        }
        lane.waiting.push(turn, waiter);
        void pump(store, laneKey, lane, lanes);
      });
    },
  };
}
