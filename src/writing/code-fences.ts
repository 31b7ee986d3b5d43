// Which lines of Markdown are inside fenced code blocks (the fences themselves included): a `## `
// or `### ` line there is code, not a heading, wherever headings are looked for line by line.

/** A code fence's opening or closing line: up to three spaces, then three or more ` or ~. */
export const fence = /^ {0,3}(`{3,}|~{3,})/;

export function fencedLines(lines: readonly string[]): boolean[] {
  let open: string | undefined;
  return lines.map((line) => {
    const marker = fence.exec(line)?.[1];
    if (open) {
      // Closed by a fence of the same character at least as long (CommonMark).
      if (marker && marker[0] === open[0] && marker.length >= open.length) open = undefined;
      return true;
    }
    if (marker) open = marker;
    return marker !== undefined;
  });
}
