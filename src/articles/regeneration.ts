// A regeneration as the article row keeps it (jsonb `regeneration`): the request the job reads —
// which part, the writer's instruction, whether the result is a proposal to review — and, once the
// job wrote it, the proposal the writer accepts (it replaces the part) or discards (nothing changes).
import { z } from 'zod';
import { sectionTargetSchema } from './section-target.ts';
import type { ArticleSource, CitationCheck } from './types.ts';

/** The writer's instruction is bounded: a sentence or two ("shorter", "add an example"). */
export const maxInstructionChars = 500;

export const regenerationRequestSchema = z.object({
  target: sectionTargetSchema,
  instruction: z.string().max(maxInstructionChars).nullable(),
  /** True: the result waits as a proposal; false: it replaces the part at once (the API's default). */
  review: z.boolean(),
});
export type RegenerationRequest = z.infer<typeof regenerationRequestSchema>;

export interface RegenerationProposal {
  /** The part's text before and as proposed, and their word counts. */
  before: string;
  after: string;
  wordsBefore: number;
  wordsAfter: number;
  /** The whole article as it would be: accepting stores these if the text is still `baseMarkdown`. */
  markdown: string;
  sources: ArticleSource[];
  citations: CitationCheck[];
  /** The article's Markdown the proposal was made from: an edit since makes it stale. */
  baseMarkdown: string;
  createdAt: string;
}

export type StoredRegeneration = RegenerationRequest & {
  state: 'requested' | 'proposed';
  proposal?: RegenerationProposal;
};
