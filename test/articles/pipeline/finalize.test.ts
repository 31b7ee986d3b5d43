// The decisions around the checks: when the fact check applies, what the checkers see, how the
// claims read once the article is numbered, and the count of removed citations.
import { describe, expect, it } from 'vitest';
import { renumberChecks } from '../../../src/articles/pipeline/citation-step.ts';
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
      { id: 'c1', claim: 'a', verdict: 'supported', sources: [1, 2], section: 0 },
      { id: 'c2', claim: 'b', verdict: 'unsupported', sources: [], section: 0, revised: true },
      { id: 'c3', claim: 'c', verdict: 'contradicted', sources: [2], section: 1 },
    ]);
  });

  it("writes claim citations in the article's numbering, with the final sentence and what the revision did", () => {
    // Drafted with global numbers 5 and 6; the article numbers them 1 and 2.
    const renumber = (n: number) => ({ 5: 1, 6: 2 })[n];
    const drafted = ['Pumps save energy [5]. They cut use by 52 percent [6]. They last long [5].'];
    const revised = ['Pumps save energy [5]. They cut use by roughly half [6]. They last long [5].'];
    const markdown =
      '# Pumps\n\nPumps save energy [1]. They cut use by roughly half [2]. They last long [1].\n\n## References\n';
    const claims: FactCheckClaim[] = [
      { claim: 'Pumps save energy [5]', verdict: 'supported', sources: [5], section: 0 },
      { claim: 'They cut use by 52 percent [6]', verdict: 'contradicted', sources: [6], section: 0 },
      { claim: 'A claim cited to [9] only', verdict: 'unsupported', sources: [9], section: 0 },
    ];
    const [kept, rewritten, lost] = finalClaims(claims, renumber, drafted, revised, markdown);
    expect(kept).toMatchObject({ id: 'c1', claim: 'Pumps save energy [1]', sources: [1] });
    expect(kept!.sentence).toBe('Pumps save energy [1].');
    expect(rewritten).toMatchObject({
      claim: 'They cut use by 52 percent [2]',
      revised: true,
      revision: { before: 'They cut use by 52 percent [2].', after: 'They cut use by roughly half [2].' },
      sentence: 'They cut use by roughly half [2].',
    });
    expect(lost!.claim).toBe('A claim cited to only');
    expect(lost!.sources).toEqual([]);
    expect(lost!.sentence).toBeUndefined();
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

  it('carries citation results into another numbering of the same sources, dropping those it no longer cites', () => {
    // Draft: gathered 3 → 1, 1 → 2, 2 → 3. Final (the revision dropped the citation of 1): 3 → 1, 2 → 2.
    const draft = new Map([
      [3, 1],
      [1, 2],
      [2, 3],
    ]);
    const final = new Map([
      [3, 1],
      [2, 2],
    ]);
    const check = (sentence: string, sources: number[]) => ({
      sentence,
      sources,
      lexical: 0.5,
      score: 0.5,
      supported: true,
    });
    const carried = renumberChecks(
      [check('a', [1]), check('b', [2]), check('c', [3, 1])],
      3,
      (n) => draft.get(n),
      (n) => final.get(n),
    );
    expect(carried).toEqual([check('a', [1]), check('c', [2, 1])]);
  });
});
