// Runs articles on the job queue. A worker holds a run through a lease it renews every few seconds;
// a worker that dies stops renewing, and the recovery task of any live worker re-enqueues the run,
// which resumes at its first unfinished step. Cancel is seen by the same heartbeat within seconds
// (or at once when the run is in the process that received the cancel).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { keyValueStore } from '../cache/key-value-store.ts';
import type { Redis } from '../cache/redis.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { refreshStatsIfGrown } from '../db/embedded-autovacuum.ts';
import { errorMessage } from '../errors.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { vectorColumnDimensions } from '../knowledge/vector-setup.ts';
import type { LlmGateway } from '../llm/types.ts';
import { captureJobFailure } from '../observability/sentry.ts';
import { sharedCache } from '../research/cache.ts';
import { type ResearchConfig, researchFromConfig } from '../research/from-config.ts';
import { type FetchConfig, fetchOptionsFromConfig } from '../security/ssrf/index.ts';
import { recordTellingWebhooks, sendDeliveries } from '../webhooks/delivery-job.ts';
import { apiUrlOf, type WebhookEvent } from '../webhooks/webhook-events.ts';
import { type ArticleBrief, webSourcesOf } from '../writing/brief.ts';
import { saveDraft } from './draft.ts';
import type { ArticleEventData, ArticleEventMessage } from './event-map.ts';
import type { ArticleEventBus } from './events.ts';
import {
  type ClaimedRun,
  claimRun,
  handOverRun,
  queuedWithoutJob,
  recoverExpiredLeases,
  releaseRun,
  renewLease,
} from './lease-store.ts';
import { activePipelines, articlesGenerated, generationDuration } from './metrics.ts';
import { runArticlePipeline } from './pipeline.ts';
import { originalRunCompleted, regenerateSection } from './regenerate.ts';
import {
  knowledgeBaseSources,
  namedDocumentSources,
  type SourceProvider,
  userUrlSources,
  webSources,
} from './sources.ts';
import { type RunContext, RunSupersededError, StepFailedError } from './steps.ts';

/** What running articles needs; the edges that work jobs pass it (jobs/register.ts). */
export interface ArticleJobDeps {
  database: Database;
  queue: Pick<JobQueue, 'handle' | 'send' | 'repeat'>;
  llm: LlmGateway;
  articleEvents: ArticleEventBus;
  logger: Logger;
  config: ResearchConfig &
    FetchConfig &
    Pick<
      Config,
      | 'ARTICLE_LEASE_SECONDS'
      | 'ARTICLE_STEP_ATTEMPTS'
      | 'SECTION_CONCURRENCY'
      | 'ARTICLE_CONCURRENCY'
      | 'CACHE_MAX_MB'
      | 'PUBLIC_URL'
    >;
  redis?: Redis;
}

const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/**
 * Runs of this process, so a cancel received here stops its run without waiting for a heartbeat;
 * more than one for an article while a second job for it is turned away by the claim.
 */
const localRuns = new Map<string, Set<AbortController>>();

export class RunCancelled extends Error {
  constructor() {
    super('The run was cancelled');
  }
}

export function abortLocalRun(articleId: string) {
  for (const run of localRuns.get(articleId) ?? []) run.abort(new RunCancelled());
}

type SourceProviders = (brief: ArticleBrief, ctx: RunContext) => SourceProvider[];

function sourceProviders(deps: ArticleJobDeps): SourceProviders {
  const researchCache = sharedCache(keyValueStore(deps), deps.logger);
  return (brief, ctx) => {
    const search = {
      database: deps.database,
      workspaceId: ctx.article.workspaceId,
      embed: async (texts: string[]) => {
        try {
          const width = await vectorColumnDimensions(deps.database);
          if (width === null) return undefined;
          const result = await deps.llm.embed(texts, {
            workspaceId: ctx.article.workspaceId,
            purpose: { kind: 'article', id: ctx.article.id, step: 'gather' },
            signal: ctx.signal,
            dimensions: width,
          });
          // Vectors of another width cannot be compared with the stored ones: keyword search only.
          return result.embeddings.every((v) => v.length === width) ? result.embeddings : undefined;
        } catch {
          // No embedder configured (or it is down): keyword search still finds passages.
          return undefined;
        }
      },
    };
    // A source that could not be used, told to the run's followers as it happens.
    const tell = <T extends 'source.failed' | 'search.failed'>(type: T, data: ArticleEventData[T]) => {
      if (ctx.signal.aborted) return;
      // Only while this run holds the article, as its other live events (event-store.ts).
      deps.articleEvents
        .publishAll(ctx.article.id, type, [data], ctx.leaseOwner)
        .catch((err) => deps.logger.debug({ err, articleId: ctx.article.id }, `${type} not published`));
    };
    const providers: SourceProvider[] = [];
    const { research } = brief;
    if (research.urls.length > 0) {
      providers.push(
        userUrlSources(
          research.urls,
          fetchOptionsFromConfig(deps.config),
          (url, reason) => tell('source.failed', { url, reason }),
          ctx.article.workspaceId,
        ),
      );
    }
    if (research.documents.length > 0) providers.push(namedDocumentSources(search, research.documents));
    if (research.knowledge) providers.push(knowledgeBaseSources(search));
    if (research.web) {
      const web = researchFromConfig(deps.config, researchCache);
      if (web.enabled)
        providers.push(
          webSources(
            web.deps,
            { ...web.options, maxSources: webSourcesOf({ research }), turnKey: ctx.article.workspaceId },
            (failure) => tell('search.failed', failure),
          ),
        );
    }
    return providers;
  };
}

/**
 * What the claimed run is asked to do. A request another version stored in a shape this one cannot
 * read (during a rollout, or after a rollback) fails the run with the reason rather than running it
 * on a guess.
 */
function readableRequest(claimed: ClaimedRun) {
  if (claimed.brief === undefined)
    throw new Error(
      "This version of Blogsmith cannot read the article's brief (another version stored it); start a new article",
    );
  if (claimed.regeneration === undefined)
    throw new Error(
      'This version of Blogsmith cannot read the requested regeneration (another version stored it); ask for it again',
    );
  return { brief: claimed.brief, regeneration: claimed.regeneration };
}

async function runArticle(
  deps: ArticleJobDeps,
  articleId: string,
  jobSignal: AbortSignal,
  providers: SourceProviders,
): Promise<void> {
  const { database, articleEvents: events, logger, config } = deps;
  // Registered before the claim: a cancel received here from the moment the claim may succeed
  // aborts this run, so nothing is written after the cancel's `done`.
  const controller = new AbortController();
  const runs = localRuns.get(articleId) ?? new Set();
  localRuns.set(articleId, runs.add(controller));
  const unregister = () => {
    runs.delete(controller);
    if (runs.size === 0 && localRuns.get(articleId) === runs) localRuns.delete(articleId);
  };
  // The run's own lease token, not the process's: a second job for the article that this process
  // takes meanwhile (a recovery sent one while this run waited to be claimed) finds it held, and
  // a run that stalled past its lease here cannot write over the run that took it over.
  const owner = `${workerId}:${randomUUID().slice(0, 8)}`;
  let claimed: Awaited<ReturnType<typeof claimRun>>;
  try {
    // Also writes the `running` status event.
    claimed = await claimRun(database, articleId, owner, config.ARTICLE_LEASE_SECONDS);
  } catch (err) {
    unregister();
    throw err;
  }
  // Not claimed: finished, cancelled, deleted, or another live worker holds it. Aborted: cancelled
  // just after the claim, and the cancel already told the subscribers.
  if (!claimed || controller.signal.aborted) return unregister();
  await events.notify(articleId);

  const onJobAbort = () => controller.abort(jobSignal.reason);
  jobSignal.addEventListener('abort', onJobAbort);
  const heartbeatMs = Math.max(1000, (config.ARTICLE_LEASE_SECONDS * 1000) / 4);
  const heartbeat = setInterval(
    async () => {
      try {
        const status = await renewLease(database, articleId, owner, config.ARTICLE_LEASE_SECONDS);
        if (status !== 'running') controller.abort(new RunCancelled());
      } catch (err) {
        logger.warn({ err, articleId }, 'article lease heartbeat failed');
      }
    },
    Math.min(heartbeatMs, 2000),
  );

  const ctx: RunContext = {
    database,
    llm: deps.llm,
    events,
    logger,
    article: {
      id: articleId,
      workspaceId: claimed.workspaceId,
      ...(claimed.userId ? { userId: claimed.userId } : {}),
    },
    signal: controller.signal,
    totals: { ...claimed.spent },
    attempts: config.ARTICLE_STEP_ATTEMPTS,
    leaseOwner: owner,
  };
  activePipelines.inc();
  const started = Date.now();
  const observe = (status: string) => {
    articlesGenerated.inc({ status });
    generationDuration.observe({ status }, (Date.now() - started) / 1000);
  };
  try {
    const { brief, regeneration } = readableRequest(claimed);
    if (regeneration !== null)
      await regenerateSection(ctx, regeneration, {
        concurrency: config.SECTION_CONCURRENCY,
        completedSteps: claimed.completedSteps,
      });
    else
      await runArticlePipeline(ctx, {
        brief,
        completedSteps: claimed.completedSteps,
        concurrency: config.SECTION_CONCURRENCY,
        sourceProviders: providers,
      });
    const told: ArticleEventMessage[] = [
      { type: 'status', data: { status: 'completed' } },
      { type: 'done', data: { status: 'completed' } },
    ];
    const notice = webhookNotice(deps, ctx, regeneration === null ? 'article.completed' : null, 'completed');
    const released = await recordTellingWebhooks(deps, { articleId }, (tell) =>
      releaseRun(database, articleId, owner, 'completed', undefined, told, tell ? notice : noNotice),
    );
    if (!released) throw new RunSupersededError('finish');
    await events.notify(articleId);
    await sendDeliveries(deps, released);
    observe('completed');
    // After the run, not in it: the embedded database's upkeep of a grown articles table.
    await refreshStatsIfGrown(database, 'articles').catch((err) =>
      logger.warn({ err }, 'articles table statistics not refreshed'),
    );
  } catch (err) {
    if (controller.signal.reason instanceof RunCancelled) {
      // The cancel (or delete) already recorded the outcome and told the subscribers.
      observe('cancelled');
      return;
    }
    if (err instanceof RunSupersededError) {
      // Another run holds the article now (this one stalled past its lease): it writes the outcome.
      logger.warn({ articleId, step: err.message }, 'article run superseded by another run; stopping');
      controller.abort(err);
      return;
    }
    if (jobSignal.aborted) {
      // This process is shutting down: hand the run over at once instead of waiting out the lease.
      await handOverRun(database, articleId, owner);
      return;
    }
    const message = errorMessage(err);
    logger.warn({ err, articleId }, 'article run failed');
    captureJobFailure(err, { queue: 'article.generate', article: articleId });
    await saveDraft(ctx).catch((e) =>
      logger.warn({ err: e, articleId }, 'could not save the partial article'),
    );
    // A failed regeneration of a finished article leaves it completed (its text is unchanged), with the reason.
    const status =
      claimed.regeneration !== null && (await originalRunCompleted(database, articleId))
        ? 'completed'
        : 'failed';
    // False: another run took the article over and reports the outcome.
    const told: ArticleEventMessage[] = [
      { type: 'error', data: { message, ...(err instanceof StepFailedError ? { step: err.step } : {}) } },
      { type: 'status', data: { status } },
      { type: 'done', data: { status, error: message } },
    ];
    // A failed regeneration tells no webhook: the article's run had already ended and been told.
    const event = claimed.regeneration === null && status === 'failed' ? 'article.failed' : null;
    const notice = webhookNotice(deps, ctx, event, status, message);
    const released = await recordTellingWebhooks(deps, { articleId }, (tell) =>
      releaseRun(database, articleId, owner, status, message, told, tell ? notice : noNotice),
    );
    if (!released) return;
    await events.notify(articleId);
    await sendDeliveries(deps, released);
    observe('failed');
  } finally {
    clearInterval(heartbeat);
    jobSignal.removeEventListener('abort', onJobAbort);
    unregister();
    activePipelines.dec();
  }
}

/**
 * What a finished run's webhook payload says (`data`; releaseRun adds the title and word count from
 * the row): never the article's text. `url` is the article in the API, absolute with PUBLIC_URL.
 */
function webhookNotice(
  deps: ArticleJobDeps,
  ctx: RunContext,
  event: WebhookEvent | null,
  status: 'completed' | 'failed',
  error?: string,
) {
  const { inputTokens, outputTokens, costUsd, unpricedModels = [] } = ctx.totals;
  return {
    event,
    data: {
      id: ctx.article.id,
      status,
      ...(error !== undefined && { error }),
      url: apiUrlOf(deps.config.PUBLIC_URL, `/api/v1/articles/${ctx.article.id}`),
      usage: { inputTokens, outputTokens, costUsd, costKnown: unpricedModels.length === 0 },
    },
  };
}

const noNotice = { event: null, data: {} };

// A queued article with no job this long after it was queued is taken for one whose job was lost
// (a job is sent within milliseconds of the article being stored).
const queuedWithoutJobSeconds = 120;

/**
 * Runs whose worker stopped renewing its lease, and queued articles no job will run, go back on the
 * queue. A job that turns out to be one too many finds the run claimed, or finished, and does nothing.
 */
async function recoverAbandonedRuns(deps: ArticleJobDeps) {
  for (const { id, workspaceId } of await recoverExpiredLeases(
    deps.database,
    deps.config.ARTICLE_LEASE_SECONDS * 2,
  )) {
    deps.logger.info({ articleId: id }, 'resuming an article whose worker stopped');
    await deps.queue.send('article.generate', { articleId: id, workspaceId });
  }
  for (const { id, workspaceId } of await queuedWithoutJob(deps.database, queuedWithoutJobSeconds, 100)) {
    deps.logger.info({ articleId: id }, 'queuing again an article whose job was lost');
    await deps.queue.send('article.generate', { articleId: id, workspaceId });
  }
}

/** Gives this process the article job's handler and the recovery of abandoned runs. */
export function handleArticleJobs(deps: ArticleJobDeps) {
  const providers = sourceProviders(deps);
  deps.queue.handle(
    'article.generate',
    (job) => {
      const { articleId, requestId } = job.data;
      // The run's lines carry the creating request's id (`reqId`, as the request log writes it).
      const run = requestId ? { ...deps, logger: deps.logger.child({ reqId: requestId }) } : deps;
      return runArticle(run, articleId, job.signal, providers);
    },
    { concurrency: deps.config.ARTICLE_CONCURRENCY },
  );
  deps.queue.repeat('article.recover', Math.max(1000, (deps.config.ARTICLE_LEASE_SECONDS * 1000) / 4), () =>
    recoverAbandonedRuns(deps),
  );
}
