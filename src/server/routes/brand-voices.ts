// Brand voices of the workspace: named guidelines a brief can point to with `brandVoiceId`.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createBrandVoice,
  deleteBrandVoice,
  listBrandVoices,
  maxBrandVoices,
  updateBrandVoice,
} from '../../articles/brand-voice-store.ts';
import { visibleText } from '../../input/text.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { pageOf } from '../pagination.ts';

const voiceView = z.object({ id: z.uuid(), name: z.string(), guidelines: z.string(), createdAt: z.date() });
const voiceBody = z.strictObject({
  name: visibleText(100),
  guidelines: visibleText(5000).describe(
    'How the brand writes: tone, vocabulary, do and don’t, in the brand’s own words.',
  ),
});
const idParams = z.object({ id: z.uuid() });

export const brandVoiceRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database } = app.runtime;
  const write = requireAuth({ role: 'editor', scope: 'articles:write' });

  app.post(
    '',
    {
      preHandler: write,
      schema: {
        tags: ['articles'],
        summary: 'Create a brand voice',
        description: `A workspace has at most ${maxBrandVoices} brand voices (409 past them).`,
        security: securedBy,
        body: voiceBody,
        response: { 201: voiceView },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createBrandVoice(database, authOf(request), request.body)),
  );

  app.get(
    '',
    {
      preHandler: requireAuth({ scope: 'articles:read' }),
      schema: {
        tags: ['articles'],
        summary: "The workspace's brand voices",
        security: securedBy,
        response: { 200: pageOf(voiceView) },
      },
    },
    async (request) => ({ items: await listBrandVoices(database, authOf(request)), nextCursor: null }),
  );

  app.patch(
    '/:id',
    {
      preHandler: write,
      schema: {
        tags: ['articles'],
        summary: 'Change a brand voice',
        security: securedBy,
        params: idParams,
        body: voiceBody.partial().refine((b) => Object.keys(b).length > 0, 'Send name or guidelines'),
        response: { 200: voiceView },
      },
    },
    async (request) => updateBrandVoice(database, authOf(request), request.params.id, request.body),
  );

  app.delete(
    '/:id',
    {
      preHandler: write,
      schema: {
        tags: ['articles'],
        summary: 'Delete a brand voice',
        security: securedBy,
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deleteBrandVoice(database, authOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
