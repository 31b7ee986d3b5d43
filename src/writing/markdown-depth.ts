// How deeply Markdown may nest before it reaches `marked`. The parser recurses once per nested
// blockquote or list, so "> " × 5000 exhausts the call stack (RangeError). Real articles nest a
// handful of levels. Edits and uploads beyond this are refused (markdown-limits.ts); text that
// reaches the renderer or the lexer another way (a model's answer, an article stored before) has
// the marker that goes past it escaped: the rest of that line is shown as written.
import { fencedLines } from './code-fences.ts';

export const maxMarkdownNesting = 50;

const listMarker = /^(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)/;

/**
 * Where in the line a backslash escapes the container marker that goes past `maxMarkdownNesting`,
 * or −1. A line's depth is its blockquote and list markers, plus list indentation.
 */
function tooDeepAt(line: string): number {
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
    // A bullet or `>` is escaped by a backslash before it; an ordered marker before its `.` or `)`.
    if (depth > maxMarkdownNesting) return /\d/.test(c!) ? i + marker.length - 1 : i;
    indent = 0;
    i += marker.length;
  }
  return -1;
}

/** Offsets of the markers that nest past the limit, one per line at most (code blocks skipped). */
export function tooDeepLines(markdown: string): number[] {
  const found: number[] = [];
  const lines = markdown.split('\n');
  const code = fencedLines(lines);
  let offset = 0;
  for (const [i, line] of lines.entries()) {
    const lineStart = offset;
    offset += line.length + 1;
    if (code[i]) continue;
    const at = tooDeepAt(line);
    if (at >= 0) found.push(lineStart + at);
  }
  return found;
}

/** The Markdown with each marker that nests past the limit escaped (unchanged when none does). */
export function withinNestingLimit(markdown: string): string {
  const markers = tooDeepLines(markdown);
  if (markers.length === 0) return markdown;
  let out = '';
  let kept = 0;
  for (const at of markers) {
    out += `${markdown.slice(kept, at)}\\`;
    kept = at;
  }
  return out + markdown.slice(kept);
}
