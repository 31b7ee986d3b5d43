// Fake search APIs speaking each provider's real wire format, each checking its own auth.
import type { ServerResponse } from 'node:http';
import { json, type LocalServer, type Received, startServer } from './local-server.ts';

export type FakeHit = { title: string; url: string; snippet: string; publishedAt?: string };
export type FakeIndex = (query: string) => FakeHit[];

const unauthorised = (res: ServerResponse) => json(res, { error: 'Unauthorized' }, 401);

export const fakeKeys = { tavily: 'tvly-test', serpapi: 'serp-test', brave: 'brave-test', exa: 'exa-test' };

export function fakeTavily(index: FakeIndex, delayMs = 0): Promise<LocalServer> {
  return startServer({
    '/search': async (req, res) => {
      if (req.method !== 'POST' || req.headers.authorization !== `Bearer ${fakeKeys.tavily}`)
        return unauthorised(res);
      const body = JSON.parse(req.body) as { query: string; max_results: number };
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      json(res, {
        query: body.query,
        answer: null,
        images: [],
        results: index(body.query)
          .slice(0, body.max_results)
          .map((h, i) => ({
            title: h.title,
            url: h.url,
            content: h.snippet,
            score: 0.9 - i * 0.1,
            raw_content: null,
            ...(h.publishedAt ? { published_date: h.publishedAt } : {}),
          })),
        response_time: 0.42,
      });
    },
  });
}

export function fakeSerpApi(index: FakeIndex): Promise<LocalServer> {
  return startServer({
    '/search.json': (req, res) => {
      const q = req.url.searchParams;
      if (q.get('api_key') !== fakeKeys.serpapi) return json(res, { error: 'Invalid API key.' }, 401);
      if (q.get('engine') !== 'google') return json(res, { error: 'Unsupported engine' }, 400);
      const query = q.get('q') ?? '';
      json(res, {
        search_metadata: { id: 'abc', status: 'Success' },
        search_parameters: { engine: 'google', q: query },
        organic_results: index(query).map((h, i) => ({
          position: i + 1,
          title: h.title,
          link: h.url,
          displayed_link: h.url,
          snippet: h.snippet,
          ...(h.publishedAt ? { date: h.publishedAt } : {}),
        })),
      });
    },
  });
}

export function fakeBrave(index: FakeIndex): Promise<LocalServer> {
  return startServer({
    '/res/v1/web/search': (req, res) => {
      if (req.headers['x-subscription-token'] !== fakeKeys.brave) return unauthorised(res);
      const query = req.url.searchParams.get('q') ?? '';
      json(res, {
        type: 'search',
        query: { original: query },
        web: {
          type: 'search',
          results: index(query).map((h) => ({
            type: 'search_result',
            title: h.title,
            url: h.url,
            description: h.snippet,
            ...(h.publishedAt ? { page_age: h.publishedAt } : {}),
          })),
        },
      });
    },
  });
}

export function fakeExa(index: FakeIndex): Promise<LocalServer> {
  return startServer({
    '/search': (req, res) => {
      if (req.method !== 'POST' || req.headers['x-api-key'] !== fakeKeys.exa) return unauthorised(res);
      const body = JSON.parse(req.body) as { query: string; numResults: number };
      json(res, {
        requestId: 'req-1',
        resolvedSearchType: 'neural',
        results: index(body.query)
          .slice(0, body.numResults)
          .map((h, i) => ({
            id: h.url,
            title: h.title,
            url: h.url,
            publishedDate: h.publishedAt ?? null,
            author: null,
            score: 0.5 - i * 0.01,
            highlights: [h.snippet],
          })),
      });
    },
  });
}

export function fakeSearxng(index: FakeIndex): Promise<LocalServer> {
  return startServer({
    '/search': (req, res) => {
      if (req.url.searchParams.get('format') !== 'json') return json(res, { error: 'format' }, 403);
      const query = req.url.searchParams.get('q') ?? '';
      json(res, {
        query,
        number_of_results: 0,
        results: index(query).map((h, i) => ({
          url: h.url,
          title: h.title,
          content: h.snippet,
          engine: 'duckduckgo',
          engines: ['duckduckgo'],
          score: 1 / (i + 1),
          category: 'general',
          ...(h.publishedAt ? { publishedDate: h.publishedAt } : {}),
        })),
        answers: [],
        suggestions: [],
      });
    },
  });
}

export const lastRequest = (server: LocalServer): Received | undefined => server.received.at(-1);
