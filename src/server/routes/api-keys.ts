import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { newApiKeyInput } from '../../accounts/account-input.ts';
import { maxApiKeysPerMember } from '../../accounts/api-key-store.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../accounts/api-keys.ts';
import { futureIsoDate } from '../../input/date.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { decodeCursor, pageFrom, pageQuery } from '../pagination.ts';
import { auditRequest } from '../request-audit.ts';

const apiKeyView = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  lastUsedAt: z.date().nullable(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  createdAt: z.date(),
});

export const apiKeyRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database } = app.runtime;

  app.post(
    '',
    {
      preHandler: requireAuth({ role: 'editor', scope: 'admin' }),
      schema: {
        tags: ['accounts'],
        summary: 'Create an API key; the key is in this response only',
        description: `A member holds at most ${maxApiKeysPerMember} usable (unrevoked, unexpired) keys in a workspace: 409 past them.`,
        security: securedBy,
        body: newApiKeyInput.extend({
          expiresAt: futureIsoDate
            .optional()
            .describe('When the key stops working: an ISO 8601 time in the future.'),
        }),
        response: { 201: z.object({ key: z.string(), apiKey: apiKeyView }) },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const created = await createApiKey(database, {
        workspaceId: auth.workspaceId,
        userId: auth.userId,
        name: request.body.name,
        scopes: request.body.scopes,
        expiresAt: request.body.expiresAt,
        // A session holds its role's scopes, an API key only its own: never more in the new key.
        creatorScopes: auth.scopes,
        ...(auth.apiKeyId && { creatorKey: { id: auth.apiKeyId, expiresAt: auth.apiKeyExpiresAt ?? null } }),
      });
      await auditRequest(request, 'api_key.created', created.apiKey.id, {
        name: created.apiKey.name,
        prefix: created.apiKey.prefix,
        scopes: created.apiKey.scopes,
      });
      return reply.status(201).send(created);
    },
  );

  app.get(
    '',
    {
      preHandler: requireAuth({ scope: 'settings:read' }),
      schema: {
        tags: ['accounts'],
        summary: "List the workspace's API keys (never the keys themselves)",
        security: securedBy,
        querystring: pageQuery,
        response: { 200: z.object({ items: z.array(apiKeyView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await listApiKeys(database, authOf(request), { limit, after: decodeCursor(cursor) });
      return pageFrom(rows, limit);
    },
  );

  app.delete(
    '/:id',
    {
      preHandler: requireAuth({ role: 'editor', scope: 'admin' }),
      schema: {
        tags: ['accounts'],
        summary: 'Revoke an API key',
        description:
          "Your own keys; an admin or owner may revoke other members' keys, but only an owner an owner's.",
        security: securedBy,
        params: z.object({ id: z.uuid() }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const revoked = await revokeApiKey(
        database,
        app.runtime.revocations,
        authOf(request),
        request.params.id,
      );
      await auditRequest(request, 'api_key.revoked', revoked.id);
      return reply.status(204).send(null);
    },
  );
};
