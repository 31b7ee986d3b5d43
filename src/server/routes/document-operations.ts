// GET /api/v1/documents/{id}/operations: the operations of an OpenAPI document of the library, for
// choosing what an integration guide explains (F14). The spec is read in a worker process.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { specOperations } from '../../guides/guide-spec.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';

export const specOperationView = z.object({
  key: z
    .string()
    .describe('How a brief names it in `guide.operations`: the operationId, or "METHOD /path" without one'),
  method: z.string().describe('GET, POST…'),
  path: z.string(),
  summary: z.string(),
  tag: z.string().describe('Its first tag, `default` without one'),
  deprecated: z.boolean(),
});

export const documentOperationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database } = app.runtime;
  app.get(
    '/:id/operations',
    {
      preHandler: requireAuth({ scope: 'documents:read' }),
      schema: {
        tags: ['knowledge'],
        summary: "An OpenAPI document's operations, for an integration guide",
        description:
          'The operations of an OpenAPI 3.0/3.1 or Swagger 2.0 document of the library, in the order the spec lists them. ' +
          '400 when the document is not an OpenAPI spec (another type, or JSON/YAML without operations).',
        security: securedBy,
        params: z.object({ id: z.uuid() }),
        response: {
          200: z.object({
            title: z.string().describe("The API's title (`info.title`)"),
            version: z.string().describe("The API's version (`info.version`)"),
            items: z.array(specOperationView),
            nextCursor: z.null(),
          }),
        },
      },
    },
    async (request) => {
      const listed = await specOperations(database, authOf(request).workspaceId, request.params.id);
      return { title: listed.title, version: listed.version, items: listed.operations, nextCursor: null };
    },
  );
};
