// Every background job of the application: its name, the payload its producers send and its
// handler receives (validated on both sides), and the retry policy of its queue. A leaf module:
// producers, handlers and the queue read it without importing each other, and a process that only
// enqueues (an API replica, `blogsmith ingest`) needs no handler to know the queues.
import { z } from 'zod';
import type { JobPayload, JobSpec } from './job-spec.ts';

export const appJobs = {
  /** Runs (or resumes) an article: a whole generation, or the section regeneration recorded on its row. */
  'article.generate': {
    // Optional only for jobs an earlier release queued without it (they wait their turn as no group).
    // `requestId`: the request that created the article, so its run's log lines can be found from
    // the X-Request-Id a user reports.
    payload: z.object({
      articleId: z.uuid(),
      workspaceId: z.uuid().optional(),
      requestId: z.string().max(200).optional(),
    }),
    // One workspace's backlog of runs does not hold another workspace's run behind all of it.
    turnsBy: 'workspaceId',
    // Steps retry themselves; a job retry only covers the database failing under the run.
    retryLimit: 2,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: 3600,
  },
  /** Parses, chunks and embeds an uploaded or fetched document. */
  'document.ingest': {
    payload: z.object({ documentId: z.uuid(), workspaceId: z.uuid() }),
    turnsBy: 'workspaceId',
    // Retries after a failed attempt (embedder outage, database hiccup); rejections never retry.
    retryLimit: 2,
    retryDelay: 10,
    retryBackoff: true,
    expireInSeconds: 15 * 60,
  },
  /** One attempt of a webhook delivery; a failed one sends the next attempt's job itself (src/webhooks/). */
  'webhook.deliver': {
    // `webhookId` is optional only for jobs an earlier release queued without it.
    payload: z.object({ deliveryId: z.uuid(), workspaceId: z.uuid(), webhookId: z.uuid().optional() }),
    // Endpoints take turns: one whose deliveries pile up (it is down, or slow) does not hold another
    // endpoint's, of the same workspace or not, behind all of them.
    turnsBy: 'webhookId',
    // The receiver's failures are retried by the delivery's own schedule; a job retry only covers
    // the database failing under the attempt.
    retryLimit: 2,
    retryDelay: 10,
    retryBackoff: true,
    expireInSeconds: 120,
  },
  /** Creates or updates an article's post on a WordPress or Ghost site (src/publishing/). */
  'article.publish': {
    payload: z.object({ publicationId: z.uuid(), workspaceId: z.uuid() }),
    turnsBy: 'workspaceId',
    // The CMS's 5xx, 429 and network failures are retried (30 s, 1 min, 2 min, 4 min); its other 4xx
    // fail the publication at once with the CMS's message.
    retryLimit: 4,
    retryDelay: 30,
    retryBackoff: true,
    // A few requests (tags, the post), each within FETCH_TIMEOUT_SECONDS.
    expireInSeconds: 300,
  },
} satisfies Record<string, JobSpec>;

export type AppJobs = typeof appJobs;
export type AppJobName = keyof AppJobs;
export type AppJobPayload<N extends AppJobName> = JobPayload<AppJobs, N>;

/** Housekeeping run every few seconds by the processes that work jobs (`JobQueue.repeat`). */
export const appPeriodicTasks = [
  'article.recover',
  'document.recover',
  'audit.prune',
  'llm.ledger.compact',
  'webhook.recover',
  'webhook.prune',
  'publishing.sync',
  'publishing.recover',
] as const;
export type AppPeriodicTask = (typeof appPeriodicTasks)[number];
