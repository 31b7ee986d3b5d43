import { describe, expect, it } from 'vitest';
import { countSyllables, readability } from '../../src/seo/readability.ts';

describe('syllable counting', () => {
  it.each([
    ['cat', 1],
    ['readability', 5],
    ['platypus', 3],
    ['creature', 2],
    ['seemingly', 3],
    ['million', 2],
    ['Australian', 3],
    ['brilliant', 2],
    ['queue', 1],
    ['1,500', 1],
  ])('%s has %i syllables', (word, count) => {
    expect(countSyllables(word)).toBe(count);
  });
});

describe('a word longer than any English word', () => {
  it('is counted as its vowel groups', () => {
    expect(countSyllables(`${'str'.repeat(20)}a${'ght'.repeat(10)}eou`)).toBe(2);
  });

  it('is scored in time linear in its length (a 200,000-letter word took minutes)', () => {
    const result = readability(`Heat pumps. ${'m'.repeat(200_000)}.`);
    expect(result).toMatchObject({ words: 3, avgSyllablesPerWord: 1 });
  });
});

describe('Flesch reading ease', () => {
  // Published reference scores: the worked examples of the Wikipedia article on the Flesch–Kincaid tests.
  it('scores "The cat sat on the mat." at about 116', () => {
    expect(
      Math.abs((readability('The cat sat on the mat.').readingEase ?? Number.NaN) - 116),
    ).toBeLessThanOrEqual(5);
  });

  it('scores the platypus sentence at about 37.5', () => {
    const text = 'The Australian platypus is seemingly a hybrid of a mammal and reptilian creature.';
    const result = readability(text);
    expect(result.formula).toBe('flesch');
    expect(Math.abs((result.readingEase ?? Number.NaN) - 37.5)).toBeLessThanOrEqual(5);
    expect(result.avgSentenceLength).toBe(13);
  });

  it('computes the formula from hand-counted words, sentences and syllables', () => {
    // 9 + 6 words; 11 + 7 syllables (one each, except "over", "lazy" and "morning" with two).
    const result = readability('The quick brown fox jumps over the lazy dog. It ran home in the morning.');
    expect(result).toMatchObject({
      sentences: 2,
      words: 15,
      avgSentenceLength: 7.5,
      avgSyllablesPerWord: 1.2,
    });
    expect(result.readingEase).toBeCloseTo(206.835 - 1.015 * (15 / 2) - 84.6 * (18 / 15), 1);
    expect(result.gradeLevel).toBeCloseTo(0.39 * (15 / 2) + 11.8 * (18 / 15) - 15.59, 1);
  });

  it('rates academic prose far harder than a children’s text', () => {
    const hard = readability(
      'Notwithstanding considerable methodological heterogeneity, contemporary epidemiological investigations ' +
        'consistently demonstrate statistically significant associations between socioeconomic deprivation and ' +
        'cardiovascular morbidity.',
    );
    const easy = readability('Sam has a red ball. He likes to play with it. The ball is big and fun.');
    expect(hard.readingEase).toBeLessThan(0);
    expect(easy.readingEase).toBeGreaterThan(90);
    expect(hard.gradeLevel).toBeGreaterThan((easy.gradeLevel ?? Number.NaN) + 10);
  });

  it('returns zeros for text without words', () => {
    expect(readability('').readingEase).toBe(0);
  });
});
