// What the fact-check panel shows beyond the stored claims: where each claim's sentence is in the
// text as it is now (found again by its text, so hand edits never leave a stale offset), and the
// instruction-like passages of the article and its sources that a writer should review.
import { findInstructionLike } from '../writing/instruction-like.ts';
import { normalHeading } from '../writing/sections.ts';
import { type SentenceLocator, sentenceLocator } from '../writing/sentence-location.ts';
import { headedLines } from './section-target.ts';
import type { ArticleSource, ClaimView, FactCheckClaim, InstructionFlag } from './types.ts';

/** Older articles stored no ids: a claim's id is its place in the list, which never changes. */
export const claimId = (claim: FactCheckClaim, index: number) => claim.id ?? `c${index + 1}`;

export interface Span {
  start: number;
  end: number;
}

/**
 * Where a claim's section is in the text: from its `## heading` to the next `## `; the whole text
 * for the intro/conclusion (-1) or when an edit removed the heading. The same sentence can occur in
 * two sections; the claim's own comes first.
 */
export function sectionSpan(markdown: string, heading: string | undefined): Span {
  const whole = { start: 0, end: markdown.length };
  if (!heading) return whole;
  // A `## ` line in a code block is code, not the next section (headedLines).
  const { lines, h2 } = headedLines(markdown);
  const i = h2.findIndex((line) => normalHeading(lines[line]!.slice(3)) === normalHeading(heading));
  if (i < 0) return whole;
  const offsetOf = (line: number) => lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0);
  const next = h2[i + 1];
  return { start: offsetOf(h2[i]!), end: next === undefined ? markdown.length : offsetOf(next) };
}

/** The first occurrence of `text` inside the span, else anywhere; -1 when none. */
export function indexNear(markdown: string, text: string, span: Span): number {
  const inside = markdown.slice(span.start, span.end).indexOf(text);
  return inside >= 0 ? span.start + inside : markdown.indexOf(text);
}

/** Sentence locators of one text's spans, each built once however many claims it is asked for. */
export function spanLocators(markdown: string): (span: Span) => SentenceLocator {
  const built = new Map<string, SentenceLocator>();
  return (span) => {
    const key = `${span.start}:${span.end}`;
    let locator = built.get(key);
    if (!locator) {
      locator = sentenceLocator(markdown.slice(span.start, span.end));
      built.set(key, locator);
    }
    return locator;
  };
}

export function claimLocation(
  markdown: string,
  c: FactCheckClaim,
  span: Span = { start: 0, end: markdown.length },
  locators = spanLocators(markdown),
) {
  // The revision dropped the sentence: it is only there again if the writer put the original back.
  if (c.revision && !c.revision.after && !c.sentence) {
    const at = indexNear(markdown, c.revision.before, span);
    return at < 0 ? null : { text: c.revision.before, start: at, end: at + c.revision.before.length };
  }
  const want = { ...(c.sentence ? { sentence: c.sentence } : {}), claim: c.claim };
  const inSection = locators(span)(want);
  if (inSection)
    return { text: inSection.text, start: span.start + inSection.start, end: span.start + inSection.end };
  return locators({ start: 0, end: markdown.length })(want);
}

export function claimViews(
  markdown: string,
  claims: readonly FactCheckClaim[],
  headings: readonly string[] = [],
): ClaimView[] {
  const locators = spanLocators(markdown);
  return claims.map((c, i) => ({
    ...c,
    id: claimId(c, i),
    location:
      c.review?.action === 'removed'
        ? null
        : claimLocation(markdown, c, sectionSpan(markdown, headings[c.section]), locators),
  }));
}

// A source's hostile passage is shown so the writer knows which source tried; a few are enough.
const perSource = 3;
const maxChars = 300;
// More than any article a writer reviews passage by passage; an edit of thousands of such lines
// made every read of the article megabytes and seconds. The export's count is of all of them.
const inArticleAtMost = 500;

export function instructionFlags(markdown: string, sources: readonly ArticleSource[]): InstructionFlag[] {
  const inArticle: InstructionFlag[] = findInstructionLike(markdown)
    .slice(0, inArticleAtMost)
    .map((m) => ({
      in: 'article',
      text: m.text,
      start: m.start,
      end: m.end,
      rule: m.rule,
      reason: m.reason,
    }));
  const inSources = sources.flatMap((s) => {
    // The excerpt is cut from the text: a passage found in both (or cut short in it) is shown once.
    const seen: string[] = [];
    return [...findInstructionLike(s.text), ...findInstructionLike(s.excerpt)]
      .filter((m) => {
        if (seen.some((t) => t.includes(m.text) || m.text.includes(t))) return false;
        seen.push(m.text);
        return true;
      })
      .map((m) => ({ ...m, text: m.text.length > maxChars ? `${m.text.slice(0, maxChars - 1)}…` : m.text }))
      .slice(0, perSource)
      .map(
        (m): InstructionFlag => ({ in: 'source', source: s.n, text: m.text, rule: m.rule, reason: m.reason }),
      );
  });
  return [...inArticle, ...inSources];
}
