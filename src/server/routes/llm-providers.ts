import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { atLeast } from '../../accounts/roles.ts';
import { describeModels } from '../../llm/describe.ts';
import { llmRoles, providerNames } from '../../llm/types.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';

const providersView = z.object({
  providers: z.array(
    z.object({
      name: z.enum(providerNames),
      configured: z.boolean(),
      source: z.enum(['environment', 'workspace']).nullable(),
      baseUrl: z
        .string()
        .nullable()
        .describe("The provider's custom endpoint; null for its default, and for callers below admin"),
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
      // Members see which models the workspace writes with (Settings, the dashboard, a new article);
      // a key needs settings:read for it, like the usage and prices.
      preHandler: requireAuth({ scope: 'settings:read' }),
      schema: {
        tags: ['llm'],
        summary: 'Configured LLM providers and the model chain of each role (never a credential)',
        security: securedBy,
        response: { 200: providersView },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const view = describeModels(await app.runtime.llm.resolved(auth.workspaceId));
      if (atLeast(auth.role, 'admin')) return view;
      // Where the workspace's model servers are (often inside its network) is for admins, who
      // read it with the rest of the settings (GET /llm/settings).
      return { ...view, providers: view.providers.map((p) => ({ ...p, baseUrl: null })) };
    },
  );
};
