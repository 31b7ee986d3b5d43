import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAudit } from '../../accounts/audit.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { decodeCursor, pageFrom, pageQuery } from '../pagination.ts';

const entryView = z.object({
  id: z.uuid(),
  actorUserId: z.string().nullable(),
  actorApiKeyId: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  details: z.unknown(),
  createdAt: z.date(),
});

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '',
    {
      preHandler: requireAuth({ role: 'admin', scope: 'admin' }),
      schema: {
        tags: ['accounts'],
        summary: 'Security audit log of the current workspace, newest first',
        security: securedBy,
        querystring: pageQuery,
        response: { 200: z.object({ items: z.array(entryView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await listAudit(app.runtime.database, authOf(request).workspaceId, {
        limit,
        after: decodeCursor(cursor),
      });
      return pageFrom(rows, limit);
    },
  );
};
