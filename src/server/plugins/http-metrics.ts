// Counts and times every HTTP response under its route template (`/api/v1/articles/:id`);
// requests that matched no route share the `unmatched` label so scanners cannot blow up
// the label set.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { httpRequestDuration, httpRequestsTotal } from '../../observability/metrics.ts';

export const unmatchedRoute = 'unmatched';

async function httpMetrics(app: FastifyInstance) {
  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: request.method,
      // routeOptions.url is undefined when the not-found handler answered.
      route: request.is404 ? unmatchedRoute : (request.routeOptions.url ?? unmatchedRoute),
      status: String(reply.statusCode),
    };
    httpRequestsTotal.inc(labels);
    httpRequestDuration.observe(labels, reply.elapsedTime / 1000);
  });
}

export const httpMetricsPlugin = fp(httpMetrics, { name: 'blogsmith-http-metrics' });
