// Citation scores of hand-edited text: each source is read once however many sentences cite it,
// so an edit of short sentences each citing every source is scored in time linear in the text.
import { describe, expect, it } from 'vitest';
import { refreshCitations } from '../../src/articles/checks.ts';
import type { ArticleSource } from '../../src/articles/types.ts';

const text = 'Heat pumps move heat from outside air into the home and are efficient in mild climates. '
  .repeat(140)
  .slice(0, 12_000);
const sources = Array.from(
  { length: 10 },
  (_, i) => ({ n: i + 1, title: `S${i}`, url: `https://e.example/${i}`, text }) as unknown as ArticleSource,
);

describe('refreshCitations', () => {
  it('scores 40,000 sentences citing ten 12,000-character sources each (took minutes)', () => {
    const checks = refreshCitations(
      'Heat pumps are efficient [1-10]. Ab [3]. '.repeat(20_000),
      sources,
      'en',
      [],
    );
    expect(checks).toHaveLength(40_000);
    expect(checks[0]).toMatchObject({ sources: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], supported: true });
    expect(checks[1]).toMatchObject({ sources: [3], lexical: 0, supported: false });
  });

  it('scores each sentence by the best of its sources', () => {
    const other = {
      ...sources[0]!,
      n: 2,
      text: 'Geothermal drilling costs vary by region.',
    } as ArticleSource;
    const [check] = refreshCitations('Drilling costs vary by region [1][2].', [sources[0]!, other], 'en', []);
    expect(check!.lexical).toBeGreaterThan(0.9);
  });
});
