// Request rate limits, per key holder when a valid API key is presented, otherwise per client IP. A
// key is verified before it names a budget: counting by whatever `Bearer` a client sends would let
// it mint a fresh budget per request with made-up keys. All of a user's keys share one budget, for
// the same reason: a member may create keys at will.
//
// Two classes, each with its own budget per minute:
//   general    — every route by default (RATE_LIMIT_GENERAL)
//   generation — routes that start LLM work opt in (RATE_LIMIT_GENERATION):
//                app.post('/api/v1/articles', { config: { rateLimitClass: 'generation' }, schema }, handler)
// Counters live in memory, or in Redis when REDIS_URL is set so every process shares one budget.
// If Redis fails, requests are let through (skipOnError) and /health/ready reports degraded.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiKeyVerifier } from '../../accounts/api-keys.ts';
import type { Runtime } from '../../runtime.ts';

export type RateLimitClass = 'general' | 'generation';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which rate-limit budget the route draws from; `general` when unset. */
    rateLimitClass?: RateLimitClass;
  }
}

// Probes, scrapers and the API docs must never be throttled.
export const isRateLimitExempt = (path: string) =>
  path === '/metrics' ||
  path === '/health' ||
  path.startsWith('/health/') ||
  path === '/docs' ||
  path.startsWith('/docs/');

const classOf = (request: FastifyRequest): RateLimitClass =>
  request.routeOptions.config.rateLimitClass === 'generation' ? 'generation' : 'general';

const bearerKey = /^Bearer\s+(bsk_\S+)$/i;

/** The caller's identity for counting: the holder of a verified API key, else the client address. */
export async function callerIdentity(request: FastifyRequest, verifier: ApiKeyVerifier): Promise<string> {
  const header = request.headers.authorization;
  const token = typeof header === 'string' ? bearerKey.exec(header)?.[1] : undefined;
  // Verification is cached per key; a database hiccup here just means counting by address.
  const key = token ? await verifier.verify(token).catch(() => null) : null;
  return key ? `user:${key.userId}` : `ip:${request.ip}`;
}

const rateLimitKey = async (request: FastifyRequest, verifier: ApiKeyVerifier): Promise<string> =>
  `${classOf(request)}:${await callerIdentity(request, verifier)}`;

async function rateLimits(app: FastifyInstance, runtime: Runtime) {
  const { config } = runtime;
  if (!config.RATE_LIMIT_ENABLED) return;
  const budgets: Record<RateLimitClass, number> = {
    general: config.RATE_LIMIT_GENERAL,
    generation: config.RATE_LIMIT_GENERATION,
  };
  await app.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    max: (request) => budgets[classOf(request)],
    keyGenerator: (request) => rateLimitKey(request, runtime.apiKeys),
    allowList: (request) => isRateLimitExempt(request.url.split('?')[0] ?? '/'),
    ...(runtime.redis ? { redis: runtime.redis, nameSpace: 'blogsmith:ratelimit:' } : {}),
    skipOnError: true,
    // The error handler turns any 429 into the one error shape; the plugin already set the headers.
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`Rate limit exceeded, retry in ${context.after}`), {
        statusCode: context.statusCode,
      }),
  });
  // Requests for unknown routes count too, so scanning the API is throttled like using it.
  const limitUnmatched = app.rateLimit();
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) await limitUnmatched.call(app, request, reply);
  });
}

export const rateLimitPlugin = fp(rateLimits, { name: 'blogsmith-rate-limit' });
