import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { createLlmLimiter, refill, waitFor } from '../../src/llm/limiter.ts';
import { redisUrl } from '../support/database.ts';

const key = { provider: 'openai', model: 'gpt-4o-mini' };

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('LLM limiter (in memory)', () => {
  it('admits calls within the rpm budget at once', async () => {
    const limiter = createLlmLimiter({
      requestsPerMinute: 3,
      tokensPerMinute: 1000,
      maxQueue: 5,
      maxWaitMs: 1000,
    });
    const leases = await Promise.all([1, 2, 3].map(() => limiter.acquire(key, 10)));
    expect(leases).toHaveLength(3);
  });

  it('queues a call over the rpm and admits it when the window slides', async () => {
    const limiter = createLlmLimiter({
      requestsPerMinute: 1,
      tokensPerMinute: 1000,
      maxQueue: 5,
      maxWaitMs: 5000,
      windowMs: 200,
    });
    await limiter.acquire(key, 10);
    const second = await limiter.acquire(key, 10);
    expect(second.waitedMs).toBeGreaterThan(0);
  });

  it('counts tokens: a call over the tpm waits, released actual tokens free the budget', async () => {
    const limiter = createLlmLimiter({
      requestsPerMinute: 100,
      tokensPerMinute: 100,
      maxQueue: 5,
      maxWaitMs: 150,
      windowMs: 60_000,
    });
    const first = await limiter.acquire(key, 90);
    const err = await rejection(limiter.acquire(key, 20));
    expect(err.code).toBe('rate_limited');
    first.release(10);
    const next = await limiter.acquire(key, 20);
    expect(next.waitedMs).toBeLessThan(150);
  });

  it('keeps separate budgets per provider:model', async () => {
    const limiter = createLlmLimiter({
      requestsPerMinute: 1,
      tokensPerMinute: 1000,
      maxQueue: 0,
      maxWaitMs: 100,
    });
    await limiter.acquire(key, 1);
    await expect(limiter.acquire({ provider: 'openai', model: 'gpt-4o' }, 1)).resolves.toBeDefined();
  });

  it('rejects at once with retryAfterMs when the queue is full', async () => {
    const limiter = createLlmLimiter({
      requestsPerMinute: 1,
      tokensPerMinute: 1000,
      maxQueue: 1,
      maxWaitMs: 60_000,
    });
    await limiter.acquire(key, 1);
    const controller = new AbortController();
    const queued = [limiter.acquire(key, 1, controller.signal), limiter.acquire(key, 1, controller.signal)];
    for (const p of queued) p.catch(() => {});
    const err = await rejection(limiter.acquire(key, 1));
    expect(err.code).toBe('rate_limited');
    expect((err.details as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    controller.abort(new Error('test over'));
    await Promise.allSettled(queued);
  });

  it('rejects a call still queued at maxWaitMs', async () => {
    const limiter = createLlmLimiter({
      requestsPerMinute: 1,
      tokensPerMinute: 1000,
      maxQueue: 5,
      maxWaitMs: 50,
    });
    await limiter.acquire(key, 1);
    const err = await rejection(limiter.acquire(key, 1));
    expect(err.code).toBe('rate_limited');
    expect((err.details as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
  });

  it('stops waiting when the caller aborts', async () => {
    const limiter = createLlmLimiter({
      requestsPerMinute: 1,
      tokensPerMinute: 1000,
      maxQueue: 5,
      maxWaitMs: 60_000,
    });
    await limiter.acquire(key, 1);
    const controller = new AbortController();
    const waiting = limiter.acquire(key, 1, controller.signal);
    const reason = new Error('cancelled');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });
});

describe('LLM limiter: workspaces sharing a lane', () => {
  // One call per 40 ms: calls queue, and the order they are admitted in is the order of the turns.
  const slowLane = (maxQueue = 20) =>
    createLlmLimiter({
      requestsPerMinute: 1,
      tokensPerMinute: 1e6,
      maxQueue,
      maxWaitMs: 10_000,
      windowMs: 40,
    });
  const calls =
    (limiter: ReturnType<typeof createLlmLimiter>, order: string[]) => (turn: string, n: number) =>
      limiter.acquire({ ...key, turn }, 1).then(
        (lease) => {
          order.push(`${turn}${n}`);
          return lease;
        },
        (err: unknown) => {
          order.push(`${turn}${n} refused`);
          throw err;
        },
      );

  it("admit each workspace's calls in order, taking turns across workspaces", async () => {
    const limiter = slowLane();
    const order: string[] = [];
    const call = calls(limiter, order);
    await call('a', 0); // the bucket's one request: everything after waits
    const waiting = [1, 2, 3, 4].map((n) => call('a', n));
    waiting.push(call('b', 1), call('b', 2), call('c', 1));
    await Promise.all(waiting);
    // First come first served would be a1 a2 a3 a4 b1 b2 c1.
    expect(order).toEqual(['a0', 'a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'a4']);
  });

  it("makes room in a full queue for a workspace with fewer calls waiting, refusing the busiest one's newest", async () => {
    const limiter = slowLane(3);
    const order: string[] = [];
    const call = calls(limiter, order);
    await call('a', 0);
    // The head (being admitted) and three behind it: the queue is full.
    const settled = [1, 2, 3, 4].map((n) => call('a', n).catch((e: AppError) => e));
    const b = call('b', 1);
    // a's newest gave way; a fifth call of a, the busiest, is refused itself.
    expect(await settled[3]).toMatchObject({
      code: 'rate_limited',
      message: expect.stringMatching(/is full/),
    });
    expect(await rejection(call('a', 5))).toMatchObject({ code: 'rate_limited' });
    await Promise.all([b, ...settled.slice(0, 3)]);
    expect(order).toEqual(['a0', 'a4 refused', 'a5 refused', 'a1', 'b1', 'a2', 'a3']);
  });

  it("gives a workspace's own credentials a budget of their own", async () => {
    const limiter = slowLane();
    await limiter.acquire(key, 1);
    // The environment's budget is spent; the same model on a workspace's own key is not.
    const own = await limiter.acquire({ ...key, scope: 'ws:1', turn: '1' }, 1);
    expect(own.waitedMs).toBe(0);
    const env = await limiter.acquire({ ...key, scope: 'env', turn: '1' }, 1);
    expect(env.waitedMs).toBeGreaterThan(0);
  });
});

describe('LLM limiter shared over Redis', () => {
  let redisA: Redis;
  let redisB: Redis;
  const keyPrefix = `test:limiter:${randomBytes(4).toString('hex')}:`;

  beforeAll(() => {
    redisA = new Redis(redisUrl);
    redisB = new Redis(redisUrl);
  });
  afterAll(() => {
    redisA.disconnect();
    redisB.disconnect();
  });

  it('two limiter instances share one rpm budget', async () => {
    const opts = { requestsPerMinute: 2, tokensPerMinute: 1000, maxQueue: 5, maxWaitMs: 100, keyPrefix };
    const a = createLlmLimiter({ ...opts, redis: redisA });
    const b = createLlmLimiter({ ...opts, redis: redisB });
    await a.acquire(key, 1);
    await b.acquire(key, 1);
    expect((await rejection(a.acquire(key, 1))).code).toBe('rate_limited');
    expect((await rejection(b.acquire(key, 1))).code).toBe('rate_limited');
  });

  it('shares the token budget and settles actual tokens', async () => {
    const tokenKey = { provider: 'anthropic', model: 'claude-3-5-haiku' };
    const opts = { requestsPerMinute: 100, tokensPerMinute: 100, maxQueue: 5, maxWaitMs: 100, keyPrefix };
    const a = createLlmLimiter({ ...opts, redis: redisA });
    const b = createLlmLimiter({ ...opts, redis: redisB });
    const lease = await a.acquire(tokenKey, 90);
    expect((await rejection(b.acquire(tokenKey, 20))).code).toBe('rate_limited');
    lease.release(10);
    // release is fire-and-forget; wait until the settle has reached Redis.
    await redisA.ping();
    await expect(b.acquire(tokenKey, 20)).resolves.toBeDefined();
  });

  it('admits again once the shared window slides', async () => {
    const slideKey = { provider: 'groq', model: 'llama-3.1-8b-instant' };
    const opts = {
      requestsPerMinute: 1,
      tokensPerMinute: 1000,
      maxQueue: 5,
      maxWaitMs: 5000,
      windowMs: 200,
      keyPrefix,
    };
    const a = createLlmLimiter({ ...opts, redis: redisA });
    const b = createLlmLimiter({ ...opts, redis: redisB });
    await a.acquire(slideKey, 1);
    const lease = await b.acquire(slideKey, 1);
    expect(lease.waitedMs).toBeGreaterThan(0);
  });

  it('falls back to local limits when Redis is unreachable', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    down.on('error', () => {});
    const limiter = createLlmLimiter({
      requestsPerMinute: 1,
      tokensPerMinute: 1000,
      maxQueue: 5,
      maxWaitMs: 100,
      redis: down,
      keyPrefix,
    });
    const lease = await limiter.acquire(key, 1);
    lease.release(1);
    expect((await rejection(limiter.acquire(key, 1))).code).toBe('rate_limited');
    down.disconnect();
  });
});

describe('LLM limiter bucket arithmetic', () => {
  const limits = { rpm: 60, tpm: 6000, windowMs: 60_000 };
  it.each([
    // [requests, tokens in the buckets, tokens asked, ms to wait]
    [60, 6000, 100, 0],
    [1, 100, 100, 0],
    [0.5, 6000, 100, 500], // half a request short: 60 per minute refill one per second
    [10, 50, 100, 500], // 50 tokens short at 100 tokens per second
    [0, 0, 100, 1000], // both short: the longer wait wins
    [60, 6000, 10_000, 0], // bigger than the whole budget: admitted on a full bucket
    [60, 5999, 10_000, 10], // ...and waits until the bucket is full
  ])('requests %d, tokens %d, asking %d → wait %d ms', (requests, tokens, asked, wait) => {
    expect(waitFor({ requests, tokens, at: 0 }, limits, asked)).toBe(wait);
  });

  it('refills in proportion to the time passed, never above the limits', () => {
    expect(refill({ requests: 0, tokens: 0, at: 0 }, limits, 30_000)).toEqual({
      requests: 30,
      tokens: 3000,
      at: 30_000,
    });
    expect(refill({ requests: 59, tokens: 5000, at: 0 }, limits, 600_000)).toMatchObject({
      requests: 60,
      tokens: 6000,
    });
  });
});

describe('LLM limiter state stays O(1)', () => {
  it('keeps one small hash per provider:model in Redis however many calls it admits', async () => {
    const redis = new Redis(redisUrl);
    const keyPrefix = `test:limiter:o1:${randomBytes(4).toString('hex')}:`;
    try {
      const limiter = createLlmLimiter({
        requestsPerMinute: 100_000,
        tokensPerMinute: 100_000_000,
        maxQueue: 10,
        maxWaitMs: 1000,
        redis,
        keyPrefix,
      });
      for (let i = 0; i < 2000; i++) (await limiter.acquire(key, 50)).release(40);
      const keys = await redis.keys(`${keyPrefix}*`);
      expect(keys).toHaveLength(1);
      expect(await redis.type(keys[0]!)).toBe('hash');
      expect(await redis.hlen(keys[0]!)).toBe(3);
      // 2,000 calls of 40 real tokens each have been taken from the token bucket (minus refill).
      const tokens = Number(await redis.hget(keys[0]!, 't'));
      expect(tokens).toBeLessThan(100_000_000 - 2000 * 40 + 100_000);
      expect(tokens).toBeGreaterThan(100_000_000 - 2000 * 40 - 1);
    } finally {
      redis.disconnect();
    }
  });
});
