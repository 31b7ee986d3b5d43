// The partial article of a failed run: whatever parts finished, assembled, so the work is not lost.

import type { Outline } from '../writing/outline.ts';
import { renderHtml } from '../writing/render.ts';
import { articleById, updateArticle } from './article-store.ts';
import { composeArticle } from './compose.ts';
import { sectionStep } from './pipeline/step-plan.ts';
import { finishedOutputs } from './step-store.ts';
import type { RunContext } from './steps.ts';
import type { ArticleSource } from './types.ts';

/**
 * The Markdown and numbered sources of the finished parts (`outputs`: stored step outputs by step
 * name), or undefined when no section was written.
 */
export function partialDraft(
  title: string,
  outline: Outline,
  outputs: ReadonlyMap<string, unknown>,
): { markdown: string; sources: ArticleSource[] } | undefined {
  const sections = outline.sections
    .map((s, i) => ({
      heading: s.heading,
      written: outputs.get(sectionStep(i)) as { markdown: string } | undefined,
    }))
    .filter((s) => s.written)
    .map((s) => ({ heading: s.heading, markdown: s.written!.markdown }));
  if (sections.length === 0) return undefined;
  const gathered = outputs.get('gather') as { sources: ArticleSource[] } | undefined;
  const { markdown, sources } = composeArticle(
    {
      title,
      intro: (outputs.get('intro') as string | undefined) ?? '',
      sections,
      conclusion: (outputs.get('conclusion') as string | undefined) ?? '',
    },
    gathered?.sources ?? [],
  );
  return { markdown, sources };
}

export async function saveDraft(ctx: Pick<RunContext, 'database' | 'article'>) {
  const article = await articleById(ctx.database, ctx.article.id);
  const outline = article?.outline ?? null;
  if (!article || !outline || article.markdown) return;
  const outputs = await finishedOutputs(ctx.database, ctx.article.id);
  const draft = partialDraft(article.title || outline.title, outline, outputs);
  if (!draft) return;
  await updateArticle(ctx.database, ctx.article.id, { ...draft, html: renderHtml(draft.markdown) });
}
