// Putting the written parts together into one Markdown article, with one global citation numbering.

import { withoutTrailing } from '../trailing-run.ts';
import { parseCitations } from './citations.ts';
import { fencedLines } from './code-fences.ts';

export interface ArticleParts {
  title: string;
  intro: string;
  sections: readonly { heading: string; markdown: string }[];
  conclusion: string;
  faq?: readonly { question: string; answer: string }[];
  // The "## References" block from `referenceList`, or '' for an ungrounded article.
  references: string;
  // The conclusion's and the FAQ's headings in the article's language (frame-headings.ts); English
  // when not given.
  labels?: { conclusion?: string; faq?: string };
}

// Models often repeat the section heading and use "#"/"##" inside a section: the body's headings are moved
// below the section's own level so the article keeps one H1 and a clean hierarchy.
export function shiftHeadings(markdown: string, minLevel: number): string {
  const lines = markdown.split('\n');
  const code = fencedLines(lines);
  let shift: number | undefined;
  lines.forEach((line, i) => {
    const heading = !code[i] && /^(#{1,6})\s/.exec(line);
    if (heading) shift = Math.min(shift ?? 6, heading[1]!.length);
  });
  if (shift === undefined || shift >= minLevel) return markdown;
  const by = minLevel - shift;
  return lines
    .map((line, i) =>
      code[i]
        ? line
        : line.replace(/^(#{1,6})(?=\s)/, (hashes) => '#'.repeat(Math.min(6, hashes.length + by))),
    )
    .join('\n');
}

/** A heading as compared: without emphasis and `#` marks, spacing collapsed, lower case. */
export const normalHeading = (heading: string) =>
  heading
    .replace(/[*_`#]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

/**
 * A part's text as it goes under its `## heading`: a first line repeating one of `headings` (the
 * part's own, which models often open with) dropped, and the headings left pushed below `## ` so
 * the part stays one part — a `## ` of its own split it in two for regeneration and the outline.
 * The same whether the part is first written or regenerated.
 */
export function sectionBody(headings: string | readonly string[], markdown: string): string {
  const trimmed = markdown.trim();
  const first = /^#{1,6}\s+(.*)(?:\n|$)/.exec(trimmed);
  const repeated = (typeof headings === 'string' ? [headings] : headings).map(normalHeading);
  const body =
    first && repeated.includes(normalHeading(first[1]!)) ? trimmed.slice(first[0].length) : trimmed;
  return shiftHeadings(body.trim(), 3);
}

/** The introduction as it goes under the title: an opening `# title` or `## Introduction` dropped. */
export const introBody = (title: string, markdown: string) =>
  sectionBody([title, 'Introduction', 'Intro'], markdown);

export function assembleArticle(parts: ArticleParts): string {
  const blocks = [`# ${parts.title.trim()}`, introBody(parts.title, parts.intro)];
  for (const section of parts.sections) {
    blocks.push(`## ${section.heading.trim()}`, sectionBody(section.heading, section.markdown));
  }
  if (parts.conclusion.trim()) {
    const heading = parts.labels?.conclusion ?? 'Conclusion';
    blocks.push(`## ${heading}`, sectionBody(heading, parts.conclusion));
  }
  if (parts.faq && parts.faq.length > 0) {
    blocks.push(`## ${parts.labels?.faq ?? 'Frequently asked questions'}`);
    for (const { question, answer } of parts.faq)
      blocks.push(`### ${question.trim()}`, shiftHeadings(answer.trim(), 4));
  }
  if (parts.references.trim()) blocks.push(parts.references.trim());
  return `${blocks.filter(Boolean).join('\n\n')}\n`;
}

// Rewrites every citation marker, whatever its spelling, through `map` into the canonical `[n]` (one
// bracket per source: `[1, 2]`, `[1-2]`, `【1】` and `(Sources 1 and 2)` all become `[1][2]`); numbers
// that map to nothing are removed (reported distinct in `dropped`, counted in `removed`), a marker
// left with no number disappears. Code is never touched.
export function remapCitations(
  markdown: string,
  map: (n: number) => number | undefined,
): { markdown: string; dropped: number[]; removed: number } {
  const dropped = new Set<number>();
  let removed = 0;
  let result = '';
  let last = 0;
  for (const marker of parseCitations(markdown)) {
    const mapped: number[] = [];
    for (const n of marker.numbers) {
      const target = map(n);
      if (target === undefined) {
        dropped.add(n);
        removed++;
      } else if (!mapped.includes(target)) mapped.push(target);
    }
    let before = markdown.slice(last, marker.offset);
    if (mapped.length === 0) before = withoutTrailing(before, ' \t');
    // `word^2` had no space before the citation; the canonical form keeps one.
    const space = mapped.length > 0 && /\S$/.test(before) && marker.raw.startsWith('^') ? ' ' : '';
    result += before + space + mapped.map((n) => `[${n}]`).join('');
    last = marker.offset + marker.raw.length;
  }
  result += markdown.slice(last);
  return { markdown: result, dropped: [...dropped].sort((a, b) => a - b), removed };
}

/**
 * Every citation spelling to the canonical `[n]`, and numbers outside the sources given (1..sourceCount)
 * removed: `removed` counts them, one per occurrence.
 */
export function normaliseCitations(markdown: string, sourceCount: number) {
  return remapCitations(markdown, (n) => (n >= 1 && n <= sourceCount ? n : undefined));
}

// A section written against its own numbered list (its [1] is the section's first source) cites globally
// once its numbers go through the section's source ids.
export function localToGlobal(markdown: string, sourceIds: readonly number[]) {
  return remapCitations(markdown, (n) => sourceIds[n - 1]);
}

/*
 * Renumbers citations across all parts by first appearance, so the reader sees [1], [2], [3]... in order and
 * one source keeps one number everywhere. `order[k]` is the old number of new number k + 1: reorder the
 * source list with it (sources never cited drop out). Numbers outside 1..sourceCount are dropped.
 */
export function renumberCitations(
  parts: readonly string[],
  sourceCount: number,
): { parts: string[]; order: number[]; dropped: number[]; removed: number } {
  const order: number[] = [];
  const newNumber = new Map<number, number>();
  for (const part of parts) {
    for (const marker of parseCitations(part)) {
      for (const n of marker.numbers) {
        if (n >= 1 && n <= sourceCount && !newNumber.has(n)) {
          order.push(n);
          newNumber.set(n, order.length);
        }
      }
    }
  }
  const dropped = new Set<number>();
  let removed = 0;
  const renumbered = parts.map((part) => {
    const result = remapCitations(part, (n) => newNumber.get(n));
    for (const n of result.dropped) dropped.add(n);
    removed += result.removed;
    return result.markdown;
  });
  return { parts: renumbered, order, dropped: [...dropped].sort((a, b) => a - b), removed };
}
