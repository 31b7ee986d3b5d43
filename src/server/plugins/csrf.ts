// Cross-site request forgery defence for the session cookie. SameSite=Lax alone lets a foreign page
// send a form or `text/plain` POST with the cookie from an old browser or a sibling subdomain, so a
// cookie-authenticated request that changes state (POST/PUT/PATCH/DELETE) or opens a WebSocket must
// show it comes from this site: an `Origin` of this server (PUBLIC_URL, the request's own origin, or
// one of ALLOWED_ORIGINS), or `Sec-Fetch-Site: same-origin`. Browsers set both headers themselves and
// pages cannot forge them. Requests with an `Authorization` header do not use the cookie (auth.ts
// prefers the header), so API clients are unaffected.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';
import { AppError } from '../../errors.ts';

type OriginConfig = Pick<Config, 'ALLOWED_ORIGINS' | 'PUBLIC_URL'>;

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const sessionCookiePattern = /(?:^|;\s*)blogsmith_session=/;

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

/** Whether the request would be authenticated by the session cookie (no Authorization header). */
export function usesSessionCookie(request: FastifyRequest): boolean {
  const cookie = request.headers.cookie;
  return !request.headers.authorization && typeof cookie === 'string' && sessionCookiePattern.test(cookie);
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
