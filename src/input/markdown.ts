// Markdown in a request: storable, not blank or invisible, and within the nesting and emphasis the
// parser can take in bounded time (src/writing/markdown-limits.ts).
import { markdownEmphasisProblem, markdownNestingProblem } from '../writing/markdown-limits.ts';
import { text } from './text.ts';

export const markdownText = (max: number) =>
  text({ max, min: 1, trim: false, visible: true }).superRefine((value, ctx) => {
    const problem = markdownNestingProblem(value) ?? markdownEmphasisProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
