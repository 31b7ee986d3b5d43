export { addressInAllowList, checkAddress, parseAllowList } from './address-policy.ts';
export { BlockedUrlError, type BlockReason, type FetchLimit, FetchLimitError } from './errors.ts';
export { type FetchConfig, fetchOptionsFromConfig } from './from-config.ts';
export { createGuardedFetch, type GuardedFetchOptions } from './guarded-fetch.ts';
export { mediaType } from './media-type.ts';
export { precheckUrl } from './precheck-url.ts';
export {
  boundedLookups,
  maxWaitingLookups,
  type ResolvedAddress,
  type Resolver,
  resolveTarget,
  systemResolver,
} from './resolve-target.ts';
export {
  type SafeFetchOptions,
  type SafeFetchResult,
  safeFetch,
  safeFetchDefaults,
} from './safe-fetch.ts';
