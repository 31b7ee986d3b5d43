// GET /api/v1/llm/prices: the price of each model the workspace's roles use, or null when none is
// known — so the app can say "price unknown" instead of a $0.00 that a budget never counts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createPriceBook } from '../../llm/prices.ts';
import { llmRoles } from '../../llm/types.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { pageOf } from '../pagination.ts';

export const llmPriceRoutes: FastifyPluginAsyncZod = async (app) => {
  const prices = createPriceBook(app.runtime.config.LLM_PRICES_JSON);
  app.get(
    '/prices',
    {
      preHandler: requireAuth(),
      schema: {
        tags: ['llm'],
        summary: 'USD per 1M tokens of each model in use (null: no known price, its calls cost $0 in totals)',
        security: securedBy,
        response: {
          200: pageOf(
            z.object({
              model: z.string(),
              roles: z.array(z.enum(llmRoles)),
              inputPerMillionUsd: z.number().nullable(),
              outputPerMillionUsd: z.number().nullable(),
            }),
          ),
        },
      },
    },
    async (request) => {
      const { chains } = await app.runtime.llm.resolved(authOf(request).workspaceId);
      const byModel = new Map<
        string,
        { ref: (typeof chains.writer)[number]; roles: Array<(typeof llmRoles)[number]> }
      >();
      for (const role of llmRoles)
        for (const ref of chains[role]) {
          const entry = byModel.get(ref.id) ?? { ref, roles: [] };
          if (!entry.roles.includes(role)) entry.roles.push(role);
          byModel.set(ref.id, entry);
        }
      const items = [...byModel.values()].map(({ ref, roles }) => {
        const price = prices.priceOf(ref.provider, ref.model);
        return {
          model: ref.id,
          roles,
          inputPerMillionUsd: price?.input ?? null,
          outputPerMillionUsd: price?.output ?? null,
        };
      });
      return { items, nextCursor: null };
    },
  );
};
