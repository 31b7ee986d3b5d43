// One log line per request: request id, method, route template, status, duration. Headers are
// added only for server errors, and go through the logger's redaction (credentials removed).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

async function requestLog(app: FastifyInstance) {
  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    // request.log already binds `reqId`; repeating it here wrote the key twice in every JSON line.
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      path: request.url.split('?')[0],
      status,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
      ...(status >= 500 ? { headers: request.headers } : {}),
    };
    if (status >= 500) request.log.error(line, 'request failed');
    else request.log.info(line, 'request completed');
  });
}

export const requestLogPlugin = fp(requestLog, { name: 'blogsmith-request-log' });
