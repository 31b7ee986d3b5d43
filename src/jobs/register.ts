// The edges that work jobs (`serve`, `worker`, the CLI's in-process API) give every job of
// job-map.ts its handler here, each with the narrow dependencies it needs, before starting the queue.
import { handleAuditRetention } from '../accounts/audit-retention.ts';
import { handleArticleJobs } from '../articles/job.ts';
import { handleDocumentJobs } from '../knowledge/ingest-job.ts';
import { handleLedgerCompaction } from '../llm/ledger-compaction.ts';
import { handlePublishingJobs } from '../publishing/publish-job.ts';
import type { Runtime } from '../runtime.ts';
import { handleWebhookJobs } from '../webhooks/delivery-job.ts';

export function registerJobs(runtime: Runtime): void {
  const { database, queue, llm, articleEvents, logger, config, redis, secretKey } = runtime;
  handleArticleJobs({ database, queue, llm, articleEvents, logger, config, ...(redis ? { redis } : {}) });
  handleDocumentJobs({ database, queue, llm, logger, config });
  handleAuditRetention({ database, queue, config, logger });
  handleLedgerCompaction({ database, queue, config, logger });
  handleWebhookJobs({ database, queue, config, logger, secretKey });
  handlePublishingJobs({ database, queue, config, logger, secretKey });
}
