import type { Config } from '../config.ts';
import { fetchOptionsFromConfig } from '../security/ssrf/index.ts';
import type { ResearchCache } from './cache.ts';
import { createSearchProviders, type SearchProviderConfig } from './providers/index.ts';
import type { ResearchDeps, ResearchOptions } from './web-research.ts';

export type ResearchConfig = SearchProviderConfig &
  Pick<Config, 'FETCH_MAX_BYTES' | 'FETCH_MAX_REDIRECTS' | 'RESEARCH_CACHE_TTL'>;

/** Wires web research from configuration; `enabled` is false when no provider is configured. */
export function researchFromConfig(
  config: ResearchConfig,
  cache?: ResearchCache,
): { enabled: boolean; deps: ResearchDeps; options: Pick<ResearchOptions, 'cacheTtlSeconds'> } {
  const providers = createSearchProviders(config);
  return {
    enabled: providers.length > 0,
    deps: { providers, fetchOptions: fetchOptionsFromConfig(config), ...(cache ? { cache } : {}) },
    options: { cacheTtlSeconds: config.RESEARCH_CACHE_TTL },
  };
}
