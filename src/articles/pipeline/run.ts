// What every stage of one pipeline run shares.
import type { ArticleBrief } from '../../writing/brief.ts';
import type { RunContext } from '../steps.ts';

export interface PipelineRun {
  ctx: RunContext;
  brief: ArticleBrief;
  /** The writer's system prompt: the brief's voice, and the brand voice it names. */
  system: string;
  /** Sections (and checks) written at once. */
  concurrency: number;
}
