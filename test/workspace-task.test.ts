// A workspace's task in a worker pool: its turn by workspace, and the pool's refusals as API errors.
import { describe, expect, it } from 'vitest';
import { QueueFullError } from '../src/bounded.ts';
import { AppError } from '../src/errors.ts';
import { type RunOptions, WorkerLimitError, type WorkerPool } from '../src/worker-pool.ts';
import { runWorkspaceTask } from '../src/workspace-task.ts';

const words = { queued: 'exports', doing: 'being written', overLimit: (l: string) => `Not written ${l}` };

function pool(run: (task: string, options?: RunOptions) => Promise<string>): WorkerPool<string, string> {
  return { run, warm: () => {}, close: async () => {} };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('not refused');
    },
    (err: unknown) => {
      expect(err).toBeInstanceOf(AppError);
      return err as AppError;
    },
  );

describe('runWorkspaceTask', () => {
  it("runs the task in its workspace's turn, with the waiting bounds", async () => {
    const seen: RunOptions[] = [];
    const answer = await runWorkspaceTask(
      pool(async (task, options) => {
        seen.push(options!);
        return `done ${task}`;
      }),
      'pdf',
      'ws-1',
      words,
    );
    expect(answer).toBe('done pdf');
    expect(seen).toEqual([{ key: 'ws-1', maxWaitingForKey: 2, maxWaiting: 8 }]);
  });

  it('refuses with 429 when its workspace has enough waiting, 503 when everyone has', async () => {
    const mine = await refusal(
      runWorkspaceTask(
        pool(() => Promise.reject(new QueueFullError('key', 2))),
        'pdf',
        'ws',
        words,
      ),
    );
    expect(mine.code).toBe('rate_limited');
    expect(mine.message).toBe(
      '2 exports of this workspace are already being written; try again when they are done',
    );
    const all = await refusal(
      runWorkspaceTask(
        pool(() => Promise.reject(new QueueFullError('all', 8))),
        'pdf',
        'ws',
        words,
      ),
    );
    expect(all.code).toBe('unavailable');
    expect(all.message).toBe('8 exports are already being written; try again shortly');
  });

  it("says what could not be finished past a worker's limit, and passes other errors on", async () => {
    const limited = await refusal(
      runWorkspaceTask(
        pool(() => Promise.reject(new WorkerLimitError('time', 'within 60 s'))),
        'pdf',
        'ws',
        words,
      ),
    );
    expect(limited.code).toBe('unavailable');
    expect(limited.message).toBe('Not written within 60 s');
    await expect(
      runWorkspaceTask(
        pool(() => Promise.reject(new TypeError('bug'))),
        'pdf',
        'ws',
        words,
      ),
    ).rejects.toThrow(TypeError);
  });
});
