// Stage 2: the outline — title, sections with their sources, FAQ questions — and the steps it
// implies, declared so the run's progress shows them all; saved on the article with the sources
// once the sections are under way (saveOutline).
import { slugify } from '../../seo/index.ts';
import { normaliseOutline, type Outline, outlineSchema } from '../../writing/outline.ts';
import { assignOperations } from '../guide-material.ts';
import { fitQuotes } from '../prompt-budget.ts';
import { outlinePrompt } from '../prompts.ts';
import { saveRunArticle } from '../run-article.ts';
import { declareStepsFrom } from '../step-store.ts';
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
  const given = { headings: brief.outline ?? [], sources: sources.map(({ n, title }) => ({ n, title })) };
  const outline = await runStep(ctx, 'outline', stepPositions.outline, given, async (llm) => {
    const { object } = await llm.generateObject({
      role: 'planner',
      system,
      prompt: outlinePrompt(brief, sources),
      // Many sources on a small model: shorter excerpts of each.
      fit: (budget) => fitQuotes(budget, system, (chars) => outlinePrompt(brief, sources, chars / 8), 2400),
      schema: outlineSchema,
      schemaName: 'article_outline',
    });
    const planned = assignSources(normaliseOutline(brief.outline, object), sources);
    // A guide explains every operation it was asked for: each is given to a section.
    return run.guide ? assignOperations(planned, run.guide, sources) : planned;
  });
  // Before the sections start: a client counts the run's steps once their text comes. (A step an
  // earlier outline planned and this one does not is skipped.)
  await declareStepsFrom(ctx.database, ctx.article.id, stepsAfterOutline(outline));
  return { outline, title: brief.title ?? outline.title };
}

/**
 * The outline, title and gathered sources on the article. Nothing of the run reads them back
 * before the final text is saved (which replaces the sources with the cited ones), so this waits
 * until the sections' requests are out: on PGlite its statement (the sources' JSON, several
 * milliseconds) runs on the thread that sends them.
 */
export async function saveOutline(
  run: PipelineRun,
  { outline, title }: { outline: Outline; title: string },
  sources: ArticleSource[],
) {
  await saveRunArticle(run.ctx, 'outline', {
    outline,
    title,
    slug: slugify(title),
    grounded: sources.length > 0,
    sources,
  });
}
