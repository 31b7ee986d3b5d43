import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../../accounts/audit.ts';
import { AppError } from '../../errors.ts';
import { httpUrl } from '../../input/http-url.ts';
import { storableTextProblem, text } from '../../input/text.ts';
import { assertBaseUrlsAllowed, llmAllowHosts } from '../../llm/base-url-policy.ts';
import { modelIdProblem } from '../../llm/model-id.ts';
import { maxModelPrices, modelPriceSchema } from '../../llm/model-prices.ts';
import { unconnectedRoleModels } from '../../llm/role-model-check.ts';
import {
  applySettingsPatch,
  getWorkspaceLlmSettings,
  settingsChanges,
  settingsView,
  updateWorkspaceLlmSettings,
} from '../../llm/settings.ts';
import { llmRoles, providerNames } from '../../llm/types.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';

const modelId = z
  .string()
  .max(200)
  .superRefine((v, ctx) => {
    const problem = storableTextProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .superRefine((v, ctx) => {
    const problem = modelIdProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const roleModelsShape = Object.fromEntries(llmRoles.map((r) => [r, modelId.optional()])) as Record<
  (typeof llmRoles)[number],
  z.ZodOptional<typeof modelId>
>;

const credentialsView = z.object({
  apiKeySet: z.boolean(),
  baseUrl: z.string().nullable(),
  unreadable: z
    .array(z.enum(['apiKey', 'baseUrl']))
    .describe(
      "Stored values this server's SECRET_KEY cannot open (sealed with another key, e.g. a backup restored without its secret key): calls to the provider fail until they are entered again or the original key is back",
    ),
});
const settingsResponse = z.object({
  credentials: z.partialRecord(z.enum(providerNames), credentialsView),
  roleModels: z.object(roleModelsShape),
  monthlyBudgetUsd: z.number().nullable(),
  modelPrices: z
    .record(z.string(), modelPriceSchema)
    .describe('USD per 1M tokens an admin entered, by provider:model; wins over the built-in prices'),
});

// In a PUT, an omitted field keeps its value, null clears it.
const credentialsInput = z.object({
  apiKey: text({ max: 500, min: 1, trim: false }).nullable().optional(),
  baseUrl: httpUrl(500).nullable().optional(),
});
const settingsInput = z.object({
  credentials: z.partialRecord(z.enum(providerNames), credentialsInput).optional(),
  roleModels: z
    .object(Object.fromEntries(llmRoles.map((r) => [r, modelId.nullable().optional()])))
    .optional(),
  // At least a cent: a budget of 5e-324 USD made this month's used fraction Infinity.
  monthlyBudgetUsd: z.number().min(0.01).max(1_000_000).nullable().optional(),
  modelPrices: z
    .record(modelId, modelPriceSchema.nullable())
    .refine((p) => Object.keys(p).length <= maxModelPrices, `at most ${maxModelPrices} models at once`)
    .optional()
    .describe('USD per 1M tokens (input, output) by provider:model; null removes the price'),
});

export const llmSettingsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database, secretKey } = app.runtime;

  app.get(
    '/settings',
    {
      preHandler: requireAuth({ role: 'admin', scope: 'settings:read' }),
      schema: {
        tags: ['llm'],
        summary: 'LLM settings of the workspace (whether provider keys are set, never the keys)',
        security: securedBy,
        response: { 200: settingsResponse },
      },
    },
    async (request) => {
      const { workspaceId } = authOf(request);
      return settingsView(await getWorkspaceLlmSettings(database, secretKey, workspaceId));
    },
  );

  app.put(
    '/settings',
    {
      preHandler: requireAuth({ role: 'admin', scope: 'settings:write' }),
      schema: {
        tags: ['llm'],
        summary:
          'Change provider credentials, role models, the monthly budget or model prices (omitted keeps, null clears)',
        security: securedBy,
        body: settingsInput,
        response: { 200: settingsResponse },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const { workspaceId } = auth;
      await assertBaseUrlsAllowed(request.body.credentials ?? {}, llmAllowHosts(app.runtime.config));
      const environment = (await app.runtime.llm.resolved()).configured;
      // Applied to the settings as they are when written, not as read here: a change sent at the
      // same moment is kept.
      const { before: current, after: next } = await updateWorkspaceLlmSettings(
        database,
        secretKey,
        workspaceId,
        (stored) => {
          const changed = applySettingsPatch(stored, request.body);
          const issues = unconnectedRoleModels(request.body.roleModels ?? {}, changed, environment);
          if (issues.length > 0)
            throw new AppError('validation_error', 'A model needs a connected provider', issues);
          if (Object.keys(changed.modelPrices).length > maxModelPrices)
            throw new AppError('validation_error', `A workspace can price at most ${maxModelPrices} models`, [
              { path: 'modelPrices', message: 'remove the prices of models no longer in use first' },
            ]);
          return changed;
        },
      );
      app.runtime.llm.invalidateWorkspace(workspaceId);
      const changes = settingsChanges(current, next);
      if (Object.keys(changes).length > 0)
        await audit(database, {
          workspaceId,
          actorUserId: auth.userId,
          actorApiKeyId: auth.apiKeyId,
          action: 'llm_settings.updated',
          ip: request.ip,
          requestId: request.id,
          details: changes,
        });
      return settingsView(next);
    },
  );
};
