import { describe, expect, it } from 'vitest';
import { analyzeSeo } from '../../src/seo/analyze.ts';
import { readability } from '../../src/seo/readability.ts';
import { countSyllablesIn } from '../../src/seo/syllables.ts';
import { splitSentences } from '../../src/writing/sentences.ts';
import { words } from '../../src/writing/words.ts';

// Syllables counted by hand from the spoken word (dictionary hyphenation of the pronunciation).
describe('syllables by vowel groups, per language', () => {
  it.each([
    ['Wärmepumpe', 4],
    ['Energie', 3],
    ['Heizung', 2],
    ['Haus', 1],
    ['Stromverbrauch', 3],
    ['Fußbodenheizung', 5],
    ['Effizienz', 3],
    ['Kältemittel', 4],
    ['Außenluft', 3],
    ['2025', 1],
  ])('German %s has %i', (word, count) => expect(countSyllablesIn(word, 'de')).toBe(count));

  it.each([
    ['maison', 2],
    ['pompe', 1],
    ['chaleur', 2],
    ['énergie', 3],
    ['chauffage', 2],
    ['économie', 4],
    ['quatre', 1],
    ["aujourd'hui", 3],
    ['électricité', 5],
    ['extérieure', 3],
    ['le', 1],
  ])('French %s has %i', (word, count) => expect(countSyllablesIn(word, 'fr')).toBe(count));

  it.each([
    ['calefacción', 4],
    ['bomba', 2],
    ['energía', 4],
    ['ciudad', 2],
    ['poeta', 3],
    ['aire', 2],
    ['hoy', 1],
    ['guerra', 2],
    ['pingüino', 3],
    ['leer', 2],
    ['eficiencia', 4],
    ['térmica', 3],
  ])('Spanish %s has %i', (word, count) => expect(countSyllablesIn(word, 'es')).toBe(count));

  it('names the miss it knows: a hiatus the spelling hides counts one syllable too few', () => {
    expect(countSyllablesIn('Theater', 'de')).toBe(2); // The-a-ter: 3
  });
});

describe('readability formula per language', () => {
  it('German: Flesch-Amstad and the Wiener Sachtextformel from hand counts', () => {
    // 8 words, 2 sentences; syllables 1+4+1+3 and 1+1+1+1 = 13; 2 words of 3+ syllables,
    // 2 of more than 6 letters, 6 of one syllable.
    const r = readability('Die Wärmepumpe spart Energie. Das Haus bleibt warm.', 'de');
    expect(r).toMatchObject({ formula: 'amstad', sentences: 2, words: 8, avgSentenceLength: 4 });
    expect(r.readingEase).toBeCloseTo(180 - 4 - 58.5 * (13 / 8), 1);
    expect(r.gradeLevel).toBeCloseTo(0.1935 * 25 + 0.1672 * 4 + 0.1297 * 25 - 0.0327 * 75 - 0.875, 1);
  });

  it('French: Kandel–Moles from hand counts', () => {
    // la pompe à cha-leur chauffe la mai-son: 7 words, 9 syllables, 1 sentence.
    const r = readability('La pompe à chaleur chauffe la maison.', 'fr-FR');
    expect(r).toMatchObject({ formula: 'kandel-moles', words: 7, gradeLevel: null });
    expect(r.readingEase).toBeCloseTo(207 - 1.015 * 7 - 73.6 * (9 / 7), 1);
  });

  it('Spanish: Szigriszt-Pazos from hand counts', () => {
    // la bom-ba de ca-lor ca-lien-ta la ca-sa: 7 words, 12 syllables, 1 sentence.
    const r = readability('La bomba de calor calienta la casa.', 'es');
    expect(r).toMatchObject({ formula: 'szigriszt-pazos', words: 7 });
    expect(r.readingEase).toBeCloseTo(206.835 - 62.3 * (12 / 7) - 7, 1);
  });

  it('Japanese: not applicable, with the reason, and words/sentences still counted', () => {
    const text = 'ヒートポンプは電気で熱を運びます。冬でも部屋を暖めます。';
    const r = readability(text, 'ja');
    expect(r).toMatchObject({ formula: null, readingEase: null, gradeLevel: null, sentences: 2 });
    expect(r.notApplicable).toMatch(/Japanese/);
    expect(r.words).toBeGreaterThan(6);
  });

  it('a language without a formula is not applicable rather than scored in English', () => {
    const r = readability('Il riscaldamento a pompa di calore è efficiente.', 'it');
    expect(r.formula).toBeNull();
    expect(r.readingEase).toBeNull();
  });
});

describe('text without spaces', () => {
  it('splits Japanese into words with Intl.Segmenter and into sentences at 。', () => {
    expect(words('ヒートポンプは電気で熱を運びます。', 'ja')).toEqual(
      expect.arrayContaining(['ヒートポンプ', '電気', '熱']),
    );
    expect(words('ヒートポンプは電気で熱を運びます。')).toHaveLength(1);
    expect(splitSentences('冬は寒いです。夏は暑いです！本当ですか？').map((s) => s.text)).toEqual([
      '冬は寒いです。',
      '夏は暑いです！',
      '本当ですか？',
    ]);
  });

  it('the SEO analysis counts Japanese words and marks readability not scored', () => {
    const body = 'ヒートポンプは電気で熱を運びます。冬でも部屋を暖めます。'.repeat(40);
    const a = analyzeSeo(`# ヒートポンプ\n\n${body}\n\n## 仕組み\n\n${body}`, {
      keywords: ['ヒートポンプ'],
      language: 'ja',
    });
    expect(a.wordCount).toBeGreaterThan(300);
    expect(a.readability.readingEase).toBeNull();
    expect(a.issues.map((i) => i.code)).toContain('readability_not_scored');
    expect(a.keywords[0]?.count).toBeGreaterThan(0);
  });

  it('the SEO analysis scores German with its own formula', () => {
    const a = analyzeSeo('# Wärmepumpen\n\nDie Wärmepumpe spart Energie. Das Haus bleibt warm.', {
      keywords: [],
      language: 'de',
    });
    expect(a.readability.formula).toBe('amstad');
    expect(a.issues.map((i) => i.code)).not.toContain('readability_not_scored');
  });
});
