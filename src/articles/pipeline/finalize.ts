// Stage 5: the article assembled from its parts (one citation numbering, the references), its
// citation check and SEO pack — started on the draft beside the fact check, finished on the final
// text — run side by side while it is saved as a partial article, then rendered and saved whole.
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
import { runStep, StepInputFailedError, skipStep } from '../steps.ts';
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
  /** The fact check and revision, still running when the draft is done. */
  checking: Promise<Checked>;
}

type Composed = ReturnType<typeof composeArticle>;
/** The checks' outcome with the final text it leaves. */
type CheckedText = Checked & { composed: Composed };

function compose(final: Final, bodies: readonly string[]): Composed {
  const { title, outline, sources, draft } = final;
  return composeArticle(
    {
      title,
      intro: draft.intro,
      sections: outline.sections.map((s, i) => ({ heading: s.heading, markdown: bodies[i] ?? '' })),
      conclusion: draft.conclusion,
      faq: draft.faq,
    },
    sources,
  );
}

/**
 * Citation results of one composition in the numbering of another (both number the same gathered
 * sources by first appearance); a result citing a source the other does not cite is dropped.
 */
export function renumberChecks(
  checks: readonly CitationCheck[],
  sourceCount: number,
  from: (n: number) => number | undefined,
  to: (n: number) => number | undefined,
): CitationCheck[] {
  const gathered = new Map<number, number>();
  for (let n = 1; n <= sourceCount; n++) {
    const k = from(n);
    if (k !== undefined) gathered.set(k, n);
  }
  return checks.flatMap((c) => {
    const mapped = c.sources.map((k) => {
      const n = gathered.get(k);
      return n === undefined ? undefined : to(n);
    });
    return mapped.every((k) => k !== undefined) ? [{ ...c, sources: mapped as number[] }] : [];
  });
}

/** A step that reads the checks' outcome stops, pending, when they fail (steps.ts). */
const checksFor = (step: string, checks: Promise<CheckedText>) =>
  checks.catch((err: unknown) => {
    throw new StepInputFailedError(step, err);
  });

/**
 * The citation check starts on the draft as written, beside the fact check, and ends on the final
 * text: when the revision rewrote sentences, only those go to the model again.
 */
function citationsStep(run: PipelineRun, final: Final, drafted: Composed, checks: Promise<CheckedText>) {
  const { ctx, brief, concurrency } = run;
  if (final.sources.length === 0)
    return skipStep(ctx, 'citations', stepPositions.citations, []).then(() => [] as CitationCheck[]);
  return runStep(ctx, 'citations', stepPositions.citations, async (llm) => {
    const first = await checkCitations(llm, drafted.markdown, drafted.sources, brief.language, concurrency);
    const { composed } = await checksFor('citations', checks);
    if (composed.markdown === drafted.markdown) return first;
    const known = renumberChecks(first, final.sources.length, drafted.renumber, composed.renumber);
    return checkCitations(llm, composed.markdown, composed.sources, brief.language, concurrency, known);
  });
}

/** The SEO model call reads the intro and headings (known with the draft); the pack, the final text. */
function seoStep(run: PipelineRun, final: Final, checks: Promise<CheckedText>) {
  const { ctx, brief, system } = run;
  const { title, outline, draft } = final;
  if (!brief.seo) return skipStep(ctx, 'seo', stepPositions.seo, null).then(() => null);
  return runStep(ctx, 'seo', stepPositions.seo, async (llm): Promise<SeoPack> => {
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
    const { composed } = await checksFor('seo', checks);
    return seoPack(composed.markdown, brief, title, object);
  });
}

export async function finalize(run: PipelineRun, final: Final): Promise<void> {
  const { ctx, brief } = run;
  const { title, sources, draft } = final;
  const drafted = draft.sections.map((s) => s.markdown);
  const asDrafted = compose(final, drafted);
  const checks = final.checking.then(
    (checked): CheckedText => ({
      ...checked,
      composed: checked.revised.every((text, i) => text === drafted[i])
        ? asDrafted
        : compose(final, checked.revised),
    }),
  );
  // The citation check and the SEO pack start now, beside the fact check still running; they
  // finish on the text it leaves.
  const citationsRun = citationsStep(run, final, asDrafted, checks);
  const seoRun = seoStep(run, final, checks);
  // A partial article is visible while the checks run, and stays if they fail. It is written once
  // the fact check is done and the first of these two has ended (failed or not): by then both have
  // sent their requests, which its text's search vector (~15 ms of PGlite's thread) would otherwise
  // hold up. Its HTML follows, as a failed run's draft has one (draft.ts).
  const noop = () => {};
  const partialSaved = Promise.race([citationsRun, seoRun])
    .then(noop, noop)
    .then(() => checks)
    .then(async ({ claims, revised, composed }) => {
      await updateArticle(ctx.database, ctx.article.id, {
        markdown: composed.markdown,
        sources: composed.sources,
        ...(factCheckApplies(brief.factCheck, sources)
          ? {
              factCheck: {
                claims: finalClaims(claims, composed.renumber, drafted, revised, composed.markdown),
              },
            }
          : {}),
      });
      await updateArticle(ctx.database, ctx.article.id, { html: renderHtml(composed.markdown) });
    });
  // Awaited below; handled here too, so a failure is not an unhandled rejection meanwhile.
  partialSaved.catch(noop);
  const [checked, citationsDone, seoDone] = await Promise.allSettled([checks, citationsRun, seoRun]);
  // Failed checks fail the run with their own error (the two steps only stopped for it).
  if (checked.status === 'rejected') throw checked.reason;
  if (citationsDone.status === 'rejected' || seoDone.status === 'rejected') {
    // A failed check's run ends with the partial article saved, not racing its write.
    await partialSaved.catch(noop);
    throw citationsDone.status === 'rejected'
      ? citationsDone.reason
      : (seoDone as PromiseRejectedResult).reason;
  }
  await partialSaved;
  const { composed } = checked.value;
  const citations = citationsDone.value;
  const seo = seoDone.value;

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
