// What a writer does about the fact check: accept a claim's revision, remove its sentence, mark it
// as checked, or remove a passage flagged as an instruction to a model. An action that changes the
// text keeps the previous text as a version and re-scores it like a hand edit; the claim records who
// did what. A claim whose sentence is no longer where the action needs it is a conflict (409).
import type { AuthContext } from '../accounts/context.ts';
import { AppError } from '../errors.ts';
import { findInstructionLike } from '../writing/instruction-like.ts';
import { removeSpan, replaceSpan } from '../writing/sentence-location.ts';
import { findArticle, updateArticleIfUnchanged } from './article-store.ts';
import { claimId, claimLocation, type Span, sectionSpan } from './claim-view.ts';
import {
  type ArticleServiceDeps,
  assertIdle,
  changedSinceRead,
  editRounds,
  replaceText,
  tryReplaceText,
} from './service.ts';
import type { FactCheckClaim } from './types.ts';

type Caller = Pick<AuthContext, 'workspaceId' | 'userId'>;
export type ClaimAction = 'accept' | 'remove' | 'check';

const done = { accept: 'accepted', remove: 'removed', check: 'checked' } as const;

/** The text after the action, and the claim's sentence in it (undefined when it is gone). */
function edit(
  markdown: string,
  claim: FactCheckClaim,
  action: ClaimAction,
  span: Span,
): { markdown: string; sentence: string | undefined } {
  if (action === 'check') return { markdown, sentence: claim.sentence };
  if (action === 'remove') {
    const at = claim.review?.action === 'removed' ? null : claimLocation(markdown, claim, span);
    if (!at)
      throw new AppError('conflict', 'The claim’s sentence is no longer in the text: nothing to remove');
    return { markdown: removeSpan(markdown, at.start, at.end), sentence: undefined };
  }
  if (!claim.revision)
    throw new AppError(
      'conflict',
      'This claim has no revision to accept: remove its sentence or mark it as checked',
    );
  const { before, after } = claim.revision;
  // The original is in the claim's section (the writer put it back): the revision takes its place.
  const inside = markdown.slice(span.start, span.end).indexOf(before);
  const at = inside < 0 ? -1 : span.start + inside;
  if (at >= 0) {
    const end = at + before.length;
    return {
      markdown: after ? replaceSpan(markdown, at, end, after) : removeSpan(markdown, at, end),
      sentence: after || undefined,
    };
  }
  // Already applied (the pipeline applies revisions): accepting records the review.
  if (!after || markdown.includes(after)) return { markdown, sentence: after || undefined };
  throw new AppError(
    'conflict',
    'Neither the claim’s original sentence nor its revision is in the text any more: edit the text by hand',
  );
}

export async function reviewClaim(
  deps: Pick<ArticleServiceDeps, 'database' | 'config'>,
  caller: Caller,
  id: string,
  claimIdParam: string,
  action: ClaimAction,
) {
  const { database } = deps;
  // The text and the review are one write, made only while the article is as read: reviews of two
  // claims at the same moment each wrote back the claims they had read, and one was lost. A
  // writer that lost the race reads again and applies its action to what is there.
  for (let attempt = 1; ; attempt++) {
    const article = await findArticle(database, caller, id);
    const claims = article.factCheck?.claims ?? [];
    const index = claims.findIndex((c, i) => claimId(c, i) === claimIdParam);
    const claim = claims[index];
    if (!claim) throw new AppError('not_found', `The article has no claim ${claimIdParam}`);
    assertIdle(article.status);
    const span = sectionSpan(article.markdown, article.outline?.sections[claim.section]?.heading);
    const next = edit(article.markdown, claim, action, span);
    const { sentence: _old, ...rest } = claim;
    const reviewed: FactCheckClaim = {
      ...rest,
      id: claimId(claim, index),
      ...(next.sentence ? { sentence: next.sentence } : {}),
      review: { action: done[action], at: new Date().toISOString(), by: caller.userId ?? null },
    };
    const factCheck = { claims: claims.map((c, i) => (i === index ? reviewed : c)) };
    const changed = next.markdown !== article.markdown;
    const saved = changed
      ? await tryReplaceText(deps, caller, article, {
          title: article.title,
          markdown: next.markdown,
          reason: 'edit',
          factCheck,
        })
      : await updateArticleIfUnchanged(database, id, article.updatedAt, { factCheck });
    if (saved) return { row: await findArticle(database, caller, id), changed };
    if (attempt === editRounds) throw await changedSinceRead(deps, caller, id);
  }
}

/**
 * Removes a passage of the text that the detector flags, named by its exact text: every occurrence of
 * it, since a copied instruction is as unwanted the second time.
 */
export async function removeInstructionLike(
  deps: Pick<ArticleServiceDeps, 'database' | 'config'>,
  caller: Caller,
  id: string,
  text: string,
) {
  const { database } = deps;
  const article = await findArticle(database, caller, id);
  assertIdle(article.status);
  const flagged = findInstructionLike(article.markdown).filter((f) => f.text === text);
  if (flagged.length === 0) {
    throw new AppError(
      'conflict',
      article.markdown.includes(text)
        ? 'That passage is not flagged as an instruction to a model'
        : 'That passage is no longer in the text',
      [{ path: 'text', message: 'must be the text of a flagged passage of the current article' }],
    );
  }
  // From the last to the first, so the earlier offsets stay valid.
  const markdown = flagged.reduceRight((md, f) => removeSpan(md, f.start, f.end), article.markdown);
  await replaceText(deps, caller, article, { title: article.title, markdown, reason: 'edit' });
  return findArticle(database, caller, id);
}
