// Stage 1: the research plan (the questions the article must answer) and the sources that answer
// them, numbered, each announced as it is kept. An integration guide's spec comes first: its
// overview and operations are sources 1…k, with the samples generated from it (guide-material.ts).
import { AppError } from '../../errors.ts';
import type { GuideBuild } from '../../guides/build-guide.ts';
import { readGuide } from '../../guides/guide-spec.ts';
import { afterPendingIo } from '../../when-idle.ts';
import { type GuideBrief, guideLanguages, guideOf } from '../../writing/brief.ts';
import { guideMaterial, guideSources } from '../guide-material.ts';
import type { GuideMaterial } from '../guide-schema.ts';
import { planPrompt, planQuestionSchema, planQuestionsAtMost, researchPlanSchema } from '../prompts.ts';
import { numberSources, type SourceProvider } from '../sources.ts';
import type { StepOutput } from '../step-outputs.ts';
import { type RunContext, runStep } from '../steps.ts';
import type { ArticleSource } from '../types.ts';
import type { PipelineRun } from './run.ts';
import { stepPositions } from './step-plan.ts';

type GatherOutput = StepOutput<'gather'>;

/** The `source.found` event of a kept source: where it comes from and its excerpt, not its text. */
export function sourceFoundEvent(s: ArticleSource) {
  return {
    n: s.n,
    kind: s.kind,
    title: s.title,
    ...(s.url ? { url: s.url } : {}),
    ...(s.documentId ? { documentId: s.documentId, page: s.page } : {}),
    excerpt: s.excerpt,
  };
}

/** The guide's spec read again for the run: a spec deleted or changed since the brief fails it, saying why. */
async function specOfGuide(ctx: RunContext, guide: GuideBrief): Promise<GuideBuild> {
  const outcome = await readGuide(ctx.database, ctx.article.workspaceId, {
    ...guide,
    languages: guideLanguages(guide),
  });
  if ('guide' in outcome) return outcome.guide;
  throw new AppError(
    'validation_error',
    `The guide's OpenAPI document cannot be used: ${outcome.issues.map((i) => i.message).join('; ')}`,
  );
}

export interface Gathered {
  sources: ArticleSource[];
  /** An integration guide's samples. */
  guide?: GuideMaterial;
}

export async function gatherSources(
  run: PipelineRun,
  providers: SourceProvider[],
  alreadyGathered: boolean,
): Promise<Gathered> {
  const { ctx, brief, system } = run;
  // Given pages are fetched while the plan is made, unless a previous attempt already gathered.
  if (!alreadyGathered) for (const p of providers) p.prepare?.(ctx.signal);
  // The planner's context size (for a local server, a request to its model listing) is looked up
  // while the plan step is recorded rather than after; the gateway keeps it for the plan's call.
  ctx.llm.contextTokens('planner', ctx.article.workspaceId).catch(() => {});

  const find = (questions: string[]) => Promise.all(providers.map((p) => p.find(questions, ctx.signal)));
  // The search starts as soon as the model has answered with the questions, while the plan step is
  // recorded and the gather step started: those statements (on this thread with PGlite, round trips
  // with PostgreSQL) then overlap the search's network waits instead of preceding them. Searching is
  // a read: should the plan not be kept, the run stops and its signal aborts the requests.
  let early: { questions: string[]; found: ReturnType<typeof find> } | undefined;
  // Earlier still, each question the model has moved on from is handed to the providers while it
  // writes the rest of the plan (a web search and its pages take longer than a question's tokens).
  const foresee = (partial: unknown) => {
    const questions = (partial as { questions?: unknown }).questions;
    if (!Array.isArray(questions)) return;
    const finished = questions.slice(0, Math.min(questions.length - 1, planQuestionsAtMost));
    // A question the final plan could hold; the plan is validated as a whole once written.
    for (const question of finished)
      if (planQuestionSchema.safeParse(question).success)
        for (const p of providers) p.foresee?.(question, questions.length, ctx.signal);
  };
  const plan = await runStep(ctx, 'plan', stepPositions.plan, { brief }, async (llm) => {
    const { object } = await llm.generateObject({
      role: 'planner',
      system,
      prompt: planPrompt(brief),
      schema: researchPlanSchema,
      schemaName: 'research_plan',
      ...(!alreadyGathered && providers.some((p) => p.foresee) && { onPartial: foresee }),
    });
    if (!alreadyGathered) {
      const found = find(object.questions);
      // Awaited by the gather step; until then a failure must not count as unhandled.
      found.catch(() => {});
      early = { questions: object.questions, found };
      // The plan step's statements run back to back once this returns: first the searches'
      // connections open and their requests leave. (A timer's turn was not enough: with more than a
      // millisecond's work queued it fired before the poll phase, and a search to a local server
      // went out ~15–20 ms late, after the statements.)
      await afterPendingIo();
    }
    return { questions: object.questions };
  });

  const guide = guideOf(brief);
  const given = { questions: plan.questions, research: brief.research, ...(guide ? { guide } : {}) };
  const gathered = await runStep<GatherOutput>(
    ctx,
    'gather',
    stepPositions.gather,
    given,
    async (_llm, step) => {
      // The search begun for these questions, on the first attempt; a retry searches again.
      const pending = early?.questions === plan.questions ? early.found : find(plan.questions);
      early = undefined;
      // The spec is read while the searches wait on the network.
      const spec = guide ? specOfGuide(ctx, guide) : undefined;
      spec?.catch(() => {});
      const groups = await pending;
      const build = await spec;
      const sources = numberSources(
        build && guide ? [guideSources(build, guide.specDocumentId), ...groups] : groups,
      );
      // With the step's completion, so a retried search announces its sources once.
      step.announce('source.found', sources.map(sourceFoundEvent));
      return {
        questions: plan.questions,
        sources,
        ...(build ? { guide: guideMaterial(build, sources) } : {}),
      };
    },
  );
  if (guide && !gathered.guide)
    throw new Error(
      "The guide's research was stored without its samples (by another version of Blogsmith): start a new guide",
    );
  return { sources: gathered.sources, ...(gathered.guide ? { guide: gathered.guide } : {}) };
}
