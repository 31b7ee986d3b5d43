// The article pipeline: gather sources (plan → gather) → outline → draft (sections and FAQ
// concurrently, then intro/conclusion), with the fact check and the citation check beside it (each
// section as it is written; then the revision) → finalize (SEO started on the draft beside the fact
// check; both checks and SEO finished on the revised text → render). Each stage
// is a file of pipeline/; every step is durable (steps.ts): a run started again after a crash
// returns the stored outputs of finished steps without model calls.
import type { ArticleBrief } from '../writing/brief.ts';
import { brandVoiceById } from './brand-voice-store.ts';
import { startCitationCheck } from './pipeline/citation-step.ts';
import { type Draft, startDraft } from './pipeline/draft-sections.ts';
import { finalText } from './pipeline/final-text.ts';
import { finalize } from './pipeline/finalize.ts';
import { gatherSources } from './pipeline/gather-sources.ts';
import { outlineArticle, saveOutline } from './pipeline/outline-article.ts';
import type { PipelineRun } from './pipeline/run.ts';
import { runChecks } from './pipeline/run-checks.ts';
import { writerSystem } from './prompts.ts';
import { restartUnreadableSteps } from './resume.ts';
import type { SourceProvider } from './sources.ts';
import { isRegenerationStep } from './step-outputs.ts';
import type { RunContext } from './steps.ts';

export interface PipelineOptions {
  /** The article's brief, as the claim of the run read it. */
  brief: ArticleBrief;
  /** Steps a previous run of the article completed, as the claim of this run read them. */
  completedSteps: ReadonlySet<string>;
  /** Sections written at once; each kind of check (fact, citation) runs as many beside them. */
  concurrency: number;
  /** Builds the source providers the brief asks for. */
  sourceProviders(brief: ArticleBrief, ctx: RunContext): SourceProvider[];
}

export async function runArticlePipeline(ctx: RunContext, options: PipelineOptions): Promise<void> {
  const { brief } = options;
  const system = writerSystem(brief, await brandVoiceById(ctx.database, brief.brandVoiceId));
  const base: PipelineRun = { ctx, brief, system, concurrency: options.concurrency };

  // A resumed run first sets back what it cannot read of what an earlier run stored.
  const reopened =
    options.completedSteps.size > 0
      ? await restartUnreadableSteps(ctx, (name) => !isRegenerationStep(name))
      : [];
  const gathered = await gatherSources(
    base,
    options.sourceProviders(brief, ctx),
    options.completedSteps.has('gather') && !reopened.includes('gather'),
  );
  const { sources } = gathered;
  const run = gathered.guide ? { ...base, guide: gathered.guide } : base;
  const outlined = await outlineArticle(run, sources);
  const { outline, title } = outlined;
  const drafting = startDraft(run, outline, sources);
  const checking = runChecks(run, outline.sections, drafting.sections, sources);
  const text = finalText(
    { title, outline, sources, language: brief.language, guide: run.guide },
    drafting.draft,
    checking,
  );
  const citations = startCitationCheck(run, sources, drafting.sections, text);
  const outlineSaved = drafting.underway.then(() => saveOutline(run, outlined, sources));
  // Read later; handled now, so a failure meanwhile is not an unhandled rejection.
  checking.catch(() => {});
  citations.done.catch(() => {});
  outlineSaved.catch(() => {});
  let draft: Draft;
  try {
    draft = await drafting.draft;
  } catch (err) {
    // The checks stop for a failed section (left pending) before the run records its failure; the
    // section's error is the run's. The partial article the run then saves reads the outline.
    await Promise.all([
      checking.catch(() => {}),
      citations.done.catch(() => {}),
      outlineSaved.catch(() => {}),
    ]);
    throw err;
  }
  // Before the final text, which replaces the gathered sources with the cited ones.
  await outlineSaved;
  await finalize(run, { title, outline, sources, draft, text, citations });
}
