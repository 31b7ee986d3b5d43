import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describeModels } from '../../llm/describe.ts';
import { llmRoles, providerNames } from '../../llm/types.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';

const providersView = z.object({
  providers: z.array(
    z.object({
      name: z.enum(providerNames),
      configured: z.boolean(),
      source: z.enum(['environment', 'workspace']).nullable(),
      baseUrl: z.string().nullable(),
    }),
  ),
  roles: z.object(
    Object.fromEntries(llmRoles.map((r) => [r, z.array(z.string())])) as Record<
      (typeof llmRoles)[number],
      z.ZodArray<z.ZodString>
    >,
  ),
});

export const llmProviderRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/providers',
    {
      preHandler: requireAuth(),
      schema: {
        tags: ['llm'],
        summary: 'Configured LLM providers and the model chain of each role (never a credential)',
        security: securedBy,
        response: { 200: providersView },
      },
    },
    async (request) => describeModels(await app.runtime.llm.resolved(authOf(request).workspaceId)),
  );
};
