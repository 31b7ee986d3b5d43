import { describe, expect, it } from 'vitest';
import { inlinePlain, stripEmphasis } from '../../src/writing/inline-plain.ts';
import { seededRandom } from '../support/seeded-random.ts';

// What inlinePlain's emphasis step was: a regular expression that searched each opener's line.
const emphasisByRegex = (text: string) => text.replace(/(\*\*|__|\*|_|~~|`)(\S(?:.*?\S)?)\1/g, '$2');

// A small seeded generator, so a failure names a reproducible text.
function randomTexts(count: number, seed: number): string[] {
  const alphabet = ['*', '**', '_', '__', '~', '~~', '`', 'a', 'b', ' ', '\n', '\u2028', '\t', 'é'];
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => {
    let text = '';
    const length = Math.floor(next() * 24);
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
    return text;
  });
}

describe('stripEmphasis', () => {
  it('removes the same delimiters as the regular expression it replaces', () => {
    for (const text of randomTexts(20_000, 7))
      expect(stripEmphasis(text), JSON.stringify(text)).toBe(emphasisByRegex(text));
  });

  it('reads openers without a closer on their line in linear time', () => {
    // Each `_` searched the rest of its line for a closer: 500 kB took minutes.
    const unclosed = `${'_a '.repeat(170_000)}\nend_`;
    expect(stripEmphasis(unclosed) === unclosed).toBe(true);
    const closedAtEnd = `${'*a '.repeat(170_000)}b*`;
    expect(stripEmphasis(closedAtEnd) === `a ${'*a '.repeat(169_999)}b`).toBe(true);
  });
});

describe('inlinePlain', () => {
  it('keeps the text of links and images and drops emphasis, tags and escapes', () => {
    expect(inlinePlain('See [the guide](https://example.com "Guide") and ![a chart](c.png).')).toBe(
      'See the guide and a chart.',
    );
    expect(inlinePlain('The [article](https://en.wikipedia.org/wiki/Heat_pump_(device)) says')).toBe(
      'The article says',
    );
    expect(inlinePlain('**Bold**, _italic_, ~~gone~~, `code` and <b>tags</b>, 2 \\* 3')).toBe(
      'Bold, italic, gone, code and tags, 2 * 3',
    );
  });

  it('reads runs of brackets, parentheses and angle brackets in linear time', () => {
    // Each `[`, `](` or `<` was tried against the rest of the text: 40 kB took 0.3–1.3 s, 500 kB minutes.
    for (const unit of ['[', '[a](', '![a](', '<', '<a ', '[1,']) {
      const text = `${unit.repeat(Math.ceil(500_000 / unit.length))}end`;
      expect(inlinePlain(text).endsWith('end'), unit).toBe(true);
    }
  });
});
