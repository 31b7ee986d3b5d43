// Stage 5: the article assembled from its parts (one citation numbering, the references), saved
// as a partial article while the citation check and the SEO pack — both read the final text — run
// side by side, then rendered and saved whole.
import { analyzeSeo, slugify } from '../../seo/index.ts';
import type { Outline } from '../../writing/outline.ts';
import { renderHtml } from '../../writing/render.ts';
import { remapCitations } from '../../writing/sections.ts';
import { sentenceLocator } from '../../writing/sentence-location.ts';
import { sentenceRevision } from '../../writing/sentence-revision.ts';
import { updateArticle } from '../article-store.ts';
import { checkCitations, needsRevision } from '../checks.ts';
import { composeArticle } from '../compose.ts';
import { seoMetaSchema, seoPrompt } from '../prompts.ts';
import { seoPack } from '../seo-pack.ts';
import { runStep, skipStep } from '../steps.ts';
import type { ArticleSource, CitationCheck, FactCheckClaim, SeoPack } from '../types.ts';
import type { Draft } from './draft-sections.ts';
import type { PipelineRun } from './run.ts';
import type { Checked } from './run-checks.ts';
import { factCheckApplies } from './run-checks.ts';
import { stepPositions } from './step-plan.ts';

/**
 * The claims as the article shows them, each with an id the fact-check actions name it by: their
 * sources and any citation in their text in the final numbering (uncited ones drop out), `revised`
 * on a failed claim whose section the revision rewrote, with what the revision did to its sentence
 * (`revision`), and the sentence of the final article that states it (`sentence`, absent when the
 * revision dropped it or it cannot be found).
 */
export function finalClaims(
  claims: readonly FactCheckClaim[],
  renumber: (n: number) => number | undefined,
  drafted: readonly string[],
  revised: readonly string[],
  markdown = '',
): FactCheckClaim[] {
  const final = (text: string) => remapCitations(text, renumber).markdown;
  const locate = sentenceLocator(markdown);
  return claims.map((c, i) => {
    const rewritten = needsRevision(c) && revised[c.section] !== drafted[c.section];
    const change = rewritten
      ? sentenceRevision(drafted[c.section] ?? '', revised[c.section] ?? '', c.claim)
      : undefined;
    const revision = change ? { before: final(change.before), after: final(change.after) } : undefined;
    const claim = final(c.claim);
    const where =
      revision && !revision.after
        ? null
        : locate(revision ? { sentence: revision.after, claim: revision.after } : { claim });
    return {
      ...c,
      id: `c${i + 1}`,
      claim,
      ...(c.note ? { note: final(c.note) } : {}),
      sources: c.sources.map(renumber).filter((n): n is number => n !== undefined),
      ...(rewritten ? { revised: true } : {}),
      ...(revision ? { revision } : {}),
      ...(where ? { sentence: where.text } : {}),
    };
  });
}

/** Citations to sources that were never given, removed from the text (sections, intro, conclusion). */
export const removedCitations = (sections: ReadonlyArray<{ removedCitations?: number }>, composed: number) =>
  sections.reduce((n, d) => n + (d.removedCitations ?? 0), 0) + composed;

interface Final {
  title: string;
  outline: Outline;
  sources: readonly ArticleSource[];
  draft: Draft;
  checked: Checked;
}

function seoStep(run: PipelineRun, final: Final, markdown: string): Promise<SeoPack | null> {
  const { ctx, brief, system } = run;
  const { title, outline, draft } = final;
  if (!brief.seo) return skipStep(ctx, 'seo', stepPositions.seo, null).then(() => null);
  return runStep(ctx, 'seo', stepPositions.seo, async (llm) => {
    const { object } = await llm.generateObject({
      role: 'planner',
      system,
      prompt: seoPrompt(
        brief,
        title,
        draft.intro,
        outline.sections.map((s) => s.heading),
      ),
      schema: seoMetaSchema,
      schemaName: 'seo_meta',
    });
    return seoPack(markdown, brief, title, object);
  });
}

export async function finalize(run: PipelineRun, final: Final): Promise<void> {
  const { ctx, brief, concurrency } = run;
  const { title, outline, sources, draft, checked } = final;
  const drafted = draft.sections.map((s) => s.markdown);
  const composed = composeArticle(
    {
      title,
      intro: draft.intro,
      sections: outline.sections.map((s, i) => ({ heading: s.heading, markdown: checked.revised[i] ?? '' })),
      conclusion: draft.conclusion,
      faq: draft.faq,
    },
    sources,
  );
  const grounded = sources.length > 0;
  // The checks' steps start first: their model calls are the critical path, and what follows here
  // (the partial article's write, locating its claims, rendering) is done while they are in flight.
  const citationsRun = grounded
    ? runStep(ctx, 'citations', stepPositions.citations, (llm) =>
        checkCitations(llm, composed.markdown, composed.sources, brief.language, concurrency),
      )
    : skipStep(ctx, 'citations', stepPositions.citations, []).then(() => [] as CitationCheck[]);
  const seoRun = seoStep(run, final, composed.markdown);
  // A partial article is visible while the checks run, and stays if they fail. It is written once
  // the first of the two has ended (failed or not): by then both have sent their requests, which
  // its text's search vector (~15 ms of PGlite's thread) would otherwise hold up, and the other is
  // usually still in flight. Its HTML follows, as a failed run's draft has one (draft.ts).
  const noop = () => {};
  const partialSaved = Promise.race([citationsRun, seoRun])
    .then(noop, noop)
    .then(() =>
      updateArticle(ctx.database, ctx.article.id, {
        markdown: composed.markdown,
        sources: composed.sources,
        ...(factCheckApplies(brief.factCheck, sources)
          ? {
              factCheck: {
                claims: finalClaims(
                  checked.claims,
                  composed.renumber,
                  drafted,
                  checked.revised,
                  composed.markdown,
                ),
              },
            }
          : {}),
      }),
    )
    .then(() => updateArticle(ctx.database, ctx.article.id, { html: renderHtml(composed.markdown) }));
  // Awaited below; handled here too, so a failed write is not an unhandled rejection meanwhile.
  partialSaved.catch(noop);
  let checks: [CitationCheck[], SeoPack | null];
  try {
    checks = await Promise.all([citationsRun, seoRun]);
  } catch (err) {
    // A failed check's run ends with the partial article saved, not racing its write.
    await partialSaved.catch(noop);
    throw err;
  }
  await partialSaved;
  const [citations, seo] = checks;

  await runStep(ctx, 'render', stepPositions.render, async () => {
    const wordCount =
      seo?.wordCount ?? analyzeSeo(composed.markdown, { keywords: [], language: brief.language }).wordCount;
    // The text and its HTML are saved already (above): rewriting the unchanged text would cost its
    // search vector again (tens of milliseconds on PGlite) at the end of the run.
    await updateArticle(ctx.database, ctx.article.id, {
      wordCount,
      citations,
      seo,
      slug: seo?.slug ?? slugify(title),
    });
    const removed = removedCitations(draft.sections, composed.removedCitations);
    if (removed > 0)
      ctx.logger.info({ article: ctx.article.id, removedCitations: removed }, 'invalid citations removed');
    return { wordCount, removedCitations: removed };
  });
}
