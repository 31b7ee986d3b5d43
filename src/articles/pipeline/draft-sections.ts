// Stage 3: the sections, written concurrently from their sources and streamed live, with the FAQ
// (which reads only the outline) in the same queue; then the intro and conclusion, which read the
// sections. Each section is handed on as it is written, for its fact check (run-checks.ts).
import { boundedQueue } from '../../bounded.ts';
import type { Outline } from '../../writing/outline.ts';
import { localToGlobal } from '../../writing/sections.ts';
import { fitQuotes, fullQuoteChars } from '../prompt-budget.ts';
import { conclusionPrompt, faqPrompt, faqSchema, introPrompt, sectionPrompt } from '../prompts.ts';
import type { StepOutput } from '../step-outputs.ts';
import { runStep } from '../steps.ts';
import type { ArticleSource } from '../types.ts';
import type { PipelineRun } from './run.ts';
import { sectionSamples, sectionSources, wordsPerSection } from './section-sources.ts';
import { sectionStep, stepPositions } from './step-plan.ts';
import { streamSectionText } from './stream-section.ts';

export type DraftedSection = StepOutput<'section'>;

export interface Draft {
  sections: DraftedSection[];
  intro: string;
  conclusion: string;
  faq: Array<{ question: string; answer: string }>;
}

type FaqItems = Draft['faq'];

function writeSection(
  run: PipelineRun,
  outline: Outline,
  sources: readonly ArticleSource[],
  i: number,
  onAnswer?: () => void,
): Promise<DraftedSection> {
  const { ctx, brief, system } = run;
  const section = outline.sections[i]!;
  const words = wordsPerSection(brief.words, outline.sections.length);
  const given = { ...section, words };
  const samples = run.guide ? sectionSamples(outline, run.guide, sources, i) : undefined;
  return runStep(ctx, sectionStep(i), stepPositions.section + i, given, async (llm) => {
    // Quoted shorter when the model's context is small.
    const build = (maxChars: number) =>
      sectionPrompt({
        brief,
        outline,
        section,
        index: i,
        words,
        sources: sectionSources(section, sources, maxChars),
        ...(samples ? { samples } : {}),
      });
    const text = await streamSectionText(
      ctx,
      llm,
      sectionStep(i),
      i,
      {
        system,
        prompt: build(fullQuoteChars),
        maxOutputTokens: Math.max(600, words * 3),
        fit: (budget) => fitQuotes(budget, system, build),
      },
      onAnswer,
    );
    // Any citation spelling becomes `[n]`; numbers beyond the section's sources are removed and counted.
    const cited = localToGlobal(text, section.sourceIds);
    return { heading: section.heading, markdown: cited.markdown, removedCitations: cited.removed };
  });
}

function writeFaq(run: PipelineRun, outline: Outline): Promise<FaqItems> {
  const { ctx, system } = run;
  return runStep(ctx, 'faq', stepPositions.faq, { questions: outline.faq ?? [] }, async (llm) => {
    const { object } = await llm.generateObject({
      role: 'writer',
      system,
      prompt: faqPrompt(outline, outline.faq ?? []),
      schema: faqSchema,
      schemaName: 'faq',
    });
    return object.items;
  });
}

function writeFrame(run: PipelineRun, outline: Outline, bodies: string[]) {
  const { ctx, brief, system } = run;
  // Written from the sections' texts as their steps stored them.
  const given = { headings: outline.sections.map((s) => s.heading) };
  return Promise.all([
    runStep(ctx, 'intro', stepPositions.intro, given, (llm) =>
      streamSectionText(ctx, llm, 'intro', undefined, {
        system,
        prompt: introPrompt(brief, outline, bodies),
      }),
    ),
    runStep(ctx, 'conclusion', stepPositions.conclusion, given, (llm) =>
      streamSectionText(ctx, llm, 'conclusion', undefined, {
        system,
        prompt: conclusionPrompt(brief, outline, bodies),
      }),
    ),
  ]);
}

export interface Drafting {
  /** Each section, settled as it is written: the fact check reads them as they come. */
  sections: Promise<DraftedSection>[];
  /** The whole draft: the sections, then the intro and conclusion (which read them), and the FAQ. */
  draft: Promise<Draft>;
  /**
   * Settles once each section of the first round has its first text or has ended (a stored one
   * does not stream): every request the draft sends at once is out by then. Never rejects.
   */
  underway: Promise<void>;
}

/**
 * Starts the draft: the sections, at most `concurrency` at once, and the FAQ in the same queue
 * after them — it reads only the outline, so it takes a slot the sections leave free (a last
 * section written alone) instead of waiting for them all; the intro and conclusion once every
 * section is written.
 */
export function startDraft(run: PipelineRun, outline: Outline, sources: readonly ArticleSource[]): Drafting {
  const slot = boundedQueue(run.concurrency);
  const answered = outline.sections.map(() => Promise.withResolvers<void>());
  const sections = outline.sections.map((_, i) =>
    slot(() => writeSection(run, outline, sources, i, answered[i]!.resolve)),
  );
  const firstRound = sections
    .slice(0, run.concurrency)
    .map((section, i) => Promise.race([answered[i]!.promise, section.then(noop, noop)]));
  const faq: Promise<FaqItems> = outline.faq?.length
    ? slot(() => writeFaq(run, outline))
    : Promise.resolve([]);
  const frame = Promise.all(sections).then((written) =>
    writeFrame(
      run,
      outline,
      written.map((s) => s.markdown),
    ),
  );
  // Both are awaited here at once, so a failure of either is handled whichever settles first.
  const draft = Promise.all([Promise.all(sections), frame, faq]).then(
    ([written, [intro, conclusion], items]) => ({ sections: written, intro, conclusion, faq: items }),
  );
  return { sections, draft, underway: Promise.all(firstRound).then(noop) };
}

const noop = () => {};
