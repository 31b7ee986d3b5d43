// The article's web source provider: it keeps at most the brief's page count, and asks each search
// for enough results that the questions together can fill it.
import { describe, expect, it } from 'vitest';
import { resultsPerQuestion, webSources } from '../../src/articles/sources.ts';
import { storableTextProblem } from '../../src/input/storable-text.ts';
import type { SearchProvider } from '../../src/research/providers/index.ts';
import { pageHtml } from './support.ts';

/** A search engine with 40 distinct pages: each query gets its own `limit` of them. */
function engine() {
  const limits: number[] = [];
  let next = 0;
  const provider: SearchProvider = {
    name: 'fake',
    async search(_query, { limit }) {
      limits.push(limit);
      return Array.from({ length: Math.min(limit, 40 - next) }, () => {
        const n = next++;
        return { title: `Page ${n}`, url: `https://pages.test/${n}`, snippet: '', provider: 'fake' };
      });
    },
  };
  const fetchPage = async (url: string) => ({
    finalUrl: url,
    status: 200,
    contentType: 'text/html',
    body: Buffer.from(
      pageHtml({
        title: `About ${url}`,
        paragraphs: [`${url} says something of its own about heat pumps, ${'in detail '.repeat(20)}.`],
      }),
    ),
    headers: {},
    redirects: [],
    fetchedAt: new Date(),
  });
  return { limits, deps: { providers: [provider], fetchPage } };
}

const questions = ['What is a heat pump?', 'What does it cost?', 'Does it work in winter?'];

describe('webSources', () => {
  it.each([1, 6, 10, 18])('keeps at most %i pages, each a web source with its URL', async (maxSources) => {
    const { limits, deps } = engine();
    const found = await webSources(deps, { maxSources, cacheTtlSeconds: 0 }).find(
      questions,
      new AbortController().signal,
    );
    expect(found).toHaveLength(maxSources);
    expect(new Set(found.map((s) => s.url)).size).toBe(maxSources);
    expect(found.every((s) => s.kind === 'web')).toBe(true);
    expect(limits).toEqual(questions.map(() => resultsPerQuestion(maxSources, questions.length)));
  });

  it('asks for enough results per question to fill the page count twice over, 5 to 20', () => {
    expect(resultsPerQuestion(6, 3)).toBe(5);
    expect(resultsPerQuestion(18, 3)).toBe(12);
    expect(resultsPerQuestion(20, 1)).toBe(20);
    expect(resultsPerQuestion(10, 0)).toBe(20);
  });

  it('keeps a page whose text is cut inside a surrogate pair or holds a NUL storable', async () => {
    // The gather step stores its sources as JSON: the database refused both, on every retry.
    // The NUL past the first 8 kB, where one would have the plain text refused as binary data.
    const head = `Heat pumps in detail. ${'word '.repeat(1800)}\u0000${'word '.repeat(590)}`;
    // Once the NUL is dropped, 😀 starts at the 12,000th code unit, the last one a source keeps.
    const text = `${head}${'x'.repeat(11_999 - (head.length - 1))}😀 and more words`;
    expect(text.replace('\u0000', '').codePointAt(11_999)).toBe(0x1f600);
    const found = await webSources(
      {
        providers: [
          {
            name: 'fake',
            search: async () => [
              { title: 'T', url: 'https://pages.test/long', snippet: '', provider: 'fake' },
            ],
          },
        ],
        fetchPage: async (url) => ({
          finalUrl: url,
          status: 200,
          contentType: 'text/plain',
          body: Buffer.from(text),
          headers: {},
          redirects: [],
          fetchedAt: new Date(),
        }),
      },
      { maxSources: 1, cacheTtlSeconds: 0 },
    ).find(['How do heat pumps work?'], new AbortController().signal);
    expect(found).toHaveLength(1);
    for (const value of Object.values(found[0]!))
      if (typeof value === 'string') expect(storableTextProblem(value)).toBeUndefined();
    expect(found[0]!.text.endsWith('x…')).toBe(true);
  });
});
