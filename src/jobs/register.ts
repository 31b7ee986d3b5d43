// Every background job of every domain is defined here, once per process, before the queue starts:
// any edge can then enqueue, and the processes that work jobs (serve, worker) run them.
import { defineArticleJobs } from '../articles/job.ts';
import { defineDocumentJobs } from '../knowledge/ingest-job.ts';
import type { Runtime } from '../runtime.ts';

export function registerJobs(runtime: Runtime): void {
  defineArticleJobs(runtime);
  defineDocumentJobs(runtime);
}
