// One log line per request: request id, method, route template, status, duration. Headers are
// added only for server errors, and go through the logger's redaction (credentials removed).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The path without the secrets some paths carry: an invitation's token is its bearer's way in,
 * and whoever reads the logs must not be able to accept it.
 */
function loggedPath(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  const token = (request.params as { token?: unknown } | undefined)?.token;
  return typeof token === 'string' && token.length > 0 ? path.replace(token, '[token]') : path;
}

async function requestLog(app: FastifyInstance) {
  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    // request.log already binds `reqId`; repeating it here wrote the key twice in every JSON line.
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      path: loggedPath(request),
      status,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
      ...(status >= 500 ? { headers: request.headers } : {}),
    };
    // A 503 is the database or a dependency briefly away, answered with Retry-After: worth a
    // warning (the readiness check and its alert say more), not an error per request.
    if (status >= 500 && status !== 503) request.log.error(line, 'request failed');
    else if (status === 503) request.log.warn(line, 'request refused: unavailable');
    else request.log.info(line, 'request completed');
  });
}

export const requestLogPlugin = fp(requestLog, { name: 'blogsmith-request-log' });
