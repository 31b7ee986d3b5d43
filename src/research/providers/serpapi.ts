import { isoDate, listAt, providerJson, str } from './provider-http.ts';
import { present, searchResult } from './result.ts';
import type { ProviderSettings, SearchProvider } from './types.ts';

export function serpApiProvider(apiKey: string, settings: ProviderSettings = {}): SearchProvider {
  const base = settings.baseUrl ?? 'https://serpapi.com';
  return {
    name: 'serpapi',
    async search(query, opts) {
      const url = new URL('/search.json', base);
      url.search = new URLSearchParams({
        engine: 'google',
        q: query,
        num: String(opts.limit),
        api_key: apiKey,
      }).toString();
      const data = await providerJson({
        provider: 'SerpAPI',
        url: url.href,
        timeoutMs: settings.timeoutMs,
        signal: opts.signal,
      });
      return listAt(data, 'organic_results')
        .map((r) =>
          searchResult({
            provider: 'serpapi',
            url: str(r.link),
            title: str(r.title),
            snippet: str(r.snippet),
            publishedAt: isoDate(r.date),
          }),
        )
        .filter(present)
        .slice(0, opts.limit);
    },
  };
}
