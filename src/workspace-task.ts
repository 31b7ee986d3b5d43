// A request's task in a worker pool (an export, an originality check), taking its workspace's turn
// among the others': past the waiting bounds it is refused — 429 when its own workspace has enough
// waiting, 503 when everyone has — saying what is queued; past the worker's time or memory, a 503
// saying what could not be finished.
import { QueueFullError, refusalOf } from './bounded.ts';
import { AppError } from './errors.ts';
import { WorkerLimitError, type WorkerPool } from './worker-pool.ts';

const maxWaiting = { perWorkspace: 2, inAll: 8 };

export interface WorkspaceTaskWords {
  /** What waits, in the plural: "exports". */
  queued: string;
  /** What those waiting are doing: "being written". */
  doing: string;
  /** The 503's message once a limit ended the task, given the limit (`within 60 s`). */
  overLimit(limit: string): string;
}

export async function runWorkspaceTask<Task, Result>(
  pool: WorkerPool<Task, Result>,
  task: Task,
  workspaceId: string,
  words: WorkspaceTaskWords,
): Promise<Result> {
  try {
    return await pool.run(task, {
      key: workspaceId,
      maxWaitingForKey: maxWaiting.perWorkspace,
      maxWaiting: maxWaiting.inAll,
    });
  } catch (err) {
    if (err instanceof QueueFullError)
      throw refusalOf(
        err,
        {
          key: `${maxWaiting.perWorkspace} ${words.queued} of this workspace are already ${words.doing}; try again when they are done`,
          all: `${maxWaiting.inAll} ${words.queued} are already ${words.doing}; try again shortly`,
        },
        10,
      );
    if (err instanceof WorkerLimitError) throw new AppError('unavailable', words.overLimit(err.message));
    throw err;
  }
}
