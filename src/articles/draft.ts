// The partial article of a failed run: whatever parts finished, assembled, so the work is not lost.

import { renderHtml } from '../writing/render.ts';
import { composeArticle } from './compose.ts';
import type { RunContext } from './steps.ts';
import { articleById, updateArticle } from './store.ts';
import type { ArticleSource } from './types.ts';

export async function completedOutputs(
  ctx: Pick<RunContext, 'database' | 'article'>,
): Promise<Map<string, unknown>> {
  const { rows } = await ctx.database.query<{ name: string; output: unknown }>(
    "SELECT name, output FROM article_steps WHERE article_id = $1 AND status IN ('completed', 'skipped')",
    [ctx.article.id],
  );
  return new Map(rows.map((r) => [r.name, r.output]));
}

export async function saveDraft(ctx: Pick<RunContext, 'database' | 'article'>) {
  const article = await articleById(ctx.database, ctx.article.id);
  const outline = article?.outline ?? null;
  if (!article || !outline || article.markdown) return;
  const outputs = await completedOutputs(ctx);
  const sections = outline.sections
    .map((s, i) => ({
      heading: s.heading,
      written: outputs.get(`section:${i}`) as { markdown: string } | undefined,
    }))
    .filter((s) => s.written)
    .map((s) => ({ heading: s.heading, markdown: s.written!.markdown }));
  if (sections.length === 0) return;
  const gathered = outputs.get('gather') as { sources: ArticleSource[] } | undefined;
  const { markdown, sources } = composeArticle(
    {
      title: article.title || outline.title,
      intro: (outputs.get('intro') as string | undefined) ?? '',
      sections,
      conclusion: (outputs.get('conclusion') as string | undefined) ?? '',
    },
    gathered?.sources ?? [],
  );
  await updateArticle(ctx.database, ctx.article.id, { markdown, html: renderHtml(markdown), sources });
}
