import type { Config } from '../../config.ts';
import type { Resolver } from '../../security/ssrf/index.ts';
import { braveProvider } from './brave.ts';
import { exaProvider } from './exa.ts';
import { searxngProvider } from './searxng.ts';
import { serpApiProvider } from './serpapi.ts';
import { tavilyProvider } from './tavily.ts';
import type { SearchProvider } from './types.ts';

export type { ProviderSettings, SearchOptions, SearchProvider, SearchResult } from './types.ts';
export { braveProvider, exaProvider, searxngProvider, serpApiProvider, tavilyProvider };

export type SearchProviderConfig = Pick<
  Config,
  | 'TAVILY_API_KEY'
  | 'SERPAPI_API_KEY'
  | 'BRAVE_API_KEY'
  | 'EXA_API_KEY'
  | 'SEARXNG_URL'
  | 'FETCH_ALLOW_HOSTS'
  | 'FETCH_TIMEOUT_SECONDS'
>;

export type SearchProviderOverrides = {
  /** Provider API base URLs, for tests pointing at fakes. */
  baseUrls?: Partial<Record<'tavily' | 'serpapi' | 'brave' | 'exa', string>>;
  timeoutMs?: number;
  resolver?: Resolver;
};

/** One provider per configured key/URL, in a fixed order (Tavily first, as most research tools do). */
export function createSearchProviders(
  config: SearchProviderConfig,
  overrides: SearchProviderOverrides = {},
): SearchProvider[] {
  const timeoutMs = overrides.timeoutMs ?? config.FETCH_TIMEOUT_SECONDS * 1000;
  const settings = (name: keyof NonNullable<SearchProviderOverrides['baseUrls']>) => {
    const baseUrl = overrides.baseUrls?.[name];
    return { timeoutMs, ...(baseUrl ? { baseUrl } : {}) };
  };
  const providers: SearchProvider[] = [];
  if (config.TAVILY_API_KEY) providers.push(tavilyProvider(config.TAVILY_API_KEY, settings('tavily')));
  if (config.SERPAPI_API_KEY) providers.push(serpApiProvider(config.SERPAPI_API_KEY, settings('serpapi')));
  if (config.BRAVE_API_KEY) providers.push(braveProvider(config.BRAVE_API_KEY, settings('brave')));
  if (config.EXA_API_KEY) providers.push(exaProvider(config.EXA_API_KEY, settings('exa')));
  if (config.SEARXNG_URL)
    providers.push(
      searxngProvider(config.SEARXNG_URL, {
        timeoutMs,
        allowHosts: config.FETCH_ALLOW_HOSTS,
        ...(overrides.resolver ? { resolver: overrides.resolver } : {}),
      }),
    );
  return providers;
}
