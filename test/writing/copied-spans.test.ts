import { describe, expect, it } from 'vitest';
import { compareOriginality } from '../../src/articles/originality/compare.ts';
import { searchWordRanges, searchWords } from '../../src/db/text-search.ts';
import { copiedSpans } from '../../src/writing/copied-spans.ts';
import { proseWords } from '../../src/writing/prose-words.ts';

const source =
  'Heat pumps move heat from the outside air into the house, even when the air outside is below freezing. ' +
  'Their efficiency falls as the temperature drops.';

describe('copiedSpans', () => {
  it('finds a run of eight or more shared words and merges its windows into one span', () => {
    const article = searchWords(
      'In winter, heat pumps move heat from the outside air into the house, as any installer will tell you.',
    );
    const spans = copiedSpans(article, [searchWords(source)]);
    expect(spans).toHaveLength(1);
    const [span] = spans;
    expect(article.slice(span!.from, span!.to).join(' ')).toBe(
      'heat pumps move heat from the outside air into the house',
    );
    expect(searchWords(source).slice(span!.originFrom, span!.originTo).join(' ')).toBe(
      'heat pumps move heat from the outside air into the house',
    );
  });

  it('does not report seven shared words', () => {
    const article = searchWords('Engineers agree: heat pumps move heat from the outside, mostly.');
    expect(copiedSpans(article, [searchWords(source)])).toEqual([]);
    // Eight are enough.
    const eight = searchWords('Engineers agree: heat pumps move heat from the outside air, mostly.');
    expect(copiedSpans(eight, [searchWords(source)])).toHaveLength(1);
  });

  it('ignores case and punctuation', () => {
    const article = searchWords('HEAT PUMPS — move heat; from "the" outside air... into the House!');
    const [span] = copiedSpans(article, [searchWords(source)]);
    expect(span?.to).toBe(article.length);
    expect(span?.from).toBe(0);
  });

  it('reports text two sources share once, from the source it runs longest in', () => {
    const article = searchWords(source);
    const shorter = searchWords('heat pumps move heat from the outside air into the house');
    const spans = copiedSpans(article, [shorter, searchWords(source)]);
    expect(spans).toEqual([
      { origin: 1, from: 0, to: article.length, originFrom: 0, originTo: article.length },
    ]);
  });

  it('joins runs that a word added or changed in the copy splits', () => {
    const article = searchWords(
      'Heat pumps move heat from the outside air into the warm house, even when the air outside is below freezing.',
    );
    const spans = copiedSpans(article, [searchWords(source)]);
    expect(spans).toHaveLength(1);
    expect(spans[0]!.to - spans[0]!.from).toBe(article.length);
    const changed = searchWords(
      'Heat pumps move heat from the outside air into the home, even when the air outside is below freezing.',
    );
    expect(copiedSpans(changed, [searchWords(source)])).toHaveLength(1);
  });

  it('finds copied text in scripts written without spaces, character by character', () => {
    const japanese = 'ヒートポンプは外気の熱を家の中に運びます。冬でも使えます。';
    const article = searchWords(`私たちの説明:${japanese.slice(0, 14)}`);
    const spans = copiedSpans(article, [searchWords(japanese)]);
    expect(spans).toHaveLength(1);
    expect(spans[0]!.to - spans[0]!.from).toBe(14);
  });

  it('stays linear on a long repetitive text', () => {
    const text = searchWords('the same words again and again '.repeat(20_000));
    const started = performance.now();
    const spans = copiedSpans(text, [text]);
    // Pairing each window with each of its repeats took seconds; following the run takes milliseconds.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(spans).toEqual([{ origin: 0, from: 0, to: text.length, originFrom: 0, originTo: text.length }]);
  });
});

describe('searchWordRanges', () => {
  it('has the words of searchWords and where each is', () => {
    const text = 'İstanbul: Heat-pumps 東京 tower';
    const { words, starts, ends } = searchWordRanges(text);
    expect(words).toEqual(searchWords(text));
    expect(words.map((_, i) => text.slice(starts[i], ends[i]))).toEqual([
      'İstanbul',
      'Heat',
      'pumps',
      '東',
      '京',
      'tower',
    ]);
  });
});

describe('proseWords', () => {
  it('reads the sentences, leaving out front matter, headings, code, citation markers and references', () => {
    const markdown = [
      '---',
      'title: Heat pumps',
      '---',
      '# Heat pumps',
      '',
      'Heat pumps are efficient [1]. They save money.',
      '',
      '```',
      'const code = "not prose";',
      '```',
      '',
      '## Sources',
      '',
      '1. [Energy Agency](https://example.com/report)',
    ].join('\n');
    const prose = proseWords(markdown);
    expect(prose.words).toEqual(['heat', 'pumps', 'are', 'efficient', 'they', 'save', 'money']);
    const first = prose.sentences[prose.sentence[0]!]!;
    expect(markdown.slice(first.start, first.end)).toBe('Heat pumps are efficient [1].');
  });

  it('marks words inside closed quotation marks and in blockquotes as quoted', () => {
    const prose = proseWords(
      'The agency says "heat pumps cut emissions" [1]. A stray " mark quotes nothing.\n\n> Quoted paragraph here.',
    );
    const quoted = prose.words.filter((_, i) => prose.quoted[i]);
    expect(quoted).toEqual(['heat', 'pumps', 'cut', 'emissions', 'quoted', 'paragraph', 'here']);
  });
});

describe('compareOriginality', () => {
  const copied =
    'Heat pumps move heat from the outside air into the house, even when the air outside is below freezing.';
  const markdown = `# Heat pumps\n\nOur own opening sentence stands here. ${copied}\n\nA closing line written by us alone.`;

  it('reports the copied sentence with its source and counts its words', () => {
    const report = compareOriginality({
      markdown,
      sources: [{ n: 1, title: 'Agency report', url: 'https://example.com/r', text: source }],
      articles: [],
      passages: [],
    });
    expect(report.spans).toHaveLength(1);
    const span = report.spans[0]!;
    expect(span).toMatchObject({ kind: 'source', source: { n: 1, title: 'Agency report' }, quoted: false });
    expect(span.text).toBe(copied);
    expect(markdown.slice(span.start, span.end)).toBe(copied);
    // From its first word to its last, as the source writes them.
    expect(span.matched).toBe(copied.slice(0, -1));
    expect(report.copiedWords).toBe(searchWords(copied).length);
    expect(report.totalWords).toBe(searchWords(markdown.replace('# Heat pumps', '')).length);
    expect(report.score).toBeCloseTo(1 - report.copiedWords / report.totalWords);
  });

  it('reports a quotation as quoted and does not count it as copied', () => {
    const quotedMarkdown = `The agency writes: “${copied}” [1]`;
    const report = compareOriginality({
      markdown: quotedMarkdown,
      sources: [{ n: 1, title: 'Agency report', text: source }],
      articles: [],
      passages: [],
    });
    expect(report.spans[0]?.quoted).toBe(true);
    expect(report.copiedWords).toBe(0);
    expect(report.quotedWords).toBe(searchWords(copied).length);
    expect(report.score).toBe(1);
  });

  it('compares with other articles and ranks them by shingle Jaccard', () => {
    const report = compareOriginality({
      markdown,
      sources: [],
      articles: [
        { id: '00000000-0000-4000-8000-000000000001', title: 'Copy', markdown },
        {
          id: '00000000-0000-4000-8000-000000000002',
          title: 'Other',
          markdown: 'Nothing in common at all here.',
        },
      ],
      passages: [],
    });
    expect(report.similarArticles).toEqual([
      { id: '00000000-0000-4000-8000-000000000001', title: 'Copy', jaccard: 1 },
    ]);
    expect(report.spans[0]).toMatchObject({ kind: 'article', article: { title: 'Copy' } });
    expect(report.score).toBe(0);
  });
});
