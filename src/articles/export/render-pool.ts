// WordPress blocks, DOCX and PDF are written in a worker process, not on the thread that serves
// requests: the largest article an edit allows (500,000 characters) takes seconds of one core to lay
// out as a PDF, and holds hundreds of MB while it does (README, "Exports"). Past the time or memory
// here the export is refused (503) and its process ended (src/worker-pool.ts); the other formats
// are unaffected.
import { QueueFullError, refusalOf } from '../../bounded.ts';
import { AppError } from '../../errors.ts';
import { WorkerLimitError, workerFile, workerPool } from '../../worker-pool.ts';
import type { RenderAnswer, RenderTask } from './render-worker.ts';

const renderers = workerPool<RenderTask, RenderAnswer | null>({
  file: workerFile(import.meta.url, 'render-worker'),
  // Exports are occasional: one process leaves the other cores to document reading and page extraction.
  maxWorkers: 1,
  heapMb: 1024,
  memoryMb: 1024 + 512,
  timeoutMs: 60_000,
});

// A request waits for its file: past this many waiting (of its workspace, or in all) it is refused.
const maxWaiting = { perWorkspace: 2, inAll: 8 };

export async function renderOffThread(task: RenderTask, workspaceId: string): Promise<string | Buffer> {
  let answer: RenderAnswer | null;
  try {
    answer = await renderers.run(task, {
      key: workspaceId,
      maxWaitingForKey: maxWaiting.perWorkspace,
      maxWaiting: maxWaiting.inAll,
    });
  } catch (err) {
    if (err instanceof QueueFullError)
      throw refusalOf(
        err,
        {
          key: `${maxWaiting.perWorkspace} exports of this workspace are already being written; try again when they are done`,
          all: `${maxWaiting.inAll} exports are already being written; try again shortly`,
        },
        10,
      );
    if (err instanceof WorkerLimitError)
      throw new AppError(
        'unavailable',
        `The ${task.format} export could not be written ${err.message}; export Markdown or HTML instead`,
      );
    throw err;
  }
  if (!answer) throw new Error('the export renderer returned nothing');
  if ('refusal' in answer)
    throw new AppError('validation_error', answer.refusal, [{ path: 'format', message: answer.refusal }]);
  const { body } = answer;
  return typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** Ends the export process (tests, and a process that must not wait for its idle timeout). */
export const closeExportRenderers = (): Promise<void> => renderers.close();
