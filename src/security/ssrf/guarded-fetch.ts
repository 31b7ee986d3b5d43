// A drop-in `fetch` for clients that must talk to a URL a workspace chose (its model server's base
// URL): the same address policy as safeFetch, applied to every connection (each call resolves,
// checks and pins its socket to the checked address, so DNS rebinding between calls cannot reach
// a private address), any method and body, the response body streamed back untouched (LLM
// streaming keeps working). Redirects are refused: an API endpoint has no reason to send one.
import { httpFetch, plainRequest } from '../../http-fetch.ts';
import { parseAllowList } from './address-policy.ts';
import { BlockedUrlError } from './errors.ts';
import { type Resolver, resolveTarget, systemResolver } from './resolve-target.ts';
import { pinnedLookup } from './safe-fetch.ts';

export type GuardedFetchOptions = {
  /** Host names or CIDRs allowed although private (the operator's allow lists); empty by default. */
  allowHosts?: readonly string[];
  resolver?: Resolver;
};

export function createGuardedFetch(opts: GuardedFetchOptions = {}): typeof fetch {
  const allow = parseAllowList(opts.allowHosts ?? []);
  const resolver = opts.resolver ?? systemResolver;

  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = await plainRequest(input, init);
    const target = await resolveTarget(request.url.href, resolver, allow);
    return httpFetch(
      { ...request, url: target.url },
      {
        // Each call's socket is pinned to the address it checked.
        agent: false,
        lookup: pinnedLookup(target.pinned),
        async redirect(location) {
          throw new BlockedUrlError(
            'redirect',
            target.url.href,
            `the server answered with a redirect${location ? ' (not followed)' : ''}; configure its final URL`,
          );
        },
      },
    );
  };
  return guarded as typeof fetch;
}
