// Runs articles on the job queue. A worker holds a run through a lease it renews every few seconds;
// a worker that dies stops renewing, and the recovery task of any live worker re-enqueues the run,
// which resumes at its first unfinished step. Cancel is seen by the same heartbeat within seconds
// (or at once when the run is in the process that received the cancel).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { keyValueStore } from '../cache/key-value-store.ts';
import { errorMessage } from '../errors.ts';
import { sharedCache } from '../research/cache.ts';
import { researchFromConfig } from '../research/from-config.ts';
import type { Runtime } from '../runtime.ts';
import { fetchOptionsFromConfig } from '../security/ssrf/index.ts';
import type { ArticleBrief } from '../writing/brief.ts';
import { saveDraft } from './draft.ts';
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

export const articleJob = 'article.generate';
const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** Runs of this process, so a cancel received here stops its run without waiting for a heartbeat. */
const localRuns = new Map<string, AbortController>();

export class RunCancelled extends Error {
  constructor() {
    super('The run was cancelled');
  }
}

export function abortLocalRun(articleId: string) {
  localRuns.get(articleId)?.abort(new RunCancelled());
}

interface Claimed {
  workspace_id: string;
  user_id: string | null;
  brief: ArticleBrief;
  regenerate_section: number | null;
  started_at: Date;
}

function sourceProviders(runtime: Runtime) {
  const researchCache = sharedCache(keyValueStore(runtime));
  return (brief: ArticleBrief, ctx: RunContext): SourceProvider[] => {
    const search = {
      database: runtime.database,
      workspaceId: ctx.article.workspaceId,
      embed: async (texts: string[]) => {
        try {
          const result = await runtime.llm.embed(texts, {
            workspaceId: ctx.article.workspaceId,
            purpose: { kind: 'article', id: ctx.article.id, step: 'gather' },
            signal: ctx.signal,
          });
          return result.embeddings;
        } catch {
          // No embedder configured (or it is down): keyword search still finds passages.
          return undefined;
        }
      },
    };
    const providers: SourceProvider[] = [];
    const { research } = brief;
    if (research.urls.length > 0) {
      providers.push(
        userUrlSources(research.urls, fetchOptionsFromConfig(runtime.config), (url, reason) => {
          if (ctx.signal.aborted) return;
          runtime.articleEvents
            .publish(ctx.article.id, 'source.failed', { url, reason })
            .catch((err) =>
              runtime.logger.debug({ err, articleId: ctx.article.id }, 'source.failed not published'),
            );
        }),
      );
    }
    if (research.documents.length > 0) providers.push(namedDocumentSources(search, research.documents));
    if (research.knowledge) providers.push(knowledgeBaseSources(search));
    if (research.web) {
      const web = researchFromConfig(runtime.config, researchCache);
      if (web.enabled) providers.push(webSources(web.deps, web.options));
    }
    return providers;
  };
}

async function claim(runtime: Runtime, articleId: string): Promise<Claimed | undefined> {
  const { rows } = await runtime.database.query<Claimed>(
    `UPDATE articles SET lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3),
       status = 'running', started_at = coalesce(started_at, now()), updated_at = now()
     WHERE id = $1 AND status IN ('queued', 'running')
       AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at < now())
     RETURNING workspace_id, user_id, brief, regenerate_section, started_at`,
    [articleId, workerId, runtime.config.ARTICLE_LEASE_SECONDS],
  );
  return rows[0];
}

/** False when this run no longer holds the article: another run took it over and reports the outcome. */
async function finish(runtime: Runtime, articleId: string, status: 'completed' | 'failed', error?: string) {
  const { rows } = await runtime.database.query(
    `UPDATE articles SET status = $2, error = $3, lease_owner = NULL, lease_expires_at = NULL,
       regenerate_section = NULL, finished_at = now(), updated_at = now()
     WHERE id = $1 AND lease_owner = $4 AND status = 'running' RETURNING 1`,
    [articleId, status, error ?? null, workerId],
  );
  return rows.length > 0;
}

export async function runArticle(
  runtime: Runtime,
  articleId: string,
  jobSignal: AbortSignal,
  providers: (brief: ArticleBrief, ctx: RunContext) => SourceProvider[],
): Promise<void> {
  const { database, articleEvents: events, logger, config } = runtime;
  const claimed = await claim(runtime, articleId);
  if (!claimed) return; // finished, cancelled, deleted, or another live worker holds it
  await events.publish(articleId, 'status', { status: 'running' });

  const controller = new AbortController();
  localRuns.set(articleId, controller);
  const onJobAbort = () => controller.abort(jobSignal.reason);
  jobSignal.addEventListener('abort', onJobAbort);
  const heartbeatMs = Math.max(1000, (config.ARTICLE_LEASE_SECONDS * 1000) / 4);
  const heartbeat = setInterval(
    async () => {
      try {
        const { rows } = await database.query<{ status: string }>(
          `UPDATE articles SET lease_expires_at = now() + make_interval(secs => $3)
         WHERE id = $1 AND lease_owner = $2 RETURNING status`,
          [articleId, workerId, config.ARTICLE_LEASE_SECONDS],
        );
        if (rows[0]?.status !== 'running') controller.abort(new RunCancelled());
      } catch (err) {
        logger.warn({ err, articleId }, 'article lease heartbeat failed');
      }
    },
    Math.min(heartbeatMs, 2000),
  );

  const { rows: spent } = await database.query<{ i: string; o: string; c: string }>(
    'SELECT coalesce(sum(input_tokens), 0) AS i, coalesce(sum(output_tokens), 0) AS o, coalesce(sum(cost_usd), 0) AS c FROM article_steps WHERE article_id = $1',
    [articleId],
  );
  const ctx: RunContext = {
    database,
    llm: runtime.llm,
    events,
    logger,
    article: {
      id: articleId,
      workspaceId: claimed.workspace_id,
      ...(claimed.user_id ? { userId: claimed.user_id } : {}),
    },
    signal: controller.signal,
    totals: {
      inputTokens: Number(spent[0]?.i ?? 0),
      outputTokens: Number(spent[0]?.o ?? 0),
      costUsd: Number(spent[0]?.c ?? 0),
    },
    attempts: config.ARTICLE_STEP_ATTEMPTS,
    leaseOwner: workerId,
  };
  activePipelines.inc();
  const started = Date.now();
  const observe = (status: string) => {
    articlesGenerated.inc({ status });
    generationDuration.observe({ status }, (Date.now() - started) / 1000);
  };
  try {
    if (claimed.regenerate_section !== null)
      await regenerateSection(ctx, claimed.regenerate_section, config.SECTION_CONCURRENCY);
    else
      await runArticlePipeline(ctx, {
        concurrency: config.SECTION_CONCURRENCY,
        sourceProviders: providers,
      });
    if (!(await finish(runtime, articleId, 'completed'))) throw new RunSupersededError('finish');
    await events.publish(articleId, 'status', { status: 'completed' });
    await events.publish(articleId, 'done', { status: 'completed' });
    observe('completed');
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
      await database.query(
        "UPDATE articles SET lease_expires_at = now() - interval '1 second' WHERE id = $1 AND lease_owner = $2",
        [articleId, workerId],
      );
      return;
    }
    const message = errorMessage(err);
    logger.warn({ err, articleId }, 'article run failed');
    await saveDraft(ctx).catch((e) =>
      logger.warn({ err: e, articleId }, 'could not save the partial article'),
    );
    // A failed regeneration of a finished article leaves it completed (its text is unchanged), with the reason.
    const status =
      claimed.regenerate_section !== null && (await originalRunCompleted(database, articleId))
        ? 'completed'
        : 'failed';
    if (!(await finish(runtime, articleId, status, message))) return;
    await events.publish(articleId, 'error', {
      message,
      ...(err instanceof StepFailedError ? { step: err.step } : {}),
    });
    await events.publish(articleId, 'status', { status });
    await events.publish(articleId, 'done', { status, error: message });
    observe('failed');
  } finally {
    clearInterval(heartbeat);
    jobSignal.removeEventListener('abort', onJobAbort);
    localRuns.delete(articleId);
    activePipelines.dec();
  }
}

/** Runs whose worker stopped renewing its lease go back on the queue. */
async function recoverAbandonedRuns(runtime: Runtime) {
  const { rows } = await runtime.database.query<{ id: string }>(
    `UPDATE articles SET lease_owner = NULL, lease_expires_at = now() + make_interval(secs => $1)
     WHERE status = 'running' AND lease_expires_at < now() RETURNING id`,
    [runtime.config.ARTICLE_LEASE_SECONDS * 2],
  );
  for (const { id } of rows) {
    runtime.logger.info({ articleId: id }, 'resuming an article whose worker stopped');
    await runtime.queue.enqueue(articleJob, { articleId: id });
  }
}

export function defineArticleJobs(runtime: Runtime) {
  const providers = sourceProviders(runtime);
  runtime.queue.defineJob<{ articleId: string }>(
    articleJob,
    (job) => runArticle(runtime, job.data.articleId, job.signal, providers),
    // Steps retry themselves; a job retry only covers the database failing under the run.
    { retryLimit: 2, retryDelay: 5, expireInSeconds: 3600, concurrency: runtime.config.ARTICLE_CONCURRENCY },
  );
  runtime.queue.repeat(
    'article.recover',
    Math.max(1000, (runtime.config.ARTICLE_LEASE_SECONDS * 1000) / 4),
    () => recoverAbandonedRuns(runtime),
  );
}
