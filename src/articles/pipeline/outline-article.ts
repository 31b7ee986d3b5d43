// Stage 2: the outline — title, sections with their sources, FAQ questions — saved on the article
// with the sources, and the steps it implies declared so the run's progress shows them all.
import { slugify } from '../../seo/index.ts';
import { normaliseOutline, type Outline, outlineSchema } from '../../writing/outline.ts';
import { updateArticle } from '../article-store.ts';
import { fitQuotes } from '../prompt-budget.ts';
import { outlinePrompt } from '../prompts.ts';
import { declareSteps } from '../step-store.ts';
import { runStep } from '../steps.ts';
import type { ArticleSource } from '../types.ts';
import type { PipelineRun } from './run.ts';
import { assignSources } from './section-sources.ts';
import { stepPositions, stepsAfterOutline } from './step-plan.ts';

export async function outlineArticle(
  run: PipelineRun,
  sources: ArticleSource[],
): Promise<{ outline: Outline; title: string }> {
  const { ctx, brief, system } = run;
  const outline = await runStep(ctx, 'outline', stepPositions.outline, async (llm) => {
    const { object } = await llm.generateObject({
      role: 'planner',
      system,
      prompt: outlinePrompt(brief, sources),
      // Many sources on a small model: shorter excerpts of each.
      fit: (budget) => fitQuotes(budget, system, (chars) => outlinePrompt(brief, sources, chars / 8), 2400),
      schema: outlineSchema,
      schemaName: 'article_outline',
    });
    return assignSources(normaliseOutline(brief.outline, object), sources);
  });
  const title = brief.title ?? outline.title;
  // Side by side: on PostgreSQL one round trip less before the sections start.
  await Promise.all([
    updateArticle(ctx.database, ctx.article.id, {
      outline,
      title,
      slug: slugify(title),
      grounded: sources.length > 0,
      sources,
    }),
    declareSteps(ctx.database, ctx.article.id, stepsAfterOutline(outline)),
  ]);
  return { outline, title };
}
