// GET /api/v1/llm/providers/{provider}/models: what a connected provider offers, so the settings
// page can offer a list to pick from (the provider's own listing, through the workspace's guard).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listProviderModels } from '../../llm/list-models.ts';
import { providerNames } from '../../llm/types.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { pageOf } from '../pagination.ts';

export const llmModelRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/providers/:provider/models',
    {
      preHandler: requireAuth({ role: 'admin', scope: 'settings:read' }),
      schema: {
        tags: ['llm'],
        summary:
          'The models a connected provider lists (409 when it is not connected or its server cannot be reached)',
        security: securedBy,
        params: z.object({ provider: z.enum(providerNames) }),
        response: {
          200: pageOf(
            z.object({
              id: z.string().describe('provider:model, as role settings take it'),
              kind: z.enum(['text', 'embedding']),
            }),
          ),
        },
      },
    },
    async (request) => {
      const resolved = await app.runtime.llm.resolved(authOf(request).workspaceId);
      const items = await listProviderModels(request.params.provider, resolved);
      return { items, nextCursor: null };
    },
  );
};
