// An article has one title: the Markdown's first `# ` heading. The Title field edits that line,
// so the stored title and the heading readers see cannot drift apart.
//
// Read as CommonMark reads an ATX heading: a `#` at the start of the line, then a blank or the
// line's end; a closing run of `#`s is dropped only when a blank comes before it ("# C#" is "C#",
// "# C# #" is "C#", "# #" is empty). Lines inside fenced code blocks are code, not headings.

interface Heading {
  /** Where the heading line starts and ends (its line ending excluded). */
  start: number;
  end: number;
  text: string;
}

const lineBreak = /\r\n|\r|\n/g;
// A fence opens with three or more ` or ~ after up to three spaces; a backtick fence's info string
// has no backtick. It closes with a run of the same character at least as long and nothing after.
const openingFence = /^ {0,3}(`{3,}(?=[^`]*$)|~{3,})/;
const closingFence = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const blank = (c: string | undefined) => c === ' ' || c === '\t';

/** The heading text of a line that is a level-1 ATX heading, or null. */
function h1Text(line: string): string | null {
  if (line[0] !== '#' || (line.length > 1 && !blank(line[1]))) return null;
  // Linear scans, not a regex: a backtracking pattern read a long run of trailing blanks again
  // for each character of the heading, and the field is read on every keystroke.
  let start = 1;
  while (blank(line[start])) start++;
  let end = line.length;
  while (end > start && blank(line[end - 1])) end--;
  let hashes = end;
  while (hashes > start && line[hashes - 1] === '#') hashes--;
  if (hashes < end && (hashes === start || blank(line[hashes - 1]))) {
    end = hashes;
    while (end > start && blank(line[end - 1])) end--;
  }
  return line.slice(start, end);
}

/** The first level-1 ATX heading outside fenced code. */
function firstH1(markdown: string): Heading | null {
  let fence: string | undefined;
  let start = 0;
  lineBreak.lastIndex = 0;
  while (start <= markdown.length) {
    const next = lineBreak.exec(markdown);
    const end = next ? next.index : markdown.length;
    const line = markdown.slice(start, end);
    if (fence) {
      const marker = closingFence.exec(line)?.[1];
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
    } else {
      fence = openingFence.exec(line)?.[1];
      const text = fence ? null : h1Text(line);
      if (text !== null) return { start, end, text };
    }
    if (!next) break;
    start = next.index + next[0].length;
  }
  return null;
}

/** The text of the first level-1 heading, or null when the Markdown has none. */
export function titleOf(markdown: string): string | null {
  return firstH1(markdown)?.text ?? null;
}

/** The Markdown with its first level-1 heading set to `title` (added on top when there is none). */
export function withTitle(markdown: string, title: string): string {
  const line = `# ${title.replace(/\s*\n\s*/g, ' ')}`;
  const heading = firstH1(markdown);
  if (heading) return markdown.slice(0, heading.start) + line + markdown.slice(heading.end);
  return markdown.trim() ? `${line}\n\n${markdown}` : line;
}
