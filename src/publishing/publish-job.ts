// The `article.publish` job: one attempt per run. The CMS's 5xx, 429 and network failures put the
// publication back to `queued` and throw, for the queue's retry with backoff; its other 4xx (bad
// credentials, a refused post) and the last attempt's failure make it `failed` with the CMS's words.
// Beside it, every minute: scheduled posts whose time has come are read back from their CMS, and a
// request whose job was lost is queued again.
import { articleById } from '../articles/article-store.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { errorMessage } from '../errors.ts';
import { type AppJobPayload, appJobs } from '../jobs/job-map.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { cmsClientFor } from './cms/client-for.ts';
import { CmsError } from './cms/cms-request.ts';
import { connectionOf, openSecret, type PublishingDeps, unreadableSecret } from './destination-service.ts';
import { publishAttemptsTotal } from './metrics.ts';
import { postOf } from './post-content.ts';
import { recordRemote } from './publication-outcome.ts';
import {
  type ClaimedPublication,
  claimPublication,
  failLostPublication,
  publicationsWithoutJob,
  recordAttemptFailure,
  scheduledPublicationsDue,
} from './publication-store.ts';
import { syncPublication } from './publish-service.ts';

const maxAttempts = (appJobs['article.publish'].retryLimit ?? 0) + 1;

/** A failure no retry can mend: the CMS refused (4xx), or the publication cannot be made at all. */
class FinalFailure extends Error {}

async function publishClaimed(deps: PublishingDeps, claimed: ClaimedPublication, signal?: AbortSignal) {
  const secret = openSecret(claimed.sealedSecret, deps.secretKey);
  if (secret === undefined) throw new FinalFailure(unreadableSecret);
  const article = await articleById(deps.database, claimed.articleId);
  // Deleted meanwhile: its publication went with it.
  if (!article) return;
  if (!article.markdown.trim()) throw new FinalFailure('the article has no text to publish');
  const post = await postOf(claimed.kind, article, claimed);
  // A schedule that came while the request waited (its retries) is now: the post goes live at once.
  if (post.scheduledFor && post.scheduledFor.getTime() <= Date.now() + 60_000) post.scheduledFor = null;
  const client = cmsClientFor(
    { kind: claimed.kind, siteUrl: claimed.siteUrl, username: claimed.username, secret },
    { ...connectionOf(deps), ...(signal ? { signal } : {}) },
  );
  const remote = await client.publish(post, claimed.remoteId);
  await recordRemote(deps, claimed, remote, ['publishing']);
}

export async function runPublication(
  deps: PublishingDeps,
  job: AppJobPayload<'article.publish'>,
  context: { retryCount: number; signal?: AbortSignal },
): Promise<void> {
  const claimed = await claimPublication(deps.database, job.publicationId);
  if (!claimed) return;
  try {
    await publishClaimed(deps, claimed, context.signal);
    publishAttemptsTotal.inc({ kind: claimed.kind, outcome: 'succeeded' });
  } catch (err) {
    // Shutting down, or the database gone: not the CMS's failure; the job is retried as it stands.
    if (context.signal?.aborted || isDatabaseUnavailable(err)) throw err;
    const final =
      err instanceof FinalFailure ||
      (err instanceof CmsError && !err.retryable) ||
      context.retryCount + 1 >= maxAttempts;
    const message = errorMessage(err);
    publishAttemptsTotal.inc({ kind: claimed.kind, outcome: final ? 'failed' : 'retrying' });
    if (!final) {
      await recordAttemptFailure(
        deps.database,
        claimed.id,
        'queued',
        `attempt ${claimed.attempts} of ${maxAttempts} failed: ${message}; trying again`,
      );
      throw err;
    }
    const gaveUp =
      err instanceof CmsError && err.retryable
        ? `; gave up after ${claimed.attempts} attempt${claimed.attempts === 1 ? '' : 's'}`
        : '';
    await recordAttemptFailure(deps.database, claimed.id, 'failed', `${message}${gaveUp}`);
    if (!(err instanceof CmsError) && !(err instanceof FinalFailure))
      deps.logger.warn({ err, publication: claimed.id }, 'publishing failed on an unexpected error');
  }
}

/** A scheduled post is read back this often after its time, until its CMS says it is live. */
export const syncEverySeconds = 300;
const lostAfterSeconds = 120;
const minuteMs = 60_000;

/** Reads back the scheduled posts whose time has come (the periodic sync's one pass). */
export async function syncDuePublications(deps: PublishingDeps, signal?: AbortSignal): Promise<number> {
  const due = await scheduledPublicationsDue(deps.database, syncEverySeconds, 50);
  for (const publication of due) {
    if (signal?.aborted) break;
    await syncPublication(
      deps,
      { workspaceId: publication.workspaceId },
      publication.articleId,
      publication.id,
    ).catch((err) => deps.logger.warn({ err, publication: publication.id }, 'scheduled post not synced'));
  }
  return due.length;
}

/**
 * Queues again the requests whose job was lost (a process stopped between recording a request and
 * queueing its job, or its job failed for good without a word); one past its attempts is failed.
 */
export async function recoverLostPublications(deps: PublishingDeps): Promise<void> {
  for (const lost of await publicationsWithoutJob(deps.database, lostAfterSeconds, 100)) {
    if (lost.attempts >= maxAttempts) {
      await failLostPublication(deps.database, lost.id, `gave up after ${lost.attempts} attempts`);
      continue;
    }
    deps.logger.info({ publication: lost.id }, 'queuing again a publication whose job was lost');
    await deps.queue.send('article.publish', { publicationId: lost.id, workspaceId: lost.workspaceId });
  }
}

export function handlePublishingJobs(
  deps: PublishingDeps & { queue: Pick<JobQueue, 'send' | 'handle' | 'repeat'> },
) {
  deps.queue.handle(
    'article.publish',
    (job) => runPublication(deps, job.data, { retryCount: job.retryCount, signal: job.signal }),
    // Waiting on CMSs, not on the CPU.
    { concurrency: 4 },
  );
  deps.queue.repeat('publishing.sync', minuteMs, (signal) =>
    syncDuePublications(deps, signal).then(() => {}),
  );
  deps.queue.repeat('publishing.recover', minuteMs, () => recoverLostPublications(deps));
}
