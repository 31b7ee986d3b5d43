// POST /api/v1/llm/check: the web app's "Test" button — `blogsmith models check` for this
// workspace's resolved models (its own credentials included): one tiny real call per model.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { vectorColumnDimensions } from '../../knowledge/vector-setup.ts';
import { probeModels } from '../../llm/probe.ts';
import { outputRungs } from '../../llm/types.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { pageOf } from '../pagination.ts';

export const llmCheckRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/check',
    {
      preHandler: requireAuth({ role: 'admin', scope: 'settings:write' }),
      // Real provider calls: drawn from the generation budget like other LLM-spending routes.
      config: { rateLimitClass: 'generation' },
      schema: {
        tags: ['llm'],
        summary: 'Make one tiny real call per model of the workspace and report latency or the exact error',
        security: securedBy,
        response: {
          200: pageOf(
            z.object({
              model: z.string(),
              kind: z.enum(['text', 'embedding']),
              ok: z.boolean(),
              latencyMs: z.number(),
              error: z.string().optional(),
              structuredOutput: z
                .enum(outputRungs)
                .nullable()
                .optional()
                .describe('Text models: the best structured-output rung that gave valid JSON (null: none)'),
            }),
          ),
        },
      },
    },
    async (request) => {
      const resolved = await app.runtime.llm.resolved(authOf(request).workspaceId);
      const column = await vectorColumnDimensions(app.runtime.database);
      const items = await probeModels(resolved, {
        timeoutMs: app.runtime.config.LLM_TIMEOUT_SECONDS * 1000,
        embeddingDimensions: column ?? app.runtime.config.EMBEDDING_DIMENSIONS,
      });
      return { items, nextCursor: null };
    },
  );
};
