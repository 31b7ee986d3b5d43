// What the edges (HTTP, CLI, web app) do with articles: create a run, cancel it, edit with
// versions, restore, delete (regenerating a part: regeneration-service.ts). Plain functions over
// the runtime; no HTTP here.
import type { Logger } from 'pino';
import type { AuthContext } from '../accounts/context.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { AppError } from '../errors.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { LlmGateway } from '../llm/types.ts';
import type { Resolver } from '../security/ssrf/index.ts';
import { slugify } from '../seo/index.ts';
import { assertStorageRoom } from '../storage/workspace-storage.ts';
import { renderHtml } from '../writing/render.ts';
import {
  type ArticleMarks,
  type ArticleRow,
  articleByIdempotencyKey,
  cancelActiveArticle,
  deleteArticle,
  findArticle,
  insertQueuedArticle,
  markArticle,
  updateArticleIfUnchanged,
} from './article-store.ts';
import { checkBrief } from './brief-checks.ts';
import { refreshCitations } from './checks.ts';
import type { ArticleEventBus } from './events.ts';
import { abortLocalRun } from './job.ts';
import { initialSteps } from './pipeline/step-plan.ts';
import { seoPackAfterEdit } from './seo-pack.ts';
import { type ArticleStatus, isActive } from './statuses.ts';
import { dropVersion, findVersion, saveVersion } from './version-store.ts';

export interface ArticleServiceDeps {
  database: Database;
  config: Config;
  llm: LlmGateway;
  queue: JobQueue;
  articleEvents: ArticleEventBus;
  logger: Logger;
  resolver?: Resolver;
}

/** `requestId`: the request creating the article, carried to its run's log lines. */
type Caller = Pick<AuthContext, 'workspaceId' | 'userId'> & { requestId?: string };

// jsonb does not keep key order: compare with keys sorted.
const canonical = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(canonical)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, canonical(v)]),
        )
      : value;
const sameBrief = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

export async function createArticle(
  deps: ArticleServiceDeps,
  caller: Caller,
  input: unknown,
  idempotencyKey?: string,
) {
  const brief = await checkBrief(input, caller.workspaceId, deps);
  // A run's text is not known yet: refused only when the workspace stores its bound already — but a
  // request repeated with its Idempotency-Key answers the article it made, as before the bound.
  await assertStorageRoom(deps.database, deps.config, caller.workspaceId, 0).catch(async (err: unknown) => {
    const made =
      idempotencyKey &&
      (await articleByIdempotencyKey(deps.database, { workspaceId: caller.workspaceId, idempotencyKey }));
    if (!made) throw err;
  });
  // The article, its first steps and its `queued` event, in one statement.
  const { row, created } = await insertQueuedArticle(
    deps.database,
    {
      workspaceId: caller.workspaceId,
      userId: caller.userId,
      brief,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    },
    initialSteps,
  );
  if (!created) {
    if (!sameBrief(row.brief, brief)) {
      throw new AppError('conflict', 'This Idempotency-Key was already used with a different brief');
    }
    return { article: row, created };
  }
  await deps.articleEvents.notify(row.id);
  try {
    await deps.queue.send('article.generate', {
      articleId: row.id,
      workspaceId: caller.workspaceId,
      ...(caller.requestId && { requestId: caller.requestId }),
    });
  } catch (err) {
    // The article is stored and queued: the recovery sweep sends its job (job.ts) within minutes.
    // It was marked failed here (with no events), so a retry with its Idempotency-Key found a
    // failed article for good.
    deps.logger.warn({ err, articleId: row.id }, 'article job not sent; the recovery sweep will send it');
  }
  // The run's first model call needs the planner's context size, which for a local server is a
  // request to its model listing (asked once per process): asked now, it is answered while the run
  // is picked up and claimed rather than holding back the plan's request.
  deps.llm.contextTokens('planner', caller.workspaceId).catch(() => {});
  return { article: row, created };
}

export async function cancelArticle(deps: ArticleServiceDeps, caller: Caller, id: string) {
  if (!(await cancelActiveArticle(deps.database, caller, id))) {
    const article = await findArticle(deps.database, caller, id);
    throw new AppError(
      'conflict',
      `The article is ${article.status}; only queued or running articles can be cancelled`,
    );
  }
  abortLocalRun(id);
  await deps.articleEvents.notify(id);
  return { id, status: 'cancelled' as const };
}

/** Refuses a change to an article a run is writing. */
export function assertIdle(status: ArticleStatus) {
  if (isActive(status)) {
    throw new AppError('conflict', `The article is ${status}; wait for it to finish or cancel it first`);
  }
}

// After a hand edit the text is re-rendered and re-scored without any model call. False when the
// article changed since it was read (another writer came first): nothing is written then.
async function applyText(
  database: Database,
  article: ArticleRow,
  { title, markdown, factCheck }: TextChange,
) {
  const brief = article.brief;
  const sources = article.sources;
  const seo = article.seo;
  const refreshed = seo ? seoPackAfterEdit(markdown, brief, title, seo) : null;
  return updateArticleIfUnchanged(database, article.id, article.updatedAt, {
    title,
    // The slug follows the title, as the SEO pack's does: the export's file name and front matter
    // kept the first title's slug while the pack scored another.
    slug: refreshed?.slug ?? slugify(title),
    markdown,
    html: renderHtml(markdown),
    citations: refreshCitations(markdown, sources, brief.language, article.citations),
    ...(factCheck ? { factCheck } : {}),
    ...(refreshed ? { seo: refreshed, wordCount: refreshed.wordCount } : {}),
  });
}

/**
 * Keeps the article's text as a version (`reason`) before a writer's new text replaces it: refused
 * with 413 when the workspace cannot store the new text on top of it (WORKSPACE_STORAGE_MB). Every
 * replacement goes through here. The version's id.
 */
export async function keepVersionBefore(
  deps: Pick<ArticleServiceDeps, 'database' | 'config'>,
  caller: Caller,
  article: ArticleRow,
  next: { markdown: string; reason: 'edit' | 'restore' | 'regenerate' },
): Promise<string> {
  await assertStorageRoom(deps.database, deps.config, caller.workspaceId, Buffer.byteLength(next.markdown));
  return saveVersion(deps.database, article, next.reason, caller.userId);
}

type TextChange = {
  title: string;
  markdown: string;
  reason: 'edit' | 'restore';
  /** The fact check as the change leaves it (a claim's review), written in the same statement. */
  factCheck?: ArticleRow['factCheck'];
};

/**
 * Puts a writer's new text in the article, the text before kept as a version — only if the article
 * is still as read; false (and no version kept) when another write came first. The version goes
 * first: a crash between the two leaves one version too many, never a text without its version.
 */
export async function tryReplaceText(
  deps: Pick<ArticleServiceDeps, 'database' | 'config'>,
  caller: Caller,
  article: ArticleRow,
  next: TextChange,
): Promise<boolean> {
  const versionId = await keepVersionBefore(deps, caller, article, next);
  if (await applyText(deps.database, article, next)) return true;
  await dropVersion(deps.database, versionId);
  return false;
}

const changedMeanwhile = (at: Date) =>
  new AppError('conflict', 'The article was changed by someone else since it was read; nothing was saved', [
    { path: 'expectedUpdatedAt', message: `The article changed at ${at.toISOString()}` },
  ]);

/** The refusal after a lost race: names when the article changed, as read now. */
export async function changedSinceRead(
  deps: Pick<ArticleServiceDeps, 'database'>,
  caller: Caller,
  id: string,
) {
  return changedMeanwhile((await findArticle(deps.database, caller, id)).updatedAt);
}

/** Puts a writer's new text in the article (see tryReplaceText); 409 when another write came first. */
export async function replaceText(
  deps: Pick<ArticleServiceDeps, 'database' | 'config'>,
  caller: Caller,
  article: ArticleRow,
  next: TextChange,
) {
  if (!(await tryReplaceText(deps, caller, article, next)))
    throw await changedSinceRead(deps, caller, article.id);
}

/** Rounds of read-and-write a change that lost a race makes before it is refused (each round one writer wins). */
export const editRounds = 10;

/**
 * A hand edit. With `expectedUpdatedAt` (the article's `updatedAt` as the editor read it) a text
 * change is refused with 409 when the article changed since, so one editor's save never silently
 * replaces another's; without it the edit replaces whatever is there, and the text it replaces —
 * even one saved a moment before — is kept as a version.
 */
export async function editArticle(
  deps: ArticleServiceDeps,
  caller: Caller,
  id: string,
  patch: { title?: string; markdown?: string; expectedUpdatedAt?: Date } & ArticleMarks,
) {
  for (let attempt = 1; ; attempt++) {
    const article = await findArticle(deps.database, caller, id);
    const title = patch.title ?? article.title;
    const markdown = patch.markdown ?? article.markdown;
    if (title === article.title && markdown === article.markdown) break;
    assertIdle(article.status);
    const expected = patch.expectedUpdatedAt;
    if (expected && expected.getTime() !== article.updatedAt.getTime())
      throw changedMeanwhile(article.updatedAt);
    if (await tryReplaceText(deps, caller, article, { title, markdown, reason: 'edit' })) break;
    // Another write came between the read and this one: read again. Each round one writer wins, so
    // this ends; past `editRounds`, writers crowding one article are refused as an expectation is.
    if (expected || attempt === editRounds) throw await changedSinceRead(deps, caller, id);
  }
  if (patch.favorite !== undefined || patch.tags || patch.editorial)
    await markArticle(deps.database, id, patch);
  return findArticle(deps.database, caller, id);
}

export async function restoreVersion(
  deps: ArticleServiceDeps,
  caller: Caller,
  id: string,
  versionId: string,
) {
  const article = await findArticle(deps.database, caller, id);
  assertIdle(article.status);
  const version = await findVersion(deps.database, caller, id, versionId);
  await replaceText(deps, caller, article, { ...version, reason: 'restore' });
  return findArticle(deps.database, caller, id);
}

export async function removeArticle(deps: ArticleServiceDeps, caller: Caller, id: string) {
  await deleteArticle(deps.database, caller, id);
  // A run elsewhere notices the missing row at its next heartbeat.
  abortLocalRun(id);
  // Its followers (in any process) are told at once rather than at their next safety poll.
  await deps.articleEvents.notify(id);
}
