import { fence } from './code-fences.ts';
import { maxMarkdownNesting, tooDeepLines } from './markdown-depth.ts';
import { emphasisReach } from './markdown-lexer.ts';

// A run of more emphasis characters than this is refused in edits and uploads.
export const maxDelimiterRun = 64;

/** Why this Markdown is too deeply nested to parse safely, or undefined when it is fine. */
export function markdownNestingProblem(markdown: string): string | undefined {
  if (tooDeepLines(markdown).length > 0)
    return `Markdown nests more than ${maxMarkdownNesting} levels of blockquotes or lists`;
  if (new RegExp(`[*_~]{${maxDelimiterRun + 1},}`).test(markdown)) {
    return `Markdown has a run of more than ${maxDelimiterRun} emphasis characters (*, _ or ~)`;
  }
  return undefined;
}

// The lexer looks for each `*` or `_` run's closer through at most the next `emphasisReach`
// characters of its paragraph (markdown-lexer.ts): time grows with openers × that reach, ~100 ns
// per unit when `*` and `_` interleave. Real articles stay well below this budget (464 kB of
// emphasis-heavy paragraphs, five openers in each: 7.5 × 10^5); at it one render of a hostile
// text takes ~0.2 s (bench/RESULTS.md "…Markdown that took hours to parse").
export const maxEmphasisWork = 2e6;
const reachPerRun = emphasisReach + 100;

const emphasisRun = /\*+|_+/g;
const punctuation = /[\p{P}\p{S}]/u;
const space = /\s/u;
const alphanumeric = /[\p{L}\p{N}]/u;

/**
 * The runs of `*` or `_` in a line that the lexer may try to open emphasis with, and so search
 * ahead from: followed by a visible character, which is not punctuation unless the run follows a
 * space or punctuation; a `_` run never within a word.
 */
function openers(line: string): number {
  let count = 0;
  for (const run of line.matchAll(emphasisRun)) {
    const before = line[run.index - 1] ?? ' ';
    const after = line[run.index + run[0].length];
    if (after === undefined || space.test(after)) continue;
    if (punctuation.test(after) && !space.test(before) && !punctuation.test(before)) continue;
    if (run[0][0] === '_' && !punctuation.test(after) && alphanumeric.test(before)) continue;
    count++;
  }
  return count;
}
// Lines that always start a new block (and so a new inline run): a heading, a fence or a bullet
// item within three spaces of the margin. Any other line may continue a paragraph (a `>` line
// continues the paragraph of the quote above it), so it is counted with the one before: an
// over-count, never an under-count.
const blockStart = /^ {0,3}(?:#{1,6}(?:[ \t]|$)|`{3,}|~{3,}|[-*+][ \t]+\S)/;

// A GFM table: a header row, then a delimiter row with as many cells; each cell is lexed alone.
// The trailing `|` takes its own spaces: with `\|?[ \t]*$` after a cell's `[ \t]*`, a long run of
// spaces before a character that fails the row was split between the two every way (40 kB: 1.8 s
// in every edit's check).
export const delimiterRow = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*(?:\|[ \t]*)?$/;
const cellCount = (row: string) =>
  row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/).length;

/** Why this Markdown has too many emphasis marks to parse in bounded time, or undefined. */
export function markdownEmphasisProblem(markdown: string): string | undefined {
  let work = 0;
  let runs = 0;
  let length = 0;
  let fenced: string | undefined;
  let inTable = false;
  const endBlock = () => {
    work += runs * Math.min(length, reachPerRun);
    runs = 0;
    length = 0;
  };
  const lines = markdown.split('\n');
  for (const [i, line] of lines.entries()) {
    const open = fence.exec(line)?.[1];
    if (fenced) {
      // Code is not lexed for emphasis.
      if (open && open[0] === fenced[0] && open.length >= fenced.length) fenced = undefined;
      continue;
    }
    if (open) {
      endBlock();
      fenced = open;
      inTable = false;
      continue;
    }
    const blank = line.trim() === '';
    if (blank || blockStart.test(line)) {
      endBlock();
      inTable = false;
    }
    const next = lines[i + 1];
    if (
      !inTable &&
      next !== undefined &&
      /^ {0,3}[^ ]/.test(line) &&
      !blockStart.test(line) &&
      line.includes('|') &&
      delimiterRow.test(next)
    )
      inTable = cellCount(line) === cellCount(next);
    // A table's rows are lexed one cell at a time: each row is a block of its own.
    if (inTable) endBlock();
    runs += openers(line);
    length += line.length + 1;
  }
  endBlock();
  if (work > maxEmphasisWork)
    return 'Markdown has too many emphasis marks (* and _) in its paragraphs to parse: split long paragraphs or escape the marks (\\*, \\_)';
  return undefined;
}
