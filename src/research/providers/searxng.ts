// SearXNG's URL is user-given (often a LAN host), so it goes through the SSRF guard;
// FETCH_ALLOW_HOSTS is how an operator lets a private instance through.
import { AppError } from '../../errors.ts';
import { retryAfterMs } from '../../llm/retry-after.ts';
import { BlockedUrlError, FetchLimitError, type Resolver, safeFetch } from '../../security/ssrf/index.ts';
import {
  defaultProviderTimeoutMs,
  isoDate,
  listAt,
  num,
  type ProviderAnswer,
  parseProviderResponse,
  str,
  withRetries,
} from './provider-http.ts';
import { present, searchResult } from './result.ts';
import type { ProviderSettings, SearchProvider } from './types.ts';

export type SearxngSettings = ProviderSettings & { allowHosts?: readonly string[]; resolver?: Resolver };

/** One request to the instance, in its own time. */
async function searxngAnswer(
  url: URL,
  settings: SearxngSettings,
  signal?: AbortSignal,
): Promise<ProviderAnswer> {
  try {
    const response = await safeFetch(url, {
      timeoutMs: settings.timeoutMs ?? defaultProviderTimeoutMs,
      accept: ['application/json'],
      headers: { accept: 'application/json' },
      ...(signal ? { signal } : {}),
      ...(settings.allowHosts ? { allowHosts: settings.allowHosts } : {}),
      ...(settings.resolver ? { resolver: settings.resolver } : {}),
    });
    return {
      status: response.status,
      text: response.body.toString('utf8'),
      retryAfterMs: retryAfterMs({ 'retry-after': response.headers['retry-after'] }),
    };
  } catch (error) {
    if (error instanceof BlockedUrlError || error instanceof FetchLimitError)
      throw new AppError('unavailable', `SearXNG search failed: ${error.message}`, error.details);
    throw new AppError('unavailable', `SearXNG search failed: ${(error as Error).message}`);
  }
}

export function searxngProvider(baseUrl: string, settings: SearxngSettings = {}): SearchProvider {
  return {
    name: 'searxng',
    async search(query, opts) {
      const url = new URL('search', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
      url.search = new URLSearchParams({ q: query, format: 'json' }).toString();
      // Its limiter answers 429 to a burst of searches.
      const answer = await withRetries(() => searxngAnswer(url, settings, opts.signal), opts.signal);
      const data = parseProviderResponse('SearXNG', answer.status, answer.text, {
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
