// POST /api/v1/articles/estimate: what generating this brief would cost and take, before Generate.
// Calls no model, creates nothing; a bad brief is refused the way POST /articles refuses it.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { estimateRoles } from '../../articles/estimate.ts';
import { estimateForWorkspace } from '../../articles/estimate-service.ts';
import { createPriceBook } from '../../llm/prices.ts';
import { articleBriefSchema } from '../../writing/brief.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';

const range = z.object({ low: z.number(), high: z.number() });

export const articleEstimateView = z.object({
  basis: z
    .enum(['history', 'rough'])
    .describe("history: measured on this workspace's finished articles; rough: a first-guess formula"),
  articlesUsed: z
    .number()
    .int()
    .describe('Finished articles the history basis was measured on (0 for rough)'),
  steps: z.number().int().describe('Pipeline steps the article would run'),
  inputTokens: range,
  outputTokens: range,
  minutes: range.describe('Wall-clock minutes, whole'),
  costUsd: range.nullable().describe('null when a role model has no known price (never a guessed $0)'),
  priceUnknown: z.boolean(),
  roles: z.array(
    z.object({
      role: z.enum(estimateRoles),
      model: z.string().nullable().describe('`provider:model`; null when no model serves the role'),
      inputTokens: range,
      outputTokens: range,
      costUsd: range.nullable(),
      priceUnknown: z.boolean(),
    }),
  ),
});

export const articleEstimateRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database, llm, config } = app.runtime;
  const prices = createPriceBook(config.LLM_PRICES_JSON);
  app.post(
    '/estimate',
    {
      // Whoever may start an article may ask what it costs.
      preHandler: requireAuth({ role: 'editor', scope: 'articles:write' }),
      schema: {
        tags: ['articles'],
        summary: 'Estimate the cost and time of generating an article from a brief',
        description:
          'A range (low–high) of tokens, USD and minutes, measured on the workspace’s own finished articles when ' +
          'it has some (`basis: history`), else a first-guess formula (`basis: rough`). Calls no model and ' +
          'creates nothing. The brief is validated as POST /articles validates it (400 with field paths).',
        security: securedBy,
        body: articleBriefSchema,
        response: { 200: articleEstimateView },
      },
    },
    async (request) => {
      const { workspaceId } = authOf(request);
      return estimateForWorkspace({ database, llm, prices }, workspaceId, request.body);
    },
  );
};
