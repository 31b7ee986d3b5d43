// The decisions around the checks: when the fact check applies, what the checkers see, how the
// claims read once the article is numbered, and the count of removed citations.
import { describe, expect, it } from 'vitest';
import { finalClaims, removedCitations } from '../../../src/articles/pipeline/finalize.ts';
import { sourceFoundEvent } from '../../../src/articles/pipeline/gather-sources.ts';
import { factCheckApplies, sectionsForCheck } from '../../../src/articles/pipeline/run-checks.ts';
import type { FactCheckClaim } from '../../../src/articles/types.ts';

describe('checks and the final article', () => {
  it('fact-checks only a brief that asks for it and has sources', () => {
    expect(factCheckApplies(true, [{}])).toBe(true);
    expect(factCheckApplies(true, [])).toBe(false);
    expect(factCheckApplies(false, [{}])).toBe(false);
  });

  it('gives the checkers every section with its index, text and source numbers', () => {
    expect(sectionsForCheck([{ sourceIds: [1, 2] }, { sourceIds: [] }], ['First.'])).toEqual([
      { index: 0, markdown: 'First.', sourceIds: [1, 2] },
      { index: 1, markdown: '', sourceIds: [] },
    ]);
  });

  it('renumbers claim sources, drops uncited ones, and marks failed claims whose section was rewritten', () => {
    const claims: FactCheckClaim[] = [
      { claim: 'a', verdict: 'supported', sources: [3, 1], section: 0 },
      { claim: 'b', verdict: 'unsupported', sources: [2], section: 0 },
      { claim: 'c', verdict: 'contradicted', sources: [1], section: 1 },
    ];
    const renumber = (n: number) => ({ 3: 1, 1: 2 })[n];
    const final = finalClaims(claims, renumber, ['old 0', 'same 1'], ['new 0', 'same 1']);
    expect(final).toEqual([
      { claim: 'a', verdict: 'supported', sources: [1, 2], section: 0 },
      { claim: 'b', verdict: 'unsupported', sources: [], section: 0, revised: true },
      { claim: 'c', verdict: 'contradicted', sources: [2], section: 1 },
    ]);
  });

  it('adds the citations removed from the sections to those removed while composing', () => {
    expect(removedCitations([{ removedCitations: 2 }, {}, { removedCitations: 1 }], 4)).toBe(7);
    expect(removedCitations([], 0)).toBe(0);
  });

  it('announces a found source with its provenance and excerpt, never its text', () => {
    const web = sourceFoundEvent({
      n: 1,
      kind: 'web',
      title: 'W',
      url: 'https://w.example',
      excerpt: 'e',
      text: 'the whole page',
    });
    expect(web).toEqual({ n: 1, kind: 'web', title: 'W', url: 'https://w.example', excerpt: 'e' });
    const doc = sourceFoundEvent({
      n: 2,
      kind: 'document',
      title: 'D',
      documentId: 'd1',
      page: 3,
      excerpt: 'x',
      text: 't',
    });
    expect(doc).toEqual({ n: 2, kind: 'document', title: 'D', documentId: 'd1', page: 3, excerpt: 'x' });
  });
});
