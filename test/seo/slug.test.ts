import { describe, expect, it } from 'vitest';
import { isValidSlug, slugify } from '../../src/seo/slug.ts';

describe('slugify', () => {
  it.each([
    ['How to Brew Cold Brew Coffee at Home', 'how-to-brew-cold-brew-coffee-at-home'],
    ['The Lord of the Rings', 'lord-of-rings'],
    ['A Guide to the', 'guide'],
    ['Crème brûlée: déjà vu & café', 'creme-brulee-deja-vu-and-cafe'],
    ['Straße in Łódź', 'strasse-in-lodz'],
    ["Don't Panic!!! — It's   fine", 'dont-panic-its-fine'],
    ['  --Hello__World--  ', 'hello-world'],
    ['10 Tips for 2026', '10-tips-for-2026'],
  ])('%s → %s', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it('keeps slugs at most 60 characters, cut at a word boundary after dropping filler words', () => {
    const slug = slugify(
      'The Complete and Definitive Guide to the Art of Brewing Cold Brew Coffee in Your Own Kitchen at Home',
    );
    expect(slug.length).toBeLessThanOrEqual(60);
    expect(isValidSlug(slug)).toBe(true);
    expect(slug.startsWith('complete-definitive-guide-art-brewing-cold-brew')).toBe(true);
    expect(slug.endsWith('-')).toBe(false);
  });

  it('slugifies a heading of tens of thousands of words (it was cubic in them)', () => {
    const slug = slugify('1,2,'.repeat(25_000));
    expect(slug).toBe('1-2-'.repeat(15).replace(/-$/, '').slice(0, 60).replace(/-+$/, ''));
    expect(slugify(`${'heat pumps and '.repeat(20_000)}the`)).toBe(
      'heat-pumps-heat-pumps-heat-pumps-heat-pumps-heat-pumps-heat',
    );
  });

  it('hard-cuts a single overlong word', () => {
    expect(slugify('a'.repeat(80))).toBe('a'.repeat(60));
  });

  it('gives a stable ASCII slug for titles without Latin letters', () => {
    const slug = slugify('深度学习入门');
    expect(slug).toMatch(/^article-[0-9a-f]{10}$/);
    expect(slugify('深度学习入门')).toBe(slug);
    expect(slugify('')).toBe('article');
  });

  it('does not make a slug of the numbers alone of a title in another script', () => {
    for (const title of ['Топ 10 ноутбуков 2024 года', '東京の観光ガイド 2025', 'دليل 2024'])
      expect(slugify(title)).toMatch(/^article-[0-9a-f]{10}$/);
    expect(slugify('iPhone 15 обзор')).toBe('iphone-15');
  });

  it('validates slugs', () => {
    expect(isValidSlug('cold-brew')).toBe(true);
    expect(isValidSlug('Cold-Brew')).toBe(false);
    expect(isValidSlug('cold--brew')).toBe(false);
    expect(isValidSlug('-cold')).toBe(false);
    expect(isValidSlug('café')).toBe(false);
    expect(isValidSlug('a'.repeat(61))).toBe(false);
  });
});
