import { isoDate, listAt, num, providerJson, str } from './provider-http.ts';
import { present, searchResult } from './result.ts';
import type { ProviderSettings, SearchProvider } from './types.ts';

export function exaProvider(apiKey: string, settings: ProviderSettings = {}): SearchProvider {
  const base = settings.baseUrl ?? 'https://api.exa.ai';
  return {
    name: 'exa',
    async search(query, opts) {
      const data = await providerJson({
        provider: 'Exa',
        url: new URL('/search', base).href,
        method: 'POST',
        headers: { 'x-api-key': apiKey },
        body: { query, numResults: opts.limit, contents: { highlights: true } },
        timeoutMs: settings.timeoutMs,
        signal: opts.signal,
      });
      return listAt(data, 'results')
        .map((r) => {
          const highlights = Array.isArray(r.highlights)
            ? r.highlights.filter((h) => typeof h === 'string')
            : [];
          return searchResult({
            provider: 'exa',
            url: str(r.url),
            title: str(r.title),
            snippet: highlights.join(' … ') || str(r.summary) || str(r.text)?.slice(0, 300),
            publishedAt: isoDate(r.publishedDate),
            score: num(r.score),
          });
        })
        .filter(present)
        .slice(0, opts.limit);
    },
  };
}
