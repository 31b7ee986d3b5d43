// Stage 5: the article assembled from its parts (one citation numbering, the references), its
// citation check (started with the first section written, citation-step.ts) and SEO pack — started
// on the draft beside the fact check, finished on the final text — run side by side while it is
// saved as a partial article, then rendered and saved whole.
import { analyzeSeo, slugify } from '../../seo/index.ts';
import { whenIdle } from '../../when-idle.ts';
import type { Outline } from '../../writing/outline.ts';
import { renderHtml } from '../../writing/render.ts';
import { remapCitations } from '../../writing/sections.ts';
import { type SentenceLocator, sentenceLocator } from '../../writing/sentence-location.ts';
import { sentenceRevision } from '../../writing/sentence-revision.ts';
import { needsRevision } from '../checks.ts';
import { seoMetaSchema, seoPrompt } from '../prompts.ts';
import { saveRunArticle } from '../run-article.ts';
import { seoPack } from '../seo-pack.ts';
import { RunSupersededError, runStep, StepInputFailedError, skipStep } from '../steps.ts';
import type { ArticleSource, FactCheckClaim, SeoPack } from '../types.ts';
import type { CitationCheckRun } from './citation-step.ts';
import type { Draft } from './draft-sections.ts';
import type { CheckedText, Composed, FinalText } from './final-text.ts';
import type { PipelineRun } from './run.ts';
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
  /** A locator of `markdown` built before, e.g. while the fact check was still running. */
  locate: SentenceLocator = sentenceLocator(markdown),
): FactCheckClaim[] {
  const final = (text: string) => remapCitations(text, renumber).markdown;
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
  /** The draft as composed, and the text the fact check and revision (still running) leave. */
  text: FinalText;
  /** The citation check, started with the first section written. */
  citations: CitationCheckRun;
}

/** A step that reads the checks' outcome stops, pending, when they fail (steps.ts). */
const checksFor = (step: string, checks: Promise<CheckedText>) =>
  checks.catch((err: unknown) => {
    throw new StepInputFailedError(step, err);
  });

/**
 * `make(draft)`, made from the draft as composed once this thread idles (a model call in flight),
 * unless `stop()` came first: `of(text)` is it when the final text is that draft (the revision
 * changed nothing), so that work is not between the last check's answer and the end of the run.
 */
function madeFromDraft<R>(asDrafted: Promise<Composed>, make: (draft: Composed) => R) {
  let wanted = true;
  let made: { text: Composed; value: R } | undefined;
  void asDrafted.then(
    (text) =>
      whenIdle(() => {
        if (wanted) made = { text, value: make(text) };
      }),
    () => {},
  );
  return {
    stop: () => {
      wanted = false;
    },
    of: (text: Composed) => (made?.text === text ? made.value : undefined),
  };
}

/**
 * The SEO model call reads the intro and headings (known with the draft); the pack, the final text.
 * `asked` settles once the call has been answered (or the step skipped or failed before it); never rejects.
 */
function seoStep(run: PipelineRun, final: Final, checks: Promise<CheckedText>) {
  const { ctx, brief, system } = run;
  const { title, outline, draft } = final;
  const asked = Promise.withResolvers<void>();
  const given = { title, keywords: brief.keywords };
  const done = brief.seo
    ? runStep(ctx, 'seo', stepPositions.seo, given, async (llm): Promise<SeoPack> => {
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
        asked.resolve();
        // The pack of the draft as written (~8 ms of this thread for 1,500 words) is made while the
        // thread waits on the fact check, not after it.
        const early = madeFromDraft(final.text.asDrafted, (text) =>
          seoPack(text.markdown, brief, title, object),
        );
        const { composed } = await checksFor('seo', checks).finally(early.stop);
        return early.of(composed) ?? seoPack(composed.markdown, brief, title, object);
      })
    : skipStep(ctx, 'seo', stepPositions.seo, null).then(() => null);
  const settled = () => asked.resolve();
  done.then(settled, settled);
  return { done, asked: asked.promise };
}

export async function finalize(run: PipelineRun, final: Final): Promise<void> {
  const { ctx, brief } = run;
  const { title, sources, draft } = final;
  const drafted = draft.sections.map((s) => s.markdown);
  const checks = final.text.checked;
  const citationsRun = final.citations.done;
  // The SEO pack starts now, beside the fact check still running; it finishes on the text it leaves.
  const seoStarted = seoStep(run, final, checks);
  const seoRun = seoStarted.done;
  // A partial article is visible while the checks run, and stays if they fail: the draft as
  // composed, written once the SEO call or the citation check of the draft has been answered — by
  // then the requests sent with the draft are out, which its text's search vector (~15 ms of
  // PGlite's thread) would otherwise hold up — and usually before the fact check ends, so that cost
  // is not at the end of the run. Its HTML follows, as a failed run's draft has one (draft.ts). The
  // revised text, if the revision changed it, follows the checks with the fact check's claims;
  // otherwise the claims go with the rest of the final save (the render step: one statement fewer
  // at the end of the run), or alone when the citation check or the SEO pack failed.
  const noop = () => {};
  // The claims are found in the final text: its sentences are indexed while the last fact checks
  // are in flight (~3 ms of this thread).
  const locator = madeFromDraft(final.text.asDrafted, ({ markdown }) =>
    sentenceLocator(markdown, { indexNow: true }),
  );
  if (!factCheckApplies(brief.factCheck, sources)) locator.stop();
  const draftSaved = Promise.race([seoStarted.asked, final.citations.draftJudged])
    .then(() => final.text.asDrafted)
    .then(async (asDrafted) => {
      await saveRunArticle(ctx, 'render', {
        markdown: asDrafted.markdown,
        sources: asDrafted.sources,
      });
      await saveRunArticle(ctx, 'render', { html: renderHtml(asDrafted.markdown) });
      return asDrafted;
    });
  /** The checks' outcome saved; resolves to the claims still to be written (none when saved). */
  const checkedSave = Promise.all([draftSaved, checks]).then(
    async ([asDrafted, { claims, revised, composed }]) => {
      locator.stop();
      const changed = composed.markdown !== asDrafted.markdown;
      const factCheck = factCheckApplies(brief.factCheck, sources)
        ? {
            claims: finalClaims(
              claims,
              composed.renumber,
              drafted,
              revised,
              composed.markdown,
              locator.of(composed),
            ),
          }
        : undefined;
      if (!changed) return factCheck;
      await saveRunArticle(ctx, 'render', {
        markdown: composed.markdown,
        sources: composed.sources,
        ...(factCheck ? { factCheck } : {}),
      });
      await saveRunArticle(ctx, 'render', { html: renderHtml(composed.markdown) });
      return undefined;
    },
  );
  // Awaited below; handled here too, so a failure is not an unhandled rejection meanwhile.
  draftSaved.catch(noop);
  checkedSave.catch(noop);
  const [checked, citationsDone, seoDone] = await Promise.allSettled([checks, citationsRun, seoRun]);
  // Failed checks fail the run with their own error (the two steps only stopped for it), once the
  // draft's save is done: the failed run saves its own partial article (draft.ts), not racing it.
  if (checked.status === 'rejected') {
    await draftSaved.catch(noop);
    throw checked.reason;
  }
  if (citationsDone.status === 'rejected' || seoDone.status === 'rejected') {
    // A failed check's run ends with the partial article saved, not racing its write.
    await checkedSave
      .then((factCheck) => factCheck && saveRunArticle(ctx, 'render', { factCheck }))
      .catch(noop);
    throw citationsDone.status === 'rejected'
      ? citationsDone.reason
      : (seoDone as PromiseRejectedResult).reason;
  }
  const factCheck = await checkedSave;
  const { composed } = checked.value;
  const citations = citationsDone.value;
  const seo = seoDone.value;

  const render = runStep(ctx, 'render', stepPositions.render, { title }, async () => {
    const wordCount =
      seo?.wordCount ?? analyzeSeo(composed.markdown, { keywords: [], language: brief.language }).wordCount;
    // The text and its HTML are saved already (above): rewriting the unchanged text would cost its
    // search vector again (tens of milliseconds on PGlite) at the end of the run.
    await saveRunArticle(ctx, 'render', {
      wordCount,
      citations,
      seo,
      slug: seo?.slug ?? slugify(title),
      ...(factCheck ? { factCheck } : {}),
    });
    const removed = removedCitations(draft.sections, composed.removedCitations);
    if (removed > 0)
      ctx.logger.info({ article: ctx.article.id, removedCitations: removed }, 'invalid citations removed');
    return { wordCount, removedCitations: removed };
  });
  // A failed run keeps the fact check it did; a superseded or stopped one writes nothing more.
  await render.catch(async (err: unknown) => {
    if (factCheck && !(err instanceof RunSupersededError) && !ctx.signal.aborted)
      await saveRunArticle(ctx, 'render', { factCheck }).catch(noop);
    throw err;
  });
}
