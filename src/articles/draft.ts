// The partial article of a failed run: whatever parts finished, assembled, so the work is not lost.

import type { Outline } from '../writing/outline.ts';
import { renderHtml } from '../writing/render.ts';
import { articleById } from './article-store.ts';
import { composeArticle } from './compose.ts';
import { guidedDraft } from './guide-material.ts';
import { sectionStep } from './pipeline/step-plan.ts';
import { saveRunArticle } from './run-article.ts';
import { stepOutputSchemas, storedOutput } from './step-outputs.ts';
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
  /** The brief's language, which the frame headings are written in. */
  language?: string,
): { markdown: string; sources: ArticleSource[] } | undefined {
  const written = outline.sections.flatMap((s, i) => {
    const output = storedOutput(outputs, sectionStep(i), stepOutputSchemas.section);
    return output ? [{ entry: s, section: { heading: s.heading, markdown: output.markdown } }] : [];
  });
  if (written.length === 0) return undefined;
  const text = (name: 'intro' | 'conclusion') => storedOutput(outputs, name, stepOutputSchemas[name]) ?? '';
  const gathered = storedOutput(outputs, 'gather', stepOutputSchemas.gather);
  const parts = {
    title,
    intro: text('intro'),
    sections: written.map((w) => w.section),
    conclusion: text('conclusion'),
  };
  // A guide's samples go in the sections written; those of the others, in the last one written.
  const { markdown, sources } = composeArticle(
    gathered?.guide
      ? guidedDraft(
          parts,
          written.map((w) => w.entry),
          gathered.guide,
        )
      : parts,
    gathered?.sources ?? [],
    language,
  );
  return { markdown, sources };
}

export async function saveDraft(ctx: Pick<RunContext, 'database' | 'article' | 'leaseOwner' | 'signal'>) {
  const article = await articleById(ctx.database, ctx.article.id);
  const outline = article?.outline ?? null;
  if (!article || !outline || article.markdown) return;
  const outputs = await finishedOutputs(ctx.database, ctx.article.id);
  const draft = partialDraft(article.title || outline.title, outline, outputs, article.brief.language);
  if (!draft) return;
  await saveRunArticle(ctx, 'draft', { ...draft, html: renderHtml(draft.markdown) });
}
