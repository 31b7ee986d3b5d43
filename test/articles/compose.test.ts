// Composing the article from its parts: citations numbered by first appearance across the parts,
// the references made of the sources cited, and the FAQ — written from the outline alone, with no
// sources — citing nothing.
import { describe, expect, it } from 'vitest';
import { composeArticle } from '../../src/articles/compose.ts';
import { locatePart } from '../../src/articles/section-target.ts';
import type { ArticleSource } from '../../src/articles/types.ts';
import { seoDocument } from '../../src/seo/document.ts';
import { checkCitationsExist, citedSentences } from '../../src/writing/citations.ts';
import type { Outline } from '../../src/writing/outline.ts';
import { renderHtml } from '../../src/writing/render.ts';

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

// An article in another language has its frame headings in that language, and everything that
// reads the article back finds its parts under them as under the English ones.
describe.each([
  {
    language: 'de-DE',
    headings: ['## Fazit', '## Häufig gestellte Fragen', '## Quellen'],
    draft: {
      title: 'Wärmepumpen',
      intro: 'Wärmepumpen sparen Energie [1].',
      sections: [{ heading: 'Kosten', markdown: 'Sie kosten 8.000 Euro [2].' }],
      conclusion: 'Es lohnt sich.',
      faq: [{ question: 'Sind sie laut?', answer: 'Nein, etwa 40 dB.' }],
    },
  },
  {
    language: 'ja',
    headings: ['## まとめ', '## よくある質問', '## 参考文献'],
    draft: {
      title: 'ヒートポンプ',
      intro: 'ヒートポンプは省エネです [1]。',
      sections: [{ heading: '費用', markdown: '設置費用は80万円です [2]。' }],
      conclusion: '導入する価値があります。',
      faq: [{ question: '音はうるさいですか？', answer: 'いいえ、約40dBです。' }],
    },
  },
])('an article in $language', ({ language, headings, draft }) => {
  const sources = [source(1, 'a.example'), source(2, 'b.example')];
  const { markdown } = composeArticle(draft, sources, language);
  const outline = {
    title: draft.title,
    sections: draft.sections.map((s) => ({ heading: s.heading, goal: '', keyPoints: [], sourceIds: [] })),
  } as unknown as Outline;

  it('is assembled with the frame headings of its language', () => {
    const lines = markdown.split('\n').filter((l) => l.startsWith('## '));
    expect(lines).toEqual([`## ${draft.sections[0]!.heading}`, ...headings]);
    expect(markdown).not.toMatch(/Conclusion|Frequently asked questions|References/);
    expect(markdown).toContain(`${headings[2]}\n\n[1] a.example — <https://a.example/>`);
  });

  it('has its reference list left out of SEO analysis, citation checks and rendering like an English one', () => {
    const doc = seoDocument(markdown);
    expect(doc.references).toEqual({ level: 2, text: headings[2]!.slice(3) });
    expect(doc.prose).not.toContain('a.example');
    // A dangling number in the list is not a citation; in the body it is.
    expect(checkCitationsExist(`${markdown}\n[7] Stray\n`, 2)).toEqual([]);
    expect(checkCitationsExist(markdown.replace('[2]', '[7]'), 2)).toMatchObject([{ n: 7 }]);
    expect(citedSentences(markdown).flatMap((c) => c.sources)).toEqual([1, 2]);
    const html = renderHtml(markdown);
    expect(html).toContain('<p id="ref-1">[1] a.example');
    expect(html).toContain('<p id="ref-2">[2] b.example');
  });

  it('has its conclusion and FAQ found for regeneration', () => {
    expect(locatePart(markdown, outline, 'conclusion')?.text).toBe(draft.conclusion);
    expect(locatePart(markdown, outline, 'faq')?.text).toBe(
      `### ${draft.faq[0]!.question}\n\n${draft.faq[0]!.answer}`,
    );
  });
});
