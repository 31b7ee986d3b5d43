// Stage 4: the fact check of a grounded article's sections against their sources, and the revision
// of the sections with claims that failed it. The fact check starts with the first section written
// and checks each section as soon as it is written, beside the sections, FAQ, intro and conclusion
// still being written; the revision follows it, beside whatever of those is left. Each is skipped
// (with its neutral output stored) when it does not apply.
import { factCheckSections, needsRevision, reviseSections, type SectionForCheck } from '../checks.ts';
import { runStep, StepInputFailedError, skipStep } from '../steps.ts';
import type { ArticleSource, FactCheckClaim } from '../types.ts';
import type { PipelineRun } from './run.ts';
import { sectionStep, stepPositions } from './step-plan.ts';

export interface Checked {
  claims: FactCheckClaim[];
  /** Every section's text after the revision (the drafted text where nothing was revised). */
  revised: string[];
}

/** Whether the brief asks for a fact check and there is anything to check against. */
export const factCheckApplies = (factCheck: boolean, sources: readonly unknown[]) =>
  factCheck && sources.length > 0;

export function sectionsForCheck(
  sections: ReadonlyArray<{ sourceIds: number[] }>,
  bodies: readonly string[],
): SectionForCheck[] {
  return sections.map((s, i) => ({ index: i, markdown: bodies[i] ?? '', sourceIds: s.sourceIds }));
}

/**
 * `drafted` holds each section's text as it is written. A section that fails fails this too: with
 * its own error before the fact check has started, and with StepInputFailedError (the fact check
 * left pending) after.
 */
export async function runChecks(
  run: PipelineRun,
  sections: ReadonlyArray<{ sourceIds: number[] }>,
  drafted: ReadonlyArray<Promise<{ markdown: string }>>,
  sources: readonly ArticleSource[],
): Promise<Checked> {
  const { ctx, brief, system, concurrency } = run;
  const applies = factCheckApplies(brief.factCheck, sources);
  let claims: FactCheckClaim[] = [];
  if (applies) {
    // Started by the first section written (not at all when it failed).
    if (drafted.length) await Promise.race(drafted);
    // Each section's text as its step stores it, checked against the sources it may cite.
    const given = { sections: sections.map((s, i) => ({ step: sectionStep(i), sourceIds: s.sourceIds })) };
    claims = await runStep(ctx, 'factcheck', stepPositions.factcheck, given, (llm) =>
      factCheckSections(
        llm,
        drafted.map((section, i) =>
          section.then(
            ({ markdown }) => ({ index: i, markdown, sourceIds: sections[i]?.sourceIds ?? [] }),
            (err: unknown) => {
              throw new StepInputFailedError('factcheck', err);
            },
          ),
        ),
        sources,
        concurrency,
      ),
    );
  }
  const bodies = (await Promise.all(drafted)).map((s) => s.markdown);
  if (!applies) await skipStep(ctx, 'factcheck', stepPositions.factcheck, []);
  const forCheck = sectionsForCheck(sections, bodies);
  let revised = bodies;
  if (claims.some(needsRevision)) {
    const revising = {
      claims: claims.filter(needsRevision).map(({ claim, verdict }) => ({ claim, verdict })),
    };
    revised = await runStep(ctx, 'revise', stepPositions.revise, revising, (llm) =>
      reviseSections(llm, system, forCheck, claims, sources, concurrency),
    );
  } else {
    // Nothing revised: the sections stand as their own steps stored them (not stored again here,
    // ~9 kB of text a 1,500-word article that nothing reads back).
    await skipStep(ctx, 'revise', stepPositions.revise);
  }
  return { claims, revised };
}
