// Cross-site request forgery defence for the session cookie. SameSite=Lax alone lets a foreign page
// send a form or `text/plain` POST with the cookie from an old browser or a sibling subdomain, so a
// cookie-authenticated request that changes state (POST/PUT/PATCH/DELETE) or opens a WebSocket must
// show it comes from this site: an `Origin` of this server (PUBLIC_URL, the request's own origin, or
// one of ALLOWED_ORIGINS), or `Sec-Fetch-Site: same-origin`. Browsers set both headers themselves and
// pages cannot forge them. Requests with an `Authorization` header do not use the cookie (auth.ts
// prefers the header), so API clients are unaffected.
import { fastifyCookie } from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';
import { AppError } from '../../errors.ts';
import { sessionCookie } from '../auth.ts';

type OriginConfig = Pick<Config, 'ALLOWED_ORIGINS' | 'PUBLIC_URL'>;

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function normalised(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the browser request comes from a page of this server. `request.protocol` and `request.host`
 * follow X-Forwarded-* only when TRUST_PROXY is on (Fastify's trustProxy).
 */
export function isSameSite(request: FastifyRequest, config: OriginConfig): boolean {
  if (request.headers['sec-fetch-site'] === 'same-origin') return true;
  const given = request.headers.origin;
  if (typeof given !== 'string') return false;
  const origin = normalised(given);
  if (!origin) return false;
  const trusted = [
    `${request.protocol}://${request.host}`,
    ...(config.PUBLIC_URL ? [config.PUBLIC_URL] : []),
    ...config.ALLOWED_ORIGINS.filter((o) => o !== '*'),
  ];
  return trusted.some((t) => normalised(t) === origin);
}

/**
 * Whether the request would be authenticated by the session cookie (no Authorization header). Read
 * as sign-in reads it, from the parsed cookies: a pattern on the raw header missed forms the parser
 * accepts (`blogsmith_session =…`), and such a request went through unchecked yet signed in.
 */
export function usesSessionCookie(request: FastifyRequest): boolean {
  if (request.headers.authorization) return false;
  // Parsed by @fastify/cookie's onRequest hook; parsed here alike where it did not run.
  const header = request.headers.cookie;
  const cookies = request.cookies ?? (typeof header === 'string' ? fastifyCookie.parse(header) : {});
  return cookies[sessionCookie] !== undefined;
}

const isWebSocketHandshake = (request: FastifyRequest) =>
  request.method === 'GET' && String(request.headers.upgrade ?? '').toLowerCase() === 'websocket';

async function csrf(app: FastifyInstance, config: OriginConfig) {
  // preParsing: before any body is read, but after every onRequest hook (the WebSocket plugin's
  // marks a handshake so that a refused one has its socket closed).
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (!unsafeMethods.has(request.method) && !isWebSocketHandshake(request)) return payload;
    if (!usesSessionCookie(request) || isSameSite(request, config)) return payload;
    throw new AppError(
      'forbidden',
      'Cross-site request refused: a request signed in with the session cookie must come from this site (Origin)',
    );
  });
}

export const csrfPlugin = fp(csrf, { name: 'blogsmith-csrf' });
