import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryCache, type ResearchCache } from '../../src/research/cache.ts';
import { braveProvider, tavilyProvider } from '../../src/research/providers/index.ts';
import {
  pageCacheKey,
  type ResearchProgress,
  researchQuestions,
  webResearch,
} from '../../src/research/web-research.ts';
import type { Resolver } from '../../src/security/ssrf/index.ts';
import { articlePage, prose } from './article-page.ts';
import { type FakeHit, fakeBrave, fakeKeys, fakeTavily } from './fake-search-providers.ts';
import { html, type LocalServer, startServer } from './local-server.ts';

// Every site name below is served by one local page server; the stub resolver maps them to
// 127.0.0.1 and the fetch allowance names them explicitly, as FETCH_ALLOW_HOSTS would.
const siteNames = ['energy.gov', 'news.test', 'mirror.test', 'content.ehow.com', 'blog.test'];
const resolver: Resolver = async (name) => {
  if (!siteNames.includes(name)) throw new Error(`ENOTFOUND ${name}`);
  return [{ address: '127.0.0.1', family: 4 }];
};

const newsProse = prose('heat pumps', 'News');
let pages: LocalServer;
let tavily: LocalServer;
let brave: LocalServer;
let tavilyInFlight = 0;
let tavilyMaxInFlight = 0;

const at = (host: string, path: string) => `http://${host}:${pages.port}${path}`;

function hitsFor(provider: 'tavily' | 'brave', query: string): FakeHit[] {
  if (query.includes('heat pump')) {
    return provider === 'tavily'
      ? [
          { title: 'Heat pumps — news', url: at('news.test', '/heat?utm_source=feed'), snippet: 's' },
          { title: 'Farm', url: at('content.ehow.com', '/farm-heat'), snippet: 's' },
          {
            title: 'Gov',
            url: at('energy.gov', '/heat-pumps'),
            snippet: 's',
            publishedAt: '2026-06-01T00:00:00Z',
          },
        ]
      : [
          // The same page as Tavily's first hit, by normalised URL.
          { title: 'Heat pumps', url: at('NEWS.test', '/heat/#comments'), snippet: 's' },
          // The same article republished elsewhere: same text, different URL.
          { title: 'Copy', url: at('mirror.test', '/copy-of-heat'), snippet: 's' },
          // An AMP view whose canonical link points at the news page.
          { title: 'AMP', url: at('news.test', '/amp/heat'), snippet: 's' },
        ];
  }
  return [{ title: 'Costs', url: at('blog.test', '/costs'), snippet: 's' }];
}

beforeAll(async () => {
  pages = await startServer({
    '/heat': (_r, res) => html(res, articlePage({ title: 'Heat pumps explained', paragraphs: newsProse })),
    // Syndicated copy: same article, different site.
    '/copy-of-heat': (_r, res) =>
      html(res, articlePage({ title: 'Heat pumps explained', paragraphs: newsProse })),
    // The farm page is as long as the others, so only the domain signal ranks it last.
    '/farm-heat': (_r, res) =>
      html(res, articlePage({ title: 'Heat pump tips', paragraphs: prose('heat pumps', 'Farm') })),
    '/amp/heat': (_r, res) =>
      html(
        res,
        articlePage({
          title: 'Heat pumps explained (AMP)',
          paragraphs: [
            ...newsProse,
            'An extra AMP-only paragraph with a sign-up prompt for the newsletter of this site.',
          ],
          canonical: at('news.test', '/heat'),
        }),
      ),
    '/heat-pumps': (_r, res) =>
      html(res, articlePage({ title: 'Heat pump guide', paragraphs: prose('heat pumps', 'Federal') })),
    '/costs': (_r, res) =>
      html(res, articlePage({ title: 'Running costs', paragraphs: prose('running costs', 'Blog') })),
  });
  tavily = await startServer({
    '/search': async (req, res) => {
      tavilyInFlight++;
      tavilyMaxInFlight = Math.max(tavilyMaxInFlight, tavilyInFlight);
      const inner = await fakeTavily((q) => hitsFor('tavily', q), 0);
      try {
        // Hold the request a moment so parallel questions overlap.
        await new Promise((r) => setTimeout(r, 100));
        const answer = await fetch(`${inner.url}/search`, {
          method: 'POST',
          headers: { authorization: req.headers.authorization ?? '', 'content-type': 'application/json' },
          body: req.body,
        });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
      } finally {
        await inner.close();
        tavilyInFlight--;
      }
    },
  });
  brave = await fakeBrave((q) => hitsFor('brave', q));
});
afterAll(() => Promise.all([pages.close(), tavily.close(), brave.close()]));

describe('researchQuestions over fake providers and pages', () => {
  const cache = memoryCache();
  const deps = () => ({
    providers: [
      tavilyProvider(fakeKeys.tavily, { baseUrl: tavily.url }),
      braveProvider(fakeKeys.brave, { baseUrl: brave.url }),
    ],
    cache,
    fetchOptions: { resolver, allowHosts: siteNames },
    now: () => new Date('2026-07-01T00:00:00Z'),
  });
  const questions = ['how do heat pumps save money', 'what are the running costs'];
  let first: Awaited<ReturnType<typeof researchQuestions>>;
  const progress: ResearchProgress[] = [];

  beforeAll(async () => {
    first = await researchQuestions(questions, deps(), {
      cacheTtlSeconds: 600,
      onProgress: (e) => progress.push(e),
    });
  });

  it('runs the questions in parallel on every provider', () => {
    expect(tavilyMaxInFlight).toBe(2);
    const braveQueries = brave.received.map((r) => r.url.searchParams.get('q'));
    expect(braveQueries.sort()).toEqual([...questions].sort());
  });

  it('de-duplicates by normalised URL, canonical URL and content', () => {
    const urls = first.map((s) => s.canonicalUrl);
    expect(new Set(urls).size).toBe(urls.length);
    // news (found by both providers), its AMP view and its mirror collapse into one source.
    const heatNews = first.filter((s) => s.text.includes('News paragraph 1'));
    expect(heatNews).toHaveLength(1);
    // The two provider URLs for the news page were fetched once.
    expect(pages.received.filter((r) => r.url.pathname === '/heat')).toHaveLength(1);
    expect(first.map((s) => new URL(s.finalUrl).hostname).sort()).toEqual([
      'blog.test',
      'content.ehow.com',
      'energy.gov',
      'news.test',
    ]);
  });

  it('orders by quality: .gov first, the content farm last', () => {
    expect(new URL(first[0]?.finalUrl ?? '').hostname).toBe('energy.gov');
    expect(new URL(first.at(-1)?.finalUrl ?? '').hostname).toBe('content.ehow.com');
    const scores = first.map((s) => s.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('keeps provenance for citations', () => {
    const gov = first[0];
    expect(gov).toMatchObject({
      url: at('energy.gov', '/heat-pumps'),
      finalUrl: at('energy.gov', '/heat-pumps'),
      title: 'Heat pump guide | The Daily Example',
      provider: 'tavily',
      query: 'how do heat pumps save money',
      publishedAt: '2026-06-01T00:00:00.000Z',
    });
    expect(Date.parse(gov?.fetchedAt ?? '')).not.toBeNaN();
    expect(gov?.excerpt).toContain('Federal paragraph');
    expect(gov?.text).not.toContain('All rights reserved');
  });

  it('reports search and fetch progress', () => {
    const search = progress.filter((p) => p.phase === 'search');
    expect(search.map((p) => p.done)).toEqual([1, 2, 3, 4]);
    expect(search.every((p) => p.total === 4)).toBe(true);
    const fetches = progress.filter((p) => p.phase === 'fetch');
    expect(fetches.at(-1)).toMatchObject({ done: fetches.length, total: fetches.length });
    expect(fetches.every((p) => typeof p.url === 'string')).toBe(true);
  });

  it('serves a repeated research from the cache without calling providers or pages again', async () => {
    const before = {
      tavily: tavily.received.length,
      brave: brave.received.length,
      pages: pages.received.length,
    };
    const again = await researchQuestions(questions, deps(), { cacheTtlSeconds: 600 });
    expect(again).toEqual(first);
    expect(tavily.received.length).toBe(before.tavily);
    expect(brave.received.length).toBe(before.brave);
    expect(pages.received.length).toBe(before.pages);
  });

  const withBadTavily = () => [
    tavilyProvider('wrong-key', { baseUrl: tavily.url }),
    braveProvider(fakeKeys.brave, { baseUrl: brave.url }),
  ];

  it('still researches when one provider fails, and reports the failed search', async () => {
    const events: ResearchProgress[] = [];
    const sources = await researchQuestions(
      ['how do heat pumps save money'],
      { ...deps(), providers: withBadTavily(), cache: memoryCache() },
      { cacheTtlSeconds: 0, onProgress: (e) => events.push(e) },
    );
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.every((s) => s.provider === 'brave')).toBe(true);
    // The failure was only counted: followers of the run could not tell a search had failed.
    expect(events.filter((e) => e.phase === 'search' && !e.ok)).toEqual([
      {
        phase: 'search',
        done: expect.any(Number),
        total: 2,
        provider: 'tavily',
        query: 'how do heat pumps save money',
        ok: false,
        reason: 'Tavily search failed: HTTP 401 (check the API key)',
      },
    ]);
  });

  it('never fetches blocked hosts', async () => {
    const before = pages.received.length;
    const sources = await researchQuestions(
      ['how do heat pumps save money'],
      // No allowance: the fake sites resolve to loopback and must all be refused.
      { ...deps(), cache: memoryCache(), fetchOptions: { resolver } },
      { cacheTtlSeconds: 0 },
    );
    expect(sources).toEqual([]);
    expect(pages.received.length).toBe(before);
  });

  it('fails, to be tried again, when searches failed and nothing was found (it went on without sources)', async () => {
    const error = await researchQuestions(
      ['how do heat pumps save money'],
      { ...deps(), providers: withBadTavily(), cache: memoryCache(), fetchOptions: { resolver } },
      { cacheTtlSeconds: 0 },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'unavailable',
      message:
        'Web research found no sources: 1 of 2 searches failed (Tavily search failed: HTTP 401 (check the API key))',
    });
  });
});

describe('researchQuestions and canonical links', () => {
  it("keeps two articles of a site that names its home page as every page's canonical", async () => {
    const article = (title: string, seed: string) =>
      Buffer.from(articlePage({ title, paragraphs: prose('heat pumps', seed), canonical: '/' }));
    const bodies: Record<string, Buffer> = {
      'https://blog.example/heat-pumps': article('Heat pumps', 'Alpha'),
      'https://blog.example/insulation': article('Insulation', 'Beta'),
    };
    const sources = await researchQuestions(
      ['heat pumps'],
      {
        providers: [
          {
            name: 'fake',
            search: async () =>
              Object.keys(bodies).map((url) => ({ title: url, url, snippet: '', provider: 'fake' })),
          },
        ],
        fetchPage: async (url) => ({
          finalUrl: url,
          status: 200,
          contentType: 'text/html',
          body: bodies[url] ?? Buffer.from(''),
          headers: {},
          redirects: [],
          fetchedAt: new Date(),
        }),
      },
      { cacheTtlSeconds: 0 },
    );
    expect(sources.map((s) => s.title).sort()).toEqual([
      'Heat pumps | The Daily Example',
      'Insulation | The Daily Example',
    ]);
  });
});

/** A fetched plain-text page about heat pump costs, as the SSRF guard hands it over. */
const textPage = (url: string, fetchedAt: Date) => ({
  finalUrl: url,
  status: 200,
  contentType: 'text/plain',
  body: Buffer.from(`Heat pumps at ${url} cost money. ${'Words about heat pumps and costs. '.repeat(20)}`),
  headers: {},
  redirects: [],
  fetchedAt,
});

describe('researchQuestions page fetches', () => {
  it('fetches up to 8 pages at once, and keeps them in search order whatever order they arrive in', async () => {
    const urls = Array.from({ length: 12 }, (_, i) => `https://site${i}.test/page`);
    let inFlight = 0;
    let most = 0;
    const sources = await researchQuestions(
      ['what do heat pumps cost'],
      {
        providers: [
          {
            name: 'fake',
            search: async () =>
              urls.map((url, i) => ({ title: `Page ${i}`, url, snippet: '', provider: 'fake' })),
          },
        ],
        fetchPage: async (url) => {
          inFlight++;
          most = Math.max(most, inFlight);
          // Later pages answer first.
          await new Promise((resolve) => setTimeout(resolve, 40 - urls.indexOf(url) * 3));
          inFlight--;
          return textPage(url, new Date());
        },
      },
      { cacheTtlSeconds: 0, maxSources: 12 },
    );
    expect(most).toBe(8);
    expect(sources.map((s) => s.url)).toEqual(urls);
  });
});

describe('researchQuestions and its cache', () => {
  const urls = Array.from({ length: 3 }, (_, i) => `https://site${i}.test/page`);
  const search = {
    name: 'fake',
    search: async () => urls.map((url, i) => ({ title: `Page ${i}`, url, snippet: '', provider: 'fake' })),
  };
  const plain = () =>
    researchQuestions(
      ['what do heat pumps cost'],
      { providers: [search], fetchPage: async (url) => textPage(url, new Date(0)) },
      { cacheTtlSeconds: 0 },
    );

  it('answers as without a cache when every read and write of it fails', async () => {
    const tried: string[] = [];
    const broken: ResearchCache = {
      get: async (key) => {
        tried.push(`get ${key.split(':')[1]}`);
        throw new Error('cache unreachable');
      },
      set: async (key) => {
        tried.push(`set ${key.split(':')[1]}`);
        throw new Error('cache unreachable');
      },
    };
    const sources = await researchQuestions(
      ['what do heat pumps cost'],
      { providers: [search], cache: broken, fetchPage: async (url) => textPage(url, new Date(0)) },
      { cacheTtlSeconds: 600 },
    );
    expect(sources).toEqual(await plain());
    expect(sources).toHaveLength(3);
    // The cache was asked, and its failures taken as misses and writes not made.
    expect(tried.filter((t) => t === 'get search')).toHaveLength(1);
    expect(tried.filter((t) => t === 'set page')).toHaveLength(3);
  });

  it('takes an entry of another shape (another version wrote it) for a miss', async () => {
    const cache = memoryCache();
    // What an older or newer process could have left under the same keys.
    await cache.set('research:search:fake:5:what do heat pumps cost', [{ link: urls[0] }], 600);
    for (const url of urls) await cache.set(pageCacheKey(url), { title: 'Old', body: 'no text field' }, 600);
    const requested: string[] = [];
    const sources = await researchQuestions(
      ['what do heat pumps cost'],
      {
        providers: [search],
        cache,
        fetchPage: async (url) => {
          requested.push(url);
          return textPage(url, new Date(0));
        },
      },
      { cacheTtlSeconds: 600 },
    );
    expect(requested).toEqual(urls);
    expect(sources).toEqual(await plain());
    // The fresh answers replaced them: the next research is served from the cache.
    const again = await researchQuestions(
      ['what do heat pumps cost'],
      {
        providers: [search],
        cache,
        fetchPage: async () => {
          throw new Error('not fetched again');
        },
      },
      { cacheTtlSeconds: 600 },
    );
    expect(again).toEqual(sources);
  });

  it('reads again a page an earlier version cached (its text could be mojibake or hold a NUL)', async () => {
    const cache = memoryCache();
    const [url] = urls as [string];
    const old = { ...textPage(url, new Date(0)), title: 'CafÃ©', text: 'CafÃ© \u0000', wordCount: 40 };
    await cache.set(`research:page:${url}`, { ...old, canonicalUrl: url, fetchedAt: '1970-01-01' }, 600);
    const requested: string[] = [];
    await researchQuestions(
      ['what do heat pumps cost'],
      {
        providers: [search],
        cache,
        fetchPage: async (page) => {
          requested.push(page);
          return textPage(page, new Date(0));
        },
      },
      { cacheTtlSeconds: 600 },
    );
    expect(requested).toEqual(urls);
  });

  it("requests a search's pages without waiting for its results to be stored", async () => {
    const writes: string[] = [];
    // A store that takes every write and never answers (a database behind other statements, or stuck).
    const stuck: ResearchCache = {
      get: async () => undefined,
      set: (key) => {
        writes.push(key);
        return new Promise<void>(() => {});
      },
    };
    const requested: string[] = [];
    const sources = await researchQuestions(
      ['what do heat pumps cost'],
      {
        providers: [search],
        cache: stuck,
        fetchPage: async (url) => {
          requested.push(url);
          return textPage(url, new Date(0));
        },
      },
      { cacheTtlSeconds: 600 },
    );
    expect(requested).toEqual(urls);
    expect(sources.map((s) => s.url)).toEqual(urls);
    expect(writes).toHaveLength(4); // the search's results and each page, stored for the next research
  });
});

describe('webResearch foreseen questions', () => {
  // A search engine of 30 pages: each question finds `limit` of them, starting where its number says.
  const pageUrl = (i: number) => `https://site${i}.test/page`;
  function world(opts: { failFirst?: string } = {}) {
    const log: string[] = [];
    const searched: Array<{ query: string; limit: number }> = [];
    let failed = false;
    const deps = {
      providers: [
        {
          name: 'fake',
          search: async (query: string, { limit }: { limit: number }) => {
            searched.push({ query, limit });
            log.push(`search ${query}`);
            if (query === opts.failFirst && !failed) {
              failed = true;
              throw new Error('the engine hiccuped');
            }
            const start = Number(/\d+/.exec(query)?.[0] ?? 0) * 4;
            return Array.from({ length: limit }, (_, i) => ({
              title: `Page ${start + i}`,
              url: pageUrl((start + i) % 30),
              snippet: '',
              provider: 'fake',
            }));
          },
        },
      ],
      fetchPage: async (url: string) => {
        log.push(`page ${url}`);
        return textPage(url, new Date(0));
      },
    };
    return { deps, log, searched };
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  const questions = ['question 0 on heat pumps', 'question 1 on heat pumps', 'question 2 on heat pumps'];
  const options = { cacheTtlSeconds: 0, maxSources: 12, resultsPerQuery: 5 };
  const plain = async () => researchQuestions(questions, world().deps, options);

  it('searches foreseen questions and loads their pages before the plan is final, and answers as without them', async () => {
    const { deps, log } = world();
    const research = webResearch(deps, options);
    research.foresee(questions[0]!, 8);
    research.foresee(questions[1]!, 8);
    await settle();
    const before = [...log];
    expect(before.filter((l) => l.startsWith('search'))).toHaveLength(2);
    expect(before.filter((l) => l.startsWith('page')).length).toBeGreaterThanOrEqual(8);
    const sources = await research.research(questions, 5);
    // Nothing foreseen is asked for again.
    expect(log.filter((l) => l.startsWith('search'))).toHaveLength(3);
    expect(new Set(log).size).toBe(log.length);
    expect(sources).toEqual(await plain());
  });

  it("keeps a foreseen search's first results when the final plan gives each question fewer", async () => {
    const { deps, searched } = world();
    const research = webResearch(deps, options);
    research.foresee(questions[0]!, 12);
    await settle();
    const sources = await research.research(questions, 5);
    expect(searched.filter((s) => s.query === questions[0])).toEqual([{ query: questions[0], limit: 12 }]);
    expect(sources).toEqual(await plain());
  });

  it('answers only for the final questions, and loads at most maxFetches pages for foreseen ones', async () => {
    const { deps, log } = world();
    const research = webResearch(deps, { ...options, maxFetches: 6 });
    research.foresee('question 5 the plan dropped', 20);
    await settle();
    expect(log.filter((l) => l.startsWith('page'))).toHaveLength(6);
    const sources = await research.research(questions, 5);
    const alone = await researchQuestions(questions, world().deps, { ...options, maxFetches: 6 });
    expect(sources).toEqual(alone);
  });

  it('asks again for a foreseen search that failed', async () => {
    const { deps, searched } = world({ failFirst: questions[0] });
    const research = webResearch(deps, options);
    research.foresee(questions[0]!, 5);
    await settle();
    const sources = await research.research(questions, 5);
    expect(searched.filter((s) => s.query === questions[0])).toHaveLength(2);
    expect(sources).toEqual(await plain());
  });
});
