// The originality check compares in a worker process, not on the thread that serves requests: a
// 5,000-word article with its sources and 30 candidate articles takes ~70 ms of one core, the
// largest an edit allows (500,000 characters) 0.3–0.4 s (bench/RESULTS.md "The originality check of
// a long article"). Past the time or memory here the check is refused (503) and its process ended
// (src/worker-pool.ts).
import { workerFile, workerPool } from '../../worker-pool.ts';
import { runWorkspaceTask } from '../../workspace-task.ts';
import type { OriginalityReport, OriginalityTask } from './compare.ts';

const comparers = workerPool<OriginalityTask, OriginalityReport | null>({
  file: workerFile(import.meta.url, 'originality-worker'),
  // Checks are occasional: one process leaves the other cores to reading documents and pages.
  maxWorkers: 1,
  heapMb: 512,
  memoryMb: 768,
  timeoutMs: 30_000,
});

export async function compareOffThread(
  task: OriginalityTask,
  workspaceId: string,
): Promise<OriginalityReport> {
  const answer = await runWorkspaceTask(comparers, task, workspaceId, {
    queued: 'originality checks',
    doing: 'running',
    overLimit: (limit) => `The originality check could not be finished ${limit}`,
  });
  if (!answer) throw new Error('the originality check returned nothing');
  return answer;
}

/** Ends the checking process (tests, and a process that must not wait for its idle timeout). */
export const closeOriginalityCheckers = (): Promise<void> => comparers.close();
