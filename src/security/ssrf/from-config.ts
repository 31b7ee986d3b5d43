import type { Config } from '../../config.ts';
import type { SafeFetchOptions } from './safe-fetch.ts';

export type FetchConfig = Pick<
  Config,
  'FETCH_ALLOW_HOSTS' | 'FETCH_TIMEOUT_SECONDS' | 'FETCH_MAX_BYTES' | 'FETCH_MAX_REDIRECTS'
>;

/** The operator's fetch limits and allow list, as safeFetch options; callers add `accept`. */
export function fetchOptionsFromConfig(config: FetchConfig): SafeFetchOptions {
  return {
    allowHosts: config.FETCH_ALLOW_HOSTS,
    timeoutMs: config.FETCH_TIMEOUT_SECONDS * 1000,
    maxBytes: config.FETCH_MAX_BYTES,
    maxRedirects: config.FETCH_MAX_REDIRECTS,
  };
}
