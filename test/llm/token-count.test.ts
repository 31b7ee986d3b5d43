// The gateway's own token counts: o200k as gpt-tokenizer counts it, for any text in linear time.
import { countTokens as o200kCount } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { countTokens } from '../../src/llm/token-count.ts';
import { seededRandom } from '../support/seeded-random.ts';

const atoms = [
  'the',
  'Pumps',
  "it's",
  'énergie',
  '日本語',
  'です',
  '。',
  '、',
  '—',
  '…',
  '“',
  '(',
  '1',
  '4567',
  '😀',
  '👍🏽',
  '\n',
  '\n\n',
  '  ',
  '\t',
  '.',
  ',',
  'http://a.b/c?d=e',
  'кот',
  '’',
  "'",
  '**',
];

/** Seeded, so a failure names a text that can be reproduced. */
function randomText(seed: number): string {
  const next = seededRandom(seed);
  const spaces = next();
  let text = '';
  for (let i = Math.floor(next() * 600); i > 0; i--) {
    text += atoms[Math.floor(next() * atoms.length)];
    if (next() < spaces) text += ' ';
  }
  return text;
}

describe('countTokens', () => {
  it('counts as the tokenizer does on the whole text, in prose of any script', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const text = randomText(seed);
      expect(countTokens(text), `seed ${seed}`).toBe(o200kCount(text, { disallowedSpecial: new Set() }));
    }
    const japanese = '日本語のテキストです。これはテストです、そして続きます。'.repeat(400);
    expect(countTokens(japanese)).toBe(o200kCount(japanese));
  });

  it('counts special tokens as text', () => {
    expect(countTokens('a <|endoftext|> b')).toBe(
      o200kCount('a <|endoftext|> b', { disallowedSpecial: new Set() }),
    );
  });

  it('counts long runs without spaces in linear time', () => {
    // One pre-token each: BPE took 5 s over 40 kB of "—" and would take minutes over 500 kB.
    for (const unit of ['—', '日本', 'a', '=']) {
      const run = unit.repeat(500_000 / unit.length);
      // As many tokens as 250 runs of 2,000 characters, counted whole, give (within 2 %).
      const expected = 250 * o200kCount(unit.repeat(2000 / unit.length));
      expect(Math.abs(countTokens(run) - expected) / expected, unit).toBeLessThan(0.02);
    }
  });
});
