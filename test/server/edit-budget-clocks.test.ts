// Replicas count a caller's edits in one shared Redis, and their clocks differ. Windows named by
// each process's clock (minute number) were different windows on replicas a minute or more apart:
// the caller had a budget on each. The window is a key whose lifetime is the window, on Redis's clock.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CounterStore, memoryCounters, redisCounters } from '../../src/cache/counters.ts';
import { editBudget } from '../../src/server/edit-budget.ts';
import { redisReplicas } from '../support/redis-replicas.ts';

const { redisA, redisB, logger } = redisReplicas('edit-clocks');
afterEach(() => vi.useRealTimers());

const mb = 1024 * 1024;
const replica = (counters: CounterStore) =>
  editBudget({
    config: { RATE_LIMIT_ENABLED: true, RATE_LIMIT_EDIT_MB: 8 } as never,
    counters,
    apiKeys: { verify: async () => null } as never,
  });
const request = (ip: string) => ({ headers: {}, ip }) as never;
const edit = (budget: ReturnType<typeof replica>, ip: string) =>
  budget.spend(request(ip), 4 * mb, async () => 'written').catch((err: { code?: string }) => err.code);

describe('the edit budget across replicas whose clocks differ', () => {
  it.each([
    ['2 minutes ahead', 120_000],
    ['2 minutes behind', -120_000],
  ])('what a caller wrote on a replica %s counts on one with the right time', async (_, skewMs) => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const a = replica(redisCounters(redisA, logger, 'blogsmith:'));
    const b = replica(redisCounters(redisB, logger, 'blogsmith:'));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + skewMs);
    // Two edits of 4 MB spend the 8 MB budget.
    expect([await edit(a, ip), await edit(a, ip)]).toEqual(['written', 'written']);
    vi.useRealTimers();
    expect(await edit(b, ip)).toBe('rate_limited');
  });

  it('in one process (no Redis) a spent window refuses until it ends, then a new one starts', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const budget = replica(memoryCounters());
    for (let i = 0; i < 2; i++) expect(await edit(budget, '192.0.2.1')).toBe('written');
    const refused = await budget
      .spend(request('192.0.2.1'), 4 * mb, async () => 'written')
      .catch((err) => err);
    expect(refused).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 60 });
    vi.advanceTimersByTime(59_000);
    expect(await edit(budget, '192.0.2.1')).toBe('rate_limited');
    vi.advanceTimersByTime(1_000);
    expect(await edit(budget, '192.0.2.1')).toBe('written');
  });
});
