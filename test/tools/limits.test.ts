// Limits held after the model: X's count, shortening at sentence ends, threads split without loss.
import { describe, expect, it } from 'vitest';
import { measure, shorten, splitIntoPosts } from '../../src/tools/limits.ts';
import { xLength } from '../../src/tools/x-length.ts';

describe('xLength', () => {
  it('counts as X does: Latin 1, CJK 2, an emoji 2, a link 23', () => {
    expect(xLength('Hello, world!')).toBe(13);
    expect(xLength('日本語')).toBe(6);
    expect(xLength('Nice 👍')).toBe(7);
    // A family emoji is one picture: 2, not its five code points.
    expect(xLength('👨‍👩‍👧‍👦')).toBe(2);
    expect(xLength('🇫🇷')).toBe(2);
    expect(xLength('see https://example.com/a/very/long/path/that/goes/on/and/on')).toBe(4 + 23);
    expect(xLength('(example.org)')).toBe(1 + 23 + 1);
    expect(xLength('e.g. 3.5 U.S.')).toBe(13);
    // Composed first: "é" written as e + combining accent is one character.
    expect(xLength('cafe\u0301')).toBe(4);
  });

  it('stays linear on hostile text', () => {
    const text = `${'a-'.repeat(50_000)}${'a.'.repeat(50_000)}`;
    const started = performance.now();
    xLength(text);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('shorten', () => {
  const sentences = 'One two three. Four five six seven. Eight nine ten eleven twelve.';

  it('keeps a text that fits', () => {
    expect(shorten('  fits  ', { max: 10, unit: 'characters' })).toBe('fits');
  });

  it('cuts at the last sentence end in the second half of the limit', () => {
    expect(shorten(sentences, { max: 40, unit: 'characters' })).toBe('One two three. Four five six seven.');
  });

  it('cuts at a word, with an ellipsis when asked, when no sentence ends late enough', () => {
    const cut = shorten(sentences, { max: 12, unit: 'characters', ellipsis: true });
    expect(cut).toBe('One two…');
    expect(shorten('Warm homes, lower bills, all winter long', { max: 30, unit: 'characters' })).toBe(
      'Warm homes, lower bills, all',
    );
  });

  it('counts the ellipsis as X does', () => {
    const cut = shorten('word '.repeat(100), { max: 280, unit: 'x', ellipsis: true });
    expect(xLength(cut)).toBeLessThanOrEqual(280);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('cuts a single over-long word by characters', () => {
    expect(shorten('x'.repeat(50), { max: 10, unit: 'characters' })).toBe('x'.repeat(10));
  });
});

describe('splitIntoPosts', () => {
  it('splits at sentence ends and loses no word', () => {
    const text = 'Heat pumps move heat instead of making it. '.repeat(12).trim();
    const posts = splitIntoPosts(text, 100, 'characters');
    for (const p of posts) expect(p.length).toBeLessThanOrEqual(100);
    for (const p of posts) expect(p).toMatch(/\.$/);
    expect(posts.join(' ')).toBe(text);
  });

  it('splits a sentence longer than a post at words, and a word longer than a post by characters', () => {
    const text = `${'word '.repeat(30)}${'y'.repeat(25)}`;
    const posts = splitIntoPosts(text, 20, 'x');
    for (const p of posts) expect(measure(p, 'x')).toBeLessThanOrEqual(20);
    expect(posts.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
  });

  it('leaves a post that fits as it is', () => {
    expect(splitIntoPosts(' short ', 280, 'x')).toEqual(['short']);
    expect(splitIntoPosts('   ', 280, 'x')).toEqual([]);
  });
});
