// What the fact-check panel shows beyond the stored claims: where each claim's sentence is in the
// text as it is now (found again by its text, so hand edits never leave a stale offset), and the
// instruction-like passages of the article and its sources that a writer should review.
import { findInstructionLike } from '../writing/instruction-like.ts';
import { locateSentence } from '../writing/sentence-location.ts';
import type { ArticleSource, ClaimView, FactCheckClaim, InstructionFlag } from './types.ts';

/** Older articles stored no ids: a claim's id is its place in the list, which never changes. */
export const claimId = (claim: FactCheckClaim, index: number) => claim.id ?? `c${index + 1}`;

export function claimLocation(markdown: string, c: FactCheckClaim) {
  // The revision dropped the sentence: it is only there again if the writer put the original back.
  if (c.revision && !c.revision.after && !c.sentence) {
    const at = markdown.indexOf(c.revision.before);
    return at < 0 ? null : { text: c.revision.before, start: at, end: at + c.revision.before.length };
  }
  return locateSentence(markdown, { ...(c.sentence ? { sentence: c.sentence } : {}), claim: c.claim });
}

export function claimViews(markdown: string, claims: readonly FactCheckClaim[]): ClaimView[] {
  return claims.map((c, i) => ({
    ...c,
    id: claimId(c, i),
    location: c.review?.action === 'removed' ? null : claimLocation(markdown, c),
  }));
}

// A source's hostile passage is shown so the writer knows which source tried; a few are enough.
const perSource = 3;
const maxChars = 300;

export function instructionFlags(markdown: string, sources: readonly ArticleSource[]): InstructionFlag[] {
  const inArticle: InstructionFlag[] = findInstructionLike(markdown).map((m) => ({
    in: 'article',
    text: m.text,
    start: m.start,
    end: m.end,
    rule: m.rule,
    reason: m.reason,
  }));
  const inSources = sources.flatMap((s) => {
    const seen = new Set<string>();
    return [...findInstructionLike(s.text), ...findInstructionLike(s.excerpt)]
      .map((m) => ({ ...m, text: m.text.length > maxChars ? `${m.text.slice(0, maxChars - 1)}…` : m.text }))
      .filter((m) => !seen.has(m.text) && seen.add(m.text))
      .slice(0, perSource)
      .map(
        (m): InstructionFlag => ({ in: 'source', source: s.n, text: m.text, rule: m.rule, reason: m.reason }),
      );
  });
  return [...inArticle, ...inSources];
}
