// The `document.ingest` job's handler; the edges that work jobs give it to their queue (jobs/register.ts).
import type { JobQueue } from '../jobs/queue.ts';
import {
  type IngestionDeps,
  ingestRetryLimit,
  processDocument,
  recoverStalledDocuments,
} from './ingestion.ts';

/** Ingestion's share of a process's dependencies (e.g. of the runtime). */
export const ingestionDeps = (from: IngestionDeps): IngestionDeps => ({
  database: from.database,
  config: from.config,
  llm: from.llm,
  queue: from.queue,
  logger: from.logger,
});

export interface DocumentJobDeps extends IngestionDeps {
  queue: Pick<JobQueue, 'send' | 'handle' | 'repeat'>;
}

// Stalled documents are looked for once a minute: they were stalled for ten minutes at least.
const recoverEveryMs = 60_000;

export function handleDocumentJobs(deps: DocumentJobDeps): void {
  deps.queue.handle('document.ingest', async (job) => {
    const result = await processDocument(deps, job.data, {
      signal: job.signal,
      finalAttempt: job.retryCount >= ingestRetryLimit,
    });
    // Thrown so pg-boss retries it later; the row says `queued` with the reason meanwhile.
    if (result.outcome === 'retrying') throw result.error;
  });
  deps.queue.repeat('document.recover', recoverEveryMs, () => recoverStalledDocuments(deps).then(() => {}));
}
