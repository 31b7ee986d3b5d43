// A drop-in `fetch` for clients that must talk to a URL a workspace chose (its model server's base
// URL): the same address policy as safeFetch, applied to every connection (each call resolves,
// checks and pins its socket to the checked addresses, so DNS rebinding between calls cannot reach
// a private address), any method and body, the response body streamed back untouched (LLM
// streaming keeps working) up to a size. Redirects are refused: an API endpoint has no reason to
// send one.
import { httpFetch, plainRequest } from '../../http-fetch.ts';
import { parseAllowList } from './address-policy.ts';
import { BlockedUrlError, FetchLimitError } from './errors.ts';
import { type Resolver, resolveTarget, systemResolver } from './resolve-target.ts';
import { pinnedLookup } from './safe-fetch.ts';

export type GuardedFetchOptions = {
  /** Host names or CIDRs allowed although private (the operator's allow lists); empty by default. */
  allowHosts?: readonly string[];
  resolver?: Resolver;
};

/**
 * The most one response of a workspace's server may hold. A model's longest answer streamed (a few
 * hundred bytes of event per token, 64k tokens) is ~20 MB; an embedding batch a few MB. Unbounded,
 * a server that sends without end grew the process until it died (the SDK reads an answer whole).
 */
export const maxWorkspaceResponseBytes = 32 * 1024 * 1024;

const responseTooLarge = () =>
  new FetchLimitError(
    'bytes',
    `the model server's response is larger than ${maxWorkspaceResponseBytes / 1024 / 1024} MB, the most a workspace's server may send`,
  );

export function createGuardedFetch(opts: GuardedFetchOptions = {}): typeof fetch {
  const allow = parseAllowList(opts.allowHosts ?? []);
  const resolver = opts.resolver ?? systemResolver;

  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = await plainRequest(input, init);
    const target = await resolveTarget(request.url.href, resolver, allow);
    return httpFetch(
      { ...request, url: target.url },
      {
        // Each call's socket is pinned to the addresses it checked.
        agent: false,
        limitResponse: { maxBytes: maxWorkspaceResponseBytes, error: responseTooLarge },
        lookup: pinnedLookup(target.addresses),
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
