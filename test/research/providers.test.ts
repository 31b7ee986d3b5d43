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

  describe('rate limits', () => {
    /** A Brave that answers `refusals` in turn (status, Retry-After), then its results. */
    async function limitedBrave(refusals: Array<[number, string | undefined]>) {
      const real = await fakeBrave(index);
      const server = await startServer({
        '/res/v1/web/search': async (req, res) => {
          const refusal = refusals.shift();
          if (refusal) {
            const [status, retryAfter] = refusal;
            return res
              .writeHead(status, {
                'content-type': 'application/json',
                ...(retryAfter ? { 'retry-after': retryAfter } : {}),
              })
              .end('{"error":{"code":"RATE_LIMITED"}}');
          }
          const answer = await fetch(`${real.url}${req.url.pathname}${req.url.search}`, {
            headers: { 'x-subscription-token': fakeKeys.brave },
          });
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
        },
      });
      return {
        server,
        search: () => braveProvider(fakeKeys.brave, { baseUrl: server.url }).search('x', { limit: 5 }),
        close: () => Promise.all([server.close(), real.close()]),
      };
    }

    it('asks again after the wait a 429 or 503 names (a 429 failed the search at once)', async () => {
      const brave = await limitedBrave([
        [429, '0'],
        [503, '0'],
      ]);
      try {
        expect((await brave.search()).map((r) => r.url)).toEqual([
          'https://example.org/one',
          'https://example.org/two',
        ]);
        expect(brave.server.received).toHaveLength(3);
      } finally {
        await brave.close();
      }
    });

    it('waits a second without a Retry-After', async () => {
      const brave = await limitedBrave([[429, undefined]]);
      try {
        await brave.search();
        const [first, second] = brave.server.received;
        expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
      } finally {
        await brave.close();
      }
    });

    it('gives up after two retries, or at once when asked to wait longer than 10 s, and says why', async () => {
      const persistent = await limitedBrave([
        [429, '0'],
        [429, '0'],
        [429, '0'],
      ]);
      const patient = await limitedBrave([[429, '60']]);
      try {
        const message =
          "Brave search failed: HTTP 429 (rate limited: more searches than the provider's plan allows)";
        await expect(persistent.search()).rejects.toThrow(message);
        expect(persistent.server.received).toHaveLength(3);
        await expect(patient.search()).rejects.toThrow(message);
        expect(patient.server.received).toHaveLength(1);
      } finally {
        await Promise.all([persistent.close(), patient.close()]);
      }
    });

    it('asks a SearXNG whose limiter refused a burst again too', async () => {
      let refusals = 1;
      const real = await fakeSearxng(index);
      const limited = await startServer({
        '/search': async (req, res) => {
          if (refusals-- > 0)
            return res
              .writeHead(429, { 'content-type': 'text/html', 'retry-after': '0' })
              .end('Too Many Requests');
          const answer = await fetch(`${real.url}${req.url.pathname}${req.url.search}`);
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
        },
      });
      try {
        const results = await searxngProvider(limited.url, { allowHosts: ['127.0.0.1'] }).search('x', {
          limit: 5,
        });
        expect(results).toHaveLength(2);
        expect(limited.received).toHaveLength(2);
      } finally {
        await Promise.all([limited.close(), real.close()]);
      }
    });
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
