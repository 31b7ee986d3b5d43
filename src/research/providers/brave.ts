import { isoDate, listAt, providerJson, str } from './provider-http.ts';
import { present, searchResult } from './result.ts';
import type { ProviderSettings, SearchProvider } from './types.ts';

export function braveProvider(apiKey: string, settings: ProviderSettings = {}): SearchProvider {
  const base = settings.baseUrl ?? 'https://api.search.brave.com';
  return {
    name: 'brave',
    async search(query, opts) {
      const url = new URL('/res/v1/web/search', base);
      // Brave caps `count` at 20.
      url.search = new URLSearchParams({ q: query, count: String(Math.min(opts.limit, 20)) }).toString();
      const data = await providerJson({
        provider: 'Brave',
        url: url.href,
        headers: { 'x-subscription-token': apiKey },
        timeoutMs: settings.timeoutMs,
        signal: opts.signal,
      });
      return listAt(data, 'web', 'results')
        .map((r) =>
          searchResult({
            provider: 'brave',
            url: str(r.url),
            title: str(r.title),
            snippet: str(r.description),
            publishedAt: isoDate(r.page_age),
          }),
        )
        .filter(present)
        .slice(0, opts.limit);
    },
  };
}
