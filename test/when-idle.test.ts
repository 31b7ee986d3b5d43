// Deferred work runs in the first idle stretch of the event loop, not while callbacks keep it busy,
// and not never: after its longest wait it runs whatever the loop is doing.
import { describe, expect, it } from 'vitest';
import { whenIdle } from '../src/when-idle.ts';

/** Keeps the event loop busy for `ms`: a chain of 2 ms stretches of work, each its own callback. */
function busyFor(ms: number): Promise<void> {
  const end = performance.now() + ms;
  return new Promise((resolve) => {
    const spin = () => {
      const stop = Math.min(end, performance.now() + 2);
      while (performance.now() < stop);
      if (performance.now() >= end) resolve();
      else setImmediate(spin);
    };
    spin();
  });
}

const ranAt = (options?: Parameters<typeof whenIdle>[1]) =>
  new Promise<number>((resolve) => whenIdle(() => resolve(performance.now()), options));

describe('whenIdle', () => {
  it('waits for the busy stretch to end, then runs within tens of milliseconds', async () => {
    const started = performance.now();
    const ran = ranAt({ quietMs: 10 });
    await busyFor(150);
    const busyEnded = performance.now();
    const at = await ran;
    expect(busyEnded - started).toBeGreaterThanOrEqual(150);
    expect(at).toBeGreaterThanOrEqual(busyEnded);
    expect(at - busyEnded).toBeLessThan(100);
  });

  it('runs on an idle loop after about its quiet time', async () => {
    const started = performance.now();
    const at = await ranAt({ quietMs: 10 });
    expect(at - started).toBeGreaterThanOrEqual(9);
    expect(at - started).toBeLessThan(200);
  });

  it('runs after its longest wait when the loop never rests', async () => {
    const started = performance.now();
    const ran = ranAt({ quietMs: 10, maxWaitMs: 50 });
    await busyFor(300);
    const at = await ran;
    // It ran inside the busy stretch, soon after its deadline.
    expect(at - started).toBeGreaterThanOrEqual(50);
    expect(at - started).toBeLessThan(290);
  });
});
