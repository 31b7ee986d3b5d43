// Stage 3: the sections, written concurrently from their sources and streamed live, then the
// intro, conclusion and FAQ, which read the sections.
import { mapBounded } from '../../research/bounded.ts';
import type { Outline } from '../../writing/outline.ts';
import { localToGlobal } from '../../writing/sections.ts';
import { fitQuotes, fullQuoteChars } from '../prompt-budget.ts';
import { conclusionPrompt, faqPrompt, faqSchema, introPrompt, sectionPrompt } from '../prompts.ts';
import { runStep } from '../steps.ts';
import type { ArticleSource } from '../types.ts';
import type { PipelineRun } from './run.ts';
import { sectionSources, wordsPerSection } from './section-sources.ts';
import { sectionStep, stepPositions } from './step-plan.ts';
import { streamSectionText } from './stream-section.ts';

export interface DraftedSection {
  heading: string;
  markdown: string;
  /** Citations of numbers beyond the section's sources, removed from its text. */
  removedCitations?: number;
}

export interface Draft {
  sections: DraftedSection[];
  intro: string;
  conclusion: string;
  faq: Array<{ question: string; answer: string }>;
}

function writeSections(run: PipelineRun, outline: Outline, sources: readonly ArticleSource[]) {
  const { ctx, brief, system } = run;
  const words = wordsPerSection(brief.words, outline.sections.length);
  return mapBounded(outline.sections, run.concurrency, (section, i) =>
    runStep(ctx, sectionStep(i), stepPositions.section + i, async (llm): Promise<DraftedSection> => {
      // Quoted shorter when the model's context is small.
      const build = (maxChars: number) =>
        sectionPrompt({
          brief,
          outline,
          section,
          index: i,
          words,
          sources: sectionSources(section, sources, maxChars),
        });
      const text = await streamSectionText(ctx, llm, sectionStep(i), i, {
        system,
        prompt: build(fullQuoteChars),
        maxOutputTokens: Math.max(600, words * 3),
        fit: (budget) => fitQuotes(budget, system, build),
      });
      // Any citation spelling becomes `[n]`; numbers beyond the section's sources are removed and counted.
      const cited = localToGlobal(text, section.sourceIds);
      return { heading: section.heading, markdown: cited.markdown, removedCitations: cited.removed };
    }),
  );
}

function writeFrame(run: PipelineRun, outline: Outline, bodies: string[]) {
  const { ctx, brief, system } = run;
  return Promise.all([
    runStep(ctx, 'intro', stepPositions.intro, (llm) =>
      streamSectionText(ctx, llm, 'intro', undefined, {
        system,
        prompt: introPrompt(brief, outline, bodies),
      }),
    ),
    runStep(ctx, 'conclusion', stepPositions.conclusion, (llm) =>
      streamSectionText(ctx, llm, 'conclusion', undefined, {
        system,
        prompt: conclusionPrompt(brief, outline, bodies),
      }),
    ),
    outline.faq?.length
      ? runStep(ctx, 'faq', stepPositions.faq, async (llm) => {
          const { object } = await llm.generateObject({
            role: 'writer',
            system,
            prompt: faqPrompt(outline, outline.faq ?? []),
            schema: faqSchema,
            schemaName: 'faq',
          });
          return object.items;
        })
      : Promise.resolve([]),
  ]);
}

export async function draftSections(
  run: PipelineRun,
  outline: Outline,
  sources: readonly ArticleSource[],
): Promise<Draft> {
  const sections = await writeSections(run, outline, sources);
  const [intro, conclusion, faq] = await writeFrame(
    run,
    outline,
    sections.map((s) => s.markdown),
  );
  return { sections, intro, conclusion, faq };
}
