import { describe, expect, it } from 'vitest';
import { fitQuotes } from '../../src/articles/prompt-budget.ts';
import { countTokens, fitsTokens, tokensAtMost } from '../../src/llm/token-count.ts';

const texts = [
  'Heat pumps move heat rather than make it.',
  'Wärmepumpen — 熱ポンプ — مضخة حرارية 🔥🔥',
  '   \n\n\t  ',
  'x'.repeat(5000),
  JSON.stringify({ a: [1, 2, 3], b: 'quoted "text"' }),
];

describe('token budget checks without tokenizing', () => {
  it('byte length never undercounts the tokens', () => {
    for (const t of texts) expect(tokensAtMost(t)).toBeGreaterThanOrEqual(countTokens(t));
  });

  it('fitsTokens agrees with the tokenizer on both sides of the budget', () => {
    for (const t of texts) {
      const n = countTokens(t);
      expect(fitsTokens(t, n)).toBe(true);
      expect(fitsTokens(t, n - 1)).toBe(n === 0);
    }
  });
});

describe('fitQuotes', () => {
  const system = 'You write articles. '.repeat(20);
  const build = (chars: number) => `Sources:\n${'The heat pump saves energy. '.repeat(200).slice(0, chars)}`;
  // The largest quote length of the shrinking sequence that fits, found by tokenizing every candidate.
  const byTokenizer = (budget: number) => {
    let chars = 2400;
    for (;;) {
      if (chars <= 240 || countTokens(system) + countTokens(build(chars)) <= budget) return chars;
      chars = Math.max(240, Math.floor(chars * 0.7));
    }
  };

  it('chooses what tokenizing every candidate would, for budgets that bytes alone cannot decide', () => {
    for (const budget of [100, 300, 500, 700, 900, 3000, 100_000]) {
      const { prompt } = fitQuotes(budget, system, build);
      expect(prompt).toBe(build(byTokenizer(budget)));
    }
  });
});
