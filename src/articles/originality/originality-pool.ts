// The originality check compares in a worker process, not on the thread that serves requests: a
// 5,000-word article with its sources and 30 candidate articles takes ~70 ms of one core, the
// largest an edit allows (500,000 characters) 0.3–0.4 s (bench/RESULTS.md "The originality check of
// a long article"). Past the time or memory here the check is refused (503) and its process ended
// (src/worker-pool.ts).
import { QueueFullError, refusalOf } from '../../bounded.ts';
import { AppError } from '../../errors.ts';
import { WorkerLimitError, workerFile, workerPool } from '../../worker-pool.ts';
import type { OriginalityReport, OriginalityTask } from './compare.ts';

const comparers = workerPool<OriginalityTask, OriginalityReport | null>({
  file: workerFile(import.meta.url, 'originality-worker'),
  // Checks are occasional: one process leaves the other cores to reading documents and pages.
  maxWorkers: 1,
  heapMb: 512,
  memoryMb: 768,
  timeoutMs: 30_000,
});

const maxWaiting = { perWorkspace: 2, inAll: 8 };

export async function compareOffThread(
  task: OriginalityTask,
  workspaceId: string,
): Promise<OriginalityReport> {
  let answer: OriginalityReport | null;
  try {
    answer = await comparers.run(task, {
      key: workspaceId,
      maxWaitingForKey: maxWaiting.perWorkspace,
      maxWaiting: maxWaiting.inAll,
    });
  } catch (err) {
    if (err instanceof QueueFullError)
      throw refusalOf(
        err,
        {
          key: `${maxWaiting.perWorkspace} originality checks of this workspace are already running; try again when they are done`,
          all: `${maxWaiting.inAll} originality checks are already running; try again shortly`,
        },
        10,
      );
    if (err instanceof WorkerLimitError)
      throw new AppError('unavailable', `The originality check could not be finished ${err.message}`);
    throw err;
  }
  if (!answer) throw new Error('the originality check returned nothing');
  return answer;
}

/** Ends the checking process (tests, and a process that must not wait for its idle timeout). */
export const closeOriginalityCheckers = (): Promise<void> => comparers.close();
