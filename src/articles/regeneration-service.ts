// What the edges do to regenerate one part of a finished article: request it (any part, an optional
// instruction, applied at once or kept as a proposal), then accept or discard a proposal. A failed
// regeneration and a discarded proposal leave the article as it was.
import type { AuthContext } from '../accounts/context.ts';
import { AppError } from '../errors.ts';
import { assertStorageRoom } from '../storage/workspace-storage.ts';
import { dropProposal, findArticle, updateArticleIfUnchanged } from './article-store.ts';
import {
  regeneratedFields,
  regenerationCount,
  regenerationPosition,
  regenerationStep,
} from './regenerate.ts';
import type { RegenerationProposal, StoredRegeneration } from './regeneration.ts';
import { locatePart, parseSectionTarget, type SectionTarget, targetLabel } from './section-target.ts';
import { type ArticleServiceDeps, assertIdle, keepVersionBefore } from './service.ts';
import { countStepsNamed, insertStep } from './step-store.ts';
import { dropVersion, saveVersion } from './version-store.ts';

type Caller = Pick<AuthContext, 'workspaceId' | 'userId'>;

const partsHint = 'intro, conclusion, faq, a section number from 0, or a section heading';

// Regenerations of one article at most: each adds a step, listed in every read of the article, and
// its run's events, kept with it — one after another for as long as a script likes (~0.2 kB more
// in each read of the article a time). A copy of the article starts with none.
export const maxRegenerationsPerArticle = 100;

export async function regenerateArticleSection(
  deps: ArticleServiceDeps,
  caller: Caller,
  id: string,
  section: string,
  options: { instruction?: string | undefined; review?: boolean | undefined } = {},
) {
  const article = await findArticle(deps.database, caller, id);
  assertIdle(article.status);
  const outline = article.outline;
  const target = parseSectionTarget(section, outline);
  const sections = outline?.sections.length ?? 0;
  if (target === undefined || (typeof target === 'number' && target >= sections)) {
    throw new AppError('not_found', `The article has no section "${section}"`, [
      {
        path: 'section',
        message: sections > 0 ? `must be ${partsHint} (0 to ${sections - 1})` : `must be ${partsHint}`,
      },
    ]);
  }
  if (!article.markdown || !outline)
    throw new AppError('conflict', 'The article has no text yet to regenerate a section of');
  // Refused up front: the job could not place the new text, and nothing should be spent on it.
  const label = targetLabel(target, outline);
  if (!locatePart(article.markdown, outline, target)) {
    const why =
      typeof target === 'number'
        ? `its heading is no longer in the article's text. Restore a version that has it, or put the "## " heading back.`
        : target === 'faq'
          ? 'the article has no FAQ (a "## " part with "### " questions after the body sections).'
          : `it is no longer in the article's text.`;
    throw new AppError('conflict', `"${label}" cannot be regenerated: ${why}`, [
      { path: 'section', message: `"${label}" is not in the text` },
    ]);
  }
  if ((await countStepsNamed(deps.database, id, '#r[0-9]+$')) >= maxRegenerationsPerArticle)
    throw new AppError(
      'conflict',
      `The article was regenerated ${maxRegenerationsPerArticle} times, the most one article keeps: ` +
        'make a copy of it (Duplicate) to go on regenerating.',
    );
  // The new part's text is not known yet: refused only when the workspace stores its bound already.
  await assertStorageRoom(deps.database, deps.config, caller.workspaceId, 0);
  const review = options.review ?? false;
  const step = regenerationStep(target, (await regenerationCount(deps.database, id, target)) + 1);
  const regeneration: StoredRegeneration = {
    target,
    instruction: options.instruction?.trim() || null,
    review,
    state: 'requested',
  };
  // Claimed while the article is as read, before anything else is written: of two requests at once
  // (a double click, two editors) one runs and the other is refused. Both used to pass the checks,
  // then insert the same step (a 500, the article left queued) or overwrite each other's request.
  const claimed = await updateArticleIfUnchanged(deps.database, id, article.updatedAt, {
    status: 'queued',
    error: null,
    // -1: the part around the body sections that `regeneration` names.
    regenerateSection: typeof target === 'number' ? target : -1,
    regeneration,
    finishedAt: null,
  });
  if (!claimed)
    throw new AppError(
      'conflict',
      'The article changed while the regeneration was being asked for (another regeneration or an edit): look again, then retry',
    );
  // Applied at once, the text before is kept as a version now; a proposal keeps it when accepted.
  if (!review) await saveVersion(deps.database, article, 'regenerate', caller.userId);
  await insertStep(deps.database, id, step, regenerationPosition(target));
  await deps.articleEvents.publish(id, 'status', {
    status: 'queued',
    ...(typeof target === 'number' ? { regenerating: target } : {}),
  });
  // Not sent (the queue failed): the article is queued, and the recovery sweep sends its job (job.ts).
  await deps.queue
    .send('article.generate', { articleId: id, workspaceId: article.workspaceId })
    .catch((err: unknown) =>
      deps.logger.warn({ err, articleId: id }, 'regeneration job not sent; the recovery sweep will send it'),
    );
  return { id, status: 'queued' as const };
}

/** The article's proposal waiting for the writer, or a 409 saying there is none. */
function pendingProposal(regeneration: StoredRegeneration | null): {
  target: SectionTarget;
  proposal: RegenerationProposal;
} {
  if (regeneration?.state !== 'proposed' || !regeneration.proposal)
    throw new AppError('conflict', 'There is no regenerated text waiting to be accepted or discarded');
  return { target: regeneration.target, proposal: regeneration.proposal };
}

/** Puts the proposed text into the article (the text before kept as a version). */
export async function acceptRegeneration(deps: ArticleServiceDeps, caller: Caller, id: string) {
  const article = await findArticle(deps.database, caller, id);
  assertIdle(article.status);
  const { target, proposal } = pendingProposal(article.regeneration);
  if (article.markdown !== proposal.baseMarkdown) {
    throw new AppError(
      'conflict',
      `The article was edited after "${targetLabel(target, article.outline)}" was regenerated: ` +
        'discard the proposal and regenerate again to build on the edit.',
    );
  }
  const versionId = await keepVersionBefore(deps, caller, article, {
    markdown: proposal.markdown,
    reason: 'regenerate',
  });
  const accepted = await updateArticleIfUnchanged(
    deps.database,
    article.id,
    article.updatedAt,
    regeneratedFields(article, proposal),
    { whileProposed: true },
  );
  if (!accepted) {
    await dropVersion(deps.database, versionId);
    throw new AppError(
      'conflict',
      'The article was changed, or its proposal discarded, by someone else while accepting; nothing was saved',
    );
  }
  return findArticle(deps.database, caller, id);
}

/** Drops the proposal; the article is unchanged. */
export async function discardRegeneration(deps: ArticleServiceDeps, caller: Caller, id: string) {
  const article = await findArticle(deps.database, caller, id);
  assertIdle(article.status);
  pendingProposal(article.regeneration);
  // Accepted by someone else since it was read: there is nothing to discard any more.
  if (!(await dropProposal(deps.database, id))) pendingProposal(null);
}
