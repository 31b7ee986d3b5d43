// Defines the `document.ingest` background job on the runtime's queue.
import type { Runtime } from '../runtime.ts';
import {
  type IngestionDeps,
  type IngestJobData,
  ingestJobName,
  ingestRetryLimit,
  processDocument,
} from './ingestion.ts';

export const ingestionDeps = (runtime: Runtime): IngestionDeps => ({
  database: runtime.database,
  config: runtime.config,
  llm: runtime.llm,
  queue: runtime.queue,
  logger: runtime.logger,
});

export function defineDocumentJobs(runtime: Runtime): void {
  const deps = ingestionDeps(runtime);
  runtime.queue.defineJob<IngestJobData>(
    ingestJobName,
    async (job) => {
      const result = await processDocument(deps, job.data, {
        signal: job.signal,
        finalAttempt: job.retryCount >= ingestRetryLimit,
      });
      // Thrown so pg-boss retries it later; the row says `queued` with the reason meanwhile.
      if (result.outcome === 'retrying') throw result.error;
    },
    {
      retryLimit: ingestRetryLimit,
      retryDelay: 10,
      retryBackoff: true,
      expireInSeconds: 15 * 60,
      concurrency: 1,
    },
  );
}
