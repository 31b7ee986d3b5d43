// WordPress blocks, DOCX and PDF are written in worker processes, not on the thread that serves
// requests: the largest article an edit allows (500,000 characters) takes seconds of one core to lay
// out as a PDF, and holds hundreds of MB while it does (README, "Exports"). Past the time or memory
// here the export is refused (503) and its process ended (src/worker-pool.ts); the other formats
// are unaffected. WordPress blocks lay nothing out (tenths of a second for the largest article):
// they have a process of their own rather than wait behind another workspace's PDF.
import { AppError } from '../../errors.ts';
import { workerFile, workerPool } from '../../worker-pool.ts';
import { runWorkspaceTask } from '../../workspace-task.ts';
import type { RenderAnswer, RenderTask } from './render-worker.ts';

const renderers = () =>
  workerPool<RenderTask, RenderAnswer | null>({
    file: workerFile(import.meta.url, 'render-worker'),
    // Exports are occasional: one process each leaves the other cores to document reading and page
    // extraction.
    maxWorkers: 1,
    heapMb: 1024,
    memoryMb: 1024 + 512,
    timeoutMs: 60_000,
  });

const layout = renderers();
const wordpress = renderers();

export async function renderOffThread(task: RenderTask, workspaceId: string): Promise<string | Buffer> {
  const pool = task.format === 'wordpress' ? wordpress : layout;
  const answer = await runWorkspaceTask(pool, task, workspaceId, {
    queued: 'exports',
    doing: 'being written',
    overLimit: (limit) =>
      `The ${task.format} export could not be written ${limit}; export Markdown or HTML instead`,
  });
  if (!answer) throw new Error('the export renderer returned nothing');
  if ('refusal' in answer)
    throw new AppError('validation_error', answer.refusal, [{ path: 'format', message: answer.refusal }]);
  const { body } = answer;
  return typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** Ends the export processes (tests, and a process that must not wait for their idle timeout). */
export const closeExportRenderers = async (): Promise<void> => {
  await Promise.all([layout.close(), wordpress.close()]);
};
