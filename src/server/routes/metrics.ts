import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { metricsRegistry } from '../../observability/metrics.ts';
import { metricsScrapeAllowed } from '../../observability/metrics-access.ts';

export const metricsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (text exposition format); Bearer METRICS_TOKEN when one is set',
        produces: ['text/plain'],
        response: {
          200: {
            description: 'The Prometheus text exposition format (`text/plain; version=0.0.4`)',
            content: { 'text/plain': { schema: z.string() } },
          },
        },
      },
    },
    async (request, reply) => {
      if (!metricsScrapeAllowed(request.headers.authorization, app.runtime.config.METRICS_TOKEN)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new AppError('unauthenticated', 'Metrics need Authorization: Bearer <METRICS_TOKEN>');
      }
      const text = await metricsRegistry.metrics();
      return reply.type(metricsRegistry.contentType).send(text);
    },
  );
};
