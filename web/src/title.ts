// An article has one title: the Markdown's first `# ` heading. The Title field edits that line,
// so the stored title and the heading readers see cannot drift apart.

const h1 = /^#[ \t]+(.*?)[ \t#]*$/m;

/** The text of the first level-1 heading, or null when the Markdown has none. */
export function titleOf(markdown: string): string | null {
  const m = h1.exec(markdown);
  return m ? m[1]!.trim() : null;
}

/** The Markdown with its first level-1 heading set to `title` (added on top when there is none). */
export function withTitle(markdown: string, title: string): string {
  const line = `# ${title.replace(/\s*\n\s*/g, ' ')}`;
  if (h1.test(markdown)) return markdown.replace(h1, line);
  return markdown.trim() ? `${line}\n\n${markdown}` : line;
}
