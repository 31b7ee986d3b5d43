// SearXNG's URL is user-given (often a LAN host), so it goes through the SSRF guard;
// FETCH_ALLOW_HOSTS is how an operator lets a private instance through.
import { AppError } from '../../errors.ts';
import { BlockedUrlError, FetchLimitError, type Resolver, safeFetch } from '../../security/ssrf/index.ts';
import {
  defaultProviderTimeoutMs,
  isoDate,
  listAt,
  num,
  parseProviderResponse,
  str,
} from './provider-http.ts';
import { present, searchResult } from './result.ts';
import type { ProviderSettings, SearchProvider } from './types.ts';

export type SearxngSettings = ProviderSettings & { allowHosts?: readonly string[]; resolver?: Resolver };

export function searxngProvider(baseUrl: string, settings: SearxngSettings = {}): SearchProvider {
  return {
    name: 'searxng',
    async search(query, opts) {
      const url = new URL('search', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
      url.search = new URLSearchParams({ q: query, format: 'json' }).toString();
      let response: Awaited<ReturnType<typeof safeFetch>>;
      try {
        response = await safeFetch(url, {
          timeoutMs: settings.timeoutMs ?? defaultProviderTimeoutMs,
          accept: ['application/json'],
          headers: { accept: 'application/json' },
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(settings.allowHosts ? { allowHosts: settings.allowHosts } : {}),
          ...(settings.resolver ? { resolver: settings.resolver } : {}),
        });
      } catch (error) {
        if (error instanceof BlockedUrlError || error instanceof FetchLimitError)
          throw new AppError('unavailable', `SearXNG search failed: ${error.message}`, error.details);
        throw new AppError('unavailable', `SearXNG search failed: ${(error as Error).message}`);
      }
      const data = parseProviderResponse('SearXNG', response.status, response.body.toString('utf8'), {
        // SearXNG answers 403 to a format its settings do not list (only html, by default).
        403: " (enable its JSON output: add json to search.formats in SearXNG's settings.yml)",
      });
      return listAt(data, 'results')
        .map((r) =>
          searchResult({
            provider: 'searxng',
            url: str(r.url),
            title: str(r.title),
            snippet: str(r.content),
            publishedAt: isoDate(r.publishedDate),
            score: num(r.score),
          }),
        )
        .filter(present)
        .slice(0, opts.limit);
    },
  };
}
