// OpenAPI documents are parsed in a worker process, not on the thread that serves requests and runs
// the pipeline: a spec may be the library's largest file (MAX_FILE_SIZE_MB), and YAML of that size
// takes seconds to read. Past the time or memory here the request is refused (503) and the process
// ended (src/worker-pool.ts).
import { workerFile, workerPool } from '../worker-pool.ts';
import { runWorkspaceTask } from '../workspace-task.ts';
import type { GuideChoices, GuideOutcome, listOperations } from './build-guide.ts';
import type { SpecAnswer, SpecTask } from './spec-worker.ts';

const readers = workerPool<SpecTask, SpecAnswer | null>({
  file: workerFile(import.meta.url, 'spec-worker'),
  // Guides are occasional: one process leaves the other cores to documents and pages.
  maxWorkers: 1,
  heapMb: 512,
  memoryMb: 768,
  timeoutMs: 30_000,
});

export interface SpecFile {
  bytes: Uint8Array;
  charset?: string | undefined;
}

async function read(task: SpecTask, workspaceId: string): Promise<SpecAnswer> {
  const answer = await runWorkspaceTask(readers, task, workspaceId, {
    queued: 'OpenAPI documents',
    doing: 'being read',
    overLimit: (limit) => `The OpenAPI document could not be read ${limit}: split it into smaller specs`,
  });
  if (!answer) throw new Error('the spec reader returned nothing');
  return answer;
}

/** The spec's operations, or why it is not a spec. */
export const operationsOffThread = async (file: SpecFile, workspaceId: string) =>
  (await read({ ...file, want: 'operations' }, workspaceId)) as ReturnType<typeof listOperations>;

/** A guide's sources and samples, or the issues that refuse its brief. */
export const guideOffThread = async (file: SpecFile, choices: GuideChoices, workspaceId: string) =>
  (await read({ ...file, want: 'guide', choices }, workspaceId)) as GuideOutcome;

/** Ends the reading process (tests, and a process that must not wait for its idle timeout). */
export const closeSpecReaders = (): Promise<void> => readers.close();
