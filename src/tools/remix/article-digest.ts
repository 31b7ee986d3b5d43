// An article as a remix reads it: its text without the references list and citation markers (a
// post or a slide has no [3]), and — when the model's context cannot take all of it — condensed:
// every heading kept, each section's text cut at a sentence end to its share of the room, so a
// 5,000-word guide still gives the model its whole structure. Linear in the text.
import { parseCitations, withoutReferences } from '../../writing/citations.ts';
import { shorten } from '../limits.ts';

/** The article's Markdown without its references and citation markers. */
export function remixSource(markdown: string): string {
  const body = withoutReferences(markdown);
  let out = '';
  let kept = 0;
  for (const marker of parseCitations(body)) {
    out += body.slice(kept, marker.offset).trimEnd();
    kept = marker.offset + marker.raw.length;
  }
  out += body.slice(kept);
  return out
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

interface Section {
  heading: string | undefined;
  body: string;
}

function sectionsOf(markdown: string): Section[] {
  const sections: Section[] = [{ heading: undefined, body: '' }];
  for (const line of markdown.split('\n')) {
    if (/^#{1,6}\s/.test(line)) sections.push({ heading: line, body: '' });
    else sections.at(-1)!.body += `${line}\n`;
  }
  return sections
    .map((s) => ({ heading: s.heading, body: s.body.trim() }))
    .filter((s) => s.heading !== undefined || s.body);
}

/** `markdown` in at most about `maxChars`: whole when it fits, else every heading and a share of each section. */
export function condense(markdown: string, maxChars: number): string {
  if (markdown.length <= maxChars) return markdown;
  const sections = sectionsOf(markdown);
  const headings = sections.reduce((n, s) => n + (s.heading?.length ?? 0) + 4, 0);
  const bodies = sections.reduce((n, s) => n + s.body.length, 0);
  const room = maxChars - headings;
  // Too little room for the headings and a sentence each: the start of the text, cut.
  if (room < sections.length * 80 || bodies === 0)
    return shorten(markdown, { max: maxChars, unit: 'characters', ellipsis: true });
  return sections
    .map((s) => {
      const share = Math.floor((room * s.body.length) / bodies);
      const body =
        s.body && share > 0 ? shorten(s.body, { max: share, unit: 'characters', ellipsis: true }) : '';
      return [s.heading, body].filter(Boolean).join('\n\n');
    })
    .join('\n\n');
}
