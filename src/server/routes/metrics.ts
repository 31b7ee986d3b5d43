import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { metricsRegistry } from '../../observability/metrics.ts';

export const metricsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (text exposition format)',
        response: { 200: z.string() },
      },
    },
    async (_request, reply) => {
      const text = await metricsRegistry.metrics();
      return reply.type(metricsRegistry.contentType).send(text);
    },
  );
};
