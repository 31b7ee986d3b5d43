import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const checkStatus = z.enum(['ok', 'degraded', 'error']);
const check = z.object({ status: checkStatus }).catchall(z.unknown());
const readinessBody = z.object({
  status: checkStatus,
  checks: z.record(z.string(), check),
  /** `/health/db` only: the database check at the top, as the deployment guides read it (`.database.latency_ms`). */
  database: check.extend({ connected: z.boolean() }).optional(),
});

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  // Liveness touches nothing: a slow database must not get the process restarted.
  app.get(
    '/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness',
        response: { 200: z.object({ status: z.literal('ok'), uptime_s: z.number() }) },
      },
    },
    async () => ({ status: 'ok' as const, uptime_s: Math.round(process.uptime()) }),
  );

  // Readiness: 503 when a required dependency (the database) is down, 200 `degraded` when only
  // optional ones (Redis, pgvector, ...) are. `/health/db` is the same report under the name
  // the deployment guides use, with the database's check also at the top (`{"database":
  // {"connected": true, "latency_ms": …}}`, as they read it).
  for (const url of ['/health/ready', '/health/db']) {
    app.get(
      url,
      {
        schema: {
          tags: ['operations'],
          summary: url === '/health/ready' ? 'Readiness of every dependency' : 'Database readiness',
          response: { 200: readinessBody, 503: readinessBody },
        },
      },
      async (_request, reply) => {
        const report = await app.readiness.report();
        const database = report.checks.database;
        const body =
          url === '/health/db' && database
            ? { ...report, database: { ...database, connected: database.status !== 'error' } }
            : report;
        return reply.status(report.status === 'error' ? 503 : 200).send(body);
      },
    );
  }
};
