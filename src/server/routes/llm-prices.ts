// GET /api/v1/llm/prices: the price of each model the workspace's roles use (and of each model an
// admin priced), or null when none is known — so the app can say "price unknown" instead of a
// $0.00 (and warn that a budget refuses its calls). Admins set prices through PUT /llm/settings
// (`modelPrices`).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parseModelId } from '../../llm/model-id.ts';
import { createPriceBook } from '../../llm/prices.ts';
import { workspaceModelPrices } from '../../llm/settings.ts';
import { llmRoles } from '../../llm/types.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { pageOf } from '../pagination.ts';

type Role = (typeof llmRoles)[number];

export const llmPriceRoutes: FastifyPluginAsyncZod = async (app) => {
  const prices = createPriceBook(app.runtime.config.LLM_PRICES_JSON);
  app.get(
    '/prices',
    {
      // Members see what the models cost (editor, library, live article); a key needs settings:read
      // for it, as for the usage, whose costs per model say as much.
      preHandler: requireAuth({ scope: 'settings:read' }),
      schema: {
        tags: ['llm'],
        summary:
          'USD per 1M tokens of each model in use (null: no known price: its calls are left out of cost totals, and refused while the workspace has a monthly budget)',
        security: securedBy,
        response: {
          200: pageOf(
            z.object({
              model: z.string(),
              /** Empty for a model an admin priced that no role uses now. */
              roles: z.array(z.enum(llmRoles)),
              inputPerMillionUsd: z.number().nullable(),
              outputPerMillionUsd: z.number().nullable(),
              source: z
                .enum(['workspace', 'default'])
                .nullable()
                .describe("workspace: an admin's price; default: the built-in or server's; null: unknown"),
              pricedAs: z
                .string()
                .nullable()
                .describe(
                  'The id the price is listed under: the model itself, or its family for a dated snapshot or alias (`openai:gpt-4o-mini` for `openai:gpt-4o-mini-2024-07-18`); null: unknown',
                ),
            }),
          ),
        },
      },
    },
    async (request) => {
      const { workspaceId } = authOf(request);
      const [{ chains }, own] = await Promise.all([
        app.runtime.llm.resolved(workspaceId),
        workspaceModelPrices(app.runtime.database, workspaceId),
      ]);
      const byModel = new Map<string, { provider: string; model: string; roles: Role[] }>();
      for (const role of llmRoles)
        for (const ref of chains[role]) {
          const entry = byModel.get(ref.id) ?? { provider: ref.provider, model: ref.model, roles: [] };
          if (!entry.roles.includes(role)) entry.roles.push(role);
          byModel.set(ref.id, entry);
        }
      for (const id of Object.keys(own))
        if (!byModel.has(id)) byModel.set(id, { ...parseModelId(id), roles: [] });
      const items = [...byModel.entries()].map(([id, { provider, model, roles }]) => {
        const found = prices.lookup(provider, model, own);
        return {
          model: id,
          roles,
          inputPerMillionUsd: found?.price.input ?? null,
          outputPerMillionUsd: found?.price.output ?? null,
          source: found?.source ?? null,
          pricedAs: found?.pricedAs ?? null,
        };
      });
      return { items, nextCursor: null };
    },
  );
};
