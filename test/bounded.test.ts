import { describe, expect, it } from 'vitest';
import { boundedQueue, mapBounded } from '../src/bounded.ts';

const tick = () => new Promise((r) => setImmediate(r));

describe('mapBounded', () => {
  it('keeps input order with at most `limit` running', async () => {
    let running = 0;
    let most = 0;
    const out = await mapBounded([30, 10, 20, 5], 2, async (ms, i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return i;
    });
    expect(out).toEqual([0, 1, 2, 3]);
    expect(most).toBe(2);
  });
});

describe('boundedQueue', () => {
  it('runs tasks handed over time at most `limit` at once, in the order they came', async () => {
    const slot = boundedQueue(2);
    const started: number[] = [];
    const gates = new Map<number, () => void>();
    let running = 0;
    let most = 0;
    const task = (n: number) =>
      slot(async () => {
        started.push(n);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((r) => gates.set(n, r));
        running--;
        return n * 10;
      });
    const first = [task(1), task(2), task(3)];
    await tick();
    expect(started).toEqual([1, 2]);
    gates.get(1)!();
    // The freed slot goes to the task waiting for it, not to one handed over in the same turn.
    const late = task(4);
    await tick();
    expect(started).toEqual([1, 2, 3]);
    gates.get(2)!();
    await tick();
    expect(started).toEqual([1, 2, 3, 4]);
    gates.get(3)!();
    gates.get(4)!();
    expect(await Promise.all([...first, late])).toEqual([10, 20, 30, 40]);
    expect(most).toBe(2);
  });

  it('frees the slot of a task that fails', async () => {
    const slot = boundedQueue(1);
    const failed = slot(() => Promise.reject(new Error('no')));
    const next = slot(async () => 'ran');
    await expect(failed).rejects.toThrow('no');
    expect(await next).toBe('ran');
  });
});
