// A drop-in `fetch` for clients that must talk to a URL a workspace chose (its model server's base
// URL): the same address policy as safeFetch, applied to every connection (each call resolves,
// checks and pins its socket to the checked address, so DNS rebinding between calls cannot reach
// a private address), any method and body, the response body streamed back untouched (LLM
// streaming keeps working). Redirects are refused: an API endpoint has no reason to send one.
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { parseAllowList } from './address-policy.ts';
import { BlockedUrlError } from './errors.ts';
import { type Resolver, resolveTarget, systemResolver } from './resolve-target.ts';
import { pinnedLookup } from './safe-fetch.ts';

export type GuardedFetchOptions = {
  /** Host names or CIDRs allowed although private (the operator's allow lists); empty by default. */
  allowHosts?: readonly string[];
  resolver?: Resolver;
};

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const bodiless = new Set([101, 204, 205, 304]);

function responseHeaders(raw: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

export function createGuardedFetch(opts: GuardedFetchOptions = {}): typeof fetch {
  const allow = parseAllowList(opts.allowHosts ?? []);
  const resolver = opts.resolver ?? systemResolver;

  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const target = await resolveTarget(request.url, resolver, allow);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    // Raw sockets do not inflate bodies; ask for none rather than trust a compressed stream.
    headers['accept-encoding'] = 'identity';
    if (body) headers['content-length'] = String(body.length);
    const signal = request.signal;

    const incoming = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const client = target.url.protocol === 'https:' ? https : http;
      const req = client.request(target.url, {
        method: request.method,
        headers,
        lookup: pinnedLookup(target.pinned),
        signal,
        agent: false,
      });
      req.on('response', resolve);
      req.on('error', (err) => {
        // Keep fetch's contract: aborts stay aborts, socket failures are `TypeError('fetch failed')`
        // with the cause (the AI SDK retries those as network errors).
        if (err.name === 'AbortError' || signal.aborted) reject(signal.reason ?? err);
        else reject(new TypeError('fetch failed', { cause: err }));
      });
      req.end(body);
    });

    const status = incoming.statusCode ?? 0;
    if (redirectStatuses.has(status)) {
      incoming.destroy();
      const location = String(incoming.headers.location ?? '');
      throw new BlockedUrlError(
        'redirect',
        target.url.href,
        `the server answered with a redirect${location ? ' (not followed)' : ''}; configure its final URL`,
      );
    }
    const stream = bodiless.has(status) || request.method === 'HEAD' ? null : Readable.toWeb(incoming);
    if (!stream) incoming.resume();
    return new Response(stream as ReadableStream<Uint8Array> | null, {
      status,
      statusText: incoming.statusMessage ?? '',
      headers: responseHeaders(incoming.headers),
    });
  };
  return guarded as typeof fetch;
}
