// What every stage of one pipeline run shares.
import type { ArticleBrief } from '../../writing/brief.ts';
import type { GuideMaterial } from '../guide-schema.ts';
import type { RunContext } from '../steps.ts';

export interface PipelineRun {
  ctx: RunContext;
  brief: ArticleBrief;
  /** The writer's system prompt: the brief's voice, and the brand voice it names. */
  system: string;
  /** Sections written at once; each kind of check (fact, citation) runs as many beside them. */
  concurrency: number;
  /** An integration guide's samples, once its spec is read (gather-sources.ts). */
  guide?: GuideMaterial | undefined;
}
