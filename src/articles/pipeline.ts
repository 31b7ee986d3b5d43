// The article pipeline: gather sources (plan → gather) → outline → draft sections (sections
// concurrently, then intro/conclusion/FAQ) → checks (fact check → revision) → finalize (citation
// check and SEO side by side → render). Each stage is a file of pipeline/; every step is durable
// (steps.ts): a run started again after a crash returns the stored outputs of finished steps
// without model calls.
import type { ArticleBrief } from '../writing/brief.ts';
import { brandVoiceById } from './brand-voice-store.ts';
import { draftSections } from './pipeline/draft-sections.ts';
import { finalize } from './pipeline/finalize.ts';
import { gatherSources } from './pipeline/gather-sources.ts';
import { outlineArticle } from './pipeline/outline-article.ts';
import { runChecks } from './pipeline/run-checks.ts';
import { writerSystem } from './prompts.ts';
import type { SourceProvider } from './sources.ts';
import type { RunContext } from './steps.ts';

export interface PipelineOptions {
  /** The article's brief, as the claim of the run read it. */
  brief: ArticleBrief;
  /** Steps a previous run of the article completed, as the claim of this run read them. */
  completedSteps: ReadonlySet<string>;
  /** Sections (and checks) written at once. */
  concurrency: number;
  /** Builds the source providers the brief asks for. */
  sourceProviders(brief: ArticleBrief, ctx: RunContext): SourceProvider[];
}

export async function runArticlePipeline(ctx: RunContext, options: PipelineOptions): Promise<void> {
  const { brief } = options;
  const system = writerSystem(brief, await brandVoiceById(ctx.database, brief.brandVoiceId));
  const run = { ctx, brief, system, concurrency: options.concurrency };

  const sources = await gatherSources(
    run,
    options.sourceProviders(brief, ctx),
    options.completedSteps.has('gather'),
  );
  const { outline, title } = await outlineArticle(run, sources);
  const draft = await draftSections(run, outline, sources);
  const checked = await runChecks(
    run,
    outline.sections,
    draft.sections.map((s) => s.markdown),
    sources,
  );
  await finalize(run, { title, outline, sources, draft, checked });
}
