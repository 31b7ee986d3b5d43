// Which stored output shape a step name has: a resumed run checks each finished step's output with it.
import { describe, expect, it } from 'vitest';
import { isRegenerationStep, readableOutput, stepOutputSchema } from '../../src/articles/step-outputs.ts';

describe("a step's stored output shape", () => {
  it('goes by the step kind; a regeneration stores text, its citation check the checks', () => {
    const section = { heading: 'H', markdown: 'Text [1].', removedCitations: 0 };
    expect(readableOutput('section:3', section)).toBe(true);
    expect(readableOutput('section:3', 'Text [1].')).toBe(false);
    expect(readableOutput('section:3#r2', 'Text [1].')).toBe(true);
    expect(readableOutput('section:3#r2', section)).toBe(false);
    expect(readableOutput('intro#r1', 'An intro.')).toBe(true);
    const check = { sentence: 'S [1].', sources: [1], supported: true, score: 0.9, lexical: 0.5 };
    expect(readableOutput('section:3#r2:citations', [check])).toBe(true);
    expect(readableOutput('section:3#r2:citations', 'S')).toBe(false);
    expect(readableOutput('citations', [check])).toBe(true);
    expect(readableOutput('plan', { questions: ['Why?'] })).toBe(true);
    expect(readableOutput('plan', ['Why?'])).toBe(false);
    // A field this version does not know is no reason to run a step again.
    expect(readableOutput('render', { wordCount: 900, removedCitations: 0, pages: 3 })).toBe(true);
  });

  it('has no shape for a step this version does not have, which then reads as it is', () => {
    expect(stepOutputSchema('translate:2')).toBeUndefined();
    expect(readableOutput('translate:2', { anything: true })).toBe(true);
    expect(stepOutputSchema('toString')).toBeUndefined();
  });

  it("tells a regeneration's steps from the article's own", () => {
    expect(['section:2#r1', 'intro#r3', 'section:2#r1:citations'].every(isRegenerationStep)).toBe(true);
    expect(['section:2', 'intro', 'citations', 'seo'].some(isRegenerationStep)).toBe(false);
  });
});
