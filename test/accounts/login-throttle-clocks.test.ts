// Replicas share sign-in locks through Redis, and their clocks differ. A lock kept as "locked until
// <the writer's clock>" read as expired on a replica whose clock was ahead (a writer 2 minutes
// behind: a 60 s lock never held elsewhere) and as too long on one behind. A lock is a key whose
// lifetime is the lock's, on Redis's clock.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLoginThrottle } from '../../src/accounts/login-throttle.ts';
import { type CounterStore, memoryCounters, redisCounters } from '../../src/cache/counters.ts';
import { redisReplicas } from '../support/redis-replicas.ts';

const { redisA, redisB, logger } = redisReplicas('login-clocks');
afterEach(() => vi.useRealTimers());

const replica = (store: CounterStore) =>
  createLoginThrottle(store, { maxFailures: 5, lockSeconds: 60, onLock: async () => {} });
const skewed = async <T>(skewMs: number, run: () => Promise<T>) => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + skewMs);
  try {
    return await run();
  } finally {
    vi.useRealTimers();
  }
};

describe('sign-in locks across replicas whose clocks differ', () => {
  it.each([
    ['2 minutes behind', -120_000],
    ['2 minutes ahead', 120_000],
  ])('a lock set by a replica %s holds its 60 s on a replica with the right time', async (_, skewMs) => {
    const email = `${randomBytes(4).toString('hex')}@example.com`;
    const writer = replica(redisCounters(redisA, logger, 'blogsmith:'));
    const reader = replica(redisCounters(redisB, logger, 'blogsmith:'));
    await skewed(skewMs, async () => {
      for (let i = 0; i < 5; i++) await writer.failed(email, '203.0.113.7');
    });
    const left = await reader.retryAfter(email, '203.0.113.7');
    expect(left).toBeGreaterThan(55);
    expect(left).toBeLessThanOrEqual(60);
    // And the writer, whatever its clock, reads the same.
    expect(await skewed(skewMs, () => writer.retryAfter(email, '203.0.113.7'))).toBe(left);
  });

  it('in one process (no Redis) a lock holds for its time and then ends', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const throttle = replica(memoryCounters());
    for (let i = 0; i < 5; i++) await throttle.failed('owner@example.com', '203.0.113.7');
    expect(await throttle.retryAfter('owner@example.com', '203.0.113.7')).toBe(60);
    vi.advanceTimersByTime(59_500);
    expect(await throttle.retryAfter('owner@example.com', '203.0.113.7')).toBe(1);
    vi.advanceTimersByTime(500);
    expect(await throttle.retryAfter('owner@example.com', '203.0.113.7')).toBe(0);
  });
});
