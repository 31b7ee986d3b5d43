// How the clients of the operator's own model servers (URLs from the environment, trusted) send
// their requests: fetch's contract on node:http(s) keep-alive agents (src/http-fetch.ts), so a burst
// of requests leaves together. A redirect is left to the global fetch, which follows it as before.
// Workspace-chosen servers use the SSRF-guarded fetch instead (security/ssrf/guarded-fetch.ts).
import http from 'node:http';
import https from 'node:https';
import { httpFetch, plainRequest } from '../http-fetch.ts';

// Node reads it once at start-up too: a proxy from the environment is the global fetch's to honour.
const envProxy = Boolean(process.env.NODE_USE_ENV_PROXY);

const agents = {
  http: new http.Agent({ keepAlive: true }),
  https: new https.Agent({ keepAlive: true }),
};

export const providerFetch = (async (input: string | URL | Request, init?: RequestInit) => {
  const request = await plainRequest(input, init);
  const { protocol } = request.url;
  if ((protocol !== 'http:' && protocol !== 'https:') || envProxy) return fetch(input, init);
  return httpFetch(request, {
    agent: protocol === 'https:' ? agents.https : agents.http,
    redirect: () => fetch(input, init),
  });
}) as typeof fetch;
