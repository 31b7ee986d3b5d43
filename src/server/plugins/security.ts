// Browser-facing protections: security headers (helmet), CORS allow-list, HTTPS redirect.
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';
import type { Config } from '../../config.ts';

type SecurityConfig = Pick<
  Config,
  'ALLOWED_ORIGINS' | 'HTTPS_REDIRECT_ENABLED' | 'SECURITY_HSTS_ENABLED' | 'PUBLIC_URL'
>;

// The web UI is a React SPA served from this origin and /docs is Swagger UI: both load only
// same-origin scripts; React and Swagger UI set inline style attributes, hence 'unsafe-inline'
// for styles only. No remote origins anywhere.
export function contentSecurityPolicy(config: SecurityConfig) {
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'connect-src': ["'self'"],
    'font-src': ["'self'", 'data:'],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'object-src': ["'none'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
  };
  // Upgrading sub-resources would break a plain-HTTP LAN install, so only when HTTPS is in force.
  if (config.HTTPS_REDIRECT_ENABLED || config.SECURITY_HSTS_ENABLED)
    directives['upgrade-insecure-requests'] = [];
  return directives;
}

// Probes and scrapers talk plain HTTP inside the cluster; redirecting them would fail them.
const redirectExempt = (path: string) =>
  path === '/metrics' || path === '/health' || path.startsWith('/health/');

const pathOf = (request: FastifyRequest) => request.url.split('?')[0] ?? '/';

/**
 * The headers helmet sets for this configuration, as [name, value] pairs. None of them depends on
 * the request (no CSP nonces), so they are worked out once here rather than by a helmet middleware
 * built and run on every request, which is what @fastify/helmet does.
 */
export function securityHeaders(config: SecurityConfig): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  const collect = {
    setHeader: (name: string, value: string) => headers.push([name, value]),
    removeHeader: () => {},
  } as unknown as ServerResponse;
  const middleware = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(config) },
    hsts: config.SECURITY_HSTS_ENABLED ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  middleware({} as IncomingMessage, collect, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}

async function security(app: FastifyInstance, config: SecurityConfig) {
  const headers = securityHeaders(config);
  // On the raw response, as helmet does, so replies written past Fastify (the hijacked event
  // stream) carry them too.
  // API answers are a signed-in member's own (articles, keys just made, members): never kept in a
  // shared computer's disk cache or by a proxy told to cache everything. A route that sets its own
  // Cache-Control replaces this one.
  app.addHook('onRequest', (request, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    if (request.url.startsWith('/api/')) reply.raw.setHeader('cache-control', 'no-store');
    done();
  });

  const allowed = new Set(config.ALLOWED_ORIGINS.filter((o) => o !== '*'));
  await app.register(cors, {
    // No list: no CORS headers at all, so browsers only allow same-origin calls. Origins are
    // echoed one by one (never `*`) because credentials (the session cookie) are allowed.
    origin:
      allowed.size === 0 ? false : (origin, cb) => cb(null, origin !== undefined && allowed.has(origin)),
    credentials: allowed.size > 0,
    // Every method a route answers: the plugin's default (GET, HEAD, POST) made browsers refuse to
    // send an edit (PATCH), a settings change (PUT) or a deletion.
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    // The response headers the API sends beyond those browsers always show (Content-Type,
    // Cache-Control…): a cross-origin page reads only the ones listed.
    exposedHeaders: [
      'x-request-id',
      'retry-after',
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
      // A new article's or copy's address, and whether POST /articles replayed an earlier answer.
      'location',
      'idempotent-replayed',
      // An export's file name and its count of instruction-like passages.
      'content-disposition',
      'x-instruction-flags',
    ],
  });

  if (config.HTTPS_REDIRECT_ENABLED) {
    const publicHost = config.PUBLIC_URL ? new URL(config.PUBLIC_URL).host : undefined;
    // request.protocol follows X-Forwarded-Proto only when TRUST_PROXY is on (Fastify trustProxy).
    app.addHook('onRequest', async (request, reply) => {
      if (request.protocol === 'https' || redirectExempt(pathOf(request))) return;
      const host = publicHost ?? request.host;
      const status = request.method === 'GET' || request.method === 'HEAD' ? 301 : 308;
      return reply.redirect(`https://${host}${request.url}`, status);
    });
  }
}

export const securityPlugin = fp(security, { name: 'blogsmith-security' });
