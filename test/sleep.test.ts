import { describe, expect, it } from 'vitest';
import { sleep } from '../src/sleep.ts';

describe('sleep', () => {
  it('waits the given time', async () => {
    const started = performance.now();
    await sleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('resolves as soon as the signal aborts, and at once when it already has', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const waiting = sleep(60_000, controller.signal);
    setTimeout(() => controller.abort(), 10);
    await waiting;
    expect(performance.now() - started).toBeLessThan(30_000);
    await sleep(60_000, controller.signal);
  });
});
