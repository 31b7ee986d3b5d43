// Markdown in a request: storable, not blank or invisible, and within the nesting the parser can
// take (src/writing/markdown-limits.ts).
import { markdownNestingProblem } from '../writing/markdown-limits.ts';
import { text } from './text.ts';

export const markdownText = (max: number) =>
  text({ max, min: 1, trim: false, visible: true }).superRefine((value, ctx) => {
    const problem = markdownNestingProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
