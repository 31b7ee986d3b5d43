// How deeply Markdown may nest before it reaches `marked`. The parser recurses once per nested
// blockquote or list and per emphasis delimiter, so "> " × 5000 or a long run of "*" exhausts the
// call stack (RangeError) or takes seconds. Real articles nest a handful of levels; anything
// beyond these bounds is refused up front (400 for edits, a rejected document for uploads).
export const maxMarkdownNesting = 50;
export const maxDelimiterRun = 64;

const fence = /^ {0,3}(`{3,}|~{3,})/;
const listMarker = /^(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)/;

/** Container depth a line opens: its blockquote and list markers, plus list indentation. */
function lineDepth(line: string): number {
  let i = 0;
  let depth = 0;
  let indent = 0; // whitespace since the last marker
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      indent += c === ' ' ? 1 : 4;
      i += 1;
      continue;
    }
    const marker = c === '>' ? '>' : listMarker.exec(line.slice(i, i + 12))?.[0];
    if (!marker) break;
    // A list indented under another is one level per two columns of indentation.
    depth += 1 + (marker === '>' ? 0 : Math.floor(indent / 2));
    indent = 0;
    i += marker.length;
  }
  return depth;
}

/** Why this Markdown is too deeply nested to parse safely, or undefined when it is fine. */
export function markdownNestingProblem(markdown: string): string | undefined {
  let fenced: string | undefined;
  for (const line of markdown.split('\n')) {
    const open = fence.exec(line)?.[1];
    if (fenced) {
      if (open && open[0] === fenced[0] && open.length >= fenced.length) fenced = undefined;
      continue;
    }
    if (open) {
      fenced = open;
      continue;
    }
    if (lineDepth(line) > maxMarkdownNesting) {
      return `Markdown nests more than ${maxMarkdownNesting} levels of blockquotes or lists`;
    }
  }
  if (new RegExp(`[*_~]{${maxDelimiterRun + 1},}`).test(markdown)) {
    return `Markdown has a run of more than ${maxDelimiterRun} emphasis characters (*, _ or ~)`;
  }
  return undefined;
}
