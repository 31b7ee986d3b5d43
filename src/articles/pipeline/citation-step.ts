// The citation check: each section's cited sentences go to the checker as soon as that section is
// written, beside the sections, frame and fact check still running; once the draft is composed only
// what no section held (the intro, conclusion and FAQ answers) is sent; and when the revision rewrote
// sentences, only those are sent again for the final text. Results carry from one numbering to the
// next by sentence and sources (renumberChecks), so no sentence is judged twice. A section's pass
// asks only for the model's verdicts: the lexical scores (tens of milliseconds of this thread for an
// article) are computed once, for the composed draft, not at the section hand-overs they would delay.
import { boundedQueue } from '../../bounded.ts';
import { idleMoment } from '../../when-idle.ts';
import { checkCitations, type JudgedSentence, judgeCitations } from '../checks.ts';
import { runStep, StepInputFailedError, skipStep } from '../steps.ts';
import type { ArticleSource, CitationCheck } from '../types.ts';
import type { DraftedSection } from './draft-sections.ts';
import type { FinalText } from './final-text.ts';
import type { PipelineRun } from './run.ts';
import { stepPositions } from './step-plan.ts';

/**
 * Citation results of one composition in the numbering of another (both number the same gathered
 * sources by first appearance); a result citing a source the other does not cite is dropped.
 */
export function renumberChecks<C extends JudgedSentence>(
  checks: readonly C[],
  sourceCount: number,
  from: (n: number) => number | undefined,
  to: (n: number) => number | undefined,
): C[] {
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

/** Sections cite the gathered sources by their own numbers. */
const gatheredNumbering = (n: number) => n;

export interface CitationCheckRun {
  /** The final text's results; rejects when the step fails or stops. */
  done: Promise<CitationCheck[]>;
  /**
   * Settles once the composed draft has been judged (its requests answered), or the step was skipped
   * or stopped before that: the final save waits for it. Never rejects.
   */
  draftJudged: Promise<void>;
}

/**
 * Started with the draft; the step itself starts with the first section written (not at all when
 * that one failed). A section, the frame or the fact check failing stops it, pending (steps.ts).
 */
export function startCitationCheck(
  run: PipelineRun,
  sources: readonly ArticleSource[],
  sections: ReadonlyArray<Promise<DraftedSection>>,
  text: FinalText,
): CitationCheckRun {
  const judged = Promise.withResolvers<void>();
  const done = citationStep(run, sources, sections, text, judged.resolve);
  const settled = () => judged.resolve();
  done.then(settled, settled);
  return { done, draftJudged: judged.promise };
}

async function citationStep(
  run: PipelineRun,
  sources: readonly ArticleSource[],
  sections: ReadonlyArray<Promise<DraftedSection>>,
  text: FinalText,
  draftJudged: () => void,
): Promise<CitationCheck[]> {
  const { ctx, brief, concurrency } = run;
  if (sources.length === 0) {
    await text.asDrafted;
    await skipStep(ctx, 'citations', stepPositions.citations, []);
    return [];
  }
  if (sections.length) await Promise.race(sections);
  const inputFailed = (err: unknown): never => {
    throw new StepInputFailedError('citations', err);
  };
  // The final text: the sections, revised, with the intro and conclusion.
  const given = { sources: sources.length, sections: sections.length };
  return runStep(ctx, 'citations', stepPositions.citations, given, async (llm) => {
    const slot = boundedQueue(concurrency);
    const bySection = sections.map((section) =>
      section.then(
        // After the section's fact check has sent its request (the longer call of the two, so the
        // one the article waits for): both built at once doubled the section's hand-over.
        async ({ markdown }) => {
          await idleMoment({ quietMs: 3, maxWaitMs: 100 });
          return slot(() => judgeCitations(llm, markdown, sources, 1));
        },
        inputFailed,
      ),
    );
    // Every section's check settles before the step ends either way: a failed attempt's calls are
    // metered with it, and none is left running behind a stopped step.
    const checked = await Promise.allSettled(bySection);
    const failed = checked.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const draft = await text.asDrafted.catch(inputFailed);
    const sectionResults = checked.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    const first = await checkCitations(
      llm,
      draft.markdown,
      draft.sources,
      brief.language,
      concurrency,
      renumberChecks(sectionResults, sources.length, gatheredNumbering, draft.renumber),
    );
    draftJudged();
    const { composed } = await text.checked.catch(inputFailed);
    if (composed.markdown === draft.markdown) return first;
    const known = renumberChecks(first, sources.length, draft.renumber, composed.renumber);
    return checkCitations(llm, composed.markdown, composed.sources, brief.language, concurrency, known);
  });
}
