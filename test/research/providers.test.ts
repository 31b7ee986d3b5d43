import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import {
  braveProvider,
  createSearchProviders,
  exaProvider,
  type SearchProvider,
  searxngProvider,
  serpApiProvider,
  tavilyProvider,
} from '../../src/research/providers/index.ts';
import {
  type FakeIndex,
  fakeBrave,
  fakeExa,
  fakeKeys,
  fakeSearxng,
  fakeSerpApi,
  fakeTavily,
} from './fake-search-providers.ts';
import { type LocalServer, startServer } from './local-server.ts';

const index: FakeIndex = (query) => [
  {
    title: `First about ${query}`,
    url: 'https://example.org/one',
    snippet: 'one',
    publishedAt: '2026-01-02T00:00:00Z',
  },
  { title: 'Second', url: 'https://example.org/two', snippet: 'two' },
  { title: 'Not a web page', url: 'ftp://example.org/three', snippet: 'dropped' },
];

const servers: Record<string, LocalServer> = {};
beforeAll(async () => {
  servers.tavily = await fakeTavily(index);
  servers.serpapi = await fakeSerpApi(index);
  servers.brave = await fakeBrave(index);
  servers.exa = await fakeExa(index);
  servers.searxng = await fakeSearxng(index);
});
afterAll(() => Promise.all(Object.values(servers).map((s) => s.close())));

const base = (name: string) => (servers[name] as LocalServer).url;

const cases: [string, () => SearchProvider][] = [
  ['tavily', () => tavilyProvider(fakeKeys.tavily, { baseUrl: base('tavily') })],
  ['serpapi', () => serpApiProvider(fakeKeys.serpapi, { baseUrl: base('serpapi') })],
  ['brave', () => braveProvider(fakeKeys.brave, { baseUrl: base('brave') })],
  ['exa', () => exaProvider(fakeKeys.exa, { baseUrl: base('exa') })],
  ['searxng', () => searxngProvider(base('searxng'), { allowHosts: ['127.0.0.1'] })],
];

describe.each(cases)('%s provider', (name, make) => {
  it('parses the real response format into results', async () => {
    const results = await make().search('solar panels', { limit: 5 });
    expect(results.map((r) => r.url)).toEqual(['https://example.org/one', 'https://example.org/two']);
    expect(results[0]).toMatchObject({ title: 'First about solar panels', snippet: 'one', provider: name });
    if (name !== 'serpapi' && name !== 'brave') expect(typeof results[0]?.score).toBe('number');
    expect(results[0]?.publishedAt).toBe('2026-01-02T00:00:00.000Z');
    const seen = (servers[name] as LocalServer).received.at(-1);
    expect(seen?.url.searchParams.get('q') ?? JSON.parse(seen?.body || '{}').query).toBe('solar panels');
  });
});

describe('provider errors and selection', () => {
  it.each([
    ['Tavily', () => tavilyProvider('wrong', { baseUrl: base('tavily') })],
    ['SerpAPI', () => serpApiProvider('wrong', { baseUrl: base('serpapi') })],
    ['Brave', () => braveProvider('wrong', { baseUrl: base('brave') })],
    ['Exa', () => exaProvider('wrong', { baseUrl: base('exa') })],
  ])('%s with a wrong key fails clearly', async (label, make) => {
    const error = await make()
      .search('x', { limit: 3 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('unavailable');
    expect((error as AppError).message).toBe(`${label} search failed: HTTP 401 (check the API key)`);
  });

  it('refuses a SearXNG on a private address unless FETCH_ALLOW_HOSTS lets it through', async () => {
    const error = await searxngProvider(base('searxng'))
      .search('x', { limit: 3 })
      .catch((e: unknown) => e);
    expect((error as AppError).code).toBe('unavailable');
    expect((error as AppError).message).toMatch(/SearXNG search failed: URL blocked/);
  });

  it('says how to enable JSON when a SearXNG answers 403 (its settings list only html)', async () => {
    const htmlOnly = await startServer({
      '/search': (_req, res) =>
        res.writeHead(403, { 'content-type': 'text/html; charset=utf-8' }).end('<h1>403 Forbidden</h1>'),
    });
    try {
      const error = await searxngProvider(htmlOnly.url, { allowHosts: ['127.0.0.1'] })
        .search('x', { limit: 3 })
        .catch((e: unknown) => e);
      // It was "content type text/html is not accepted": the type was judged before the status.
      expect((error as AppError).message).toBe(
        "SearXNG search failed: HTTP 403 (enable its JSON output: add json to search.formats in SearXNG's settings.yml)",
      );
    } finally {
      await htmlOnly.close();
    }
  });

  it('times out a provider whose body stalls after its headers, and says so', async () => {
    const stalling = await startServer({
      '/search': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"results": [');
      },
    });
    try {
      const error = await tavilyProvider(fakeKeys.tavily, { baseUrl: stalling.url, timeoutMs: 200 })
        .search('x', { limit: 1 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).message).toBe('Tavily search timed out after 200 ms');
    } finally {
      await stalling.close();
    }
  });

  it('times out a provider that does not answer', async () => {
    const slow = await fakeTavily(index, 5_000);
    try {
      const error = await tavilyProvider(fakeKeys.tavily, { baseUrl: slow.url, timeoutMs: 200 })
        .search('x', { limit: 1 })
        .catch((e: unknown) => e);
      expect((error as AppError).message).toBe('Tavily search timed out after 200 ms');
    } finally {
      await slow.close();
    }
  });

  it('makes the words of a result storable (a title stands in for a page without one)', async () => {
    const odd = await fakeTavily(() => [
      { title: 'Heat\u0000 pumps', url: 'https://example.org/one', snippet: 'bell\u0007 \ud83d' },
    ]);
    try {
      const [result] = await tavilyProvider(fakeKeys.tavily, { baseUrl: odd.url }).search('x', { limit: 1 });
      expect(result).toMatchObject({ title: 'Heat pumps', snippet: 'bell \ufffd' });
    } finally {
      await odd.close();
    }
  });

  it('creates one provider per configured key or URL', () => {
    const none = { FETCH_ALLOW_HOSTS: [], FETCH_TIMEOUT_SECONDS: 15 };
    expect(createSearchProviders(none)).toEqual([]);
    const all = createSearchProviders({
      ...none,
      TAVILY_API_KEY: 'a',
      SERPAPI_API_KEY: 'b',
      BRAVE_API_KEY: 'c',
      EXA_API_KEY: 'd',
      SEARXNG_URL: 'http://searx.lan:8080',
    });
    expect(all.map((p) => p.name)).toEqual(['tavily', 'serpapi', 'brave', 'exa', 'searxng']);
    expect(createSearchProviders({ ...none, BRAVE_API_KEY: 'c' }).map((p) => p.name)).toEqual(['brave']);
  });
});
