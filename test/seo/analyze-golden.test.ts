// Every check's code, message, fix, order and the score, as analyzeSeo produced them before its
// checks became rule functions (analyze-golden.json was written by that implementation), then
// rewritten once when readability became per-language: the readability object is now
// { formula, readingEase, … } and German is scored by Flesch-Amstad instead of "not scored";
// nothing else changed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeSeo, type SeoOptions } from '../../src/seo/analyze.ts';
import { goldenCases } from './fixtures/golden-inputs.ts';

const golden = JSON.parse(readFileSync(new URL('./fixtures/analyze-golden.json', import.meta.url), 'utf8'));

describe('analyzeSeo output is unchanged', () => {
  it.each(goldenCases)('%s', (name, markdown, options) => {
    expect(JSON.parse(JSON.stringify(analyzeSeo(markdown, options as unknown as SeoOptions)))).toEqual(
      golden[name],
    );
  });
});
