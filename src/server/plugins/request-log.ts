// One log line per request: request id, method, route template, status, duration. Headers are
// added only for server errors, and go through the logger's redaction (credentials removed).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The path without the secrets some paths carry: an invitation's token (the API's
 * `/api/v1/invitations/<token>` and the web app's `/invite/<token>` link) is its bearer's way in,
 * and whoever reads the logs must not be able to accept it.
 */
const loggedPath = (url: string) =>
  (url.split('?')[0] ?? '').replace(/^((?:\/api\/v1)?\/invit(?:e|ations)\/)[^/]+/, '$1[token]');

async function requestLog(app: FastifyInstance) {
  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    // request.log already binds `reqId`; repeating it here wrote the key twice in every JSON line.
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      path: loggedPath(request.url),
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
