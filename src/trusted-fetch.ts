// How requests reach the operator's own servers — the model servers named in the environment, and
// for the command line the API on this machine (loopback, or the address the server holding the data
// directory published): fetch's contract on node:http(s) keep-alive agents (src/http-fetch.ts), so
// a burst of requests leaves together and a fresh process's first request does not wait for undici
// to start. A redirect is left to the global fetch, which follows it as before. URLs a workspace
// member chose use the SSRF-guarded fetch instead (security/ssrf/guarded-fetch.ts).
import http from 'node:http';
import https from 'node:https';
import { httpFetch, plainRequest } from './http-fetch.ts';

// Node reads it once at start-up too: a proxy from the environment is the global fetch's to honour.
const envProxy = Boolean(process.env.NODE_USE_ENV_PROXY);

const agents = {
  http: new http.Agent({ keepAlive: true }),
  https: new https.Agent({ keepAlive: true }),
};

export const trustedFetch = (async (input: string | URL | Request, init?: RequestInit) => {
  // Decided before the request is read: reading a streamed body or a `Request` uses it up.
  const { protocol } = new URL(input instanceof Request ? input.url : input);
  if ((protocol !== 'http:' && protocol !== 'https:') || envProxy) return fetch(input, init);
  const request = await plainRequest(input, init);
  return httpFetch(request, {
    agent: protocol === 'https:' ? agents.https : agents.http,
    // Sent again from what was read (the original body may be spent), for fetch to follow.
    redirect: () =>
      fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined && {
          body: typeof request.body === 'string' ? request.body : new Uint8Array(request.body),
        }),
        ...(request.signal ? { signal: request.signal } : {}),
      }),
  });
}) as typeof fetch;
