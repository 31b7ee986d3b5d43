// A task that outgrows its thread's heap, or its memory outside the heap, is refused as a limit (the
// thread ended, not the process), and the pool goes on with a new thread.
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerLimitError, workerPool } from '../src/worker-pool.ts';

const pool = workerPool<string, string | null>({
  file: new URL('./support/hungry-worker.ts', import.meta.url),
  maxThreads: 1,
  heapMb: 32,
  externalMb: 64,
  timeoutMs: 20_000,
});
afterAll(() => pool.close());

describe('workerPool', () => {
  it('refuses a task past its heap and runs the next on a new thread', async () => {
    const err = await pool.run('eat').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerLimitError);
    expect(err).toMatchObject({ limit: 'memory', message: 'within 32 MB of memory' });
    await expect(pool.run('after')).resolves.toBe('after');
  });

  it('refuses a task past its memory outside the heap, which the heap limit does not count', async () => {
    const err = await pool.run('buffers').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerLimitError);
    expect(err).toMatchObject({ limit: 'memory', message: 'within 64 MB of buffer memory' });
    await expect(pool.run('after')).resolves.toBe('after');
  });
});
