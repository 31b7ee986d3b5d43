// Stage 4: the fact check of a grounded article's sections against their sources, and the revision
// of the sections with claims that failed it. Each is skipped (with its neutral output stored) when
// it does not apply.
import { factCheckSections, needsRevision, reviseSections, type SectionForCheck } from '../checks.ts';
import { runStep, skipStep } from '../steps.ts';
import type { ArticleSource, FactCheckClaim } from '../types.ts';
import type { PipelineRun } from './run.ts';
import { stepPositions } from './step-plan.ts';

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

export async function runChecks(
  run: PipelineRun,
  sections: ReadonlyArray<{ sourceIds: number[] }>,
  bodies: string[],
  sources: readonly ArticleSource[],
): Promise<Checked> {
  const { ctx, brief, system, concurrency } = run;
  const forCheck = sectionsForCheck(sections, bodies);
  let claims: FactCheckClaim[] = [];
  if (factCheckApplies(brief.factCheck, sources)) {
    claims = await runStep(ctx, 'factcheck', stepPositions.factcheck, (llm) =>
      factCheckSections(llm, forCheck, sources, concurrency),
    );
  } else {
    await skipStep(ctx, 'factcheck', stepPositions.factcheck, []);
  }
  let revised = bodies;
  if (claims.some(needsRevision)) {
    revised = await runStep(ctx, 'revise', stepPositions.revise, (llm) =>
      reviseSections(llm, system, forCheck, claims, sources, concurrency),
    );
  } else {
    await skipStep(ctx, 'revise', stepPositions.revise, bodies);
  }
  return { claims, revised };
}
