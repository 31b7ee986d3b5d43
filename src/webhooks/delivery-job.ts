// The `webhook.deliver` job: one attempt per run. A failure schedules the next attempt as a job of
// its own (startAfter), so no worker waits out a backoff; the sweep sends a job for any due attempt
// whose job was lost, and the log is pruned hourly.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import type { AppJobPayload } from '../jobs/job-map.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { decryptSecret } from '../security/encryption.ts';
import { type AttemptResult, attemptDelivery, defaultAttemptTimeoutMs } from './deliver.ts';
import {
  type AttemptOutcome,
  claimAttempt,
  deliveriesWithoutJob,
  failEndedDelivery,
  pruneDeliveries,
  recordAttempt,
} from './delivery-store.ts';
import { webhookDeliveriesTotal } from './metrics.ts';
import { maxAttempts, nextAttemptDelayMs } from './retry-schedule.ts';
import { disableGoneWebhook } from './webhook-store.ts';

export interface WebhookJobDeps {
  database: Database;
  queue: Pick<JobQueue, 'send'>;
  logger: Pick<Logger, 'info' | 'warn'>;
  config: Pick<Config, 'FETCH_ALLOW_HOSTS'>;
  secretKey: string;
  /** Each attempt's deadline (10 s unless a test says otherwise). */
  attemptTimeoutMs?: number;
}

/** The log keeps this many finished deliveries per endpoint, none older than this many days. */
export const deliveryLogBounds = { keepPerWebhook: 1000, maxAgeDays: 30 };

function openSecret(sealed: string, secretKey: string): string | undefined {
  try {
    return decryptSecret(sealed, secretKey);
  } catch {
    return undefined;
  }
}

/** What the attempt's result means for the delivery: done, failed for good, or tried again when. */
function outcomeOf(result: AttemptResult, attempt: number): AttemptOutcome {
  const recorded = {
    statusCode: result.statusCode,
    error: result.error,
    durationMs: result.durationMs,
    responseExcerpt: result.responseExcerpt,
  };
  if (result.ok) return { status: 'succeeded', ...recorded };
  const delay = result.refused || result.gone ? undefined : nextAttemptDelayMs(attempt, result.retryAfterMs);
  if (delay === undefined) {
    const why = result.refused || result.gone ? '' : `; gave up after ${maxAttempts} attempts`;
    return { status: 'failed', ...recorded, error: `${result.error ?? 'failed'}${why}` };
  }
  return { status: 'pending', ...recorded, nextAttemptAt: new Date(Date.now() + delay) };
}

/** Makes the delivery's due attempt, if it has one, and records it. */
export async function runDeliveryAttempt(
  deps: WebhookJobDeps,
  job: AppJobPayload<'webhook.deliver'>,
  signal?: AbortSignal,
): Promise<void> {
  const claimed = await claimAttempt(deps.database, job.deliveryId, maxAttempts);
  if (!claimed) {
    await failEndedDelivery(deps.database, job.deliveryId, maxAttempts);
    return;
  }
  const secret = openSecret(claimed.sealedSecret, deps.secretKey);
  const result: AttemptResult = secret
    ? await attemptDelivery(
        { url: claimed.url, secret, messageId: claimed.messageId, body: JSON.stringify(claimed.payload) },
        {
          allowHosts: deps.config.FETCH_ALLOW_HOSTS,
          ...(deps.attemptTimeoutMs !== undefined && { timeoutMs: deps.attemptTimeoutMs }),
          ...(signal && { signal }),
        },
      )
    : {
        ok: false,
        statusCode: null,
        error: 'the signing secret was sealed with another SECRET_KEY: rotate it',
        durationMs: 0,
        responseExcerpt: null,
        refused: true,
      };
  if (result.resolvedTo)
    deps.logger.warn(
      { delivery: claimed.id, webhook: claimed.webhookId, resolvedTo: result.resolvedTo },
      'webhook delivery refused: the receiver resolves to a private address',
    );
  if (signal?.aborted) {
    // Shutting down mid-attempt: not the receiver's failure; the sweep tries it again once its hold ends.
    return;
  }
  const outcome = outcomeOf(result, claimed.attempt);
  await recordAttempt(deps.database, claimed.id, outcome);
  webhookDeliveriesTotal.inc({ outcome: outcome.status === 'pending' ? 'retrying' : outcome.status });
  if (result.gone)
    await disableGoneWebhook(
      deps.database,
      claimed.webhookId,
      'the receiver answered 410 Gone: the endpoint is disabled until a member enables it again',
    );
  if (outcome.status === 'pending')
    await deps.queue.send(
      'webhook.deliver',
      { deliveryId: claimed.id, workspaceId: claimed.workspaceId, webhookId: claimed.webhookId },
      { startAfter: outcome.nextAttemptAt! },
    );
}

/** Sends the jobs of recorded deliveries; a failure is logged (the sweep sends them later), never thrown. */
export async function sendDeliveries(
  deps: { queue: Pick<JobQueue, 'send'>; logger: Pick<Logger, 'warn'> },
  deliveries: readonly AppJobPayload<'webhook.deliver'>[],
): Promise<void> {
  for (const delivery of deliveries)
    await deps.queue
      .send('webhook.deliver', delivery)
      .catch((err) =>
        deps.logger.warn(
          { err, delivery: delivery.deliveryId },
          'webhook delivery not queued; the sweep will',
        ),
      );
}

/**
 * Records a change (an article's or a document's outcome) with its webhook deliveries, `record(true)`;
 * should that fail for any reason but the database being unreachable, records it again without them
 * (`record(false)`), logged: telling the receivers must never cost the change itself.
 */
export async function recordTellingWebhooks<T>(
  deps: { logger: Pick<Logger, 'warn'> },
  context: Record<string, unknown>,
  record: (withDeliveries: boolean) => Promise<T>,
): Promise<T> {
  try {
    return await record(true);
  } catch (err) {
    if (isDatabaseUnavailable(err)) throw err;
    deps.logger.warn({ err, ...context }, 'recorded without its webhook deliveries: with them it failed');
    return record(false);
  }
}

// A due attempt with no job this long is taken for one whose job was lost (jobs are sent within
// milliseconds of the delivery being recorded, or of the previous attempt).
const overdueSeconds = 60;
const hourMs = 3600_000;

/**
 * Attempts wait on the network, not the CPU: `slots` at once per process, at most `perEndpoint` of
 * them to one endpoint, so a receiver that never answers holds that many for its deadline, not all.
 */
export const deliveryConcurrency = { slots: 8, perEndpoint: 2 };

export function handleWebhookJobs(
  deps: WebhookJobDeps & { queue: Pick<JobQueue, 'send' | 'handle' | 'repeat'> },
) {
  // When each endpoint's attempts in flight in this process started.
  const inFlight = new Map<string, number[]>();
  const timeoutMs = deps.attemptTimeoutMs ?? defaultAttemptTimeoutMs;
  // A job for an endpoint with its share in flight comes back about when one of them may have
  // ended: soon for an endpoint that answers fast, up to a deadline later for one that does not
  // (jittered, so a pile of them does not come back together).
  const deferMs = (started: number[]) =>
    Math.min(timeoutMs, Math.max(200, 2 * (Date.now() - Math.min(...started)))) * (0.75 + Math.random() / 2);
  deps.queue.handle(
    'webhook.deliver',
    async (job) => {
      const endpoint = job.data.webhookId;
      if (endpoint === undefined) return runDeliveryAttempt(deps, job.data, job.signal);
      const started = inFlight.get(endpoint) ?? [];
      if (started.length >= deliveryConcurrency.perEndpoint) {
        await deps.queue.send('webhook.deliver', job.data, { startAfter: Date.now() + deferMs(started) });
        return;
      }
      const at = Date.now();
      started.push(at);
      inFlight.set(endpoint, started);
      try {
        await runDeliveryAttempt(deps, job.data, job.signal);
      } finally {
        started.splice(started.indexOf(at), 1);
        if (started.length === 0) inFlight.delete(endpoint);
      }
    },
    { concurrency: deliveryConcurrency.slots },
  );
  deps.queue.repeat('webhook.recover', 60_000, async () => {
    for (const delivery of await deliveriesWithoutJob(deps.database, overdueSeconds, 100)) {
      deps.logger.info(
        { delivery: delivery.deliveryId },
        'queuing again a webhook delivery whose job was lost',
      );
      await deps.queue.send('webhook.deliver', delivery);
    }
  });
  deps.queue.repeat('webhook.prune', hourMs, async () => {
    const deleted = await pruneDeliveries(deps.database, deliveryLogBounds);
    if (deleted > 0) deps.logger.info({ deleted }, 'webhook deliveries past the log bounds deleted');
  });
}
