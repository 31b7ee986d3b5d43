// fetch's contract on node:http(s), for the clients of model servers (the AI SDK's providers take a
// `fetch`). The global fetch (undici) turns every request body into a web stream and writes it over
// several turns of the event loop; a burst of requests (a run's sections, its fact checks) then goes
// out one body at a time, interleaved with the first answers, milliseconds apart (bench/RESULTS.md).
// Here a body is written in one call. Responses stream back untouched (LLM streaming keeps working).
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';

/** A request as the transport sends it. */
export interface PlainRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  signal: AbortSignal | undefined;
}

export interface HttpFetchOptions {
  /** The agent for this URL (`false`: a connection of its own). */
  agent: http.Agent | false;
  lookup?: LookupFunction;
  /** fetch would follow a redirect; the caller decides (the response's body is discarded). */
  redirect(location: string): Promise<Response>;
  /** Past this many bytes the body fails with `error()`; a larger declared length fails at once. */
  limitResponse?: { maxBytes: number; error(): Error };
}

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

function headerRecord(init: HeadersInit | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!init) return headers;
  if (init instanceof Headers || Array.isArray(init))
    for (const [name, value] of init instanceof Headers ? init.entries() : init)
      headers[name.toLowerCase()] = value;
  // A record may carry absent values (`{ 'x-key': undefined }`); fetch drops them, and so do we.
  else
    for (const [name, value] of Object.entries(init)) if (value != null) headers[name.toLowerCase()] = value;
  return headers;
}

/**
 * The request fetch(input, init) would send. A URL with a string or byte body (what the AI SDK
 * sends) is taken as it is; anything else goes through a `Request`, which reads the body whole.
 */
export async function plainRequest(input: string | URL | Request, init?: RequestInit): Promise<PlainRequest> {
  const body = init?.body;
  if (!(input instanceof Request) && (body == null || typeof body === 'string' || body instanceof Uint8Array))
    return {
      url: new URL(input),
      method: (init?.method ?? 'GET').toUpperCase(),
      headers: headerRecord(init?.headers),
      body: body == null ? undefined : typeof body === 'string' ? body : Buffer.from(body),
      signal: init?.signal ?? undefined,
    };
  const request = new Request(input, init);
  return {
    url: new URL(request.url),
    method: request.method,
    headers: headerRecord(request.headers),
    body: request.body ? Buffer.from(await request.arrayBuffer()) : undefined,
    signal: request.signal,
  };
}

export async function httpFetch(request: PlainRequest, opts: HttpFetchOptions): Promise<Response> {
  const { url, method, body, signal } = request;
  // Raw sockets do not inflate bodies; ask for none rather than trust a compressed stream.
  const headers: Record<string, string> = {
    accept: '*/*',
    ...request.headers,
    'accept-encoding': 'identity',
  };
  // A length, not chunked encoding: some model servers do not read chunked request bodies.
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const incoming = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(url, {
      method,
      headers,
      agent: opts.agent,
      ...(opts.lookup ? { lookup: opts.lookup } : {}),
      ...(signal ? { signal } : {}),
    });
    req.on('response', resolve);
    req.on('error', (err) => {
      // Keep fetch's contract: aborts stay aborts, socket failures are `TypeError('fetch failed')`
      // with the cause (the AI SDK retries those as network errors).
      if (err.name === 'AbortError' || signal?.aborted) reject(signal?.reason ?? err);
      else reject(new TypeError('fetch failed', { cause: err }));
    });
    req.end(body);
  });

  const status = incoming.statusCode ?? 0;
  if (redirectStatuses.has(status)) {
    incoming.destroy();
    return opts.redirect(String(incoming.headers.location ?? ''));
  }
  const limit = opts.limitResponse;
  if (limit && Number(incoming.headers['content-length']) > limit.maxBytes) {
    incoming.destroy();
    throw limit.error();
  }
  const stream = bodiless.has(status) || method === 'HEAD' ? null : Readable.toWeb(incoming);
  if (!stream) incoming.resume();
  else if (limit) {
    // Counted beside the web stream's own reader (added after it, so no chunk flows before it reads).
    let received = 0;
    incoming.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit.maxBytes) incoming.destroy(limit.error());
    });
  }
  try {
    return new Response(stream as ReadableStream<Uint8Array> | null, {
      status,
      statusText: incoming.statusMessage ?? '',
      headers: responseHeaders(incoming.headers),
    });
  } catch (err) {
    // A status or header fetch would not accept either (a status outside 200–599).
    incoming.destroy();
    throw new TypeError('fetch failed', { cause: err });
  }
}
