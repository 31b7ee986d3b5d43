// The one way server code fetches a URL someone else chose (URL ingestion, research,
// webhooks, publishing). Each hop is checked and its socket pinned to the checked addresses.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { type TimedAbortScope, timedAbortScope } from '../../abort-scope.ts';
import { parseAllowList } from './address-policy.ts';
import { BlockedUrlError, FetchLimitError } from './errors.ts';
import { mediaType } from './media-type.ts';
import { type ResolvedAddress, type Resolver, resolveTarget, systemResolver } from './resolve-target.ts';

export type SafeFetchOptions = {
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  /** Allowed media types, e.g. ['text/html', 'text/*']; omitted means any. */
  accept?: string[];
  signal?: AbortSignal;
  resolver?: Resolver;
  /** Host names or CIDRs allowed even though private (FETCH_ALLOW_HOSTS); empty by default. */
  allowHosts?: readonly string[];
  headers?: Record<string, string>;
};

export type SafeFetchResult = {
  finalUrl: string;
  status: number;
  contentType: string;
  /** The final response's headers (Retry-After, for one). */
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Every URL redirected to, in order (the final URL is the last one). */
  redirects: string[];
  fetchedAt: Date;
};

export const safeFetchDefaults = { maxBytes: 5 * 1024 * 1024, timeoutMs: 15_000, maxRedirects: 5 };

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * A socket lookup that answers only the addresses resolveTarget checked. All of them: Node asks for
 * every address (`all`) to fall back to the next when one does not answer (happy eyeballs), and a
 * site whose first address was down was unreachable (or took the whole timeout) while given one.
 */
export function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return ((
    _host: string,
    options: { all?: boolean; family?: number },
    callback: (...args: unknown[]) => void,
  ) => {
    const wanted = options?.family === 4 || options?.family === 6 ? options.family : undefined;
    const usable = wanted ? addresses.filter((a) => a.family === wanted) : addresses;
    const [first] = usable;
    if (!first)
      callback(Object.assign(new Error(`no IPv${wanted} address was checked`), { code: 'ENOTFOUND' }));
    else if (options?.all)
      callback(
        null,
        usable.map(({ address, family }) => ({ address, family })),
      );
    else callback(null, first.address, first.family);
  }) as unknown as LookupFunction;
}

function accepted(contentType: string, accept: readonly string[]): boolean {
  const type = mediaType(contentType);
  return accept.some((a) => {
    const want = a.toLowerCase();
    return want.endsWith('/*') ? type.startsWith(want.slice(0, -1)) : type === want;
  });
}

type Hop = { status: number; headers: http.IncomingHttpHeaders; response: http.IncomingMessage };

function request(
  url: URL,
  addresses: readonly ResolvedAddress[],
  headers: Record<string, string>,
  signal: AbortSignal,
) {
  return new Promise<Hop>((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(
      url,
      {
        method: 'GET',
        lookup: pinnedLookup(addresses),
        signal,
        // Identity only: we never inflate someone else's compressed body (decompression bombs).
        headers: { 'accept-encoding': 'identity', 'user-agent': 'Blogsmith/0.1 (+research)', ...headers },
        agent: false,
      },
      (response) => resolve({ status: response.statusCode ?? 0, headers: response.headers, response }),
    );
    req.on('error', reject);
    req.end();
  });
}

async function readLimited(response: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      response.destroy();
      throw new FetchLimitError('bytes', `response is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Fetches `url` with GET, following redirects, refusing non-public targets at every hop. */
export async function safeFetch(url: string | URL, opts: SafeFetchOptions = {}): Promise<SafeFetchResult> {
  const maxBytes = opts.maxBytes ?? safeFetchDefaults.maxBytes;
  const timeoutMs = opts.timeoutMs ?? safeFetchDefaults.timeoutMs;
  const maxRedirects = opts.maxRedirects ?? safeFetchDefaults.maxRedirects;
  const resolver = opts.resolver ?? systemResolver;
  const allow = parseAllowList(opts.allowHosts ?? []);
  const scope = timedAbortScope(timeoutMs, opts.signal);
  try {
    return await fetchFollowing(url, opts, scope, { maxBytes, timeoutMs, maxRedirects, resolver, allow });
  } finally {
    scope.dispose();
  }
}

interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  resolver: Resolver;
  allow: ReturnType<typeof parseAllowList>;
}

async function fetchFollowing(
  url: string | URL,
  opts: SafeFetchOptions,
  scope: TimedAbortScope,
  { maxBytes, timeoutMs, maxRedirects, resolver, allow }: FetchLimits,
): Promise<SafeFetchResult> {
  const { signal } = scope;
  const redirects: string[] = [];

  const timed = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } catch (error) {
      if (scope.timedOut) throw new FetchLimitError('time', `fetch took longer than ${timeoutMs} ms`);
      throw error;
    }
  };
  const abortable = <T>(work: Promise<T>) =>
    timed(
      new Promise<T>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        work.then(resolve, reject);
      }),
    );

  let current: string | URL = url;
  for (;;) {
    const target = await abortable(resolveTarget(current, resolver, allow));
    const hop = await timed(request(target.url, target.addresses, opts.headers ?? {}, signal));
    const location = hop.headers.location;
    if (redirectStatuses.has(hop.status) && location) {
      hop.response.destroy();
      if (redirects.length >= maxRedirects)
        throw new FetchLimitError('redirects', `more than ${maxRedirects} redirects`);
      let next: URL;
      try {
        next = new URL(location, target.url);
      } catch {
        throw new BlockedUrlError('invalid_url', location, 'redirect to an invalid URL');
      }
      redirects.push(next.href);
      current = next;
      continue;
    }
    const contentType = String(hop.headers['content-type'] ?? 'application/octet-stream');
    // An answer that is not a success is handed on for its status whatever its type: a JSON API's
    // refusal is often an HTML page, and "content type text/html is not accepted" hid its 403.
    const success = hop.status >= 200 && hop.status < 300;
    if (success && opts.accept && !accepted(contentType, opts.accept)) {
      hop.response.destroy();
      throw new FetchLimitError('content_type', `content type ${mediaType(contentType)} is not accepted`);
    }
    // Asked for identity, a server may compress all the same; those bytes are not the page (read as
    // HTML they were garbage, or failed the extractor), and are not inflated (decompression bombs).
    const encoding = (hop.headers['content-encoding'] ?? '').trim().toLowerCase();
    if (encoding && encoding !== 'identity') {
      hop.response.destroy();
      throw new FetchLimitError(
        'content_encoding',
        `the server sent the body ${encoding}-compressed though asked for no compression; compressed bodies are not read`,
      );
    }
    const declared = Number(hop.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      hop.response.destroy();
      throw new FetchLimitError('bytes', `response is larger than ${maxBytes} bytes`);
    }
    const body = await timed(readLimited(hop.response, maxBytes));
    return {
      finalUrl: target.url.href,
      status: hop.status,
      contentType,
      headers: hop.headers,
      body,
      redirects,
      fetchedAt: new Date(),
    };
  }
}
