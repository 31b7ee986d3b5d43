import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isoDate, notBeforeYearOne } from '../../input/date.ts';
import { monthSpend, usageGroupings, usageSummary } from '../../llm/ledger-store.ts';
import { monthlyBudgetOf } from '../../llm/settings.ts';
import { workspaceStorage } from '../../storage/workspace-storage.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { pageOf } from '../pagination.ts';

const usageRow = z.object({
  key: z.string(),
  calls: z.number(),
  cacheHits: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cachedInputTokens: z.number(),
  costUsd: z.number(),
  unknownCostCalls: z.number(),
  estimatedCalls: z
    .number()
    .describe('Calls whose server reported no usage: their tokens were counted with a tokenizer'),
  reasoningTokens: z.number().describe('Output tokens spent on reasoning (part of outputTokens)'),
});

export const usageRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database, config } = app.runtime;

  app.get(
    '',
    {
      preHandler: requireAuth({ scope: 'settings:read' }),
      schema: {
        tags: ['usage'],
        summary:
          'LLM tokens and cost of the workspace, grouped by day, model, provider, purpose or member (user)',
        security: securedBy,
        querystring: z
          .object({
            from: isoDate.optional(),
            to: isoDate.optional(),
            groupBy: z.enum(usageGroupings).default('day'),
          })
          .refine((q) => !q.from || !q.to || q.from < q.to, {
            message: 'from must be before to',
            path: ['from'],
          }),
        response: {
          200: pageOf(usageRow).extend({
            from: z.date(),
            to: z.date(),
            groupBy: z.enum(usageGroupings),
          }),
        },
      },
    },
    async (request) => {
      const to = request.query.to ?? new Date();
      const from = request.query.from ?? notBeforeYearOne(new Date(to.getTime() - 30 * 24 * 3600_000));
      const items = await usageSummary(database, authOf(request).workspaceId, {
        from,
        to,
        groupBy: request.query.groupBy,
      });
      return { from, to, groupBy: request.query.groupBy, items, nextCursor: null };
    },
  );

  app.get(
    '/storage',
    {
      preHandler: requireAuth({ scope: 'settings:read' }),
      schema: {
        tags: ['usage'],
        summary: 'What the workspace stores against WORKSPACE_STORAGE_MB, in bytes',
        description:
          'Documents count their files as uploaded or fetched; articles their Markdown and HTML, and the Markdown ' +
          'of every kept version; evaluation reports their JSON. A write that would pass `limitBytes` is refused with 413 ' +
          '`storage_full`; deleting frees its size.',
        security: securedBy,
        response: {
          200: z.object({
            usedBytes: z.number().int(),
            limitBytes: z.number().int(),
            documentBytes: z.number().int(),
            articleBytes: z.number().int(),
            evalReportBytes: z.number().int(),
          }),
        },
      },
    },
    async (request) => workspaceStorage(database, config, authOf(request).workspaceId),
  );

  app.get(
    '/summary',
    {
      preHandler: requireAuth({ scope: 'settings:read' }),
      schema: {
        tags: ['usage'],
        summary: "This month's LLM spend against the monthly budget",
        security: securedBy,
        response: {
          200: z.object({
            monthStart: z.date(),
            spentUsd: z.number(),
            budgetUsd: z.number().nullable(),
            usedFraction: z.number().nullable(),
          }),
        },
      },
    },
    async (request) => {
      const { from, costUsd } = await monthSpend(database, authOf(request).workspaceId);
      const budget =
        (await monthlyBudgetOf(database, authOf(request).workspaceId, config.LLM_MONTHLY_BUDGET_USD)) ?? null;
      return {
        monthStart: from,
        spentUsd: costUsd,
        budgetUsd: budget,
        usedFraction: budget && Number.isFinite(costUsd / budget) ? costUsd / budget : null,
      };
    },
  );
};
