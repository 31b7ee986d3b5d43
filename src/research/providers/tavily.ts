import { isoDate, listAt, num, providerJson, str } from './provider-http.ts';
import { present, searchResult } from './result.ts';
import type { ProviderSettings, SearchProvider } from './types.ts';

export function tavilyProvider(apiKey: string, settings: ProviderSettings = {}): SearchProvider {
  const base = settings.baseUrl ?? 'https://api.tavily.com';
  return {
    name: 'tavily',
    async search(query, opts) {
      const data = await providerJson({
        provider: 'Tavily',
        url: new URL('/search', base).href,
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}` },
        body: { query, max_results: opts.limit, search_depth: 'basic' },
        timeoutMs: settings.timeoutMs,
        signal: opts.signal,
      });
      return listAt(data, 'results')
        .map((r) =>
          searchResult({
            provider: 'tavily',
            url: str(r.url),
            title: str(r.title),
            snippet: str(r.content),
            publishedAt: isoDate(r.published_date),
            score: num(r.score),
          }),
        )
        .filter(present)
        .slice(0, opts.limit);
    },
  };
}
