// The bounded queue's turns: at most `limit` tasks at once; waiting tasks take turns across their keys; how
// many may wait, per key and in all, is bounded.
import { describe, expect, it } from 'vitest';
import { boundedQueue, QueueFullError } from '../src/bounded.ts';

/** A task that ends when `finish()` is called, recording when it started. */
function gate(started: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    task: async () => {
      started.push(name);
      await done;
      return name;
    },
    finish: () => finish(),
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('boundedQueue with keys and bounds', () => {
  it('takes waiting tasks in turn across keys, not in arrival order', async () => {
    const run = boundedQueue(1);
    const started: string[] = [];
    const tasks = ['a1', 'a2', 'a3', 'b1', 'c1', 'b2'].map((name) => ({ name, ...gate(started, name) }));
    const results = tasks.map(({ name, task }) => run(task, { key: name[0] }));
    for (const t of ['a1', 'a2', 'b1', 'c1', 'a3', 'b2']) {
      await settle();
      expect(started.at(-1)).toBe(t);
      tasks.find((x) => x.name === t)!.finish();
    }
    expect(await Promise.all(results)).toEqual(['a1', 'a2', 'a3', 'b1', 'c1', 'b2']);
  });

  it('runs up to its limit at once and frees a slot when a task fails', async () => {
    const run = boundedQueue(2);
    const started: string[] = [];
    const a = gate(started, 'a');
    const b = gate(started, 'b');
    const c = gate(started, 'c');
    const failing = run(async () => {
      started.push('x');
      throw new Error('broken');
    });
    const ra = run(a.task);
    const rb = run(b.task);
    await expect(failing).rejects.toThrow('broken');
    await settle();
    expect(started).toEqual(['x', 'a', 'b']);
    const rc = run(c.task);
    await settle();
    expect(started).toEqual(['x', 'a', 'b']);
    a.finish();
    await settle();
    expect(started).toEqual(['x', 'a', 'b', 'c']);
    b.finish();
    c.finish();
    expect(await Promise.all([ra, rb, rc])).toEqual(['a', 'b', 'c']);
  });

  it('refuses a task that would wait past its key’s bound or the bound in all', async () => {
    const run = boundedQueue(1);
    const started: string[] = [];
    const first = gate(started, 'first');
    const running = run(first.task, { key: 'a' });
    const waiting = [
      run(async () => 'a2', { key: 'a', maxWaitingForKey: 2 }),
      run(async () => 'a3', { key: 'a' }),
    ];
    const tooManyOfA = await run(async () => 'a4', { key: 'a', maxWaitingForKey: 2 }).catch(
      (e: unknown) => e,
    );
    expect(tooManyOfA).toBeInstanceOf(QueueFullError);
    expect(tooManyOfA).toMatchObject({ scope: 'key' });
    // Another key may still wait; when too many wait in all, a key with fewer waiting than the
    // busiest but one takes the place of that key's newest task, and any other is refused.
    const b = run(async () => 'b1', { key: 'b', maxWaitingForKey: 2, maxWaiting: 3 });
    const c = run(async () => 'c1', { key: 'c', maxWaiting: 3 });
    expect(await waiting[1]!.catch((e: unknown) => e)).toMatchObject({ scope: 'all' });
    const tooMany = await run(async () => 'b2', { key: 'b', maxWaiting: 3 }).catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(QueueFullError);
    expect(tooMany).toMatchObject({ scope: 'all' });
    // Without bounds a task always waits.
    const unbounded = run(async () => 'c2', { key: 'c' });
    first.finish();
    expect(await Promise.all([running, waiting[0], b, c, unbounded])).toEqual([
      'first',
      'a2',
      'b1',
      'c1',
      'c2',
    ]);
  });
});
