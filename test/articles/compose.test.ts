// Composing the article from its parts: citations numbered by first appearance across the parts,
// the references made of the sources cited, and the FAQ — written from the outline alone, with no
// sources — citing nothing.
import { describe, expect, it } from 'vitest';
import { composeArticle } from '../../src/articles/compose.ts';
import type { ArticleSource } from '../../src/articles/types.ts';

const source = (n: number, host: string): ArticleSource => ({
  n,
  kind: 'url',
  title: host,
  url: `https://${host}/`,
  excerpt: '',
  text: `text of ${host}`,
});

describe('composeArticle', () => {
  it('numbers citations by first appearance and links no source from the FAQ', () => {
    const sources = [source(1, 'a.example'), source(2, 'b.example'), source(3, 'c.example')];
    const composed = composeArticle(
      {
        title: 'Heat pumps',
        intro: 'Heat pumps are efficient [2].',
        sections: [{ heading: 'Costs', markdown: 'They cost 8,000 EUR [1].' }],
        conclusion: 'Worth it.',
        // The writer was told to cite nothing here; a model that does anyway invents the link.
        faq: [{ question: 'Are they loud?', answer: 'No, about 40 dB [3].' }],
      },
      sources,
    );
    expect(composed.markdown).toContain('Heat pumps are efficient [1].');
    expect(composed.markdown).toContain('They cost 8,000 EUR [2].');
    expect(composed.markdown).toContain('### Are they loud?\n\nNo, about 40 dB.');
    expect(composed.sources.map((s) => s.url)).toEqual(['https://b.example/', 'https://a.example/']);
    expect(composed.markdown).not.toContain('c.example');
  });
});
